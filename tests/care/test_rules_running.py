"""Care plans (CARE-2): offsets, business and quiet hours, and the runner that performs each
(rule, customer, occurrence) exactly once — also when a worker dies mid-run."""

import datetime as dt

import pytest
from django.db import transaction

from guanxi.accounts.models import Department, Role
from guanxi.care.models import CareRule, CareTask, CareTouch, ContactPreference, Message
from guanxi.care.rules import schedule
from guanxi.care.rules.services import touch_perform, touches_run
from guanxi.customers.models import Customer
from tests.care.factories import CareRuleFactory, CareTopicFactory

pytestmark = pytest.mark.django_db

ZONE = schedule.local_zone()
# a Wednesday at noon, local
NOON = dt.datetime(2026, 5, 20, 12, 0, tzinfo=ZONE)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def shipped_off(db):
    CareRule.objects.update(enabled=False)


# ---------------------------------------------------------------- when


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 5, 20, 12, 0), local(2026, 5, 20, 12, 0)),  # inside
        (local(2026, 5, 20, 7, 30), local(2026, 5, 20, 9, 0)),  # before opening
        (local(2026, 5, 20, 18, 0), local(2026, 5, 21, 9, 0)),  # at closing
        (local(2026, 5, 22, 19, 0), local(2026, 5, 25, 9, 0)),  # Friday evening → Monday
        (local(2026, 5, 23, 11, 0), local(2026, 5, 25, 9, 0)),  # Saturday → Monday
    ],
)
def test_business_hours(moment, expected):
    assert schedule.into_business_hours(moment) == expected


@pytest.mark.parametrize(
    ("moment", "quiet", "expected"),
    [
        (local(2026, 5, 20, 22, 0), None, local(2026, 5, 21, 8, 0)),
        (local(2026, 5, 21, 7, 0), None, local(2026, 5, 21, 8, 0)),
        (local(2026, 5, 21, 8, 0), None, local(2026, 5, 21, 8, 0)),
        (local(2026, 5, 20, 20, 59), None, local(2026, 5, 20, 20, 59)),
        (local(2026, 5, 20, 12, 30), (dt.time(12), dt.time(14)), local(2026, 5, 20, 14, 0)),
    ],
)
def test_quiet_hours_defer(moment, quiet, expected):
    quiet_from, quiet_until = quiet or (None, None)
    got = schedule.out_of_quiet_hours(moment, quiet_from=quiet_from, quiet_until=quiet_until)
    assert got == expected


def test_offsets_before_and_after_in_hours_and_days(db):
    rule = CareRuleFactory.build(offset=-72, offset_unit="hours")
    assert schedule.touch_due_at(rule=rule, moment=NOON) == NOON - dt.timedelta(hours=72)
    rule = CareRuleFactory.build(offset=2, offset_unit="days", action="task", template=None)
    assert schedule.touch_due_at(rule=rule, moment=NOON) == NOON + dt.timedelta(days=2)
    # a message 10 hours after noon would fall at 22:00: deferred to 08:00, not dropped
    rule = CareRuleFactory.build(offset=10, offset_unit="hours")
    assert schedule.touch_due_at(rule=rule, moment=NOON) == local(2026, 5, 21, 8, 0)
    # in business hours as well: 09:00
    rule = CareRuleFactory.build(offset=10, offset_unit="hours", business_hours=True)
    assert schedule.touch_due_at(rule=rule, moment=NOON) == local(2026, 5, 21, 9, 0)


# ---------------------------------------------------------------- the runner


def _touch(rule, customer, occurrence="x", due=None):
    return CareTouch.objects.create(
        rule=rule, customer=customer, occurrence=occurrence, due_at=due or NOON
    )


def test_message_touch_queued_once(sales1a, make_customer):
    rule = CareRuleFactory()
    customer = make_customer(sales1a)
    touch = _touch(rule, customer)
    assert touches_run(now=NOON) == {"message": 1}
    assert touches_run(now=NOON) == {}
    touch.refresh_from_db()
    assert touch.status == CareTouch.Status.DONE
    [message] = Message.objects.filter(customer=customer)
    assert touch.message_id == message.pk and message.dedup_key == f"touch:{touch.pk}"


def test_not_due_yet_waits(sales1a, make_customer):
    rule = CareRuleFactory()
    _touch(rule, make_customer(sales1a), due=NOON + dt.timedelta(minutes=1))
    assert touches_run(now=NOON) == {}


def test_customers_quiet_hours_defer_the_message(sales1a, make_customer):
    rule = CareRuleFactory()
    customer = make_customer(sales1a)
    ContactPreference.objects.create(
        customer=customer, quiet_from=dt.time(11, 0), quiet_until=dt.time(13, 30)
    )
    touch = _touch(rule, customer)
    assert touches_run(now=NOON) == {"deferred": 1}
    touch.refresh_from_db()
    assert touch.status == CareTouch.Status.SCHEDULED
    assert touch.due_at == local(2026, 5, 20, 13, 30)
    assert not Message.objects.filter(customer=customer).exists()
    assert touches_run(now=local(2026, 5, 20, 13, 30)) == {"message": 1}


