"""Care plans (CARE-2): each trigger records one touch per occurrence, a repeat records none."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.care.models import CareRule, CareTouch, InstalledAsset, Trigger
from guanxi.care.rules import events as rule_events
from guanxi.care.rules import schedule
from guanxi.care.rules.services import care_event_fire, date_rules_evaluate, weather_fire
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Grade, Prospect, Stage
from guanxi.pipeline.prospects.services import FollowUpInput, followup_log, prospect_set_stage
from guanxi.sales.fulfilment.services import delivery_record
from guanxi.sales.models import Delivery, DeliveryPlan
from tests.care.factories import CareRuleFactory, CareTopicFactory
from tests.sales.factories import make_contract, make_signed_contract, pay, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped_off(db):
    """The shipped rules would add their own touches: each test counts its rule's."""
    CareRule.objects.update(enabled=False)


def touches(rule):
    return list(CareTouch.objects.filter(rule=rule).order_by("id"))


def test_shipped_rules_are_the_seed_table(db):
    codes = set(CareRule.objects.exclude(code__startswith="test_").values_list("code", flat=True))
    assert {
        "visit_thanks",
        "intention_48h",
        "delivery_72h_before",
        "delivery_24h_before",
        "delivery_24h_thanks",
        "delivery_72h_check",
        "satisfaction_after_delivery",
        "club_invitation",
        "first_maintenance",
        "holiday_greeting",
        "birthday_greeting",
        "weather_notice",
        "e_class_upkeep",
    } <= codes
    for rule in CareRule.objects.filter(code__in=codes):
        assert rule.implementer_role_id and rule.supervisor_role_id, rule.code
        assert rule.template_id or rule.topic_id or rule.task_kind == "call", rule.code
    upkeep = CareRule.objects.get(code="e_class_upkeep")
    assert upkeep.params["per_month"] == 2


def test_customer_created(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.CUSTOMER_CREATED)
    customer = make_customer(sales1a, name="新客户")
    [touch] = touches(rule)
    assert touch.customer_id == customer.pk and touch.occurrence == "created"


def test_visit_logged_once_per_visit_and_only_for_visits(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.VISIT_LOGGED, params={"channels": ["showroom"]})
    customer = make_customer(sales1a)
    followup_log(actor=sales1a, customer=customer, data=FollowUpInput("phone", "电话沟通"))
    assert touches(rule) == []
    logged = followup_log(actor=sales1a, customer=customer, data=FollowUpInput("showroom", "到店"))
    [touch] = touches(rule)
    assert touch.occurrence == f"followup:{logged.followup.pk}"
    followup_log(actor=sales1a, customer=customer, data=FollowUpInput("showroom", "再次到店"))
    assert len(touches(rule)) == 2


def test_stage_changed_filtered_by_stage(sales1a, make_customer):
    _first, second = Stage.objects.order_by("order")[:2]
    rule = CareRuleFactory(trigger=Trigger.STAGE_CHANGED, params={"stages": [second.code]})
    customer = make_customer(sales1a)
    prospect_set_stage(actor=sales1a, customer=customer, stage=second)
    prospect_set_stage(actor=sales1a, customer=customer, stage=second)  # unchanged: no event
    [touch] = touches(rule)
    assert touch.occurrence.startswith(f"stage:{second.code}:")


def test_price_objection_with_next_contact(sales1a, make_customer):
    rule = CareRuleFactory(
        trigger=Trigger.QUOTE_REFUSED, action="task", template=None, task_kind="call"
    )
    customer = make_customer(sales1a)
    nxt = timezone.now() + dt.timedelta(days=2)
    followup_log(
        actor=sales1a,
        customer=customer,
        data=FollowUpInput("showroom", "嫌贵", objections=[{"type": "price"}]),
    )
    assert touches(rule) == []  # no next contact agreed
    followup_log(
        actor=sales1a,
        customer=customer,
        data=FollowUpInput(
            "showroom", "嫌贵,约了下次", next_contact_at=nxt, objections=[{"type": "price"}]
        ),
    )
    [touch] = touches(rule)
    assert abs(touch.due_at - nxt) < dt.timedelta(seconds=1)


