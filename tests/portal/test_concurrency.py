"""Races on real connections (PostgreSQL): one code signs in once; the same new phone from
two forms at once makes one customer; two leads of one team form at once go to two members."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from guanxi.core.errors import ValidationFailed
from guanxi.customers.models import Customer
from guanxi.portal.access import services as access
from guanxi.portal.leads.services import LeadInput, lead_submit
from guanxi.portal.models import LeadSubmission, PortalCode, PortalSession
from tests.portal.factories import lead_form

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks across real connections"
    ),
]


def _together(*calls):
    """Run the calls at the same moment, each on its own connection; their results or errors."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a call hung"
    return results


def test_one_code_used_twice_at_once_signs_in_once(make_customer, sales1a):
    make_customer(sales1a, name="并发登录", mobile="13988880001")
    identifier = access.identifier_parse("13988880001")
    code = "123456"
    PortalCode.objects.create(
        customer=Customer.objects.get(mobile=identifier.value),
        channel=identifier.channel,
        identifier_digest=identifier.digest,
        code_digest=access.digest("code", f"{identifier.digest}:{code}"),
        expires_at=timezone.now() + access.CODE_TTL,
    )

    def verify():
        return access.portal_code_verify(identifier=identifier, code=code, ip=None)

    results = _together(verify, verify)
    assert sorted(type(r).__name__ for r in results) == ["SignedIn", "ValidationFailed"], results
    assert any(isinstance(r, ValidationFailed) for r in results)
    assert PortalSession.objects.count() == 1


def test_leads_at_once_one_customer_per_phone_and_turns_taken(admin_user, sales1a):
    first = lead_form(admin_user, department=sales1a.department, name="表单一")
    second = lead_form(admin_user, department=sales1a.department, name="表单二")

    def submit(form, mobile):
        return lambda: lead_submit(
            form=form, data=LeadInput(name="并发", mobile=mobile, extra={"city": "杭州"}), ip=None
        )

    results = _together(submit(first, "13988880002"), submit(second, "13988880002"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Customer.objects.filter(mobile="+8613988880002").count() == 1
    assert sorted(LeadSubmission.objects.values_list("outcome", flat=True)) == ["created", "known"]

    results = _together(submit(first, "13988880003"), submit(first, "13988880004"))
    assert not [r for r in results if isinstance(r, Exception)], results
    owners = set(
        Customer.objects.filter(mobile__in=["+8613988880003", "+8613988880004"]).values_list(
            "owner_id", flat=True
        )
    )
    assert len(owners) == 2  # two members, one lead each
