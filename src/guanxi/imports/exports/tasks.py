"""The exports' background work (RPT-2): a job is written by the task worker; finished files
are deleted when they expire (hourly, django-crontask's scheduler)."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.imports.exports.running import export_run, exports_expire


@task
def export_job_run(job_id: int) -> dict[str, int]:
    job = export_run(job_id=job_id)
    return {"rows": job.rows_done if job is not None else 0}


@cron("17 * * * *")
@task
def exports_expire_hourly() -> dict[str, int]:
    return {"expired": exports_expire()}
