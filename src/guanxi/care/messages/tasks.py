"""The send task (CARE-4): queued messages go out on the task worker, never in a request.

`message_queue` asks for a run after its transaction commits (one per transaction, and none
while one is waiting); the scheduler starts one every minute for deferred messages whose
time came and retries whose back-off is over. A run that finds a long queue starts a second
one beside it (up to GUANXI_MESSAGE_SENDERS), so every worker helps."""

from django.conf import settings
from django.tasks import task

from guanxi.care.messages.sending import CLAIM_BATCH, messages_due_count, messages_send_due
from guanxi.core.schedule import cron
from guanxi.core.task_runs import on_commit_once, task_runs_count


@cron("* * * * *")
@task
def send_due_messages() -> dict[str, int]:
    _senders_add()
    run = messages_send_due()
    # a run that stopped at its time limit hands on to the next
    if run.sent and messages_due_count(cap=1):
        _enqueue_unless_waiting()
    return run.as_dict()


def _enqueue_unless_waiting() -> None:
    if not task_runs_count(send_due_messages, "READY"):
        send_due_messages.enqueue()


def _senders_add() -> None:
    running = task_runs_count(send_due_messages, "READY", "RUNNING")
    if running is None or running >= settings.GUANXI_MESSAGE_SENDERS:
        return
    if messages_due_count(cap=CLAIM_BATCH + 1) > CLAIM_BATCH:
        send_due_messages.enqueue()


def messages_send_soon() -> None:
    """A send run after the current transaction commits (once per transaction)."""
    on_commit_once(_enqueue_unless_waiting)
