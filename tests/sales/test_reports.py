"""The manager view (ORD-6) on a handcrafted data set: exact Decimal sums, data scope per
role on the page, the API and the Excel export, drill-down links, query counts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from guanxi.accounts.models import Department, Role
from guanxi.accounts.services import token_create
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, SalesTarget
from guanxi.sales.reports.selectors import manager_report, report_period
from tests.sales.factories import ContractRowFactory, InstalmentRowFactory, PaymentRowFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _rows(report):
    return {row.user.username: row for row in report.users if row.user is not None}


def test_exact_sums(data, manager):
    report = manager_report(viewer=manager, period=report_period(today=data["today"]))
    rows = _rows(report)
    mine = rows["sales1a"].figures
    assert mine.signed_count == 2
    assert mine.signed_amount == D("12500.10")
    assert mine.signed_paid == D("3000.05")
    assert mine.collection_rate == D("24.0")  # 3000.05 / 12500.10
    assert mine.collected == D("4234.61")
    assert (mine.overdue_count, mine.overdue_amount) == (2, D("2799.45"))
    assert mine.invoiced == D("2000.00")
    other = rows["sales2a"].figures
    assert (other.signed_count, other.signed_amount, other.collected) == (
        1,
        D("3333.33"),
        D("1111.11"),
    )
    assert other.collection_rate == D("33.3")
    assert (other.overdue_count, other.overdue_amount) == (0, D("0.00"))
    # sales1b has nothing but is in the manager's team: listed with zeros
    assert rows["sales1b"].figures.empty and rows["sales1b"].figures.collection_rate is None
    total = report.total
    assert total.signed_count == 3
    assert total.signed_amount == D("15833.43")
    assert total.collected == D("5345.72")
    assert total.invoiced == D("2000.00")
    assert all(isinstance(value, Decimal) for value in (total.signed_amount, total.collected))
    departments = {row.department.name: row.figures for row in report.departments}
    assert departments["销售中心"].signed_amount == D("15833.43")  # includes sub-departments
    assert departments["销售一部"].signed_amount == D("12500.10")
    assert departments["销售二部"].collected == D("1111.11")


def test_periods(data, manager):
    today = data["today"]
    last_month = data["start"] - dt.timedelta(days=1)
    report = manager_report(
        viewer=manager, period=report_period(kind="month", on=last_month, today=today)
    )
    mine = _rows(report)["sales1a"].figures
    assert (mine.signed_count, mine.signed_amount, mine.collected) == (1, D("7000.00"), D("999"))
    assert mine.collection_rate == D("100.0")
    # overdue is a snapshot as of today, whatever the period
    assert mine.overdue_amount == D("2799.45")
    custom = report_period(kind="custom", start=last_month, end=today, today=today)
    mine = _rows(manager_report(viewer=manager, period=custom))["sales1a"].figures
    assert mine.signed_amount == D("19500.10") and mine.collected == D("5233.61")
    year = report_period(kind="year", today=today)
    assert (year.start, year.end) == (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    quarter = report_period(kind="quarter", on=dt.date(2026, 5, 17))
    assert (quarter.start, quarter.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_bad_periods_are_refused(db):
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as error:
            report_period(kind="week")
        assert error.value.field_errors["period"] == ["Choose month, quarter, year or custom."]
        with pytest.raises(ValidationFailed) as error:
            report_period(kind="custom", start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 1))
        assert error.value.field_errors["end"] == ["The end is before the start."]
        with pytest.raises(ValidationFailed) as error:
            report_period(kind="custom", start=dt.date(2026, 5, 2))
        assert error.value.field_errors["end"] == ["Enter the last day of the period."]


def test_department_filter(data, manager):
    sales2 = Department.objects.get(name="销售二部")
    report = manager_report(
        viewer=manager, period=report_period(today=data["today"]), department=sales2
    )
    assert set(_rows(report)) == {"sales2a", "sales2b"}
    assert report.total.signed_amount == D("3333.33")
    assert [row.department.name for row in report.departments] == ["销售二部"]
    relations = Department.objects.get(name="客户关系部")
    with pytest.raises(ValidationFailed):
        manager_report(viewer=manager, period=report_period(), department=relations)


# ---------------------------------------------------------------- scope per role

SCOPE_CASES = [
    # user, consultants with figures they see, departments listed, total signed
    ("sales1a", {"sales1a"}, set(), D("12500.10")),
    ("sales2a", {"sales2a"}, set(), D("3333.33")),
    ("manager", {"sales1a", "sales2a"}, {"销售中心", "销售一部", "销售二部"}, D("15833.43")),
    ("admin_user", {"sales1a", "sales2a"}, None, D("15833.43")),
    ("relations", {"sales1a", "sales2a"}, None, D("15833.43")),
]


@pytest.mark.parametrize(("who", "figures_of", "departments", "total"), SCOPE_CASES)
def test_scope_per_role(data, request, who, figures_of, departments, total, client_for):
    user = request.getfixturevalue(who)
    report = manager_report(viewer=user, period=report_period())
    with_figures = {name for name, row in _rows(report).items() if not row.figures.empty}
    assert with_figures == figures_of
    assert report.total.signed_amount == total
    names = {row.department.name for row in report.departments}
    if departments is not None:
        assert names == departments
    else:
        assert {"销售一部", "销售二部", "客户关系部"} <= names
    if who.startswith("sales"):
        assert set(_rows(report)) == {user.username}  # a consultant sees only themself
    # the page shows the same
    before = (Contract.objects.count(), AuditLog.objects.count())
    response = client_for(user).get(reverse("sales:manager_view"))
    assert response.status_code == 200
    html = response.content.decode()
    for username in ("sales1a", "sales2a"):
        assert (f'data-user="{username}"' in html) == (
            username in figures_of or username == getattr(user, "username", "")
        )
    assert (Contract.objects.count(), AuditLog.objects.count()) == before


def test_api_follows_scope(data, sales1a, manager):
    _token, raw = token_create(user=sales1a, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get("/api/v1/sales/reports/manager?period=month").json()
    assert [row["user"]["name"] for row in body["users"]] == [str(sales1a)]
    assert body["departments"] == []
    assert body["total"]["signed_amount"] == "12500.10"
    assert body["users"][0]["figures"]["collection_rate"] == "24.0"
    _token, raw = token_create(user=manager, name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get("/api/v1/sales/reports/manager").json()
    assert body["total"]["signed_amount"] == "15833.43"
    assert body["total"]["collected"] == "5345.72"
    assert {row["department"]["name"] for row in body["departments"]} == {
        "销售中心",
        "销售一部",
        "销售二部",
    }
    bad = api.get("/api/v1/sales/reports/manager?period=custom&start=2026-05-02&end=2026-05-01")
    assert bad.status_code == 422 and "end" in bad.json()["errors"]
    relations = Department.objects.get(name="客户关系部")
    bad = api.get(f"/api/v1/sales/reports/manager?department={relations.pk}")
    assert bad.status_code == 422


# ---------------------------------------------------------------- export


def _xlsx_rows(response):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def test_export_needs_permission_and_changes_nothing(data, sales1a, client_for):
    before = AuditLog.objects.count()
    response = client_for(sales1a).get(reverse("sales:manager_export"))
    assert response.status_code == 403
    assert AuditLog.objects.count() == before


def test_export_manager_is_audited_and_exact(data, manager, client_for):
    with translation.override("en"):
        response = client_for(manager).get(reverse("sales:manager_export") + "?period=month")
    assert response.status_code == 200
    sheets = _xlsx_rows(response)
    consultants, departments = list(sheets.values())
    by_name = {row[0]: row for row in consultants[1:]}
    assert by_name["李明"][2:9] == [2, 12500.1, 4234.61, 24, 2, 2799.45, 2000]
    assert "陈刚" in by_name and "孙丽" not in by_name
    assert {row[0] for row in departments[1:]} == {"销售中心", "销售一部", "销售二部"}
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.actor == manager and log.summary.startswith("sales-manager.xlsx")
    assert log.detail["rows"] == len(consultants) - 2 + len(departments) - 1


def test_export_of_a_consultant_is_only_themself(data, sales1a, client_for):
    role = Role.objects.get(code="consultant")
    role.permissions = [*role.permissions, "customer.export"]
    role.save(update_fields=["permissions"])
    response = client_for(sales1a).get(reverse("sales:manager_export"))
    assert response.status_code == 200
    consultants = next(iter(_xlsx_rows(response).values()))
    assert [row[0] for row in consultants[1:-1]] == ["李明"]
    assert len(_xlsx_rows(client_for(sales1a).get(reverse("sales:manager_export")))) == 1


# ---------------------------------------------------------------- page


def test_page_links_and_definitions(data, manager, client_for):
    manager.language = "en"
    manager.save(update_fields=["language"])
    with translation.override("en"):
        response = client_for(manager).get(reverse("sales:manager_view"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'id="sales-manager-chart"' in html and "vendor/echarts/echarts.min.js" in html
    assert "Collection rate" in html
    start = data["start"].isoformat()
    owner_link = (
        f"{reverse('sales:contract_list')}?owner={data['c1'].owner_id}&amp;signed_from={start}"
    )
    assert owner_link in html
    assert f"{reverse('sales:receivables')}?owner={data['c1'].owner_id}" in html
    assert reverse("sales:targets") in html  # the manager may set targets


def test_bad_query_shows_errors_not_a_crash(data, manager, client_for):
    response = client_for(manager).get(
        reverse("sales:manager_view") + "?period=custom&start=2026-05-02&end=2026-05-01"
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client_for(manager).get(reverse("sales:manager_view") + "?period=nonsense")
    assert response.status_code == 200 and response.context["form"].errors


def test_query_count_does_not_grow(data, manager, client_for, make_customer, sales1b, org):
    client = client_for(manager)
    client.get(reverse("sales:manager_view"))
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("sales:manager_view")).status_code == 200
    start = data["start"]
    for user in (sales1b, org["sales2b"]):
        customer = make_customer(user, name=f"{user.username}的客户")
        contract = ContractRowFactory(
            customer=customer, status=Contract.Status.SIGNED, signed_on=start, total="100"
        )
        PaymentRowFactory(contract=contract, amount="10", received_on=start)
        InstalmentRowFactory(
            contract=contract, sequence=1, due_on=start - dt.timedelta(days=1), amount="100"
        )
        for metric in SalesTarget.Metric.values:
            SalesTarget.objects.create(
                user=user, period="month", starts_on=start, metric=metric, value=D("5")
            )
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("sales:manager_view")).status_code == 200
    assert len(after) <= len(before) + 5  # the target queries, once, not per consultant
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("sales:manager_view"))
    assert len(again) == len(after)


def test_manager_report_queries_are_bounded(data, manager, django_assert_max_num_queries):
    for user in [manager]:
        SalesTarget.objects.create(
            user=user, period="month", starts_on=data["start"], metric="signed", value=D("1")
        )
    with django_assert_max_num_queries(16):
        manager_report(viewer=manager, period=report_period())
