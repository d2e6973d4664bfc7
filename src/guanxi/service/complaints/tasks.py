"""The complaints' scheduled work (CMP-2), enqueued by django-crontask's scheduler: the SLA
escalation every five minutes. Idempotent: a repeated or overlapping run escalates nobody
twice."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.service.complaints.services import escalations_run


@cron("*/5 * * * *")
@task
def complaint_escalations() -> dict[str, int]:
    return escalations_run()
