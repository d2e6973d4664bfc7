"""The front-desk register (ACQ-5): an entry in seconds, refused input changes nothing, data
scope on every read, changing others' entries needs care.reception_others, daily counts and
the conversion into customers, the page and the API."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.care.models import Reception
from guanxi.care.reception import selectors, services
from guanxi.care.reception.services import ReceptionInput
from guanxi.core.errors import Conflict, DuplicateFound, NotFound, ValidationFailed
from guanxi.customers.models import Customer, TimelineEvent
from tests.care.factories import ReceptionFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_log_an_entry_in_one_call(sales1a):
    entry = services.reception_log(
        actor=sales1a,
        data=ReceptionInput(
            channel="walk_in",
            visitor_name="刘先生",
            phone="139 0013 8000",
            need="看新款",
            demo=True,
            demo_minutes=25,
            stay_minutes=60,
            party_size=2,
        ),
    )
    entry.refresh_from_db()
    assert entry.phone == "+8613900138000"
    assert entry.received_by == sales1a
    assert entry.department_id == sales1a.department_id
    assert entry.demo_minutes == 25
    assert abs((timezone.now() - entry.at).total_seconds()) < 60


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"visitor_name": "", "phone": ""}, "visitor_name"),
        ({"phone": "12345"}, "phone"),
        ({"demo_minutes": 20}, "demo_minutes"),
        ({"demo": True, "demo_minutes": 90, "stay_minutes": 30}, "demo_minutes"),
        ({"stay_minutes": 5000}, "stay_minutes"),
        ({"party_size": 0}, "party_size"),
        ({"need": "要" * 301}, "need"),
        ({"at": timezone.now() + dt.timedelta(hours=2)}, "at"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(sales1a, fields, field):
    data = {"channel": "walk_in", "visitor_name": "刘先生", **fields}
    with pytest.raises(ValidationFailed) as refused:
        services.reception_log(actor=sales1a, data=ReceptionInput(**data))
    assert field in refused.value.field_errors
    assert not Reception.objects.exists()


def test_received_by_someone_else_needs_the_permission(sales1a, sales1b, relations):
    with pytest.raises(ValidationFailed) as refused:
        ReceptionFactory(actor=sales1a, received_by=sales1b)
    assert "received_by" in refused.value.field_errors
    entry = ReceptionFactory(actor=relations, received_by=sales1b)
    assert entry.received_by == sales1b


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("sales1a", {"sales1a"}),
        ("sales1b", {"sales1b"}),
        ("sales2a", {"sales2a"}),
        ("manager", {"sales1a", "sales1b", "sales2a"}),
        ("relations", {"sales1a", "sales1b", "sales2a"}),
        ("agent", {"sales1a", "sales1b", "sales2a"}),
        ("marketing", {"sales1a", "sales1b", "sales2a"}),
        ("admin", {"sales1a", "sales1b", "sales2a"}),
    ],
)
def test_every_read_is_in_the_readers_scope(org, reader, sees):
    for name in ("sales1a", "sales1b", "sales2a"):
        ReceptionFactory(actor=org[name], visitor_name=name)
    user = org[reader]
    page = selectors.reception_page(user=user, filters=selectors.ReceptionFilters(), cursor=None)
    assert {entry.visitor_name for entry in page.items} == sees
    assert sum(day.total for day in selectors.reception_daily(user=user, days=1)) == len(sees)
    for entry in Reception.objects.all():
        if entry.visitor_name in sees:
            assert selectors.reception_get_for_user(user=user, entry_id=entry.pk) == entry
        else:
            with pytest.raises(NotFound):
                selectors.reception_get_for_user(user=user, entry_id=entry.pk)


def test_changing_anothers_entry_needs_the_permission(sales1a, manager, relations):
    entry = ReceptionFactory(actor=sales1a)
    change = ReceptionInput(channel="phone", visitor_name="改名")
    with pytest.raises(NotFound):
        services.reception_update(actor=manager, entry=entry, data=change)
    entry.refresh_from_db()
    assert entry.visitor_name == "刘先生"
    services.reception_update(actor=relations, entry=entry, data=change)
    entry.refresh_from_db()
    assert (entry.channel, entry.visitor_name) == ("phone", "改名")


def test_convert_creates_the_customer_once(sales1a):
    entry = ReceptionFactory(
        actor=sales1a, phone="13900138001", product_interest="舒适型", stay_minutes=45
    )
    customer = services.reception_convert(actor=sales1a, entry=entry)
    entry.refresh_from_db()
    assert entry.customer == customer and entry.converted_at is not None
    assert customer.owner == sales1a
    assert customer.mobile == "+8613900138001"
    assert customer.first_contact_channel == Customer.Channel.SHOWROOM
    assert customer.source.code == "walk_in"
    assert customer.visit_minutes == 45
    assert TimelineEvent.objects.filter(customer=customer, kind="reception").exists()
    with pytest.raises(Conflict):
        services.reception_convert(actor=sales1a, entry=entry)
    assert Customer.objects.filter(mobile="+8613900138001").count() == 1


def test_convert_of_a_known_phone_is_refused_for_a_link(sales1a, make_customer):
    known = make_customer(sales1a, name="老客户", mobile="13900138002")
    entry = ReceptionFactory(actor=sales1a, phone="13900138002")
    assert selectors.customers_with_phone(user=sales1a, phone=entry.phone) == [known]
    with pytest.raises(DuplicateFound):
        services.reception_convert(actor=sales1a, entry=entry)
    entry.refresh_from_db()
    assert entry.customer_id is None
    services.reception_link(actor=sales1a, entry=entry, customer=known)
    entry.refresh_from_db()
    assert entry.customer == known and entry.converted_at is None
    assert selectors.receptions_of_customer(user=sales1a, customer=known) == [entry]


def test_daily_counts_and_conversion(sales1a, make_customer):
    today = timezone.localdate()
    customer = make_customer(sales1a, name="来店客户")
    ReceptionFactory(actor=sales1a, customer=customer, demo=True, demo_minutes=20)
    ReceptionFactory(actor=sales1a, channel="phone")
    # yesterday at noon, local time: "now minus a day" is the day before yesterday just after
    # midnight
    yesterday_noon = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(12))
    ReceptionFactory(actor=sales1a, channel="web", at=timezone.make_aware(yesterday_noon))
    rows = selectors.reception_daily(user=sales1a, days=3, today=today)
    assert [row.day for row in rows] == [today - dt.timedelta(days=n) for n in range(3)]
    assert (rows[0].total, rows[0].walk_in, rows[0].phone, rows[0].demos, rows[0].linked) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert rows[0].conversion == 0.5
    assert rows[2].total == 0 and rows[2].conversion is None


def test_register_page_logs_and_lists(client_for, sales1a, django_assert_max_num_queries):
    client = client_for(sales1a)
    for n in range(30):
        ReceptionFactory(actor=sales1a, visitor_name=f"访客{n}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("care:reception"))
    assert page.status_code == 200
    assert "访客29" in page.text and "访客0<" not in page.text
    answer = client.post(
        reverse("care:reception_log"),
        {"channel": "phone", "visitor_name": "新访客", "phone": "13900138003"},
    )
    assert answer.status_code == 302
    assert Reception.objects.filter(visitor_name="新访客", channel="phone").exists()
    refused = client.post(reverse("care:reception_log"), {"channel": "walk_in"})
    assert refused.status_code == 422
    assert Reception.objects.count() == 31


def test_api_create_list_convert_and_errors(client_for, sales1a, sales2a):
    client = client_for(sales1a)
    created = client.post(
        "/api/v1/reception",
        json.dumps({"channel": "walk_in", "visitor_name": "王先生", "phone": "13900138004"}),
        content_type=JSON,
    )
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    listed = client.get("/api/v1/reception").json()
    assert [item["id"] for item in listed["items"]] == [entry_id]
    bad = client.post(
        "/api/v1/reception",
        json.dumps({"channel": "walk_in", "demo_minutes": 10, "visitor_name": "x"}),
        content_type=JSON,
        **EN,
    )
    assert bad.status_code == 422
    assert "demo_minutes" in bad.json()["errors"]
    converted = client.post(f"/api/v1/reception/{entry_id}/convert")
    assert converted.status_code == 201
    assert converted.json()["customer"]["name"] == "王先生"
    other = client_for(sales2a).get(f"/api/v1/reception/{entry_id}")
    assert other.status_code == 404
    daily = client.get("/api/v1/reception/daily?days=2").json()
    assert daily[0]["total"] == 1 and daily[0]["converted"] == 1