def test_contract_delivery_and_payment_events(sales1a, make_customer):
    signed = CareRuleFactory(trigger=Trigger.CONTRACT_SIGNED)
    planned = CareRuleFactory(trigger=Trigger.DELIVERY_PLANNED, offset=-24)
    done = CareRuleFactory(trigger=Trigger.DELIVERY_DONE)
    paid = CareRuleFactory(trigger=Trigger.PAYMENT_RECEIVED)
    customer = make_customer(sales1a)
    contract = make_signed_contract(sales1a, customer)
    assert [t.occurrence for t in touches(signed)] == [f"contract:{contract.pk}"]
    item = contract.items.order_by("id").first()
    in_five = timezone.localdate() + dt.timedelta(days=5)
    order = place_order(sales1a, contract, (item, "4", in_five))
    [touch] = touches(planned)
    assert touch.occurrence == f"order:{order.pk}"
    assert touch.due_at == schedule.day_moment(in_five - dt.timedelta(days=1))
    plan = DeliveryPlan.objects.get(order=order)
    today = timezone.localdate()
    delivery_record(actor=sales1a, plan=plan, quantity="2", delivered_on=today)
    delivery_record(actor=sales1a, plan=plan, quantity="2", delivered_on=today)
    assert [t.occurrence for t in touches(done)] == [f"contract:{contract.pk}"]  # once a contract
    # called with the delivery alone (a hook that passes no contract): the same occurrence
    rule_events.on_delivery_done(delivery=Delivery.objects.filter(plan=plan).first())
    assert len(touches(done)) == 1
    other = make_contract(sales1a, make_customer(sales1a, name="付款客户"), total="900.00")
    payment = pay(sales1a, other, Decimal("300.00"))
    assert [t.occurrence for t in touches(paid)] == [f"payment:{payment.pk}"]


def test_delivery_planned_too_soon_for_a_reminder_is_skipped(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.DELIVERY_PLANNED, offset=-72)
    customer = make_customer(sales1a)
    contract = make_signed_contract(sales1a, customer)
    item = contract.items.order_by("id").first()
    place_order(sales1a, contract, (item, "1", timezone.localdate()))
    [touch] = touches(rule)
    assert touch.status == CareTouch.Status.SKIPPED and touch.reason


def test_events_of_apps_above_care(sales1a, make_customer):
    complaint = CareRuleFactory(trigger=Trigger.COMPLAINT_CLOSED)
    survey = CareRuleFactory(trigger=Trigger.SURVEY_ANSWERED)
    customer = make_customer(sales1a)
    now = timezone.now()
    assert care_event_fire(
        trigger=Trigger.COMPLAINT_CLOSED, customer=customer, occurrence="complaint:7", at=now
    )
    care_event_fire(
        trigger=Trigger.COMPLAINT_CLOSED, customer=customer, occurrence="complaint:7", at=now
    )
    care_event_fire(
        trigger=Trigger.SURVEY_ANSWERED, customer=customer, occurrence="survey:3", at=now
    )
    assert len(touches(complaint)) == 1 and len(touches(survey)) == 1
    with pytest.raises(ValidationFailed):
        care_event_fire(trigger=Trigger.BIRTHDAY, customer=customer, occurrence="x", at=now)
    with pytest.raises(ValidationFailed):
        care_event_fire(trigger=Trigger.SURVEY_ANSWERED, customer=customer, occurrence=" ", at=now)


def test_weather_by_hand_for_visible_customers(sales1a, sales2a, relations, make_customer):
    rule = CareRuleFactory(trigger=Trigger.WEATHER)
    mine = make_customer(sales1a, name="甲")
    theirs = make_customer(sales2a, name="乙")
    at = timezone.now()
    with pytest.raises(PermissionDenied):
        weather_fire(actor=sales1a, customers=None, at=at)
    weather_fire(actor=relations, customers=[mine], at=at)
    assert {t.customer_id for t in touches(rule)} == {mine.pk}
    weather_fire(actor=relations, customers=None, at=at)
    weather_fire(actor=relations, customers=None, at=at)  # a double click
    got = {t.customer_id for t in touches(rule)}
    assert {mine.pk, theirs.pk} <= got
    assert len(touches(rule)) == Customer.objects.filter(deleted_at__isnull=True).count()


# ---------------------------------------------------------------- date triggers


def test_birthday_once_a_year(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.BIRTHDAY, offset_unit="days")
    today = dt.date(2026, 5, 20)
    born = make_customer(sales1a, name="寿星", birth_date=dt.date(1990, 5, 20))
    make_customer(sales1a, name="别人", birth_date=dt.date(1990, 5, 21))
    assert date_rules_evaluate(today=today)[rule.code] == 1
    assert date_rules_evaluate(today=today)[rule.code] == 0  # the second run does nothing
    [touch] = touches(rule)
    assert touch.customer_id == born.pk and touch.occurrence == "birthday:2026"
    assert touch.due_at == schedule.day_moment(today)


def test_birthday_of_29_february_in_other_years(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.BIRTHDAY)
    make_customer(sales1a, name="闰年", birth_date=dt.date(1992, 2, 29))
    assert date_rules_evaluate(today=dt.date(2027, 2, 28))[rule.code] == 1


def test_offset_days_before_looks_ahead(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.BIRTHDAY, offset=-3, offset_unit="days")
    make_customer(sales1a, name="寿星", birth_date=dt.date(1990, 5, 23))
    assert date_rules_evaluate(today=dt.date(2026, 5, 20))[rule.code] == 1
    [touch] = touches(rule)
    assert touch.due_at == schedule.day_moment(dt.date(2026, 5, 20))


