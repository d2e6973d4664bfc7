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
