"""The send task (CARE-4): queued messages go out on the task worker, never in a request.

`message_queue` asks for a run after its transaction commits (one per transaction, and none
while one is waiting); the scheduler starts one every minute for deferred messages whose
time came and retries whose back-off is over. A run that finds a long queue starts a second
one beside it (up to GUANXI_MESSAGE_SENDERS), so every worker helps."""

from crontask import cron
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from guanxi.care.messages.sending import CLAIM_BATCH, messages_due_count, messages_send_due


@cron("* * * * *")
@task
def send_due_messages() -> dict[str, int]:
    _senders_add()
    run = messages_send_due()
    # a run that stopped at its time limit hands on to the next
    if run.sent and messages_due_count(cap=1):
        _enqueue_unless_waiting()
    return run.as_dict()


def _senders(*statuses: str) -> int | None:
    """How many send runs are waiting or running (None: the backend cannot tell)."""
    if not isinstance(send_due_messages.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(
        task_path=send_due_messages.module_path, status__in=statuses
    ).count()


def _enqueue_unless_waiting() -> None:
    if not _senders("READY"):
        send_due_messages.enqueue()


def _senders_add() -> None:
    running = _senders("READY", "RUNNING")
    if running is None or running >= settings.GUANXI_MESSAGE_SENDERS:
        return
    if messages_due_count(cap=CLAIM_BATCH + 1) > CLAIM_BATCH:
        send_due_messages.enqueue()


def messages_send_soon() -> None:
    """A send run after the current transaction commits (once per transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _enqueue_unless_waiting for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_unless_waiting)
