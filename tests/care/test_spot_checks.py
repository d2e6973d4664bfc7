"""Spot checks (CARE-3): the fortnightly draw, once per fortnight; results per consultant."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from guanxi.care.models import CareTask, SpotCheck, SpotCheckSettings
from guanxi.care.visits import selectors, services
from guanxi.care.visits.tasks import draw_spot_checks
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.care.factories import FollowUpRowFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def fortnight():
    return services.last_complete_fortnight(timezone.localdate())


@pytest.fixture
def logged(org, make_customer, fortnight):
    """sales1a followed five customers in the last complete fortnight (one of them twice),
    sales1b two; sales1a's contact of this fortnight is not drawn."""
    out = {"sales1a": [], "sales1b": []}
    for name, count in (("sales1a", 5), ("sales1b", 2)):
        for n in range(count):
            customer = make_customer(org[name], name=f"{name}客户{n}")
            out[name].append(
                FollowUpRowFactory(
                    customer=customer, user=org[name], at=_at(fortnight + dt.timedelta(days=n))
                )
            )
    FollowUpRowFactory(
        customer=out["sales1a"][0].customer, user=org["sales1a"], at=_at(fortnight, 15)
    )
    FollowUpRowFactory(
        customer=out["sales1a"][1].customer,
        user=org["sales1a"],
        at=timezone.now(),
    )
    return out


def test_fortnights_start_on_mondays_two_weeks_apart():
    day = dt.date(2026, 12, 4)
    start = services.fortnight_start(day)
    assert start.weekday() == 0 and 0 <= (day - start).days < 14
    assert services.fortnight_start(start + dt.timedelta(days=13)) == start
    assert services.fortnight_start(start + dt.timedelta(days=14)) == start + dt.timedelta(days=14)


def test_the_draw_samples_each_consultant_once_per_fortnight(org, logged, fortnight):
    result = services.spot_checks_draw(rng=random.Random(1))
    assert result.period_start == fortnight
    checks = list(SpotCheck.objects.select_related("task", "followup"))
    by_consultant = {}
    for check in checks:
        by_consultant.setdefault(check.consultant.username, []).append(check)
    assert {k: len(v) for k, v in by_consultant.items()} == {"sales1a": 3, "sales1b": 2}
    for check in checks:
        assert check.period_start == fortnight
        assert (
            fortnight
            <= timezone.localtime(check.followup.at).date()
            < fortnight + dt.timedelta(days=14)
        )
        assert check.task.kind == CareTask.Kind.SPOT_CHECK
        assert check.task.assignee == org["relations"]  # the only customer-relations user
    customers = [c.followup.customer_id for c in by_consultant["sales1a"]]
    assert len(set(customers)) == len(customers)  # one contact per customer
    # again (the cron, the button, a repeated run): nothing more
    again = services.spot_checks_draw(rng=random.Random(2))
    assert again.created == 0
    assert draw_spot_checks.call()["created"] == 0
    assert SpotCheck.objects.count() == 5


def test_checks_go_round_robin_to_customer_relations(org, logged, fortnight):
    from guanxi.accounts.models import Role

    second = org["agent"]
    second.roles.add(Role.objects.get(code="customer_relations"))
    services.spot_checks_draw(rng=random.Random(3))
    assignees = [
        c.task.assignee.username
        for c in SpotCheck.objects.select_related("task__assignee").order_by("id")
    ]
    assert assignees == ["relations", "agent"] * 2 + ["relations"]


def test_the_sample_size_is_a_stored_setting(org, logged, relations, sales1a):
    with pytest.raises(PermissionDenied):
        services.spot_check_settings_set(actor=sales1a, sample_size=1)
    with pytest.raises(ValidationFailed):
        services.spot_check_settings_set(actor=relations, sample_size=0)
    services.spot_check_settings_set(actor=relations, sample_size=1)
    assert SpotCheckSettings.objects.get(pk=1).sample_size == 1
    assert services.spot_checks_draw(actor=relations).created == 2


def test_only_spot_check_users_draw(logged, sales1a):
    with pytest.raises(PermissionDenied):
        services.spot_checks_draw(actor=sales1a)
    assert not SpotCheck.objects.exists()


def test_results_and_the_match_rate_per_consultant(org, logged, relations, manager, sales1a):
    services.spot_checks_draw(rng=random.Random(4))
    checks = list(SpotCheck.objects.filter(consultant=sales1a).order_by("id"))
    with pytest.raises(ValidationFailed) as exc:
        services.spot_check_record(actor=relations, spot_check_id=checks[0].pk, result="differs")
    assert "notes" in exc.value.field_errors
    assert SpotCheck.objects.get(pk=checks[0].pk).result == ""
    services.spot_check_record(actor=relations, spot_check_id=checks[0].pk, result="matches")
    services.spot_check_record(
        actor=relations, spot_check_id=checks[1].pk, result="differs", notes="客户说没接到电话"
    )
    services.spot_check_record(actor=relations, spot_check_id=checks[2].pk, result="unreachable")
    with pytest.raises(Conflict):
        services.spot_check_record(actor=relations, spot_check_id=checks[2].pk, result="matches")
    with pytest.raises(PermissionDenied):
        services.spot_check_record(actor=sales1a, spot_check_id=checks[0].pk, result="matches")
    task = CareTask.objects.get(pk=checks[1].task_id)
    assert task.status == CareTask.Status.DONE and task.outcome == CareTask.Outcome.REACHED
    assert CareTask.objects.get(pk=checks[2].task_id).outcome == CareTask.Outcome.UNREACHABLE
    for viewer in (relations, manager):  # the manager sees their consultants' checks
        rows = {
            r.name: r
            for r in selectors.spot_check_summary(user=viewer, filters=selectors.SpotFilters())
        }
        row = rows[str(sales1a)]
        assert (row.matches, row.differs, row.unreachable, row.open) == (1, 1, 1, 0)
        assert row.match_rate == 50.0
    assert selectors.spot_check_summary(user=org["sales2a"], filters=selectors.SpotFilters()) == []
