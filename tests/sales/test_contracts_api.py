"""/api/v1/contracts (ORD-2) with an API token: list, create, read, edit a draft, the status
actions and amendments. Data scope per role (404 and nothing written), bad input 422 with
per-field messages and nothing written, and no API call makes a contract that needs approval
signed without the approver's decision."""

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.sales.approvals import services as approvals
from guanxi.sales.contracts.services import contract_submit
from guanxi.sales.models import (
    Approval,
    Contract,
    ContractAmendment,
    Invoice,
    Order,
    Payment,
    StockOut,
)
from tests.sales.factories import draft_for, make_contract, pay
from tests.sales.support import SEES, api, contract_state, send

pytestmark = pytest.mark.django_db

S = Contract.Status
JSON = "application/json"


def item(price="1000.00", quantity="1", **extra):
    return {
        "description": "实施服务",
        "unit": "项",
        "quantity": quantity,
        "unit_price": price,
        "discount_rate": "0",
        "tax_rate": "0.13",
        **extra,
    }


@pytest.fixture
def customer(sales1a, make_customer):
    return make_customer(sales1a, name="华东贸易")


@pytest.fixture
def draft(sales1a, customer):
    return draft_for(sales1a, customer)


@pytest.fixture
def signed(sales1a, customer):
    contract = draft_for(sales1a, customer, title="已签合同")
    contract_submit(actor=sales1a, contract=contract)
    contract.refresh_from_db()
    return contract


# ---------------------------------------------------------------- happy path


