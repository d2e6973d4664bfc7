"""Two agents accepting the same complaint at the same moment (CMP-2, 首问责任制): one owner,
with real simultaneous connections on PostgreSQL."""

import pytest
from django.db import connection

from guanxi.accounts.models import User
from guanxi.service.complaints import services
from guanxi.service.models import Complaint, ComplaintEvent
from tests.sales.support import run_together
from tests.service.factories import make_complaint

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]


def _accept(username, complaint_id):
    user = User.objects.get(username=username)
    services.complaint_accept(actor=user, complaint_id=complaint_id, note=f"{username} 受理")


def test_two_agents_accepting_at_once_leave_one_owner(agent, relations, make_customer):
    customer = make_customer(relations, name="并发投诉")
    complaint = make_complaint(agent, customer)
    jobs = [lambda n=n: _accept(n, complaint.pk) for n in ("agent", "relations", "admin")]
    results = run_together(jobs)
    assert sorted(results) == ["ok", "refused", "refused"], results
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.owner_id is not None and row.step == 1
    assert row.first_owner_id == row.owner_id
    accepts = ComplaintEvent.objects.filter(complaint=row, kind="accept")
    assert list(accepts.values_list("actor_id", flat=True)) == [row.owner_id]
