"""Receivables pages (ORD-4, ORD-5): the ageing report with its filters and pages, the Excel
export (permission, audit, only rows in scope), the contract's money page with the plan
editor, payments, invoices and voids (htmx fragments and plain posts). Data scope per role:
a denied read or write is a 404 and changes nothing; bad input is shown in the form with
nothing written; the report's query count does not grow with the number of contracts."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import Role
from guanxi.core.models import AuditLog
from guanxi.sales.models import Contract, Instalment, Invoice, Payment
from tests.sales.factories import make_contract, pay
from tests.sales.support import SEES, check_invariants, money_state

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
D = Decimal


def _level(response) -> str | None:
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    return levels[-1] if levels else None


@pytest.fixture
def contract(sales1a, make_customer):
    """9,000 signed, three instalments of 3,000 due 30 days ago, today, in 30 days."""
    return make_contract(sales1a, make_customer(sales1a, name="华东贸易"))


@pytest.fixture
def others(sales2a, relations, make_customer):
    """An open contract in 销售二部 and one of customer relations (outside 销售中心)."""
    return {
        "sales2": make_contract(sales2a, make_customer(sales2a, name="二部客户"), total="600.00"),
        "relations": make_contract(
            relations, make_customer(relations, name="关系部客户"), total="300.00"
        ),
    }


def _rows(response) -> list[int]:
    return [inst.pk for inst in response.context["rows"]]


def _instalments(*contracts) -> list[int]:
    return list(
        Instalment.objects.filter(contract__in=contracts)
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- the report


def test_report_lists_open_instalments_and_ageing(client_for, sales1a, contract):
    pay(sales1a, contract, "1000.00")  # part of the oldest instalment
    response = client_for(sales1a).get(reverse("sales:receivables"))
    assert response.status_code == 200
    assert _rows(response) == _instalments(contract)
    oldest = response.context["rows"][0]
    assert oldest.days_overdue == 30 and oldest.bucket == "d1_30"
    summary = response.context["report"]["summary"]
    assert summary["total"] == D("8000.00") and summary["overdue"] == D("2000.00")
    buckets = {b["key"]: b["amount"] for b in summary["buckets"]}
    assert buckets == {
        "not_due": D("6000.00"),
        "d1_30": D("2000.00"),
        "d31_60": 0,
        "d61_90": 0,
        "d90": 0,
    }
    html = response.content.decode()
    assert contract.number in html and "华东贸易" in html
    assert reverse("sales:contract_receivables", args=[contract.pk]) in html
    assert response.context["can_export"] is False
    assert reverse("sales:receivables_export") not in html


def test_report_filters(client_for, manager, sales1a, sales2a, contract, others):
    client = client_for(manager)
    url = reverse("sales:receivables")
    assert set(_rows(client.get(url))) == set(_instalments(contract, others["sales2"]))
    assert _rows(client.get(url, {"owner": sales2a.pk})) == _instalments(others["sales2"])
    assert _rows(client.get(url, {"department": sales1a.department_id})) == _instalments(contract)
    overdue = client.get(url, {"bucket": "d1_30"})
    assert _rows(overdue) == [
        i.pk
        for i in Instalment.objects.filter(due_on__lt=timezone.localdate())
        .exclude(contract=others["relations"])
        .order_by("due_on", "id")
    ]
    # the Export button (imports.exports) carries the report's filters
    assert 'data-list="instalments"' in overdue.content.decode()
    assert 'name="params" value="bucket=d1_30"' in overdue.content.decode()
    # nonsense filters: a message and the whole scope, never a 500
    huge = "9" * 30  # "²" and 30 digits were 500s (int() refuses "²", SQLite 30 digits)
    for bad in (
        {"bucket": "forever"},
        {"owner": "x"},
        {"after": "nonsense"},
        {"owner": "²"},
        {"department": huge},
        {"after": f"2026-01-01_{huge}"},
    ):
        response = client.get(url, bad)
        assert response.status_code == 200, bad
        assert set(_rows(response)) == set(_instalments(contract, others["sales2"])), bad
        assert _level(response) == "error", bad


def test_report_owner_filter_cannot_widen_the_scope(client_for, sales1a, sales2a, others):
    response = client_for(sales1a).get(reverse("sales:receivables"), {"owner": sales2a.pk})
    assert _rows(response) == [] and response.context["report"]["summary"]["total"] == 0


def test_report_pages(client_for, sales1a, contract, monkeypatch):
    from guanxi.sales.receivables import selectors as selectors_receivables

    original = selectors_receivables.open_instalment_page
    monkeypatch.setattr(
        selectors_receivables,
        "open_instalment_page",
        lambda **kw: original(**{**kw, "limit": 2}),
    )
    client = client_for(sales1a)
    first = client.get(reverse("sales:receivables"))
    expected = _instalments(contract)
    assert _rows(first) == expected[:2]
    next_url = first.context["next_url"]
    assert next_url and next_url.startswith("?after=")
    second = client.get(reverse("sales:receivables") + next_url)
    assert _rows(second) == expected[2:] and second.context["next_url"] is None


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_report_scoped_per_role(client_for, org, contract, others, username, sees):
    response = client_for(org[username]).get(reverse("sales:receivables"))
    assert response.status_code == 200
    listed = set(_rows(response))
    mine = set(_instalments(contract))
    assert (mine <= listed) is sees
    if not sees:
        assert not (mine & listed)
    expected = {
        "sales1a": mine,
        "sales1b": set(),
        "sales2a": set(_instalments(others["sales2"])),
        "manager": mine | set(_instalments(others["sales2"])),
    }.get(username, mine | set(_instalments(others["sales2"], others["relations"])))
    assert listed == expected
    total = sum(
        (i.amount - i.paid_amount for i in Instalment.objects.filter(pk__in=expected)), D(0)
    )
    assert response.context["report"]["summary"]["total"] == total


def test_report_query_count_does_not_grow(
    client_for, manager, sales1a, sales2a, make_customer, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("sales:receivables")

    def add(n):
        for i in range(n):
            owner = (sales1a, sales2a)[i % 2]
            customer = make_customer(owner, name=f"客户{Contract.objects.count()}")
            make_contract(owner, customer, total="300.00")

    add(3)
    client.get(url)  # warm the session and user caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    few = len(small)  # now: the log is reset by the next request
    add(17)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["rows"]) == 50  # a full first page of 60 open instalments
    assert response.context["report"]["summary"]["count"] == 60


# ---------------------------------------------------------------- the Excel export


def _xlsx(response) -> list[list]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


EXPORTERS = {"manager", "relations", "marketing", "admin"}  # roles with customer.export


@pytest.mark.parametrize("username", sorted(SEES))
def test_export_permission_audit_and_scope_per_role(client_for, org, contract, others, username):
    before = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count()
    response = client_for(org[username]).get(reverse("sales:receivables_export"))
    if username not in EXPORTERS:
        assert response.status_code == 403
        assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == before
        return
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _xlsx(response)
    numbers = [row[0] for row in rows[1:]]
    expected = [contract, others["sales2"]] + (
        [] if username == "manager" else [others["relations"]]
    )
    assert sorted(numbers) == sorted(c.number for c in expected for _n in range(3))
    assert len(rows[0]) == 11  # the header
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.actor == org[username]
    assert log.detail["rows"] == len(numbers) and log.detail["format"] == "xlsx"


def test_export_with_filters_has_exact_values(client_for, manager, sales1a, contract, others):
    pay(sales1a, contract, "1000.00")
    response = client_for(manager).get(
        reverse("sales:receivables_export"), {"owner": sales1a.pk, "bucket": "d1_30"}
    )
    rows = _xlsx(response)
    assert len(rows) == 2
    number, customer, owner, department, sequence, due, amount, paid, open_, days, _bucket = rows[1]
    assert (number, customer, owner, department) == (
        contract.number,
        "华东贸易",
        "李明",
        "销售一部",
    )
    assert sequence == 1 and days == 30
    assert due.date() == timezone.localdate() - dt.timedelta(days=30)
    assert (D(str(amount)), D(str(paid)), D(str(open_))) == (D("3000"), D("1000"), D("2000"))
    log = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert log.detail["filters"] == {"owner": str(sales1a.pk), "bucket": "d1_30"}
    assert log.detail["rows"] == 1
    for odd in ({"bucket": "x"}, {"owner": "²"}, {"department": "9" * 30}):  # ² / 30: 500s
        bad = client_for(manager).get(reverse("sales:receivables_export"), odd)
        assert bad.status_code == 404, odd
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 1


def test_export_of_a_consultant_with_the_permission_is_only_their_rows(
    client_for, sales1a, contract, others
):
    role = Role.objects.get(code="consultant")
    role.permissions = [*role.permissions, "customer.export"]
    role.save(update_fields=["permissions"])
    rows = _xlsx(client_for(sales1a).get(reverse("sales:receivables_export")))
    assert [row[0] for row in rows[1:]] == [contract.number] * 3


def test_export_neutralises_formulas(client_for, manager, sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a, name="=HYPERLINK(1)"))
    rows = _xlsx(client_for(manager).get(reverse("sales:receivables_export")))
    assert {row[1] for row in rows[1:]} == {"'=HYPERLINK(1)"}
    assert contract.number in {row[0] for row in rows[1:]}


# ---------------------------------------------------------------- the contract's money page


def test_page_and_htmx_panel(client_for, sales1a, contract):
    client = client_for(sales1a)
    url = reverse("sales:contract_receivables", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"<html" in page.content
    panel = client.get(url, **HTMX)
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html
    assert 'id="gx-receivables"' in html
    assert html.count("data-instalment=") == 3
    assert reverse("sales:receivables_payment", args=[contract.pk]) in html
    assert reverse("sales:receivables_invoice", args=[contract.pk]) in html
    assert panel.context["can_pay"] and panel.context["can_invoice"]
    assert "override_reason" not in panel.context["invoice_form"].fields  # no permission


def test_plan_propose_and_save(client_for, sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), total="1000.00", plan=[], sign=False)
    client = client_for(sales1a)
    proposed = client.get(
        reverse("sales:receivables_plan_propose", args=[contract.pk]),
        {"parts": "3", "first_due_on": "2026-01-31", "months_apart": "1"},
        **HTMX,
    )
    assert proposed.status_code == 200
    rows = proposed.context["plan_rows"]
    assert [r.due_on for r in rows] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert sum(r.amount for r in rows) == D("1000.00")
    assert not Instalment.objects.exists()  # a proposal is not saved
    bad = client.get(
        reverse("sales:receivables_plan_propose", args=[contract.pk]),
        {"parts": "0", "first_due_on": "x"},
        **HTMX,
    )
    assert bad.status_code == 422
    assert {"parts", "first_due_on"} <= set(bad.context["proposal_form"].errors)
    beyond = client.get(  # the last instalment after the year 9999 was a 500
        reverse("sales:receivables_plan_propose", args=[contract.pk]),
        {"parts": "36", "first_due_on": "9999-01-31", "months_apart": "12"},
        **HTMX,
    )
    assert beyond.status_code == 422
    assert "first_due_on" in beyond.context["proposal_form"].errors

    url = reverse("sales:receivables_plan", args=[contract.pk])
    saved = client.post(
        url,
        {
            "due_on": ["2026-01-31", "2026-02-28", ""],
            "amount": ["400.00", "600", ""],
            "notes": ["首付", "", ""],
        },
        **HTMX,
    )
    assert _reloads(saved, "plan")
    _reloaded(client, contract, "plan")
    assert list(Instalment.objects.filter(contract=contract).values_list("amount", "notes")) == [
        (D("400.00"), "首付"),
        (D("600.00"), ""),
    ]
    plain = client.post(url, {"due_on": ["2026-03-01"], "amount": ["1000"], "notes": [""]})
    assert plain.status_code == 302
    assert plain["Location"] == reverse("sales:contract_detail", args=[contract.pk])
    assert Instalment.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize(
    "amounts",
    [
        ["400.00", "500.00"],  # does not add up to 1,000
        ["abc", "1000"],
        ["400.001", "599.999"],  # too many decimals
        ["1e400", "1000"],  # was a 500 (InvalidOperation when rounding)
        ["-100", "1100"],
        ["1000", ""],  # a row without an amount
    ],
)
def test_bad_plans_are_shown_and_write_nothing(client_for, sales1a, make_customer, amounts):
    contract = make_contract(sales1a, make_customer(sales1a), total="1000.00", plan=[], sign=False)
    before = money_state(contract)
    response = client_for(sales1a).post(
        reverse("sales:receivables_plan", args=[contract.pk]),
        {"due_on": ["2026-01-31", "2026-02-28"], "amount": amounts, "notes": ["", "x"]},
        **HTMX,
    )
    assert response.status_code == 422
    assert response.context["plan_errors"] and response.context["plan_open"]
    assert [r.amount for r in response.context["plan_rows"]] == [a for a in amounts]
    assert money_state(contract) == before


def _reloads(response, notice: str) -> bool:
    """An htmx action that succeeded: 204 and the event that makes the panel reload itself
    (guanxi.js) with the notice of `notice`."""
    return response.status_code == 204 and json.loads(response["HX-Trigger"]) == {
        "gx-receivables-changed": {"notice": notice}
    }


def _reloaded(client, contract, notice: str):
    """The panel's GET that follows the event."""
    page = client.get(
        reverse("sales:contract_receivables", args=[contract.pk]), {"notice": notice}, **HTMX
    )
    assert page.status_code == 200 and page.context["notice"]
    return page