def test_create_read_edit_submit(sales1a, customer):
    client = api(sales1a)
    created = send(
        client,
        "post",
        "/api/v1/contracts",
        {
            "customer": customer.pk,
            "title": "接口合同",
            "terms": "预付 30%",
            "items": [item("200.00", "3"), item("50", "1", discount_rate="0.1")],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["number"].startswith("HT-")
    assert body["total_amount"] == "645.00"  # 600 + 45
    assert [i["total_amount"] for i in body["items"]] == ["600.00", "45.00"]
    assert body["owner"]["id"] == sales1a.pk and body["customer"]["id"] == customer.pk
    contract_id = body["id"]

    read = client.get(f"/api/v1/contracts/{contract_id}")
    assert read.status_code == 200 and read.json()["terms"] == "预付 30%"

    patched = send(
        client,
        "patch",
        f"/api/v1/contracts/{contract_id}",
        {"version": body["version"], "title": "改名", "items": [item("100.00", "2")]},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "改名" and patched.json()["total_amount"] == "200.00"
    assert patched.json()["version"] == body["version"] + 1

    stale = send(client, "patch", f"/api/v1/contracts/{contract_id}", {"version": 1, "title": "x"})
    assert stale.status_code == 409
    assert Contract.objects.get(pk=contract_id).title == "改名"

    submitted = send(client, "post", f"/api/v1/contracts/{contract_id}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "signed"
    started = send(client, "post", f"/api/v1/contracts/{contract_id}/start")
    assert started.status_code == 200 and started.json()["status"] == "executing"


def test_list_filters_and_pages(sales1a, customer):
    contracts = [draft_for(sales1a, customer, title=f"合同{n}") for n in range(3)]
    client = api(sales1a)
    first = client.get("/api/v1/contracts?limit=2").json()
    assert [c["id"] for c in first["items"]] == [contracts[2].pk, contracts[1].pk]
    assert first["next_cursor"] == str(contracts[1].pk)
    second = client.get(f"/api/v1/contracts?limit=2&cursor={first['next_cursor']}").json()
    assert [c["id"] for c in second["items"]] == [contracts[0].pk]
    assert second["next_cursor"] is None and second["total"] == 3
    assert client.get("/api/v1/contracts?q=合同1").json()["items"][0]["id"] == contracts[1].pk
    assert client.get("/api/v1/contracts?status=signed").json()["items"] == []
    for bad in ("limit=0", "limit=1000", "cursor=abc", "owner=x", "signed_from=2026-13-01"):
        response = client.get(f"/api/v1/contracts?{bad}")
        assert response.status_code == 422, bad
        assert response.json()["errors"], bad


def test_complete_terminate_and_amend(sales1a, manager, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a, name="付款客户"), total="900.00")
    owner, boss = api(sales1a), api(manager)
    base = f"/api/v1/contracts/{contract.pk}"
    send(owner, "post", f"{base}/start")
    not_paid = send(owner, "post", f"{base}/complete")
    assert not_paid.status_code == 409 and not_paid.json()["code"] == "not_collected"
    assert Contract.objects.get(pk=contract.pk).status == S.EXECUTING

    refused = send(owner, "post", f"{base}/amend", {"reason": "加量", "title": "新"})
    assert refused.status_code == 403
    amended = send(boss, "post", f"{base}/amend", {"reason": "改名", "title": "新标题"})
    assert amended.status_code == 201, amended.content
    assert amended.json()["number"] == 1 and amended.json()["changes"]["title"][1] == "新标题"
    listed = owner.get(f"{base}/amendments").json()
    assert [a["reason"] for a in listed] == ["改名"]

    pay(sales1a, contract, "900.00")
    done = send(owner, "post", f"{base}/complete")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    late = send(boss, "post", f"{base}/terminate", {"reason": "太迟"})
    assert late.status_code == 409 and late.json()["code"] == "illegal_transition"


def test_amend_lines_through_the_api_keeps_the_line_it_names(manager, signed):
    """The body's lines reach the service as LineInputs with their `id`: the line named is
    changed in place, the new one added, and a line of another contract refused by row."""
    kept = signed.items.get()
    base = f"/api/v1/contracts/{signed.pk}"
    boss = api(manager)
    foreign = send(
        boss, "post", f"{base}/amend", {"reason": "加量", "items": [item(id=kept.pk + 999)]}
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"]["items"] == ["Row 1: not a line of this contract."]
    amended = send(
        boss,
        "post",
        f"{base}/amend",
        {"reason": "加量", "items": [item(quantity="2", id=kept.pk), item("300.00")]},
    )
    assert amended.status_code == 201, amended.content
    lines = list(signed.items.order_by("position"))
    assert [(line.pk == kept.pk, line.quantity) for line in lines] == [(True, 2), (False, 1)]
    signed.refresh_from_db()
    assert str(signed.total_amount) == "2300.00"


def test_terminate_rules(sales1a, manager, draft, signed):
    owner = api(sales1a)
    empty = send(owner, "post", f"/api/v1/contracts/{draft.pk}/terminate", {"reason": "  "})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    missing = send(owner, "post", f"/api/v1/contracts/{draft.pk}/terminate", {})
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    assert Contract.objects.get(pk=draft.pk).status == S.DRAFT
    before = contract_state(signed)
    forbidden = send(owner, "post", f"/api/v1/contracts/{signed.pk}/terminate", {"reason": "x"})
    assert forbidden.status_code == 403
    assert contract_state(signed) == before
    ok = send(api(manager), "post", f"/api/v1/contracts/{signed.pk}/terminate", {"reason": "违约"})
    assert ok.status_code == 200 and ok.json()["terminated_reason"] == "违约"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "items, field",
    [
        ([item(price="abc")], "items"),
        ([item(price="12.345")], "items"),
        ([item(price="1e400")], "items"),  # was a 500 (InvalidOperation when rounding)
        ([item(quantity="1e30")], "items"),
        ([item(price=12.5)], "items"),  # a JSON float is refused, never rounded
        ([item(quantity="0")], "items"),
        ([item(quantity="1.0001")], "items"),
        ([item(discount_rate="2")], "items"),
        ([], "items"),
        ([{**item(), "total_amount": "1"}], "items"),  # unknown field in a line
    ],
)
def test_create_bad_items_are_422_and_nothing_is_written(sales1a, customer, items, field):
    response = send(
        api(sales1a),
        "post",
        "/api/v1/contracts",
        {"customer": customer.pk, "title": "坏数据", "items": items},
    )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors and all(errors[field]), errors
    assert not Contract.objects.exists()


def test_create_bad_header_is_422(sales1a, sales2a, customer):
    client = api(sales1a)
    base = {"customer": customer.pk, "title": "x", "items": [item()]}
    cases = [
        ({**base, "status": "signed"}, "status"),
        ({**base, "total_amount": "1.00"}, "total_amount"),
        ({**base, "title": ""}, "title"),
        ({**base, "starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on"),
        ({**base, "signed_on": "2999-01-01"}, "signed_on"),
        ({**base, "signed_on": "tomorrow"}, "signed_on"),
        ({**base, "signing_contact": 999999}, "signing_contact"),
    ]
    for body, field in cases:
        response = send(client, "post", "/api/v1/contracts", body)
        assert response.status_code == 422, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    # a customer out of the caller's scope
    theirs = send(api(sales2a), "post", "/api/v1/contracts", base)
    assert theirs.status_code == 422 and "customer" in theirs.json()["errors"]
    bad_json = api(sales1a).post("/api/v1/contracts", "{not json", JSON)
    assert bad_json.status_code == 400
    assert not Contract.objects.exists()


def test_patch_cannot_set_status_or_amounts(sales1a, draft):
    client = api(sales1a)
    before = contract_state(draft)
    for extra in ({"status": "signed"}, {"total_amount": "1"}, {"paid_amount": "9"}):
        response = send(
            client, "patch", f"/api/v1/contracts/{draft.pk}", {"version": draft.version, **extra}
        )
        assert response.status_code == 422 and set(extra) <= set(response.json()["errors"])
    no_version = send(client, "patch", f"/api/v1/contracts/{draft.pk}", {"title": "x"})
    assert no_version.status_code == 422 and "version" in no_version.json()["errors"]
    bad_money = send(
        client,
        "patch",
        f"/api/v1/contracts/{draft.pk}",
        {"version": draft.version, "items": [item(price="1.001")]},
    )
    assert bad_money.status_code == 422 and "items" in bad_money.json()["errors"]
    assert contract_state(draft) == before


@pytest.mark.parametrize("status", [S.SIGNED, S.EXECUTING, S.COMPLETED, S.TERMINATED])
def test_a_signed_contract_is_not_edited_through_patch(sales1a, manager, draft, status):
    Contract.objects.filter(pk=draft.pk).update(status=status, signed_on=timezone.localdate())
    clients = [api(sales1a), api(manager)]
    before = contract_state(draft)
    for client in clients:
        response = send(
            client,
            "patch",
            f"/api/v1/contracts/{draft.pk}",
            {"version": draft.version, "title": "偷偷改", "items": [item("1.00")]},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "not_editable"
    assert contract_state(draft) == before


# ---------------------------------------------------------------- approval cannot be skipped


@pytest.fixture
def pending(sales1a, customer):
    """≥ ¥100,000: the shipped flow sends it to the direct manager (the manager user)."""
    contract = draft_for(sales1a, customer, price="150000.00", title="大单")
    response = send(api(sales1a), "post", f"/api/v1/contracts/{contract.pk}/submit")
    assert response.status_code == 200 and response.json()["status"] == "in_approval"
    return Contract.objects.get(pk=contract.pk)


def test_approval_cannot_be_skipped_through_the_api(sales1a, manager, admin_user, pending):
    clients = {user: api(user) for user in (sales1a, manager, admin_user)}
    today = timezone.localdate().isoformat()
    total = str(pending.total_amount)
    line = pending.items.get()
    before = contract_state(pending)
    base = f"/api/v1/contracts/{pending.pk}"
    for user, client in clients.items():
        attempts = [
            ("post", f"{base}/submit", {}),
            ("post", f"{base}/start", {}),
            ("post", f"{base}/complete", {}),
            ("post", f"{base}/terminate", {"reason": "跳过审批"}),
            ("post", f"{base}/amend", {"reason": "跳过审批", "signed_on": "2026-01-01"}),
            ("patch", base, {"version": pending.version, "status": "signed"}),
            ("patch", base, {"version": pending.version, "signed_on": "2026-01-01"}),
            (
                "post",
                "/api/v1/contracts",
                {
                    "customer": pending.customer_id,
                    "title": "x",
                    "items": [item()],
                    "status": "signed",
                },
            ),
            # the money and the delivery side do not move it on either
            ("put", f"{base}/instalments", {"instalments": [{"due_on": today, "amount": total}]}),
            (
                "post",
                f"{base}/invoices",
                {
                    "number": "1",
                    "kind": "normal",
                    "amount": "1",
                    "tax_rate": "0.13",
                    "issued_on": today,
                },
            ),
            (
                "post",
                f"{base}/orders",
                {
                    "ordered_on": today,
                    "plans": [{"contract_item_id": line.pk, "quantity": "1", "planned_on": today}],
                },
            ),
            (
                "post",
                f"{base}/stock-outs",
                {"contract_item_id": line.pk, "quantity": "1", "out_on": today},
            ),
        ]
        for method, url, body in attempts:
            response = send(client, method, url, body)
            assert response.status_code in (403, 409, 422), (user, url, response.content)
        paid = client.post(
            f"{base}/payments",
            {"amount": "1", "received_on": today, "method": "cash"},
            JSON,
            headers={"Idempotency-Key": f"skip-{user.pk}"},
        )
        assert paid.status_code == 422, paid.content
        assert Contract.objects.get(pk=pending.pk).status == S.IN_APPROVAL
    assert contract_state(pending) == before
    for model in (Order, StockOut, Invoice, Payment):
        assert not model.objects.exists(), model
    # the submitter cannot decide their own approval through the approvals API either
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    own = send(api(sales1a), "post", f"/api/v1/approvals/{approval.pk}/decide", {"approve": True})
    assert own.status_code in (403, 404)
    assert Contract.objects.get(pk=pending.pk).status == S.IN_APPROVAL
    # the approver's decision signs it
    approvals.approval_decide(actor=manager, approval_id=approval.pk, approve=True, comment="可")
    assert Contract.objects.get(pk=pending.pk).status == S.SIGNED


def test_withdrawn_approval_returns_to_draft_and_resubmits_to_approval(sales1a, pending):
    client = api(sales1a)
    withdrawn = send(client, "post", f"/api/v1/approvals/contract/{pending.pk}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.content
    assert Contract.objects.get(pk=pending.pk).status == S.DRAFT
    again = send(client, "post", f"/api/v1/contracts/{pending.pk}/submit")
    assert again.json()["status"] == "in_approval"
    assert Approval.objects.filter(target="contract", target_id=pending.pk).count() == 2


# ---------------------------------------------------------------- scope per role


@pytest.mark.parametrize("username, sees", sorted(SEES.items()))
def test_list_and_detail_scoped_per_role(org, signed, username, sees):
    client = api(org[username])
    listing = client.get("/api/v1/contracts")
    assert listing.status_code == 200
    assert [c["id"] for c in listing.json()["items"]] == ([signed.pk] if sees else [])
    for url in (f"/api/v1/contracts/{signed.pk}", f"/api/v1/contracts/{signed.pk}/amendments"):
        assert client.get(url).status_code == (200 if sees else 404), url


@pytest.mark.parametrize("username", sorted(u for u, sees in SEES.items() if not sees))
def test_denied_writes_are_404_and_change_nothing(org, sales1a, customer, username):
    draft = draft_for(sales1a, customer)
    signed = draft_for(sales1a, customer, title="已签")
    contract_submit(actor=sales1a, contract=signed)
    client = api(org[username])
    for contract in (draft, signed):
        before = contract_state(contract)
        base = f"/api/v1/contracts/{contract.pk}"
        attempts = [
            ("patch", base, {"version": contract.version, "title": "越权"}),
            ("post", f"{base}/submit", {}),
            ("post", f"{base}/start", {}),
            ("post", f"{base}/complete", {}),
            ("post", f"{base}/terminate", {"reason": "越权"}),
            ("post", f"{base}/amend", {"reason": "越权", "title": "越权"}),
        ]
        for method, url, body in attempts:
            assert send(client, method, url, body).status_code == 404, url
        assert contract_state(contract) == before
    assert not ContractAmendment.objects.exists()


def test_unauthenticated_and_bad_token_are_401(draft):
    assert Client().get("/api/v1/contracts").status_code == 401
    bad = Client(headers={"Authorization": "Bearer gx_nope"})
    assert bad.get(f"/api/v1/contracts/{draft.pk}").status_code == 401
    assert send(bad, "post", f"/api/v1/contracts/{draft.pk}/submit").status_code == 401
    assert Contract.objects.get(pk=draft.pk).status == S.DRAFT


def test_a_collaborator_cannot_draft_a_contract_for_the_owner(sales1a, sales1b, customer, signed):
    from guanxi.customers.archive.services import share_set

    share_set(actor=sales1a, customer=customer, user=sales1b, can_edit=True)
    client = api(sales1b)
    assert client.get("/api/v1/contracts").json()["items"] == []
    assert client.get(f"/api/v1/contracts/{signed.pk}").status_code == 404
    before = Contract.objects.count()
    response = send(
        client,
        "post",
        "/api/v1/contracts",
        {"customer": customer.pk, "title": "代签", "items": [item()]},
    )
    assert response.status_code == 422 and "customer" in response.json()["errors"]
    assert Contract.objects.count() == before
