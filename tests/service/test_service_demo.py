"""The complaints demo (issue 15 §9): complaints in every state, escalated and reopened ones
included; a second run seeds nothing."""

import pytest

from guanxi.service.demo import seed_service_demo
from guanxi.service.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_has_complaints_in_every_state(sales1a, make_customer):
    for index in range(6):
        make_customer(sales1a, name=f"演示客户{index}")
    stats = seed_service_demo(seed=7)
    assert not stats.skipped
    rows = Complaint.objects.all()
    assert rows.filter(status="open", owner__isnull=True).exists()
    assert rows.filter(status="open", step__gte=1).exists()
    assert rows.filter(status="closed", resolution="resolved").exists()
    assert rows.filter(status="closed", resolution="unresolved").exists()
    assert rows.filter(reopened__gt=0).exists()
    assert rows.filter(escalation_level__gt=0).exists()
    assert seed_service_demo(seed=7).skipped
