"""The manager view (ORD-6) on a handcrafted data set: exact Decimal sums, data scope per
role on the page, the API and the Excel export, drill-down links, query counts."""

import datetime as dt
import io
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.accounts.models import Department, Role
from guanxi.accounts.services import token_create
from guanxi.core.errors import ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, Instalment, Invoice, Payment, SalesTarget
from guanxi.sales.reports.selectors import manager_report, report_period

pytestmark = pytest.mark.django_db

D = Decimal
_numbers = count(1)


def make_contract(customer, *, status, signed_on, total, paid="0"):
    n = next(_numbers)
    return Contract.objects.create(
        number=f"HT-TEST-{n:06d}",
        title=f"合同{n}",
        customer=customer,
        owner_id=customer.owner_id,
        department_id=customer.department_id,
        status=status,
        signed_on=signed_on,
        gross_amount=D(total),
        net_amount=D(total),
        tax_amount=D("0"),
        total_amount=D(total),
        paid_amount=D(paid),
    )


def make_payment(contract, *, amount, received_on, status=Payment.Status.CONFIRMED):
    return Payment.objects.create(
        contract=contract,
        customer_id=contract.customer_id,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        amount=D(amount),
        received_on=received_on,
        method=Payment.Method.TRANSFER,
        status=status,
    )


def make_instalment(contract, *, sequence, due_on, amount, paid="0"):
    amount, paid = D(amount), D(paid)
    return Instalment.objects.create(
        contract=contract,
        sequence=sequence,
        due_on=due_on,
        amount=amount,
        paid_amount=paid,
        settled=paid == amount,
        customer_id=contract.customer_id,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        active=contract.status in (Contract.Status.SIGNED, Contract.Status.EXECUTING),
    )


def make_invoice(contract, *, number, amount, issued_on, status=Invoice.Status.ISSUED):
    return Invoice.objects.create(
        contract=contract,
        owner_id=contract.owner_id,
        department_id=contract.department_id,
        number=number,
        kind=Invoice.Kind.NORMAL,
        amount=D(amount),
        tax_rate=D("0"),
        net_amount=D(amount),
        tax_amount=D("0"),
        issued_on=issued_on,
        status=status,
    )


@pytest.fixture
def data(sales1a, sales2a, make_customer):
    """This month: sales1a signed C1 (10,000.10) and C2 (2,500.00); a terminated, a draft
    and last month's contract do not count. sales2a signed C6 (3,333.33)."""
    today = timezone.localdate()
    start = today.replace(day=1)
    last_month = start - dt.timedelta(days=1)
    S = Contract.Status
    a = make_customer(sales1a, name="甲公司")
    b = make_customer(sales2a, name="乙公司")
    c1 = make_contract(a, status=S.SIGNED, signed_on=start, total="10000.10", paid="3000.05")
    c2 = make_contract(a, status=S.EXECUTING, signed_on=start, total="2500.00")
    make_contract(a, status=S.TERMINATED, signed_on=start, total="99999.00")
    make_contract(a, status=S.DRAFT, signed_on=start, total="500.00")
    c5 = make_contract(a, status=S.COMPLETED, signed_on=last_month, total="7000", paid="7000")
    c6 = make_contract(b, status=S.SIGNED, signed_on=start, total="3333.33", paid="1111.11")
    make_payment(c1, amount="3000.05", received_on=start)
    make_payment(c5, amount="1234.56", received_on=start)  # an older contract's money
    make_payment(c1, amount="100", received_on=start, status=Payment.Status.PENDING)
    make_payment(c2, amount="50", received_on=start, status=Payment.Status.VOIDED)
    make_payment(c5, amount="999", received_on=last_month)
    make_payment(c6, amount="1111.11", received_on=start)
    make_instalment(
        c2, sequence=1, due_on=today - dt.timedelta(days=1), amount="1000", paid="200.50"
    )
    make_instalment(c2, sequence=2, due_on=today + dt.timedelta(days=30), amount="1500")
    make_instalment(
        c1, sequence=1, due_on=today - dt.timedelta(days=10), amount="5000", paid="3000.05"
    )
    make_instalment(c1, sequence=2, due_on=today + dt.timedelta(days=5), amount="5000.10")
    make_instalment(
        c6, sequence=1, due_on=today - dt.timedelta(days=3), amount="1111.11", paid="1111.11"
    )
    make_invoice(c1, number="F001", amount="2000.00", issued_on=start)
    make_invoice(c1, number="F002", amount="300", issued_on=start, status=Invoice.Status.PENDING)
    make_invoice(c1, number="F003", amount="400", issued_on=start, status=Invoice.Status.VOIDED)
    return {"today": today, "start": start, "c1": c1, "c6": c6}


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
        viewer=manager, period=report_period("month", on=last_month, today=today)
    )
    mine = _rows(report)["sales1a"].figures
    assert (mine.signed_count, mine.signed_amount, mine.collected) == (1, D("7000.00"), D("999"))
    assert mine.collection_rate == D("100.0")
    # overdue is a snapshot as of today, whatever the period
    assert mine.overdue_amount == D("2799.45")
    custom = report_period("custom", start=last_month, end=today, today=today)
    mine = _rows(manager_report(viewer=manager, period=custom))["sales1a"].figures
    assert mine.signed_amount == D("19500.10") and mine.collected == D("5233.61")
    year = report_period("year", today=today)
    assert (year.start, year.end) == (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    quarter = report_period("quarter", on=dt.date(2026, 5, 17))
    assert (quarter.start, quarter.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def test_bad_periods_are_refused(db):
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as error:
            report_period("week")
        assert error.value.field_errors["period"] == ["Choose month, quarter, year or custom."]
        with pytest.raises(ValidationFailed) as error:
            report_period("custom", start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 1))
        assert error.value.field_errors["end"] == ["The end is before the start."]
        with pytest.raises(ValidationFailed) as error:
            report_period("custom", start=dt.date(2026, 5, 2))
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
        contract = make_contract(
            customer, status=Contract.Status.SIGNED, signed_on=start, total="100"
        )
        make_payment(contract, amount="10", received_on=start)
        make_instalment(contract, sequence=1, due_on=start - dt.timedelta(days=1), amount="100")
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
