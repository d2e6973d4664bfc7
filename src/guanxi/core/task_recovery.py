"""Tasks whose worker died: found and put right instead of staying RUNNING forever.

A worker names itself `<host>:<pid>:<random>` (`guanxi worker`). A RUNNING task whose last
worker is on this host and whose process is gone was interrupted (killed -9, out of memory,
machine restart); one on another host is judged by age. Such a task is queued again — every
task is written to be run again without doing anything twice — until it has been tried
MAX_ATTEMPTS times; then it is marked FAILED with `WorkerLost`, visibly.
"""

import datetime as dt
import os
import socket
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

MAX_ATTEMPTS = 3
# A task on another machine may run this long before it counts as lost (the longest job, a
# bulk import or the nightly recycling, runs minutes).
FOREIGN_RUNNING_LIMIT = dt.timedelta(hours=6)


class WorkerLost(Exception):
    """The worker running the task ended before the task did."""


@dataclass(frozen=True)
class RecoveryResult:
    requeued: int
    failed: int


def worker_host() -> str:
    return socket.gethostname()[:40]


def worker_id_new() -> str:
    return f"{worker_host()}:{os.getpid()}:{get_random_string(8)}"


_worker_tag: tuple[int, str] | None = None


def worker_tag() -> str:
    """`<host>:<pid>:<random>` of this process (a fresh one after a fork): the tag the
    queues that claim their rows (messages, webhook deliveries) write into their claims."""
    global _worker_tag
    if _worker_tag is None or _worker_tag[0] != os.getpid():
        _worker_tag = (os.getpid(), worker_id_new())
    return _worker_tag[1]


def local_worker_pid(worker: str, *, host: str) -> int | None:
    """The process id in a worker's name if that worker runs on `host`, else None: whether
    it is gone can only be told on its own machine."""
    parts = worker.split(":")
    if len(parts) == 3 and parts[0] == host and parts[1].isdecimal():
        return int(parts[1])
    return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_lost(result: DBTaskResult, *, host: str, now: dt.datetime) -> bool:
    pid = local_worker_pid(result.worker_ids[-1] if result.worker_ids else "", host=host)
    if pid is not None:
        return pid != os.getpid() and not process_alive(pid)
    started = result.started_at or result.enqueued_at
    return started < now - FOREIGN_RUNNING_LIMIT


def tasks_recover_lost() -> RecoveryResult:
    host = worker_host()
    now = timezone.now()
    requeued = failed = 0
    running = DBTaskResult.objects.filter(status="RUNNING").only(
        "id", "worker_ids", "started_at", "enqueued_at"
    )
    for candidate in running:
        if not _is_lost(candidate, host=host, now=now):
            continue
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update().filter(pk=candidate.pk, status="RUNNING")
            ).first()
            if result is None or not _is_lost(result, host=host, now=now):
                continue  # finished or re-claimed meanwhile
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                result.set_failed(
                    WorkerLost(f"the worker {result.worker_ids[-1]} ended during the task")
                )
                failed += 1
            else:
                result.status = "READY"
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    return RecoveryResult(requeued=requeued, failed=failed)