def test_task_for_the_owner_with_the_supervisor(sales1a, manager, make_customer):
    topic = CareTopicFactory()
    rule = CareRuleFactory(
        action="task",
        template=None,
        topic=topic,
        task_kind="visit",
        channel="phone",
        supervisor_role=Role.objects.get(code="manager"),
        params={"within_hours": 24},
    )
    customer = make_customer(sales1a)
    touch = _touch(rule, customer)
    assert touches_run(now=NOON) == {"task": 1}
    [task] = CareTask.objects.filter(customer=customer)
    touch.refresh_from_db()
    assert touch.task_id == task.pk
    assert task.assignee == sales1a and task.origin == CareTask.Origin.RULE
    assert task.topic == topic and task.rule == rule
    assert task.due_at == NOON + dt.timedelta(hours=24)
    assert task.supervisor is not None
    assert task.supervisor.roles.filter(code="manager").exists()


def test_task_for_the_least_loaded_user_of_a_role(sales1a, relations, make_customer):
    role = Role.objects.get(code="customer_relations")
    rule = CareRuleFactory(
        action="task", template=None, task_kind="call", assignee="role", assignee_role=role
    )
    customers = [make_customer(sales1a, name=f"客户{n}") for n in range(2)]
    for index, customer in enumerate(customers):
        _touch(rule, customer, occurrence=str(index))
    touches_run(now=NOON)
    holders = set(role.users.filter(is_active=True).values_list("pk", flat=True))
    assignees = list(CareTask.objects.filter(rule=rule).values_list("assignee_id", flat=True))
    assert set(assignees) <= holders and len(assignees) == 2
    if len(holders) > 1:
        assert len(set(assignees)) == 2  # spread over the role, not heaped on one


def test_task_for_a_department_queue_and_a_named_user(sales1a, agent, make_customer):
    department = Department.objects.order_by("id").first()
    queue = CareRuleFactory(
        action="task",
        template=None,
        task_kind="call",
        assignee="department",
        assignee_department=department,
    )
    named = CareRuleFactory(
        action="task", template=None, task_kind="call", assignee="user", assignee_user=agent
    )
    customer = make_customer(sales1a)
    _touch(queue, customer)
    _touch(named, customer)
    touches_run(now=NOON)
    queued = CareTask.objects.get(rule=queue)
    assert queued.assignee is None and queued.department == department
    assert CareTask.objects.get(rule=named).assignee == agent


def test_deleted_customer_or_rule_switched_off_is_skipped(sales1a, make_customer):
    rule = CareRuleFactory()
    gone = make_customer(sales1a, name="已删除")
    Customer.objects.filter(pk=gone.pk).update(deleted_at=NOON)
    _touch(rule, gone)
    off = CareRuleFactory(enabled=False)
    _touch(off, make_customer(sales1a, name="规则已关"))
    assert touches_run(now=NOON) == {"skipped": 2}
    assert not Message.objects.exists()


def test_a_worker_killed_mid_touch_acts_once_when_run_again(sales1a, make_customer):
    """The task is made and the touch marked in one transaction: a worker killed between the
    two (here: an exception after acting, before the commit) leaves neither, and the next run
    does it once."""
    rule = CareRuleFactory(action="task", template=None, task_kind="call")
    customer = make_customer(sales1a)
    touch = _touch(rule, customer)

    class Killed(Exception):
        pass

    with pytest.raises(Killed), transaction.atomic():
        assert touch_perform(touch_id=touch.pk, now=NOON) == "task"
        assert CareTask.objects.filter(rule=rule).count() == 1
        raise Killed
    assert not CareTask.objects.filter(rule=rule).exists()
    assert touches_run(now=NOON) == {"task": 1}
    assert touches_run(now=NOON) == {}
    assert CareTask.objects.filter(rule=rule).count() == 1


def test_a_message_queued_before_the_crash_is_not_queued_again(sales1a, make_customer):
    """Were the message committed and the worker killed before the touch was marked, the
    dedup key finds the queued message: the customer gets one."""
    from guanxi.care.messages.services import MessageNew, message_queue

    rule = CareRuleFactory()
    customer = make_customer(sales1a)
    touch = _touch(rule, customer)
    first = message_queue(
        new=MessageNew(customer=customer, template=rule.template, dedup_key=f"touch:{touch.pk}")
    )
    assert touches_run(now=NOON) == {"message": 1}
    touch.refresh_from_db()
    assert touch.message_id == first.pk
    assert Message.objects.filter(customer=customer).count() == 1
