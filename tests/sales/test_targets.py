"""Sales targets (ORD-8): validation, normalised periods, one per subject/period/measure,
scope and permission, progress, the targets page, the home page and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.accounts.models import Department
from guanxi.accounts.services import token_create
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import Customer
from guanxi.sales.models import SalesTarget
from guanxi.sales.targets.selectors import (
    my_month_figures,
    my_targets,
    period_bounds,
    progress_percent,
    targets_with_progress,
)
from guanxi.sales.targets.services import target_clear, target_set, targets_save

pytestmark = pytest.mark.django_db

D = Decimal
Metric = SalesTarget.Metric


def _dept(name):
    return Department.objects.get(name=name)


# ---------------------------------------------------------------- periods and progress


@pytest.mark.parametrize(
    ("period", "day", "start", "end"),
    [
        ("month", dt.date(2026, 2, 17), dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("month", dt.date(2024, 2, 29), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("quarter", dt.date(2026, 5, 17), dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("quarter", dt.date(2026, 12, 31), dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("quarter", dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("year", dt.date(2026, 7, 7), dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    ],
)
def test_period_bounds(period, day, start, end):
    assert period_bounds(period=period, day=day) == (start, end)


def test_progress_percent():
    assert progress_percent(actual=D("12500.10"), target=D("25000.20")) == D("50.0")
    assert progress_percent(actual=D("1"), target=D("3")) == D("33.3")
    assert progress_percent(actual=D("2"), target=D("3")) == D("66.7")  # half up
    assert progress_percent(actual=D("150"), target=D("100")) == D("150.0")
    assert progress_percent(actual=D("5"), target=D("0")) is None


# ---------------------------------------------------------------- the service


def test_set_normalises_and_updates(manager, sales1a):
    target = target_set(
        actor=manager,
        user=sales1a,
        period="quarter",
        starts_on=dt.date(2026, 5, 17),
        metric="signed",
        value="100000.50",
    )
    assert (target.starts_on, target.value, target.set_by) == (
        dt.date(2026, 4, 1),
        D("100000.50"),
        manager,
    )
    again = target_set(
        actor=manager,
        user=sales1a,
        period="quarter",
        starts_on="2026-06-30",
        metric="signed",
        value="120000",
    )
    assert again.pk == target.pk and SalesTarget.objects.count() == 1
    again.refresh_from_db()
    assert again.value == D("120000.00")
    logs = AuditLog.objects.filter(action="sales.target_set")
    assert logs.count() == 2 and logs.first().detail["before"] in ("100000.50", None)


@pytest.mark.parametrize(
    ("metric", "value", "field", "message"),
    [
        ("signed", "-1", "value", "A target must not be negative."),
        ("signed", "1.234", "value", "Enter an amount to the fen (0.01)."),
        ("signed", "abc", "value", "Enter a number."),
        ("signed", "1" + "0" * 20, "value", "This number is too large."),
        ("signed", "1e20", "value", "Enter a number."),
        ("signed", "12,34", "value", "Enter a number."),
        ("new_customers", "2.5", "value", "Enter a whole number of customers."),
        ("bogus", "1", "metric", "Choose a valid measure."),
    ],
)
def test_bad_values_are_refused(manager, sales1a, metric, value, field, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        target_set(
            actor=manager,
            user=sales1a,
            period="month",
            starts_on=dt.date(2026, 5, 1),
            metric=metric,
            value=value,
        )
    assert error.value.field_errors[field] == [message]
    assert not SalesTarget.objects.exists()


def test_bad_period_and_subject(manager, sales1a):
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as error:
            target_set(
                actor=manager, user=sales1a, period="week", starts_on="x", metric="signed", value=1
            )
        assert set(error.value.field_errors) == {"period", "starts_on"}
        with pytest.raises(ValidationFailed) as error:
            target_set(
                actor=manager,
                user=sales1a,
                department=_dept("销售一部"),
                period="month",
                starts_on=dt.date(2026, 5, 1),
                metric="signed",
                value=1,
            )
        assert error.value.field_errors["subject"] == ["Choose either a user or a department."]
    assert not SalesTarget.objects.exists()


def test_permission_and_scope(manager, sales1a, sales1b, relations, admin_user):
    common = {"period": "month", "starts_on": dt.date(2026, 5, 1), "metric": "signed", "value": 1}
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as error:
            target_set(actor=sales1a, user=sales1a, **common)  # no sales.targets
        assert str(error.value.message) == "You may not set sales targets."
        with pytest.raises(PermissionDenied):
            target_set(actor=manager, user=relations, **common)  # outside the sales centre
        with pytest.raises(PermissionDenied):
            target_set(actor=manager, department=_dept("客户关系部"), **common)
    assert not SalesTarget.objects.exists()
    target_set(actor=manager, user=sales1b, **common)
    target_set(actor=manager, department=_dept("销售一部"), **common)
    target_set(actor=admin_user, user=relations, **common)
    assert SalesTarget.objects.count() == 3


def test_save_row_checks_everything_first(manager, sales1a):
    with pytest.raises(ValidationFailed) as error:
        targets_save(
            actor=manager,
            user=sales1a,
            period="month",
            starts_on=dt.date(2026, 5, 9),
            values={Metric.SIGNED: "1000", Metric.COLLECTED: "-5", Metric.NEW_CUSTOMERS: "3"},
        )
    assert set(error.value.field_errors) == {"collected"}
    assert not SalesTarget.objects.exists()
    saved = targets_save(
        actor=manager,
        user=sales1a,
        period="month",
        starts_on=dt.date(2026, 5, 9),
        values={Metric.SIGNED: "1000", Metric.COLLECTED: "500", Metric.NEW_CUSTOMERS: "3"},
    )
    assert len(saved) == 3
    targets_save(
        actor=manager,
        user=sales1a,
        period="month",
        starts_on=dt.date(2026, 5, 1),
        values={Metric.SIGNED: "2000", Metric.COLLECTED: "", Metric.NEW_CUSTOMERS: "3"},
    )
    values = dict(SalesTarget.objects.values_list("metric", "value"))
    assert values == {"signed": D("2000.00"), "new_customers": D("3.00")}
    target = SalesTarget.objects.get(metric="signed")
    target_clear(actor=manager, target=target)
    assert not SalesTarget.objects.filter(metric="signed").exists()


# ---------------------------------------------------------------- progress


def test_progress_on_the_data_set(data, manager, sales1a, sales2a):
    start = data["start"]
    new_customers_of_sales1a = Customer.objects.filter(owner=sales1a).count()
    targets = [
        SalesTarget.objects.create(
            user=sales1a, period="month", starts_on=start, metric="signed", value=D("25000.20")
        ),
        SalesTarget.objects.create(
            user=sales1a, period="month", starts_on=start, metric="collected", value=D("0")
        ),
        SalesTarget.objects.create(
            user=sales1a, period="month", starts_on=start, metric="new_customers", value=D("4")
        ),
        SalesTarget.objects.create(
            department=_dept("销售中心"),
            period="month",
            starts_on=start,
            metric="collected",
            value=D("10000"),
        ),
        SalesTarget.objects.create(
            department=_dept("销售二部"),
            period="year",
            starts_on=start.replace(month=1),
            metric="signed",
            value=D("6666.66"),
        ),
    ]
    progress = targets_with_progress(viewer=manager, targets=targets)
    signed, collected, customers, centre, sales2 = progress
    assert (signed.actual, signed.percent, signed.bar, signed.reached) == (
        D("12500.10"),
        D("50.0"),
        50,
        False,
    )
    assert collected.actual == D("4234.61") and collected.percent is None and collected.bar == 0
    assert customers.actual == new_customers_of_sales1a == 1
    assert customers.percent == D("25.0")
    assert centre.actual == D("5345.72")  # both sub-departments
    assert sales2.actual >= D("3333.33")  # the year includes this month
    # a consultant reads progress in their own scope: the same for their own target
    assert targets_with_progress(viewer=sales1a, targets=targets[:1])[0].actual == D("12500.10")


def test_home_figures(data, sales1a):
    figures = my_month_figures(user=sales1a, today=data["today"])
    assert figures["signed_count"] == 2
    assert figures["signed_amount"] == D("12500.10")
    assert figures["collected_amount"] == D("4234.61")
    assert (figures["overdue_count"], figures["overdue_amount"]) == (2, D("2799.45"))


def test_my_targets_are_this_period_only(data, sales1a, sales2a):
    today = data["today"]
    for period in ("month", "quarter", "year"):
        SalesTarget.objects.create(
            user=sales1a,
            period=period,
            starts_on=period_bounds(period=period, day=today)[0],
            metric="signed",
            value=D("100000"),
        )
    last_year = today.replace(year=today.year - 1, month=1, day=1)
    SalesTarget.objects.create(
        user=sales1a, period="year", starts_on=last_year, metric="signed", value=D("1")
    )
    SalesTarget.objects.create(
        user=sales2a, period="month", starts_on=data["start"], metric="signed", value=D("1")
    )
    mine = my_targets(user=sales1a, today=today)
    assert [item.target.period for item in mine] == ["month", "quarter", "year"]
    assert all(item.target.user_id == sales1a.pk for item in mine)
    assert mine[0].actual == D("12500.10")


# ---------------------------------------------------------------- pages


def test_targets_page_permission(sales1a, client_for):
    assert client_for(sales1a).get(reverse("sales:targets")).status_code == 403
    response = client_for(sales1a).post(
        reverse("sales:targets"),
        {"key": f"u{sales1a.pk}", f"u{sales1a.pk}-subject": f"u{sales1a.pk}"},
    )
    assert response.status_code == 403
    assert not SalesTarget.objects.exists()


def test_targets_page_sets_a_row(manager, sales1a, relations, client_for):
    client = client_for(manager)
    response = client.get(reverse("sales:targets") + "?period=quarter&on=2026-05-17")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-row="u{sales1a.pk}"' in html
    assert f'data-row="u{relations.pk}"' not in html  # outside the manager's scope
    assert f'data-row="d{_dept("销售一部").pk}"' in html
    key = f"u{sales1a.pk}"
    post = {
        "key": key,
        f"{key}-subject": key,
        f"{key}-period": "quarter",
        f"{key}-starts_on": "2026-05-17",
        f"{key}-signed": "300000",
        f"{key}-collected": "-1",
        f"{key}-new_customers": "",
    }
    with translation.override("en"):
        response = client.post(reverse("sales:targets"), post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert not SalesTarget.objects.exists()
    post[f"{key}-collected"] = "150000.5"
    response = client.post(reverse("sales:targets"), post)
    assert response.status_code == 302
    assert dict(SalesTarget.objects.values_list("metric", "value")) == {
        "signed": D("300000.00"),
        "collected": D("150000.50"),
    }
    assert set(SalesTarget.objects.values_list("starts_on", flat=True)) == {dt.date(2026, 4, 1)}
    # another subject outside the scope cannot be posted to
    other = f"u{relations.pk}"
    response = client.post(
        reverse("sales:targets"),
        {
            "key": other,
            f"{other}-subject": other,
            f"{other}-period": "month",
            f"{other}-starts_on": "2026-05-01",
            f"{other}-signed": "1",
        },
    )
    assert response.status_code == 403
    assert SalesTarget.objects.count() == 2


def test_home_page(data, sales1a, client_for, django_assert_max_num_queries):
    start = data["start"]
    SalesTarget.objects.create(
        user=sales1a, period="month", starts_on=start, metric="signed", value=D("25000.20")
    )
    client = client_for(sales1a)
    with django_assert_max_num_queries(30):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-target="month-signed"' in html and 'style="width: 50%"' in html
    assert "50.0%" in html
    assert "12,500.10" in html or "12500.10" in html
    assert reverse("pipeline:worklist") in html
    assert reverse("sales:manager_view") not in html  # a consultant has no team
    assert reverse("sales:targets") not in html  # nor sales.targets


def test_old_home_link_needs_login(client):
    response = client.get(reverse("sales:home"))
    assert response.status_code == 302 and "login" in response["Location"]


# ---------------------------------------------------------------- API


def _api(user):
    _token, raw = token_create(user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_put_and_get(manager, sales1a, relations):
    api = _api(manager)
    body = {
        "user": sales1a.pk,
        "period": "month",
        "starts_on": "2026-05-20",
        "metric": "signed",
        "value": "88000.80",
    }
    response = api.put("/api/v1/sales/targets", body, content_type="application/json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["starts_on"], out["ends_on"], out["value"]) == (
        "2026-05-01",
        "2026-05-31",
        "88000.80",
    )
    assert out["actual"] == "0.00" and out["percent"] == "0.0"
    listed = api.get("/api/v1/sales/targets?period=month&on=2026-05-03").json()
    assert [t["id"] for t in listed] == [out["id"]]
    # the consultant sees their own target, may not set one
    consultant = _api(sales1a)
    assert len(consultant.get("/api/v1/sales/targets?on=2026-05-03").json()) == 1
    denied = consultant.put("/api/v1/sales/targets", body, content_type="application/json")
    assert denied.status_code == 403
    # outside scope, bad values, unknown ids: nothing written
    outside = api.put(
        "/api/v1/sales/targets", {**body, "user": relations.pk}, content_type="application/json"
    )
    assert outside.status_code == 403
    bad = api.put("/api/v1/sales/targets", {**body, "value": "-3"}, content_type="application/json")
    assert bad.status_code == 422 and "value" in bad.json()["errors"]
    missing = api.put(
        "/api/v1/sales/targets", {**body, "user": 999999}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert SalesTarget.objects.count() == 1
    assert SalesTarget.objects.get().value == D("88000.80")


def test_api_list_scope(manager, sales1a, sales2a, relations, admin_user):
    today = timezone.localdate()
    for user in (sales1a, sales2a, relations):
        SalesTarget.objects.create(
            user=user,
            period="month",
            starts_on=today.replace(day=1),
            metric="signed",
            value=D("1"),
        )

    def names(user):
        rows = _api(user).get("/api/v1/sales/targets").json()
        return {row["user"]["name"] for row in rows}

    assert names(sales1a) == {str(sales1a)}
    assert names(manager) == {str(sales1a), str(sales2a)}
    assert names(admin_user) == {str(sales1a), str(sales2a), str(relations)}
