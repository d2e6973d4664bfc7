import datetime as dt

import pytest
from django.utils import timezone, translation

from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.archive.services import customer_reassign
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.pipeline.models import FollowUp, Objection, Prospect, StageMove, TeamQuota
from guanxi.pipeline.prospects import services


def _data(**overrides):
    data = {
        "channel": "phone",
        "content": "聊了推广方案",
        "outcome": "约了下周",
        "effective": True,
        "stage": None,
        "grade": None,
        "next_contact_at": None,
        "objections": [],
    }
    data.update(overrides)
    return services.FollowUpInput(**data)


def _counts():
    return (
        FollowUp.objects.count(),
        Objection.objects.count(),
        StageMove.objects.count(),
        TimelineEvent.objects.filter(kind="followup").count(),
    )


def test_customer_created_makes_prospect(sales1a, make_customer):
    customer = make_customer(sales1a)
    prospect = Prospect.objects.get(pk=customer.pk)
    assert prospect.owner_id == sales1a.pk
    assert prospect.department_id == sales1a.department_id


def test_followup_with_stage_change(sales1a, make_customer):
    customer = make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s1")
    followup = services.followup_log(
        actor=sales1a,
        customer=customer,
        data=_data(
            stage="s2",
            grade="B",
            objections=[
                {"type": "price", "is_excuse": True, "real_objection": "预算", "method": "question"}
            ],
        ),
    ).followup
    prospect = Prospect.objects.select_related("stage").get(pk=customer.pk)
    assert prospect.stage.code == "s2" and prospect.grade == "B"
    assert followup.stage_before.code == "s1" and followup.stage_after.code == "s2"
    assert prospect.last_followup_at == followup.at
    assert prospect.last_progress_at == followup.at
    assert prospect.contacts_since_progress == 0
    # s2 cadence: 7 days from the follow-up
    assert prospect.next_due_at.date() == (followup.at + dt.timedelta(days=7)).date()
    move = StageMove.objects.filter(customer=customer).order_by("-at", "-id").first()
    assert (move.from_stage.code, move.to_stage.code) == ("s1", "s2")
    assert move.days_in_previous == 0
    assert Objection.objects.get(followup=followup).is_excuse
    event = TimelineEvent.objects.get(customer=customer, kind="followup")
    assert event.data["stage_to"] == "s2"
    customer.refresh_from_db()
    assert customer.category == Customer.Category.TARGET


def test_no_progress_counts_contacts(sales1a, make_customer):
    customer = make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s2")
    services.followup_log(actor=sales1a, customer=customer, data=_data())
    services.followup_log(actor=sales1a, customer=customer, data=_data(stage="s1"))  # backwards
    prospect = Prospect.objects.get(pk=customer.pk)
    assert prospect.contacts_since_progress == 2
    services.followup_log(actor=sales1a, customer=customer, data=_data(stage="refused"))
    assert Prospect.objects.get(pk=customer.pk).stage.code == "refused"


def test_next_contact_earlier_than_cadence(sales1a, make_customer):
    customer = make_customer(sales1a)
    soon = timezone.now() + dt.timedelta(days=1)
    services.followup_log(
        actor=sales1a, customer=customer, data=_data(stage="s0", next_contact_at=soon)
    )
    prospect = Prospect.objects.get(pk=customer.pk)
    assert prospect.next_due_at == soon.replace(microsecond=soon.microsecond)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"content": "   "}, "content"),
        ({"content": "x" * 4001}, "content"),
        ({"next_contact_at": "2001-01-01T10:00"}, "next_contact_at"),
        ({"next_contact_at": "not a date"}, "next_contact_at"),
        ({"stage": "s9"}, "stage"),
        ({"grade": "Z"}, "grade"),
        ({"objections": [{"type": "weather"}]}, "objections"),
        ({"objections": [{"type": "price", "method": "shouting"}]}, "objections"),
        ({"objections": [{"type": "price", "script_id": 999999}]}, "objections"),
    ],
)
def test_every_validation_error_writes_nothing(sales1a, make_customer, overrides, field):
    customer = make_customer(sales1a)
    before = _counts()
    with pytest.raises(ValidationFailed) as info:
        services.followup_log(actor=sales1a, customer=customer, data=_data(**overrides))
    assert field in info.value.field_errors
    assert _counts() == before
    assert Prospect.objects.get(pk=customer.pk).last_followup_at is None


