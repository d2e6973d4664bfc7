"""/api/v1 payment plans, payments, invoices and the ageing (ORD-4, ORD-5) with an API token:
the Idempotency-Key contract of recording a payment, bad input 422 per field with nothing
written, invoicing beyond the total only with the override, data scope per role (404,
nothing written)."""

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, Instalment, Invoice, Payment
from tests.sales.factories import make_contract, pay
from tests.sales.support import SEES, api, check_invariants, money_state

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post(client, url, body=None, key=None, method="post"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return getattr(client, method)(
        url, body if body is not None else {}, content_type=JSON, headers=headers
    )


@pytest.fixture
def contract(sales1a, make_customer):
    """9,000 signed, three instalments of 3,000 due 30 days ago, today, in 30 days."""
    return make_contract(sales1a, make_customer(sales1a, name="华东贸易"))


def _payment(amount="1000.00", **extra):
    return {
        "amount": amount,
        "received_on": timezone.localdate().isoformat(),
        "method": "transfer",
        "reference": "BANK-1",
        **extra,
    }


# ---------------------------------------------------------------- plans


def test_plan_read_and_replace(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), total="1000.00", plan=[], sign=False)
    client = api(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/instalments"
    assert client.get(url).json()["instalments"] == []
    saved = post(
        client,
        url,
        {
            "instalments": [
                {"due_on": "2026-01-31", "amount": "400.00", "notes": "首付"},
                {"due_on": "2026-02-28", "amount": 600},
            ]
        },
        method="put",
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert [(i["sequence"], i["amount"], i["open_amount"]) for i in body["instalments"]] == [
        (1, "400.00", "400.00"),
        (2, "600.00", "600.00"),
    ]
    assert body["total_amount"] == "1000.00" and body["status"] == "draft"


@pytest.mark.parametrize(
    "rows, field",
    [
        (
            [{"due_on": "2026-01-31", "amount": "400"}, {"due_on": "2026-02-28", "amount": "500"}],
            "plan",
        ),
        ([{"due_on": "2026-01-31", "amount": "abc"}], "instalments"),
        (
            [
                {"due_on": "2026-01-31", "amount": "999.999"},
                {"due_on": "2026-02-28", "amount": "0.001"},
            ],
            "plan.0.amount",
        ),
        (
            [{"due_on": "2026-01-31", "amount": "-1"}, {"due_on": "2026-02-28", "amount": "1001"}],
            "plan.0.amount",
        ),
        # was a 500; now refused with the JSON types, like "abc" (issue 11 §2)
        ([{"due_on": "2026-01-31", "amount": "1e400"}], "instalments"),
        (
            [{"due_on": "2026-02-28", "amount": "500"}, {"due_on": "2026-01-31", "amount": "500"}],
            "plan.1.due_on",
        ),
        ([{"due_on": "someday", "amount": "1000"}], "instalments"),
        ([{"due_on": "2026-01-31", "amount": "1000", "paid_amount": "1000"}], "instalments"),
    ],
)
def test_bad_plans_are_422_and_write_nothing(sales1a, make_customer, rows, field):
    contract = make_contract(sales1a, make_customer(sales1a), total="1000.00", plan=[], sign=False)
    client = api(sales1a)
    before = money_state(contract), AuditLog.objects.count()
    response = post(
        client, f"/api/v1/contracts/{contract.pk}/instalments", {"instalments": rows}, method="put"
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert response.json()["errors"][field]
    assert (money_state(contract), AuditLog.objects.count()) == before


# ---------------------------------------------------------------- payments and idempotency


def test_same_key_twice_records_one_payment_with_the_same_answer(sales1a, contract):
    client = api(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/payments"
    first = post(client, url, _payment(), key="key-1")
    assert first.status_code == 201, first.content
    again = post(client, url, _payment(), key="key-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Payment.objects.count() == 1
    body = first.json()
    assert body["amount"] == "1000.00" and body["status"] == "confirmed"
    assert body["allocations"] == [
        {
            "instalment_id": Instalment.objects.get(contract=contract, sequence=1).pk,
            "sequence": 1,
            "amount": "1000.00",
        }
    ]
    contract.refresh_from_db()
    assert contract.paid_amount == 1000 and contract.status == Contract.Status.EXECUTING

    second = post(client, url, _payment(), key="key-2")  # a new key: a second payment
    assert second.status_code == 201 and second.json()["id"] != body["id"]
    assert Payment.objects.count() == 2
    assert Contract.objects.get(pk=contract.pk).paid_amount == 2000
    check_invariants(contract)


@pytest.mark.parametrize(
    "changed",
    [
        {"amount": "1000.01"},
        {"received_on": "2026-01-01"},
        {"method": "cash"},
        {"reference": "BANK-2"},
        {"instalment_id": "third"},
        {"notes": "另一笔"},  # notes and the over-payment flag were not part of the
        {"accept_overpayment": True},  # request's fingerprint: answered as a replay
    ],
)
def test_a_key_reused_with_a_different_body_is_refused(sales1a, contract, changed):
    client = api(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/payments"
    assert post(client, url, _payment(), key="key-1").status_code == 201
    if changed.get("instalment_id") == "third":
        changed = {"instalment_id": Instalment.objects.get(contract=contract, sequence=3).pk}
    before = money_state(contract), AuditLog.objects.count()
    reused = post(client, url, _payment(**changed), key="key-1")
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert (money_state(contract), AuditLog.objects.count()) == before


def test_the_key_is_per_user_and_required(sales1a, manager, contract):
    url = f"/api/v1/contracts/{contract.pk}/payments"
    owner, boss = api(sales1a), api(manager)
    before = money_state(contract)
    missing = post(owner, url, _payment())
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json()["errors"]
    blank = post(owner, url, _payment(), key="   ")
    assert blank.status_code == 422
    too_long = post(owner, url, _payment(), key="k" * 81)
    assert too_long.status_code == 422 and "Idempotency-Key" in too_long.json()["errors"]
    assert money_state(contract) == before
    assert post(owner, url, _payment(), key="same").status_code == 201
    assert post(boss, url, _payment(), key="same").status_code == 201  # another user's key
    assert Payment.objects.count() == 2


def test_a_refused_payment_leaves_the_key_free(sales1a, contract):
    client = api(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/payments"
    over = post(client, url, _payment("9000.01"), key="key-1")
    assert over.status_code == 422 and "amount" in over.json()["errors"]
    assert not Payment.objects.exists()
    ok = post(client, url, _payment("9000.01", accept_overpayment=True), key="key-1")
    assert ok.status_code == 201 and ok.json()["unallocated_amount"] == "0.01"
    check_invariants(contract)


@pytest.mark.parametrize(
    "body, field",
    [
        (_payment("abc"), "amount"),
        (_payment("12.345"), "amount"),
        (_payment("1e400"), "amount"),  # was a 500 (InvalidOperation when rounding)
        (_payment("0"), "amount"),
        (_payment("-5"), "amount"),
        (_payment(received_on="2999-01-01"), "received_on"),
        (_payment(received_on="01/02/2026"), "received_on"),
        (_payment(method="bitcoin"), "method"),
        (_payment(instalment_id=999999), "instalment_id"),
        (_payment(status="confirmed"), "status"),
        ({"amount": "10"}, "received_on"),
    ],
)
def test_bad_payments_are_422_and_write_nothing(sales1a, contract, body, field):
    client = api(sales1a)
    before = money_state(contract), AuditLog.objects.count()
    response = post(client, f"/api/v1/contracts/{contract.pk}/payments", body, key="bad-1")
    assert response.status_code == 422, response.content
    assert response.json()["errors"].get(field), response.json()
    assert (money_state(contract), AuditLog.objects.count()) == before


def test_payment_on_a_draft_is_refused_and_without_a_plan_is_taken(sales1a, make_customer):
    draft = make_contract(sales1a, make_customer(sales1a), total="500.00", sign=False)
    client = api(sales1a)
    before = money_state(draft)
    response = post(client, f"/api/v1/contracts/{draft.pk}/payments", _payment("1"), key="k")
    assert response.status_code == 422 and response.json()["detail"]
    assert money_state(draft) == before
    # issue 12 §3: signed without a plan, it is receivable in full on signing
    no_plan = make_contract(sales1a, make_customer(sales1a), total="500.00", plan=[])
    response = post(client, f"/api/v1/contracts/{no_plan.pk}/payments", _payment("1"), key="k2")
    assert response.status_code in (200, 201), response.content


def test_payment_list_pages_and_void(sales1a, admin_user, contract):
    payments = [pay(sales1a, contract, "100.00") for _ in range(3)]
    client = api(sales1a)
    url = f"/api/v1/contracts/{contract.pk}/payments"
    first = client.get(f"{url}?limit=2").json()
    assert [p["id"] for p in first["items"]] == [payments[2].pk, payments[1].pk]
    second = client.get(f"{url}?limit=2&cursor={first['next_cursor']}").json()
    assert [p["id"] for p in second["items"]] == [payments[0].pk] and second["next_cursor"] is None
    assert client.get(f"{url}?cursor=x").status_code == 422

    before = money_state(contract)
    refused = post(client, f"/api/v1/payments/{payments[0].pk}/void", {"reason": "录错"})
    assert refused.status_code == 403
    admin = api(admin_user)
    no_reason = post(admin, f"/api/v1/payments/{payments[0].pk}/void", {"reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    assert money_state(contract) == before
    voided = post(admin, f"/api/v1/payments/{payments[0].pk}/void", {"reason": "录错"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert voided.json()["allocations"] == []
    assert Contract.objects.get(pk=contract.pk).paid_amount == 200
    twice = post(admin, f"/api/v1/payments/{payments[0].pk}/void", {"reason": "再来"})
    assert twice.status_code == 422
    check_invariants(contract)


# ---------------------------------------------------------------- invoices


def _invoice(amount="1000.00", number="00001", **extra):
    return {
        "number": number,
        "kind": "normal",
        "amount": amount,
        "tax_rate": "0.13",
        "issued_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_invoices_and_the_total_rule(sales1a, manager, admin_user, contract):
    owner, boss = api(sales1a), api(manager)
    url = f"/api/v1/contracts/{contract.pk}/invoices"
    ok = post(owner, url, _invoice("8000.00"))
    assert ok.status_code == 201, ok.content
    assert ok.json()["tax_amount"] == "920.35" and ok.json()["status"] == "issued"
    before = money_state(contract), AuditLog.objects.count()
    beyond = post(owner, url, _invoice("1000.01", "00002"))
    assert beyond.status_code == 422 and beyond.json()["errors"]["amount"]
    with_reason = post(owner, url, _invoice("1000.01", "00002", override_reason="客户要求"))
    assert with_reason.status_code == 403
    no_reason = post(boss, url, _invoice("1000.01", "00002"))
    assert no_reason.status_code == 422 and "amount" in no_reason.json()["errors"]
    assert (money_state(contract), AuditLog.objects.count()) == before
    done = post(boss, url, _invoice("1000.01", "00002", override_reason="客户要求"))
    assert done.status_code == 201, done.content
    assert done.json()["over_invoice_override"] is True
    assert done.json()["override_by"]["id"] == manager.pk
    listed = owner.get(url).json()
    assert [i["number"] for i in listed["items"]] == ["00002", "00001"]
    admin = api(admin_user)
    voided = post(admin, f"/api/v1/invoices/{done.json()['id']}/void", {"reason": "红冲"})
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert Contract.objects.get(pk=contract.pk).invoiced_amount == 8000
    check_invariants(contract)


@pytest.mark.parametrize(
    "body, field",
    [
        (_invoice("abc"), "amount"),
        (_invoice("10.005"), "amount"),
        (_invoice("1e400"), "amount"),  # was a 500
        (_invoice(tax_rate="13"), "tax_rate"),
        (_invoice(tax_rate="0.12345"), "tax_rate"),
        (_invoice(kind="vat"), "kind"),
        (_invoice(number=""), "number"),
        (_invoice(issued_on="2999-01-01"), "issued_on"),
        (_invoice(payment_id=999999), "payment"),
        (_invoice(status="issued"), "status"),
    ],
)
def test_bad_invoices_are_422_and_write_nothing(sales1a, contract, body, field):
    client = api(sales1a)
    before = money_state(contract), AuditLog.objects.count()
    response = post(client, f"/api/v1/contracts/{contract.pk}/invoices", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"].get(field), response.json()
    assert (money_state(contract), AuditLog.objects.count()) == before


# ---------------------------------------------------------------- ageing


def test_ageing(sales1a, contract):
    pay(sales1a, contract, "1000.00")
    body = api(sales1a).get("/api/v1/receivables/ageing").json()
    summary = body["summary"]
    assert summary["total"] == "8000.00" and summary["overdue"] == "2000.00"
    assert [(b["key"], b["amount"], b["count"]) for b in summary["buckets"]] == [
        ("not_due", "6000.00", 2),
        ("d1_30", "2000.00", 1),
        ("d31_60", "0.00", 0),
        ("d61_90", "0.00", 0),
        ("d90", "0.00", 0),
    ]
    assert [(r["id"], r["name"], r["total"]) for r in body["by_owner"]] == [
        (sales1a.pk, "李明", "8000.00")
    ]
    client = api(sales1a)
    for bad in ("bucket=forever", "owner=x", "department=-1"):
        response = client.get(f"/api/v1/receivables/ageing?{bad}")
        assert response.status_code == 422, bad


# ---------------------------------------------------------------- scope per role


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_reads_scoped_per_role(org, sales1a, contract, username, sees):
    pay(sales1a, contract, "100.00")
    client = api(org[username])
    for part in ("instalments", "payments", "invoices"):
        url = f"/api/v1/contracts/{contract.pk}/{part}"
        assert client.get(url).status_code == (200 if sees else 404), url
    ageing = client.get("/api/v1/receivables/ageing").json()
    assert ageing["summary"]["total"] == ("8900.00" if sees else "0.00")
    assert [r["id"] for r in ageing["by_owner"]] == ([sales1a.pk] if sees else [])


@pytest.mark.parametrize("username", sorted(u for u, sees in SEES.items() if not sees))
def test_denied_writes_are_404_and_change_nothing(org, sales1a, contract, username):
    payment = pay(sales1a, contract, "1000.00")
    post(api(sales1a), f"/api/v1/contracts/{contract.pk}/invoices", _invoice("100"))
    invoice = Invoice.objects.get()
    client = api(org[username])
    before = money_state(contract), AuditLog.objects.count()
    base = f"/api/v1/contracts/{contract.pk}"
    today = timezone.localdate().isoformat()
    attempts = [
        ("put", f"{base}/instalments", {"instalments": [{"due_on": today, "amount": "9000"}]}),
        ("post", f"{base}/payments", _payment("10")),
        ("post", f"{base}/invoices", _invoice("10", "99")),
        ("post", f"/api/v1/payments/{payment.pk}/void", {"reason": "越权"}),
        ("post", f"/api/v1/invoices/{invoice.pk}/void", {"reason": "越权"}),
    ]
    for method, url, body in attempts:
        response = post(client, url, body, key="deny-1", method=method)
        assert response.status_code == 404, (url, response.content)
    assert (money_state(contract), AuditLog.objects.count()) == before


def test_unauthenticated_is_401(contract):
    url = f"/api/v1/contracts/{contract.pk}/payments"
    assert Client().get(url).status_code == 401
    assert post(Client(), url, _payment(), key="k").status_code == 401
    assert not Payment.objects.exists()
