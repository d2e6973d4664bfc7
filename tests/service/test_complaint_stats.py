"""Complaint statistics (CMP-4): volumes, timings and targets met, repeat complainers, and
the repurchase rate of complainers by outcome beside the seed's figures (000 §5.4.7)."""

import datetime as dt

import pytest
from django.urls import reverse

from guanxi.core.errors import ValidationFailed
from guanxi.service.complaints import services, stats
from guanxi.service.models import Complaint
from tests.sales.factories import make_contract
from tests.service.factories import make_complaint, walk

pytestmark = pytest.mark.django_db


def _close(actor, complaint, resolution="resolved"):
    walk(actor, complaint)
    return services.complaint_close(actor=actor, complaint_id=complaint.pk, resolution=resolution)


def test_the_report_counts_outcomes_and_repurchases(relations, sales1a, make_customer):
    fast_customer = make_customer(sales1a, name="很快解决")
    unresolved_customer = make_customer(sales1a, name="没有解决")
    slow_customer = make_customer(sales1a, name="解决很慢")
    fast = _close(relations, make_complaint(relations, fast_customer, code="product_quality"))
    _close(relations, make_complaint(relations, unresolved_customer), resolution="unresolved")
    slow = _close(relations, make_complaint(relations, slow_customer))
    Complaint.objects.filter(pk=slow.pk).update(resolve_due=slow.closed_at - dt.timedelta(hours=1))
    make_complaint(relations, fast_customer, channel="email")  # a repeat complainer
    make_contract(sales1a, fast_customer)  # signed today: after the complaint
    report = stats.complaint_report(user=relations, period=stats.Period.from_params({}))
    assert report.total == 4
    assert report.repeat_customers == 1 and report.repeaters[0].label == "很快解决"
    outcomes = {row.code: row for row in report.outcomes}
    assert outcomes["fast"].customers == 1 and outcomes["fast"].rate == 100.0
    assert outcomes["unresolved"].customers == 1 and outcomes["unresolved"].rate == 0.0
    assert outcomes["slow"].customers == 1
    assert outcomes["fast"].seed_rate == 82 and outcomes["unresolved"].seed_rate == 19
    assert sorted(row.count for row in report.by_channel) == [1, 3]
    timings = {t.code: t for t in report.timings}
    assert timings["resolve"].counted == 3 and timings["resolve"].met == 1, timings["resolve"]
    assert timings["respond"].median is not None
    assert fast.resolve_minutes is not None


def test_the_scope_limits_the_report(relations, sales1a, sales2a, make_customer):
    make_complaint(relations, make_customer(sales1a, name="一部客户"))
    make_complaint(relations, make_customer(sales2a, name="二部客户"))
    period = stats.Period.from_params({})
    assert stats.complaint_report(user=relations, period=period).total == 2
    assert stats.complaint_report(user=sales1a, period=period).total == 1


def test_the_page_needs_the_permission_and_refuses_a_bad_period(client_for, relations, agent):
    client = client_for(relations)
    page = client.get(reverse("service:complaint_stats"))
    assert page.status_code == 200 and 'id="complaint-stats-data"' in page.content.decode()
    bad = client.get(reverse("service:complaint_stats") + "?since=2026-02-30")
    assert bad.status_code == 200
    with pytest.raises(ValidationFailed):
        stats.Period.from_params({"since": "2026-05-01", "until": "2026-01-01"})
    assert client_for(agent).get(reverse("service:complaint_stats")).status_code == 403


# ---------------------------------------------------------------- the Excel export


def _workbook(response):
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Cache-Control"] == "no-store"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def three_departments(relations, sales1a, sales1b, sales2a, make_customer):
    """Complaints about customers of three consultants in two departments: sales1a's
    customer complains twice (phone, e-mail), the others once each (visit)."""
    mine = make_customer(sales1a, name='=HYPERLINK("http://x")')
    _close(relations, make_complaint(relations, mine, code="product_quality"))
    make_complaint(relations, mine, channel="email")
    make_complaint(relations, make_customer(sales1b, name="一部同事客户"), channel="visit")
    make_complaint(relations, make_customer(sales2a, name="二部客户"), channel="visit")


