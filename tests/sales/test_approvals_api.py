"""/api/v1/approvals (ORD-2): queue, decide, withdraw, rounds of a record; an approval cannot
be skipped or decided out of turn through the API; data scope per role."""

import pytest
from django.test import Client

from guanxi.accounts.services import token_create
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import contract_create, contract_submit
from guanxi.sales.models import Approval, Contract

pytestmark = pytest.mark.django_db

ITEM = LineInput(
    product=None,
    description="软件许可",
    unit="套",
    quantity="2",
    unit_price="60000.00",
    discount_rate="0",
    tax_rate="0.13",
)


def _api(user, language="en"):
    _token, raw = token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": language})


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def pending(sales1a, make_customer):
    contract = contract_create(
        actor=sales1a, customer=make_customer(sales1a), title="接口审批", items=[ITEM]
    )
    return contract_submit(actor=sales1a, contract=contract)


def test_queue_decide_and_rounds(pending, manager, sales1a):
    api = _api(manager)
    queue = api.get("/api/v1/approvals/queue").json()
    assert len(queue["items"]) == 1 and queue["next_cursor"] is None
    item = queue["items"][0]
    assert item["target"] == "contract" and item["target_id"] == pending.pk
    assert item["contract_id"] == pending.pk and item["amount"] == "120000.00"
    assert item["submitted_by"]["id"] == sales1a.pk
    response = api.post(
        f"/api/v1/approvals/{item['approval_id']}/decide",
        {"approve": True, "comment": "OK"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved" and body["can_decide"] is False
    assert [e["action"] for e in body["events"]] == ["submit", "approve", "finish"]
    assert body["steps"][0]["tasks"][0]["comment"] == "OK"
    pending.refresh_from_db()
    assert pending.status == Contract.Status.SIGNED
    rounds = _api(sales1a).get(f"/api/v1/approvals/contract/{pending.pk}").json()
    assert [r["state"] for r in rounds["items"]] == ["approved"]
    assert api.get("/api/v1/approvals/queue").json()["items"] == []


def test_approval_cannot_be_skipped_or_decided_out_of_turn(pending, sales1a, sales1b, admin_user):
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    # the submitter and the admin see it but may not decide; sales1b (own scope, no part
    # in it) gets the 404 of an approval that does not exist
    for user, status in ((sales1a, 403), (sales1b, 404), (admin_user, 403)):
        _english(user)
        response = _api(user).post(
            f"/api/v1/approvals/{approval.pk}/decide",
            {"approve": True},
            content_type="application/json",
        )
        assert response.status_code == status
        if status == 403:
            assert "not your turn" in response.json()["detail"]
    pending.refresh_from_db()
    approval.refresh_from_db()
    assert pending.status == Contract.Status.IN_APPROVAL and approval.state == "pending"
    # unknown fields (e.g. a state) are refused, not ignored
    response = _api(sales1a).post(
        f"/api/v1/approvals/{approval.pk}/decide",
        {"approve": True, "state": "approved"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert (
        _api(sales1a)
        .post("/api/v1/approvals/999999/decide", {"approve": True}, content_type="application/json")
        .status_code
        == 404
    )


def test_reject_needs_a_comment(pending, manager):
    _english(manager)
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    response = _api(manager).post(
        f"/api/v1/approvals/{approval.pk}/decide",
        {"approve": False},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "comment is required" in response.json()["errors"]["comment"][0]
    approval.refresh_from_db()
    assert approval.state == "pending"


def test_withdraw_by_the_submitter_only(pending, sales1a, manager, sales2a):
    url = f"/api/v1/approvals/contract/{pending.pk}/withdraw"
    assert _api(sales2a).post(url, content_type="application/json").status_code == 404
    assert _api(manager).post(url, {}, content_type="application/json").status_code == 403
    pending.refresh_from_db()
    assert pending.status == Contract.Status.IN_APPROVAL
    response = _api(sales1a).post(url, {"comment": "改一下"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    pending.refresh_from_db()
    assert pending.status == Contract.Status.DRAFT
    again = _api(sales1a).post(url, {}, content_type="application/json")
    assert again.status_code == 409
    assert (
        _api(sales1a)
        .post("/api/v1/approvals/order/1/withdraw", {}, content_type="application/json")
        .status_code
        == 422
    )


ROUNDS_SCOPE = [
    ("sales1a", 200),
    ("sales1b", 404),
    ("sales2a", 404),
    ("manager", 200),
    ("relations", 200),
    ("agent", 200),
    ("marketing", 200),
    ("admin", 200),
]


@pytest.mark.parametrize(("username", "status"), ROUNDS_SCOPE)
def test_rounds_and_queue_scope_per_role(username, status, pending, org):
    api = _api(org[username])
    response = api.get(f"/api/v1/approvals/contract/{pending.pk}")
    assert response.status_code == status
    queue = api.get("/api/v1/approvals/queue").json()["items"]
    assert [i["target_id"] for i in queue] == ([pending.pk] if username == "manager" else [])
    # refused withdraws change nothing (the submitter and a flow administrator may withdraw)
    if username not in ("sales1a", "admin"):
        api.post(
            f"/api/v1/approvals/contract/{pending.pk}/withdraw", {}, content_type="application/json"
        )
    approval = Approval.objects.get(target="contract", target_id=pending.pk)
    assert approval.state == "pending"
    pending.refresh_from_db()
    assert pending.status == Contract.Status.IN_APPROVAL


def test_queue_cursor_is_validated(manager):
    api = _api(manager)
    assert api.get("/api/v1/approvals/queue?cursor=x1").status_code == 422
    assert api.get("/api/v1/approvals/queue?limit=0").status_code == 422


def test_unauthenticated_is_refused(pending):
    assert Client().get("/api/v1/approvals/queue").status_code == 401