def test_other_department_cannot_log(sales1a, sales2a, make_customer):
    # out of scope is the same as missing (a 404), not a 403 that confirms it exists
    customer = make_customer(sales1a)
    with pytest.raises(CustomerNotFound):
        services.followup_log(actor=sales2a, customer=customer, data=_data())
    with pytest.raises(CustomerNotFound):
        services.prospect_set_stage(actor=sales2a, customer=customer, stage="s1")
    assert FollowUp.objects.count() == 0


def test_manager_can_log(manager, sales1a, make_customer):
    customer = make_customer(sales1a)
    services.followup_log(actor=manager, customer=customer, data=_data())
    assert FollowUp.objects.filter(customer=customer, user=manager).count() == 1


def test_unknown_stage_refused(sales1a, make_customer):
    customer = make_customer(sales1a)
    with pytest.raises(ValidationFailed):
        services.prospect_set_stage(actor=sales1a, customer=customer, stage="nope")
    assert StageMove.objects.count() == 0


def test_stage_change_writes_move_and_timeline(sales1a, make_customer):
    customer = make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s0")
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s0")  # unchanged
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s3")
    assert StageMove.objects.filter(customer=customer).count() == 2
    assert TimelineEvent.objects.filter(customer=customer, kind="stage").count() == 2


def test_grade_e_is_actual_customer(sales1a, make_customer):
    customer = make_customer(sales1a)
    services.prospect_set_grade(actor=sales1a, customer=customer, grade="E")
    customer.refresh_from_db()
    assert customer.category == Customer.Category.ACTUAL
    assert Prospect.objects.get(pk=customer.pk).dealt


def test_man_verdicts(sales1a, make_customer):
    customer = make_customer(sales1a)
    prospect = services.man_assess(
        actor=sales1a, customer=customer, money=False, authority=False, need=False
    )
    assert prospect.man_verdict == "man"
    customer.refresh_from_db()
    assert customer.category == Customer.Category.NON_CUSTOMER
    prospect = services.man_assess(
        actor=sales1a, customer=customer, money=True, authority=None, need=True
    )
    assert prospect.man_verdict == ""
    prospect = services.man_assess(
        actor=sales1a, customer=customer, money=True, authority=False, need=True
    )
    assert prospect.man_verdict == "MaN"
    customer.refresh_from_db()
    assert customer.category == Customer.Category.POTENTIAL


def test_quality_and_referral(sales1a, sales2a, make_customer):
    customer = make_customer(sales1a)
    referrer = make_customer(sales1a, name="老客户")
    prospect = services.quality_assess(
        actor=sales1a, customer=customer, traits={"demand": True, "loyalty": True}, risks=["churn"]
    )
    assert prospect.quality_score == 2 and prospect.risks == ["churn"]
    with pytest.raises(ValidationFailed):
        services.quality_assess(actor=sales1a, customer=customer, traits={"x": True}, risks=[])
    services.referral_set(actor=sales1a, customer=customer, referrer=referrer)
    assert Prospect.objects.get(pk=customer.pk).referrer_id == referrer.pk
    with pytest.raises(ValidationFailed):
        services.referral_set(actor=sales1a, customer=customer, referrer=customer)
    foreign = make_customer(sales2a, name="别人的")
    with pytest.raises(ValidationFailed):
        services.referral_set(actor=sales1a, customer=customer, referrer=foreign)


def test_tracking_quota(sales1a, make_customer):
    TeamQuota.objects.create(department=sales1a.department, stage0=2, stage12=1, stage34=1)
    customers = [make_customer(sales1a, name=f"客户{i}") for i in range(3)]
    for customer in customers:
        services.prospect_set_stage(actor=sales1a, customer=customer, stage="s0")
    services.tracking_add(actor=sales1a, customer=customers[0])
    services.tracking_add(actor=sales1a, customer=customers[1])
    with translation.override("en"), pytest.raises(ValidationFailed) as info:
        services.tracking_add(actor=sales1a, customer=customers[2])
    assert "full (2)" in str(info.value.message)
    assert not Prospect.objects.get(pk=customers[2].pk).tracked
    # Another group still has room.
    services.prospect_set_stage(actor=sales1a, customer=customers[2], stage="s3")
    services.tracking_add(actor=sales1a, customer=customers[2])
    services.tracking_remove(actor=sales1a, customer=customers[0])
    assert Prospect.objects.filter(owner=sales1a, tracked=True).count() == 2


