"""Background tasks of the pipeline. The nightly recycling of the public pools (INT-7) is
enqueued by the scheduler (`guanxi scheduler`, django-crontask) at 02:00 in TIME_ZONE
(Asia/Shanghai)."""

from django.tasks import task

from guanxi.core.schedule import cron
from guanxi.pipeline.pools.services import pool_recycle_run


@cron("0 2 * * *")
@task
def recycle_pools() -> dict:
    return pool_recycle_run()
