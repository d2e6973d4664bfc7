"""Daily overdue reminder for instalments (ORD-4), enqueued by django-crontask's scheduler
(`manage.py crontask`) at 08:00 in TIME_ZONE (Asia/Shanghai).

An instalment that became overdue (open, contract active, due date passed) raises one
reminder to its owner: an entry on the customer's timeline ("payment overdue") and the
instalment is stamped `reminded_at`, so running the task again — the same day or later —
never reminds twice. The owner also sees every overdue instalment at the top of their work
list (wiring_receivables)."""

from crontask import cron
from django.tasks import task


@cron("0 8 * * *")
@task
def remind_overdue_instalments() -> dict:
    from guanxi.sales.services_receivables import overdue_reminders_run

    return overdue_reminders_run()
