"""The delivery task (INTG-3): the outbox is sent on the task worker, never in a request.

`event_fire` asks for a run once its transaction commits (one per transaction, none while
one is waiting); the scheduler starts one every minute for retries whose back-off is over."""

from crontask import cron
from django.db import transaction
from django.tasks import task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from guanxi.webhooks.delivery.sending import deliveries_due_count, deliveries_send_due


@cron("* * * * *")
@task
def deliver_webhooks() -> dict[str, int]:
    run = deliveries_send_due()
    if run.delivered + run.retried + run.failed and deliveries_due_count(cap=1):
        _enqueue_unless_waiting()  # stopped at its time limit: the next run goes on
    return run.as_dict()


def _enqueue_unless_waiting() -> None:
    if (
        isinstance(deliver_webhooks.get_backend(), DatabaseBackend)
        and DBTaskResult.objects.filter(
            task_path=deliver_webhooks.module_path, status="READY"
        ).exists()
    ):
        return
    deliver_webhooks.enqueue()


def deliveries_send_soon() -> None:
    """A delivery run after the current transaction commits (once per transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _enqueue_unless_waiting for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_enqueue_unless_waiting)
