"""Daily overdue reminder for instalments (ORD-4), enqueued by django-crontask's scheduler
(`manage.py crontask`) at 08:00 in TIME_ZONE (Asia/Shanghai).

An instalment that became overdue (open, contract active, due date passed) raises one
reminder to its owner: an entry on the customer's timeline ("payment overdue") and the
instalment is stamped `reminded_at`, so running the task again — the same day or later —
never reminds twice. The owner also sees every overdue instalment at the top of their work
list (sales.wiring)."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.sales.receivables.services import overdue_reminders_run


@cron("0 8 * * *")
@task
def remind_overdue_instalments() -> dict:
    return overdue_reminders_run()
