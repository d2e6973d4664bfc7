"""Tasks left RUNNING by a dead worker are queued again, then failed visibly (issue 11 §5)."""

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guanxi.core.task_recovery import FOREIGN_RUNNING_LIMIT, tasks_recover_lost

HOST = socket.gethostname()[:40]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running(worker_ids: list[str], *, started: dt.datetime | None = None) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="guanxi.core.tasks.recover_lost_tasks",
        backend_name="default",
        queue_name="default",
        run_after=now,
        started_at=started or now,
        worker_ids=worker_ids,
    )


@pytest.mark.django_db
def test_a_task_of_a_dead_local_worker_is_queued_again():
    task = _running([f"{HOST}:{_dead_pid()}:abc"])
    assert tasks_recover_lost().requeued == 1
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.started_at is None


@pytest.mark.django_db
def test_a_task_whose_worker_lives_is_left_alone():
    task = _running([f"{HOST}:{os.getppid()}:abc"])
    result = tasks_recover_lost()
    assert (result.requeued, result.failed) == (0, 0)
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
def test_after_three_lost_workers_the_task_fails_visibly():
    dead = _dead_pid()
    task = _running([f"{HOST}:{dead}:a", f"{HOST}:{dead}:b", f"{HOST}:{dead}:c"])
    assert tasks_recover_lost().failed == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "guanxi.core.task_recovery.WorkerLost"


@pytest.mark.django_db
def test_a_foreign_worker_counts_as_lost_only_after_the_limit():
    recent = _running(["other-host:123:abc"])
    old = _running(
        ["other-host:123:def"], started=timezone.now() - FOREIGN_RUNNING_LIMIT - dt.timedelta(1)
    )
    assert tasks_recover_lost().requeued == 1
    recent.refresh_from_db()
    old.refresh_from_db()
    assert (recent.status, old.status) == ("RUNNING", "READY")