def test_company_default_quota_applies(sales2a, make_customer):
    TeamQuota.objects.filter(department__isnull=True).update(stage0=1)
    first, second = make_customer(sales2a, name="一"), make_customer(sales2a, name="二")
    services.tracking_add(actor=sales2a, customer=first)
    with pytest.raises(ValidationFailed):
        services.tracking_add(actor=sales2a, customer=second)


def test_owner_change_follows(manager, sales1a, sales1b, make_customer):
    customer = make_customer(sales1a)
    customer_reassign(actor=manager, customer=customer, to_user=sales1b)
    prospect = Prospect.objects.get(pk=customer.pk)
    assert prospect.owner_id == sales1b.pk


def test_quota_set_permissions(manager, sales1a, admin_user):
    with pytest.raises(PermissionDenied):
        services.quota_set(
            actor=sales1a,
            department=sales1a.department,
            stage0=1,
            stage12=1,
            stage34=1,
            daily_target=1,
        )
    quota = services.quota_set(
        actor=manager,
        department=sales1a.department,
        stage0=5,
        stage12=6,
        stage34=7,
        daily_target=4,
    )
    assert (quota.stage0, quota.daily_target) == (5, 4)
    with pytest.raises(ValidationFailed):
        services.quota_set(
            actor=admin_user, department=None, stage0=-1, stage12=1, stage34=1, daily_target=1
        )


def test_a_refused_customer_is_lost_until_they_move_on(sales1a, make_customer):
    # Issue 12 §4: the category 流失 was offered as a filter and never set.
    customer = make_customer(sales1a)
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="refused")
    customer.refresh_from_db()
    assert customer.category == Customer.Category.LOST
    services.prospect_set_stage(actor=sales1a, customer=customer, stage="s1")
    customer.refresh_from_db()
    assert customer.category == Customer.Category.TARGET


def test_a_followup_of_the_past_is_recorded_at_its_time_without_moving_the_prospect(
    sales1a, sales2a, manager, make_customer
):
    """followup_log(at=…, by=…) (INTG-1, the import of follow-up history): at its time, a
    past next contact allowed, the newer follow-up kept as the last one, no stage change."""
    customer = make_customer(sales1a)
    services.followup_log(actor=sales1a, customer=customer, data=_data())
    prospect = Prospect.objects.get(pk=customer.pk)
    last, count = prospect.last_followup_at, prospect.contacts_since_progress
    then = timezone.now() - dt.timedelta(days=900)
    old = services.followup_log(
        actor=manager,
        customer=customer,
        data=_data(next_contact_at=then + dt.timedelta(days=7)),
        at=then,
        by=sales1a,
    ).followup
    assert old.at == then and old.user == sales1a
    prospect.refresh_from_db()
    assert prospect.last_followup_at == last and prospect.contacts_since_progress == count
    with pytest.raises(ValidationFailed) as caught:
        services.followup_log(
            actor=sales1a,
            customer=customer,
            data=_data(stage="s2", next_contact_at=then - dt.timedelta(days=1)),
            at=then,
        )
    assert {"stage", "next_contact_at"} <= set(caught.value.field_errors)
    with pytest.raises(ValidationFailed):
        services.followup_log(
            actor=sales1a, customer=customer, data=_data(), at=timezone.now() + dt.timedelta(1)
        )
    with pytest.raises(PermissionDenied):  # for a user outside the actor's scope
        services.followup_log(actor=sales1a, customer=customer, data=_data(), at=then, by=sales2a)
    assert services.followups_remove_recorded(actor=sales1a, followup_ids=[old.pk]) == 1
    assert not FollowUp.objects.filter(pk=old.pk).exists()