def _payment(amount="1000.00", key="k-1", **extra):
    data = {
        "amount": amount,
        "received_on": timezone.localdate().isoformat(),
        "method": "transfer",
        "reference": "BANK-1",
        "instalment": "",
        "notes": "",
        "idempotency_key": key,
    }
    data.update(extra)
    return data


def test_payment_form_records_once_per_key(client_for, sales1a, contract):
    client = client_for(sales1a)
    url = reverse("sales:receivables_payment", args=[contract.pk])
    first = client.post(url, _payment(), **HTMX)
    assert _reloads(first, "payment")
    payment = Payment.objects.get()
    assert payment.amount == D("1000.00") and payment.status == Payment.Status.CONFIRMED
    panel = _reloaded(client, contract, "payment")
    assert f'data-payment="{payment.pk}"' in panel.content.decode()
    again = client.post(url, _payment(), **HTMX)  # a double click / resent form
    assert _reloads(again, "payment_replayed")
    assert (
        _reloaded(client, contract, "payment_replayed").context["notice"]
        != (panel.context["notice"])
    )
    assert Payment.objects.count() == 1
    contract.refresh_from_db()
    assert contract.paid_amount == D("1000.00") and contract.status == Contract.Status.EXECUTING
    plain = client.post(url, _payment("500", key="k-2"))
    assert plain.status_code == 302 and _level(plain) == "success"
    assert Payment.objects.count() == 2
    check_invariants(contract)


