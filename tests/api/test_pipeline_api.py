"""The pipeline API (issue 3 item 11): auth, data scope on every endpoint, validation in the
caller's language with nothing written, and a follow-up that moves the stage."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from guanxi.customers.models import Customer, TimelineEvent
from guanxi.pipeline.models import FollowUp, Objection, PoolEntry, Prospect, Script, StageMove
from guanxi.pipeline.pools import services as pools
from guanxi.pipeline.prospects import services
from tests.pipeline.factories import PoolFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body if body is not None else {}), content_type=JSON)


def _state(customer):
    """Everything a denied or refused POST must leave alone."""
    prospect = Prospect.objects.filter(pk=customer.pk).values().first()
    row = Customer.objects.filter(pk=customer.pk).values("owner_id", "version").first()
    return (
        prospect,
        row,
        FollowUp.objects.filter(customer=customer).count(),
        Objection.objects.filter(customer=customer).count(),
        StageMove.objects.filter(customer=customer).count(),
        TimelineEvent.objects.filter(customer=customer).count(),
        PoolEntry.objects.filter(customer=customer).count(),
        list(Script.objects.order_by("id").values_list("use_count", flat=True)),
    )


def _customer_posts(customer_id):
    base = f"/api/v1/customers/{customer_id}"
    return [
        (f"{base}/followups", {"channel": "phone", "content": "打过电话", "stage": "s2"}),
        (f"{base}/stage", {"stage": "s3"}),
        (f"{base}/grade", {"grade": "A"}),
        (f"{base}/man", {"money": True, "authority": True, "need": True}),
        (f"{base}/release", {"reason": "no_progress"}),
        (f"{base}/claim", {}),
    ]


def _customer_gets(customer_id):
    base = f"/api/v1/customers/{customer_id}"
    return [f"{base}/followups", f"{base}/prospect"]


@pytest.fixture
def pool(sales1a):
    return PoolFactory(department=sales1a.department, daily_claim_cap=5, cooldown_days=0)


# ---------------------------------------------------------------- authentication


def test_every_endpoint_needs_authentication(org, make_customer, sales1a, pool):
    customer = make_customer(sales1a)
    anonymous = Client()
    gets = [
        *_customer_gets(customer.pk),
        "/api/v1/worklist",
        "/api/v1/stages",
        "/api/v1/pools",
        f"/api/v1/pools/{pool.pk}/customers",
        "/api/v1/funnel",
        "/api/v1/scripts",
    ]
    before = _state(customer)
    for url in gets:
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "NotAuthenticated"
    for url, body in _customer_posts(customer.pk):
        assert _post(anonymous, url, body).status_code == 401, url
    bad = Client(headers={"Authorization": "Bearer gx_nonsense"})
    assert bad.get("/api/v1/worklist").status_code == 401
    assert _state(customer) == before


def test_session_posts_need_csrf(org, make_customer, sales1a):
    customer = make_customer(sales1a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales1a)
    assert client.get(f"/api/v1/customers/{customer.pk}/prospect").status_code == 200
    before = _state(customer)
    response = _post(client, f"/api/v1/customers/{customer.pk}/stage", {"stage": "s1"})
    assert response.status_code == 403
    assert _state(customer) == before


# ---------------------------------------------------------------- data scope


def test_out_of_scope_customer_is_404_everywhere_and_nothing_changes(
    org, make_customer, api_for, sales1a, sales2a
):
    theirs = make_customer(sales2a, name="二部客户")
    services.prospect_set_stage(actor=sales2a, customer=theirs, stage="s1")
    client = api_for(sales1a)
    before = _state(theirs)
    for url in _customer_gets(theirs.pk):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "二部客户" not in response.content.decode()
    for url, body in _customer_posts(theirs.pk):
        response = _post(client, url, body)
        assert response.status_code == 404, url
    # an id that does not exist answers the same
    for url in _customer_gets(10**9):
        assert client.get(url).status_code == 404
    assert _state(theirs) == before


def test_same_department_colleague_does_not_see_my_customer(
    org, make_customer, api_for, sales1a, sales1b
):
    mine = make_customer(sales1a)
    before = _state(mine)
    client = api_for(sales1b)
    for url in _customer_gets(mine.pk):
        assert client.get(url).status_code == 404
    for url, body in _customer_posts(mine.pk):
        assert _post(client, url, body).status_code == 404
    assert _state(mine) == before


def test_manager_works_on_both_departments(org, make_customer, api_for, manager, sales1a, sales2a):
    client = api_for(manager)
    for owner in (sales1a, sales2a):
        customer = make_customer(owner)
        assert client.get(f"/api/v1/customers/{customer.pk}/prospect").status_code == 200
        response = _post(client, f"/api/v1/customers/{customer.pk}/stage", {"stage": "s1"})
        assert response.status_code == 200
        assert response.json()["stage"]["code"] == "s1"


# ---------------------------------------------------------------- follow-ups and stages


def test_followup_moves_the_stage_and_is_listed(org, make_customer, api_for, sales1a):
    customer = make_customer(sales1a, name="王五")
    client = api_for(sales1a, language="en")
    response = _post(client, f"/api/v1/customers/{customer.pk}/stage", {"stage": "s1"})
    assert response.status_code == 200
    script = Script.objects.filter(objection_type="price").first()
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = _post(
        client,
        f"/api/v1/customers/{customer.pk}/followups",
        {
            "channel": "phone",
            "content": "客户确认了需求,约了下周到店",
            "outcome": "约到店",
            "effective": True,
            "stage": "s2",
            "grade": "B",
            "next_contact_at": later,
            "objections": [
                {
                    "type": "price",
                    "is_excuse": True,
                    "real_objection": "预算",
                    "temperament": "rational",
                    "method": "compensation",
                    "outcome": "resolved",
                    "script_id": script.pk,
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["stage_before"]["code"] == "s1"
    assert created["stage_after"]["code"] == "s2"
    assert created["grade_after"] == "B"
    assert created["objections"][0]["script_id"] == script.pk
    prospect = client.get(f"/api/v1/customers/{customer.pk}/prospect").json()
    assert prospect["stage"]["code"] == "s2" and prospect["grade"] == "B"
    assert prospect["next_due_at"] is not None
    assert StageMove.objects.filter(customer=customer, to_stage__code="s2").exists()
    script.refresh_from_db()
    assert script.use_count == 1
    listed = client.get(f"/api/v1/customers/{customer.pk}/followups").json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert listed["items"][0]["content"] == "客户确认了需求,约了下周到店"
    assert listed["next_cursor"] is None
    timeline = client.get(f"/api/v1/customers/{customer.pk}/timeline").json()["items"]
    assert any(event["kind"] == "followup" for event in timeline)


def test_followups_are_paged_newest_first(org, make_customer, api_for, sales1a):
    customer = make_customer(sales1a)
    for n in range(5):
        services.followup_log(
            actor=sales1a,
            customer=customer,
            data=services.FollowUpInput(channel="phone", content=f"第{n}次"),
        )
    client = api_for(sales1a)
    url = f"/api/v1/customers/{customer.pk}/followups"
    first = client.get(url, {"limit": 2}).json()
    assert [i["content"] for i in first["items"]] == ["第4次", "第3次"]
    second = client.get(url, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [i["content"] for i in second["items"]] == ["第2次", "第1次"]
    third = client.get(url, {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [i["content"] for i in third["items"]] == ["第0次"] and third["next_cursor"] is None
    assert client.get(url, {"cursor": "garbage"}).status_code == 422
    assert client.get(url, {"limit": 0}).status_code == 422


def test_bad_followup_is_refused_per_field_in_the_callers_language(
    org, make_customer, api_for, sales1a
):
    customer = make_customer(sales1a)
    url = f"/api/v1/customers/{customer.pk}/followups"
    before = _state(customer)
    body = {
        "channel": "pigeon",
        "content": "   ",
        "stage": "s9",
        "grade": "Z",
        "next_contact_at": "2001-01-01T08:00:00+08:00",
    }
    english = _post(api_for(sales1a, language="en"), url, body)
    assert english.status_code == 422
    errors = english.json()["errors"]
    assert set(errors) >= {"channel", "content", "stage", "grade", "next_contact_at"}
    assert errors["stage"] == ["Choose a valid stage."]
    # messages follow Accept-Language (a message the catalogue already translates)
    english = _post(api_for(sales1a, language="en"), url, {"content": "x"}).json()["errors"]
    chinese = _post(api_for(sales1a, language="zh-hans"), url, {"content": "x"}).json()["errors"]
    assert english["channel"] == ["This field is required."]
    assert chinese["channel"] != english["channel"]
    # type errors from the schema: also per field, also nothing written
    wrong_types = {"channel": "phone", "content": ["x"], "effective": "maybe", "colour": "red"}
    response = _post(api_for(sales1a, language="en"), url, wrong_types)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"content", "effective", "colour"}
    assert response.json()["errors"]["colour"] == ["Unknown field."]
    too_long = {"channel": "phone", "content": "x" * 4001}
    assert _post(api_for(sales1a), url, too_long).status_code == 422
    bad_objection = {"channel": "phone", "content": "x", "objections": [{"type": "weather"}]}
    response = _post(api_for(sales1a, language="en"), url, bad_objection)
    assert response.status_code == 422 and "objections" in response.json()["errors"]
    missing_script = {
        "channel": "phone",
        "content": "x",
        "objections": [{"type": "price", "script_id": 10**9}],
    }
    assert _post(api_for(sales1a), url, missing_script).status_code == 422
    assert _post(api_for(sales1a), url, None).status_code == 422
    response = api_for(sales1a).post(url, "{not json", content_type=JSON)
    assert response.status_code == 400
    assert _state(customer) == before


def test_bad_stage_grade_and_man_are_refused(org, make_customer, api_for, sales1a):
    customer = make_customer(sales1a)
    client = api_for(sales1a, language="en")
    base = f"/api/v1/customers/{customer.pk}"
    before = _state(customer)
    response = _post(client, f"{base}/stage", {"stage": "s9"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"stage": ["Choose a valid stage."]}
    assert _post(client, f"{base}/stage", {}).json()["errors"] == {
        "stage": ["This field is required."]
    }
    response = _post(client, f"{base}/grade", {"grade": "Q"})
    assert response.status_code == 422 and "grade" in response.json()["errors"]
    response = _post(client, f"{base}/man", {"money": "lots"})
    assert response.status_code == 422 and "money" in response.json()["errors"]
    assert _state(customer) == before


def test_grade_and_man(org, make_customer, api_for, sales1a):
    customer = make_customer(sales1a)
    client = api_for(sales1a, language="en")
    base = f"/api/v1/customers/{customer.pk}"
    assert _post(client, f"{base}/grade", {"grade": "A"}).json()["grade"] == "A"
    body = _post(client, f"{base}/man", {"money": True, "authority": False, "need": True}).json()
    assert body["man_verdict"] == "MaN"
    assert body["man_verdict_label"] == "Find the decision maker"
    fresh = make_customer(sales1a)
    before = _state(fresh)
    untouched = client.get(f"/api/v1/customers/{fresh.pk}/prospect").json()
    assert untouched["stage"] is None and untouched["grade"] == ""
    assert _state(fresh) == before  # a GET never writes


# ---------------------------------------------------------------- work list and stages


def test_worklist_shows_my_tracked_customers_only(org, make_customer, api_for, sales1a, sales2a):
    mine = make_customer(sales1a, name="跟踪中")
    services.prospect_set_stage(actor=sales1a, customer=mine, stage="s3")  # due in 3 days
    services.tracking_add(actor=sales1a, customer=mine)
    theirs = make_customer(sales2a, name="别人的")
    services.prospect_set_stage(actor=sales2a, customer=theirs, stage="s3")
    services.tracking_add(actor=sales2a, customer=theirs)
    body = api_for(sales1a).get("/api/v1/worklist").json()
    assert [s["key"] for s in body["sections"]] == [
        "overdue",
        "today",
        "this_week",
        "about_to_be_recycled",
    ]
    ids = {row["customer_id"] for s in body["sections"] for row in s["rows"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert body["daily_target"] == 3
    assert {t["group"] for t in body["tracked"]} == {"s0", "s12", "s34"}


def test_stages_with_guidance_in_the_callers_language(org, api_for, sales1a):
    english = api_for(sales1a, language="en").get("/api/v1/stages").json()
    assert [s["code"] for s in english] == ["refused", "s0", "s1", "s2", "s3", "s4"]
    assert english[0]["name"] == "Refused"
    assert english[0]["push_methods"]
    chinese = api_for(sales1a, language="zh-hans").get("/api/v1/stages").json()
    assert chinese[0]["name"] == "拒绝"


# ---------------------------------------------------------------- pools


def test_pool_release_list_and_claim(org, make_customer, api_for, sales1a, sales1b, sales2a, pool):
    customer = make_customer(sales1a, name="公海客户", mobile="13812345678")
    client = api_for(sales1a, language="en")
    response = _post(
        client,
        f"/api/v1/customers/{customer.pk}/release",
        {"reason": "no_decision_maker", "note": "联系不上老板"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["pool"]["id"] == pool.pk
    assert Customer.objects.get(pk=customer.pk).owner_id is None

    other = api_for(sales1b)
    pool_ids = {p["id"] for p in other.get("/api/v1/pools").json()}
    assert pool.pk in pool_ids
    listed = other.get(f"/api/v1/pools/{pool.pk}/customers").json()
    row = next(i for i in listed["items"] if i["customer_id"] == customer.pk)
    assert row["mobile"] != "13812345678" and "*" in row["mobile"]
    assert "13812345678" not in json.dumps(listed)
    assert row["reason"] == "no_decision_maker"

    # a non-member neither sees the pool nor claims from it
    outsider = api_for(sales2a)
    assert pool.pk not in {p["id"] for p in outsider.get("/api/v1/pools").json()}
    assert outsider.get(f"/api/v1/pools/{pool.pk}/customers").status_code == 404
    before = _state(customer)
    assert _post(outsider, f"/api/v1/customers/{customer.pk}/claim").status_code == 404
    assert _state(customer) == before

    response = _post(other, f"/api/v1/customers/{customer.pk}/claim")
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["id"] == sales1b.pk
    assert Customer.objects.get(pk=customer.pk).owner_id == sales1b.pk
    # the previous owner no longer sees it; a second claim is refused


def test_claim_lost_to_another_member_is_409_claimed(
    make_customer, api_for, sales1a, sales1b, pool
):
    """Issue 11 §1: the loser of a claim answers 409 `claimed` as docs/api.md promises, also
    once the winner's customer is out of the loser's sight (it was a 404 CustomerNotFound)."""
    customer = make_customer(sales1a, name="抢手客户")
    pools.pool_release(actor=sales1a, customer=customer, reason="other", pool=pool)
    assert _post(api_for(sales1b), f"/api/v1/customers/{customer.pk}/claim").status_code == 200
    response = _post(api_for(sales1a, language="en"), f"/api/v1/customers/{customer.pk}/claim")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "claimed"
    assert "already claimed" in response.json()["detail"]
    assert Customer.objects.get(pk=customer.pk).owner_id == sales1b.pk


def test_claim_of_a_customer_never_in_the_callers_pool_is_404(
    make_customer, api_for, sales1a, sales1b, sales2a, pool
):
    """Someone's own customer, or one of a pool the caller is not in, answers like an id that
    does not exist: the claim tells nothing about customers out of sight."""
    owned = make_customer(sales2a, name="别人的客户")
    client = api_for(sales1b)
    missing = _post(client, "/api/v1/customers/987654321/claim")
    foreign = _post(client, f"/api/v1/customers/{owned.pk}/claim")
    assert missing.status_code == foreign.status_code == 404
    assert missing.json()["code"] == foreign.json()["code"] == "CustomerNotFound"
    assert Customer.objects.get(pk=owned.pk).owner_id == sales2a.pk


@pytest.mark.parametrize("cursor", ["garbage", "2026-01-01T00:00:00_5", "W10", "WyJ4Il0"])
def test_pool_customer_list_refuses_a_malformed_cursor(api_for, sales1b, pool, cursor):
    response = api_for(sales1b, language="en").get(
        f"/api/v1/pools/{pool.pk}/customers", {"cursor": cursor}
    )
    assert response.status_code == 422, response.content
    assert "cursor" in response.json()["errors"]


def test_pool_customer_list_pages_with_its_cursor(
    org, make_customer, api_for, sales1a, sales1b, pool
):
    for n in range(3):
        customer = make_customer(sales1a, name=f"翻页{n}")
        pools.pool_release(actor=sales1a, customer=customer, reason="other")
    client = api_for(sales1b)
    first = client.get(f"/api/v1/pools/{pool.pk}/customers", {"limit": 2}).json()
    second = client.get(
        f"/api/v1/pools/{pool.pk}/customers", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    names = [row["name"] for row in first["items"] + second["items"]]
    assert sorted(names) == ["翻页0", "翻页1", "翻页2"] and second["next_cursor"] is None


def test_release_needs_a_valid_reason(org, make_customer, api_for, sales1a, pool):
    customer = make_customer(sales1a)
    client = api_for(sales1a, language="en")
    before = _state(customer)
    response = _post(client, f"/api/v1/customers/{customer.pk}/release", {"reason": "bored"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    response = _post(client, f"/api/v1/customers/{customer.pk}/release", {"note": "x"})
    assert response.status_code == 422
    assert _state(customer) == before


# ---------------------------------------------------------------- funnel and scripts


def test_funnel_follows_scope_and_validates_the_period(
    org, make_customer, api_for, sales1a, sales2a, manager
):
    for owner in (sales1a, sales2a):
        customer = make_customer(owner)
        services.prospect_set_stage(actor=owner, customer=customer, stage="s1")
    today = timezone.localdate().isoformat()

    def reached(user, **params):
        body = api_for(user).get("/api/v1/funnel", {"start": today, "end": today, **params})
        assert body.status_code == 200, body.content
        return {row["stage"]["code"]: row["reached"] for row in body.json()["rows"]}

    assert reached(sales1a)["s1"] == 1
    assert reached(manager)["s1"] == 2
    assert reached(manager, owner=sales2a.pk)["s1"] == 1
    assert reached(sales1a, owner=sales2a.pk)["s1"] == 0  # not in sales1a's scope
    assert api_for(sales1a).get("/api/v1/funnel").status_code == 200
    client = api_for(sales1a, language="en")
    response = client.get("/api/v1/funnel", {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["end"]
    response = client.get("/api/v1/funnel", {"start": "yesterday"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["start"]


def test_script_search(org, api_for, sales1a):
    client = api_for(sales1a)
    everything = client.get("/api/v1/scripts").json()
    assert len(everything) == 16
    price = client.get("/api/v1/scripts", {"type": "price"}).json()
    assert {s["objection_type"] for s in price} == {"price"} and len(price) == 2
    staged = client.get("/api/v1/scripts", {"type": "price", "stage": "s3"}).json()
    assert [s["stage"]["code"] for s in staged] == ["s3"]
    found = client.get("/api/v1/scripts", {"q": "决策人"}).json()
    assert found and all("决策人" in s["title"] + s["body"] for s in found)
    assert client.get("/api/v1/scripts", {"q": "x" * 101}).status_code == 422
    assert client.get("/api/v1/scripts", {"limit": 1000}).status_code == 422


def test_followup_list_query_count_does_not_grow(
    org, make_customer, api_for, sales1a, django_assert_max_num_queries
):
    customer = make_customer(sales1a)
    client = api_for(sales1a)
    url = f"/api/v1/customers/{customer.pk}/followups"
    objection = {"type": "price", "temperament": "hesitant", "method": "question"}

    def log(n):
        for i in range(n):
            services.followup_log(
                actor=sales1a,
                customer=customer,
                data=services.FollowUpInput(
                    channel="visit", content=f"拜访{i}", objections=[objection]
                ),
            )

    log(2)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    log(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["items"]) == 12


# Issue 12 §4: an objection's outcome is updated after it was logged.
def test_api_patch_updates_the_outcome(api_for, sales1a, sales1b, make_customer):
    customer = make_customer(sales1a)
    services.followup_log(
        actor=sales1a,
        customer=customer,
        data=services.FollowUpInput(
            channel="phone", content="嫌贵", objections=[{"type": "price"}]
        ),
    )
    objection = Objection.objects.get(customer=customer)
    url = f"/api/v1/objections/{objection.pk}"
    response = api_for(sales1a).patch(
        url, {"outcome": "resolved", "note": "ok"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "resolved" and body["customer_id"] == objection.customer_id
    assert body["followup_id"] == objection.followup_id
    bad = api_for(sales1a).patch(url, {"outcome": "maybe"}, content_type="application/json")
    assert bad.status_code == 422
    other = api_for(sales1b).patch(url, {"outcome": "open"}, content_type="application/json")
    assert other.status_code == 404
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.RESOLVED
