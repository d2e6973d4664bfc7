"""Asking for a run of a queue-draining task (message sending, webhook delivery) without
piling up runs: the services that fill a queue ask once per transaction, after it commits,
and only when no run is waiting already."""

from collections.abc import Callable

from django.db import transaction
from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def task_runs_count(task: Task, *statuses: str) -> int | None:
    """How many runs of `task` are in one of `statuses` (None: the backend cannot tell)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=task.module_path, status__in=statuses).count()


def on_commit_once(callback: Callable[[], None]) -> None:
    """`callback` after the current transaction commits, once however often it is asked for
    in that transaction (it must be the same function object every time)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is callback for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(callback)