@pytest.mark.parametrize(
    "data, field",
    [
        (_payment("abc"), "amount"),
        (_payment("12.345"), "amount"),
        (_payment("1e400"), "amount"),  # was a 500
        (_payment("0"), "amount"),
        (_payment("99999"), "amount"),  # more than is open, not accepted
        (_payment(received_on="2999-01-01"), "received_on"),
        (_payment(received_on="yesterday"), "received_on"),
        (_payment(method="bitcoin"), "method"),
        (_payment(instalment="999999"), "instalment"),
    ],
)
def test_bad_payments_are_shown_and_write_nothing(client_for, sales1a, contract, data, field):
    before = money_state(contract)
    audits = AuditLog.objects.count()
    response = client_for(sales1a).post(
        reverse("sales:receivables_payment", args=[contract.pk]), data, **HTMX
    )
    assert response.status_code == 422
    form = response.context["payment_form"]
    assert form.errors.get(field), form.errors
    assert 'id="gx-rcv-payment-form"' in response.content.decode()
    assert money_state(contract) == before and AuditLog.objects.count() == audits


def test_overpayment_accepted_when_ticked(client_for, sales1a, contract):
    response = client_for(sales1a).post(
        reverse("sales:receivables_payment", args=[contract.pk]),
        _payment("9500.00", accept_overpayment="on"),
        **HTMX,
    )
    assert _reloads(response, "payment")
    payment = Payment.objects.get()
    assert payment.unallocated_amount == D("500.00") and payment.overpayment_accepted
    check_invariants(contract)


