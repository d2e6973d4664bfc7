"""The periodic tasks' schedule (core/schedule.py): every task module is found, and django-crontask
takes every expression, as `guanxi scheduler` hands them over when it starts."""

import crontask
import pytest

from guanxi.core.schedule import periodic_tasks_discover

EXPECTED = {
    "care_date_rules_nightly": "30 1 * * *",
    "care_touches_due": "*/10 * * * *",
    "complaint_escalations": "*/5 * * * *",
    "deliver_webhooks": "* * * * *",
    "draw_spot_checks": "0 7 * * Mon",
    "exports_expire_hourly": "17 * * * *",
    "overdue_digest": "0 9 * * *",
    "purge_portal_access": "30 3 * * *",
    "recover_lost_tasks": "*/5 * * * *",
    "recycle_pools": "0 2 * * *",
    "remind_overdue_instalments": "0 8 * * *",
    "send_due_messages": "* * * * *",
}


def test_the_scheduler_finds_every_periodic_task_of_every_area():
    found = {periodic.task.name: periodic.expression for periodic in periodic_tasks_discover()}
    assert found == EXPECTED


@pytest.fixture
def empty_crontask_scheduler():
    crontask.scheduler.remove_all_jobs()
    yield crontask.scheduler
    crontask.scheduler.remove_all_jobs()


def test_crontask_takes_every_expression(empty_crontask_scheduler):
    for periodic in periodic_tasks_discover():
        crontask.cron(periodic.expression)(periodic.task)
    jobs = {job.name: str(job.trigger) for job in empty_crontask_scheduler.get_jobs()}
    assert set(jobs) == set(EXPECTED)
    assert "day_of_week='mon'" in jobs["draw_spot_checks"]
    assert "hour='2'" in jobs["recycle_pools"]