def test_the_excel_export_has_the_page_tables_and_the_page_figures(
    client_for, relations, three_departments
):
    """CMP-4: one sheet per table of the page, the same figures as the page's report for the
    same period, text defused against formulas, the export audited."""
    from django.utils import translation

    from guanxi.core.models import AuditLog

    relations.language = "en"
    relations.save(update_fields=["language"])
    period = stats.Period.from_params({})
    with translation.override("en"):
        report = stats.complaint_report(user=relations, period=period)
    client = client_for(relations)
    page = client.get(reverse("service:complaint_stats")).content.decode()
    assert 'id="gx-stats-export"' in page
    query = f"?since={period.since:%Y-%m-%d}&until={period.until:%Y-%m-%d}"
    book = _workbook(client.get(reverse("service:complaint_stats_export") + query))
    assert book.sheetnames == [
        "Summary",
        "Times and targets",
        "Repurchase by outcome",
        "By category",
        "By sub-item",
        "By product",
        "By channel",
        "By consultant",
        "Repeat complainers",
    ]
    summary = dict((row[0], row[1]) for row in _sheet_rows(book["Summary"]))
    assert summary["Complaints received"] == report.total == 4
    assert summary["Repeat complainers"] == report.repeat_customers == 1
    assert summary["From"].date() == period.since and summary["To"].date() == period.until
    channels = {label: n for label, n in _sheet_rows(book["By channel"])[1:]}
    assert channels == {row.label: row.count for row in report.by_channel}
    assert sorted(channels.values()) == [1, 1, 2]
    categories = {label: n for label, n in _sheet_rows(book["By category"])[1:]}
    assert categories == {row.label: row.count for row in report.by_category}
    timings = {row[0]: row[1:] for row in _sheet_rows(book["Times and targets"])[1:]}
    for t in report.timings:
        assert timings[t.label] == [t.median, t.p90, t.met_rate, t.met, t.counted]
    assert timings["Time to resolve"][3:] == [1, 1]
    outcomes = _sheet_rows(book["Repurchase by outcome"])
    assert [row[4] for row in outcomes[1:]] == [19, 54, 54, 82, 9]
    # a customer name that a spreadsheet would run as a formula stays text
    (repeat,) = _sheet_rows(book["Repeat complainers"])[1:]
    assert repeat == ['\'=HYPERLINK("http://x")', 2]
    entry = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).latest("id")
    assert entry.actor == relations and entry.summary.startswith("complaint-statistics.xlsx")
    assert entry.detail["filters"] == {"since": f"{period.since}", "until": f"{period.until}"}
    assert entry.detail["complaints"] == 4


def test_the_excel_export_speaks_the_users_language(client_for, relations, three_departments):
    relations.language = "zh-hans"
    relations.save(update_fields=["language"])
    book = _workbook(client_for(relations).get(reverse("service:complaint_stats_export")))
    assert book.sheetnames[0] == "摘要" and "按渠道" in book.sheetnames


def _grant_stats_and_export(user):
    from tests.accounts.factories import RoleFactory

    role = RoleFactory(
        code="t-stats-export",
        permissions=["service.complaint_stats", "customer.export"],
    )
    user.roles.add(role)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("relations", 4),  # customer relations: every complaint
        ("manager", 4),  # the sales centre's manager: both sales departments
        ("sales1a", 2),  # a consultant allowed the statistics: their own customers only
        ("agent", None),  # no statistics permission
        ("marketing", None),  # may export, but not see complaint statistics
    ],
)
def test_the_excel_export_holds_only_what_the_role_may_see(
    client_for, org, three_departments, who, expected
):
    from guanxi.core.models import AuditLog

    user = org[who]
    if who == "sales1a":
        _grant_stats_and_export(user)
    response = client_for(user).get(reverse("service:complaint_stats_export"))
    if expected is None:
        assert response.status_code == 403
        assert not AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=user).exists()
        return
    book = _workbook(response)
    summary, channels = book.worksheets[0], book.worksheets[6]  # in the user's language
    assert _sheet_rows(summary)[3][1] == expected  # complaints received
    assert sum(n for _label, n in _sheet_rows(channels)[1:]) == expected


def test_the_excel_export_needs_the_export_permission_and_a_valid_period(
    client_for, org, three_departments
):
    from guanxi.accounts.models import Role

    sales1a = org["sales1a"]
    sales1a.roles.add(
        Role.objects.create(code="t-stats", name="t", permissions=["service.complaint_stats"])
    )
    client = client_for(sales1a)
    assert client.get(reverse("service:complaint_stats_export")).status_code == 403
    page = client.get(reverse("service:complaint_stats")).content.decode()
    assert 'id="gx-stats-export"' not in page
    relations = client_for(org["relations"])
    bad = relations.get(reverse("service:complaint_stats_export") + "?since=2026-02-30")
    assert bad.status_code == 302 and bad["Location"] == reverse("service:complaint_stats")