def _invoice(amount="1000.00", number="00001", **extra):
    data = {
        "number": number,
        "kind": "normal",
        "amount": amount,
        "tax_rate": "0.13",
        "issued_on": timezone.localdate().isoformat(),
        "payment": "",
        "notes": "",
    }
    data.update(extra)
    return data


def test_invoice_form_and_the_total_rule(client_for, sales1a, manager, contract):
    owner = client_for(sales1a)
    url = reverse("sales:receivables_invoice", args=[contract.pk])
    ok = owner.post(url, _invoice("8000.00"), **HTMX)
    assert _reloads(ok, "invoice")
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.ISSUED and invoice.tax_amount == D("920.35")
    before = money_state(contract)
    # beyond the total: refused for the consultant, even with a reason typed in
    over = owner.post(url, _invoice("1000.01", "00002", override_reason="客户要求"), **HTMX)
    assert over.status_code == 422
    assert "amount" in over.context["invoice_form"].errors
    assert money_state(contract) == before
    # the manager may, with a reason; without one it is refused too
    boss = client_for(manager)
    no_reason = boss.post(url, _invoice("1000.01", "00002"), **HTMX)
    assert no_reason.status_code == 422 and "amount" in no_reason.context["invoice_form"].errors
    assert money_state(contract) == before
    done = boss.post(url, _invoice("1000.01", "00002", override_reason="客户要求"), **HTMX)
    assert _reloads(done, "invoice")
    beyond = Invoice.objects.get(number="00002")
    assert beyond.over_invoice_override and beyond.override_by == manager
    assert AuditLog.objects.filter(action="invoice_override", target_id=str(beyond.pk)).exists()
    check_invariants(contract)


