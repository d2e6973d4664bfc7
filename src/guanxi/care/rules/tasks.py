"""The care plans' scheduled work (CARE-2), enqueued by django-crontask's scheduler in
TIME_ZONE: the date triggers every night, the due touches every ten minutes. Both are
idempotent: a repeated or overlapping run touches nobody twice."""

from django.tasks import task

from guanxi.care.rules.services import date_rules_evaluate, touches_run
from guanxi.core.schedule import cron


@cron("30 1 * * *")
@task
def care_date_rules_nightly() -> dict[str, int]:
    return date_rules_evaluate()


@cron("*/10 * * * *")
@task
def care_touches_due() -> dict[str, int]:
    return touches_run()
