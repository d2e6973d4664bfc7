"""Background tasks of the kernel."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.core.task_recovery import tasks_recover_lost


@cron("*/5 * * * *")
@task
def recover_lost_tasks() -> dict:
    result = tasks_recover_lost()
    return {"requeued": result.requeued, "failed": result.failed}