@pytest.mark.parametrize(
    "data, field",
    [
        (_invoice("abc"), "amount"),
        (_invoice("10.005"), "amount"),
        (_invoice("1e400"), "amount"),  # was a 500
        (_invoice(tax_rate="13"), "tax_rate"),
        (_invoice(tax_rate="x"), "tax_rate"),
        (_invoice(kind="vat"), "kind"),
        (_invoice(number=""), "number"),
        (_invoice(issued_on="2999-01-01"), "issued_on"),
        (_invoice(payment="999999"), "payment"),
    ],
)
def test_bad_invoices_are_shown_and_write_nothing(client_for, sales1a, contract, data, field):
    before = money_state(contract)
    response = client_for(sales1a).post(
        reverse("sales:receivables_invoice", args=[contract.pk]), data, **HTMX
    )
    assert response.status_code == 422
    assert field in response.context["invoice_form"].errors
    assert money_state(contract) == before


def test_duplicate_invoice_number_is_refused(client_for, sales1a, contract):
    client = client_for(sales1a)
    url = reverse("sales:receivables_invoice", args=[contract.pk])
    client.post(url, _invoice("100"), **HTMX)
    before = money_state(contract)
    again = client.post(url, _invoice("100"), **HTMX)
    assert again.status_code == 422 and "number" in again.context["invoice_form"].errors
    assert money_state(contract) == before


def test_void_payment_and_invoice(client_for, sales1a, admin_user, contract):
    payment = pay(sales1a, contract, "1000.00")
    client_for(sales1a).post(
        reverse("sales:receivables_invoice", args=[contract.pk]), _invoice("100"), **HTMX
    )
    invoice = Invoice.objects.get()
    # the consultant lacks sales.void: 403 (issue 11 §1), nothing changed
    before = money_state(contract)
    refused = client_for(sales1a).post(
        reverse("sales:payment_void", args=[payment.pk]), {"reason": "录错"}, **HTMX
    )
    assert refused.status_code == 403
    plain = client_for(sales1a).post(
        reverse("sales:invoice_void", args=[invoice.pk]), {"reason": "x"}
    )
    assert plain.status_code == 403
    assert money_state(contract) == before
    admin = client_for(admin_user)
    no_reason = admin.post(reverse("sales:payment_void", args=[payment.pk]), {"reason": ""}, **HTMX)
    assert no_reason.status_code == 422 and no_reason.context["error"]
    assert money_state(contract) == before
    voided = admin.post(
        reverse("sales:payment_void", args=[payment.pk]), {"reason": "录错"}, **HTMX
    )
    assert _reloads(voided, "payment_void")
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.VOIDED
    voided = admin.post(reverse("sales:invoice_void", args=[invoice.pk]), {"reason": "红冲"})
    assert voided.status_code == 302 and _level(voided) == "success"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VOIDED
    assert Contract.objects.get(pk=contract.pk).paid_amount == 0
    twice = admin.post(reverse("sales:payment_void", args=[payment.pk]), {"reason": "再来"}, **HTMX)
    assert twice.status_code == 422
    check_invariants(contract)


