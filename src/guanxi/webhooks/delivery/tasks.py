"""The delivery task (INTG-3): the outbox is sent on the task worker, never in a request.

`event_fire` asks for a run once its transaction commits (one per transaction, none while
one is waiting); the scheduler starts one every minute for retries whose back-off is over."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.core.task_runs import on_commit_once, task_runs_count
from guanxi.webhooks.delivery.sending import deliveries_due_count, deliveries_send_due


@cron("* * * * *")
@task
def deliver_webhooks() -> dict[str, int]:
    run = deliveries_send_due()
    if run.delivered + run.retried + run.failed and deliveries_due_count(cap=1):
        _enqueue_unless_waiting()  # stopped at its time limit: the next run goes on
    return run.as_dict()


def _enqueue_unless_waiting() -> None:
    if not task_runs_count(deliver_webhooks, "READY"):
        deliver_webhooks.enqueue()


def deliveries_send_soon() -> None:
    """A delivery run after the current transaction commits (once per transaction)."""
    on_commit_once(_enqueue_unless_waiting)