def test_holiday_dates_and_categories(sales1a, make_customer):
    rule = CareRuleFactory(
        trigger=Trigger.HOLIDAY, params={"dates": ["10-01", "2027-02-06"], "categories": ["actual"]}
    )
    buyer = make_customer(sales1a, name="买家")
    make_customer(sales1a, name="潜客")
    Customer.objects.filter(pk=buyer.pk).update(category=Customer.Category.ACTUAL)
    assert date_rules_evaluate(today=dt.date(2026, 9, 30))[rule.code] == 0
    assert date_rules_evaluate(today=dt.date(2026, 10, 1))[rule.code] == 1
    assert date_rules_evaluate(today=dt.date(2027, 2, 6))[rule.code] == 1
    assert date_rules_evaluate(today=dt.date(2027, 2, 6))[rule.code] == 0


def test_no_contact_once_per_silence(sales1a, make_customer):
    rule = CareRuleFactory(trigger=Trigger.NO_CONTACT, params={"days": 30})
    silent = make_customer(sales1a, name="久未联系")
    recent = make_customer(sales1a, name="刚联系")
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(days=40)
    Prospect.objects.filter(customer=silent).update(last_followup_at=long_ago)
    Prospect.objects.filter(customer=recent).update(last_followup_at=timezone.now())
    Customer.objects.filter(pk__in=[silent.pk, recent.pk]).update(created_at=long_ago)
    assert date_rules_evaluate(today=today)[rule.code] == 1
    assert date_rules_evaluate(today=today + dt.timedelta(days=1))[rule.code] == 0
    [touch] = touches(rule)
    assert touch.customer_id == silent.pk
    assert touch.occurrence == f"silent:{timezone.localtime(long_ago).date().isoformat()}"


def test_e_class_upkeep_twice_a_month(sales1a, make_customer):
    topic = CareTopicFactory()
    rule = CareRuleFactory(
        trigger=Trigger.UPKEEP,
        params={"per_month": 2},
        action="task",
        template=None,
        topic=topic,
        task_kind="visit",
    )
    e_class = make_customer(sales1a, name="E类")
    other = make_customer(sales1a, name="A类")
    contacted = make_customer(sales1a, name="E类已联系")
    Prospect.objects.filter(customer__in=[e_class, contacted]).update(
        grade=Grade.E, last_followup_at=dt.datetime(2026, 4, 1, tzinfo=schedule.local_zone())
    )
    Prospect.objects.filter(customer=other).update(grade=Grade.A)
    assert date_rules_evaluate(today=dt.date(2026, 5, 3))[rule.code] == 2
    assert date_rules_evaluate(today=dt.date(2026, 5, 4))[rule.code] == 0  # same half
    Prospect.objects.filter(customer=contacted).update(
        last_followup_at=dt.datetime(2026, 5, 17, 9, tzinfo=schedule.local_zone())
    )
    assert date_rules_evaluate(today=dt.date(2026, 5, 18))[rule.code] == 1  # contacted on 17th
    occurrences = sorted(t.occurrence for t in touches(rule))
    assert occurrences == ["upkeep:2026-05#1", "upkeep:2026-05#1", "upkeep:2026-05#2"]


def test_assets_maintenance_warranty_and_anniversary(sales1a, make_customer):
    maintenance = CareRuleFactory(trigger=Trigger.MAINTENANCE_DUE, offset=-7, offset_unit="days")
    warranty = CareRuleFactory(trigger=Trigger.WARRANTY_ENDING)
    anniversary = CareRuleFactory(trigger=Trigger.PURCHASE_ANNIVERSARY)
    customer = make_customer(sales1a)
    today = dt.date(2026, 6, 1)
    asset = InstalledAsset.objects.create(
        customer=customer,
        product_name="轿车",
        delivered_on=dt.date(2024, 6, 1),
        warranty_ends_on=today,
        next_maintenance_on=today + dt.timedelta(days=7),
    )
    InstalledAsset.objects.create(
        customer=customer,
        product_name="旧车",
        delivered_on=dt.date(2020, 6, 1),
        retired_on=dt.date(2023, 1, 1),
    )
    counts = date_rules_evaluate(today=today)
    assert counts[maintenance.code] == 1 and counts[warranty.code] == 1
    assert counts[anniversary.code] == 1
    assert date_rules_evaluate(today=today) == {
        maintenance.code: 0,
        warranty.code: 0,
        anniversary.code: 0,
    }
    assert touches(maintenance)[0].occurrence == f"asset:{asset.pk}:maintenance:2026-06-08"
    assert touches(warranty)[0].occurrence == f"asset:{asset.pk}:warranty"
    assert touches(anniversary)[0].occurrence == "anniversary:2026"