def test_no_payment_form_without_a_plan_or_on_a_draft(client_for, sales1a, make_customer):
    draft = make_contract(sales1a, make_customer(sales1a), total="500.00", sign=False)
    client = client_for(sales1a)
    panel = client.get(reverse("sales:contract_receivables", args=[draft.pk]), **HTMX)
    assert panel.context["payment_form"] is None and panel.context["invoice_form"] is None
    before = money_state(draft)
    response = client.post(
        reverse("sales:receivables_payment", args=[draft.pk]), _payment("100"), **HTMX
    )
    assert response.status_code == 422 and response.context["payment_form"].non_field_errors()
    invoice = client.post(
        reverse("sales:receivables_invoice", args=[draft.pk]), _invoice("100"), **HTMX
    )
    assert invoice.status_code == 422 and invoice.context["invoice_form"].non_field_errors()
    assert money_state(draft) == before


# ---------------------------------------------------------------- scope per role


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_contract_page_scoped_per_role(client_for, org, contract, username, sees):
    client = client_for(org[username])
    url = reverse("sales:contract_receivables", args=[contract.pk])
    assert client.get(url).status_code == (200 if sees else 404)
    assert client.get(url, **HTMX).status_code == (200 if sees else 404)
    propose = reverse("sales:receivables_plan_propose", args=[contract.pk])
    proposal = {"parts": 2, "first_due_on": "2026-03-01", "months_apart": 1}
    assert client.get(propose, proposal).status_code == (200 if sees else 404)


@pytest.mark.parametrize("username", sorted(u for u, sees in SEES.items() if not sees))
def test_denied_writes_are_404_and_change_nothing(client_for, org, sales1a, contract, username):
    payment = pay(sales1a, contract, "1000.00")
    client_for(sales1a).post(
        reverse("sales:receivables_invoice", args=[contract.pk]), _invoice("100"), **HTMX
    )
    invoice = Invoice.objects.get()
    client = client_for(org[username])
    before = money_state(contract)
    audits = AuditLog.objects.count()
    today = timezone.localdate().isoformat()
    posts = [
        (
            reverse("sales:receivables_plan", args=[contract.pk]),
            {"due_on": [today], "amount": ["9000"], "notes": [""]},
        ),
        (reverse("sales:receivables_payment", args=[contract.pk]), _payment("10", key="x")),
        (reverse("sales:receivables_invoice", args=[contract.pk]), _invoice("10", "99")),
        (reverse("sales:payment_void", args=[payment.pk]), {"reason": "越权"}),
        (reverse("sales:invoice_void", args=[invoice.pk]), {"reason": "越权"}),
    ]
    for url, data in posts:
        assert client.post(url, data, **HTMX).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    assert money_state(contract) == before and AuditLog.objects.count() == audits


def test_anonymous_is_sent_to_login(client, contract):
    for url in (
        reverse("sales:receivables"),
        reverse("sales:receivables_export"),
        reverse("sales:contract_receivables", args=[contract.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_contract_panel_query_count_does_not_grow_with_payments(
    client_for, sales1a, contract, django_assert_max_num_queries
):
    client = client_for(sales1a)
    url = reverse("sales:contract_receivables", args=[contract.pk])
    invoice_url = reverse("sales:receivables_invoice", args=[contract.pk])

    def add(n, start):
        for i in range(n):
            pay(sales1a, contract, "10.00")
            client.post(invoice_url, _invoice("10", f"N{start + i:05d}"), **HTMX)

    add(3, 0)
    client.get(url, **HTMX)  # warm the session and user caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, **HTMX).status_code == 200
    few = len(small)  # now: the log is reset by the next request
    add(17, 3)
    with django_assert_max_num_queries(few):
        response = client.get(url, **HTMX)
    assert len(response.context["payments"]) == 20 and len(response.context["invoices"]) == 20
