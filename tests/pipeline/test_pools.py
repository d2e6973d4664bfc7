"""Public pools (INT-6, INT-7): release, claim with cap / cool-down / quotas, membership scope,
and the pool pages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.audit_actions import audit_action_choices, audit_action_label
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer, OwnerChange, TimelineEvent
from guanxi.pipeline.models import Claim, PoolEntry, Prospect
from guanxi.pipeline.pools.selectors import pools_for_user
from guanxi.pipeline.pools.services import (
    pool_claim,
    pool_create,
    pool_release,
    pool_update,
    prospect_lock,
)
from tests.pipeline.factories import PoolFactory
from tests.pipeline.support import page_360

pytestmark = pytest.mark.django_db
Reason = PoolEntry.Reason
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def pool(sales1a):
    """The 销售一部 pool: its members are 销售一部; it takes 销售一部's releases."""
    return PoolFactory(department=sales1a.department, daily_claim_cap=2, cooldown_days=7)


@pytest.fixture
def released(make_customer, sales1a, pool):
    """released(n) -> customers released by sales1a into the pool."""

    def _make(n=1, owner=None):
        out = []
        for i in range(n):
            customer = make_customer(owner or sales1a, name=f"公海客户{i}")
            pool_release(actor=owner or sales1a, customer=customer, reason=Reason.NO_PROGRESS)
            out.append(Customer.objects.get(pk=customer.pk))
        return out

    return _make


def fresh(user):
    from guanxi.accounts.models import User

    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------- release


def test_release_with_a_manual_reason(make_customer, sales1a, pool):
    customer = make_customer(sales1a)
    Prospect.objects.filter(customer=customer).update(tracked=True)
    entry = pool_release(
        actor=sales1a, customer=customer, reason=Reason.NO_DECISION_MAKER, note="总经理从不接"
    )
    assert entry.pool == pool and entry.previous_owner == sales1a
    assert entry.released_by == sales1a and entry.note == "总经理从不接"
    customer.refresh_from_db()
    assert customer.owner is None and customer.department is None
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.owner is None and not prospect.tracked
    change = OwnerChange.objects.get(customer=customer)
    assert change.from_user == sales1a and change.to_user is None and change.by == sales1a
    assert TimelineEvent.objects.filter(customer=customer, kind="owner").exists()


@pytest.mark.parametrize("reason", ["auto_no_followup", "", "bogus"])
def test_release_refuses_automatic_or_unknown_reasons(make_customer, sales1a, pool, reason):
    customer = make_customer(sales1a)
    with pytest.raises(ValidationFailed) as info:
        pool_release(actor=sales1a, customer=customer, reason=reason)
    assert "reason" in info.value.field_errors
    assert not PoolEntry.objects.exists()
    assert Customer.objects.get(pk=customer.pk).owner == sales1a


def test_release_only_by_owner_or_manager(make_customer, sales1a, sales1b, manager, pool):
    customer = make_customer(sales1a)
    with pytest.raises((NotFound, PermissionDenied)):
        pool_release(actor=sales1b, customer=customer, reason=Reason.OTHER)
    pool_release(actor=manager, customer=customer, reason=Reason.LOST_TRUST)
    assert PoolEntry.objects.get(customer=customer).released_by == manager


def test_release_twice_is_refused(released, sales1a, manager):
    (customer,) = released(1)
    with pytest.raises((Conflict, NotFound)):
        pool_release(actor=manager, customer=customer, reason=Reason.OTHER)


def test_release_goes_to_the_pool_covering_the_department(make_customer, sales1a, sales2a, pool):
    second = PoolFactory(name="二部公海", departments_recycled=[sales2a.department])
    customer = make_customer(sales2a)
    entry = pool_release(actor=sales2a, customer=customer, reason=Reason.PUSHED_TOO_HARD)
    assert entry.pool == second


# ---------------------------------------------------------------- membership and scope


def test_members_see_pool_customers_others_do_not(released, sales1b, sales2a):
    (customer,) = released(1)
    assert Customer.objects.visible_to(fresh(sales1b)).filter(pk=customer.pk).exists()
    assert not Customer.objects.visible_to(fresh(sales2a)).filter(pk=customer.pk).exists()
    assert [p.name for p in pools_for_user(user=fresh(sales1b))] == ["一部公海"]
    assert pools_for_user(user=fresh(sales2a)) == []


def test_non_member_cannot_claim(released, sales2a):
    (customer,) = released(1)
    with pytest.raises(NotFound):
        pool_claim(actor=fresh(sales2a), customer=customer)
    assert PoolEntry.objects.filter(customer=customer).exists()


def test_claim_sets_owner_and_logs(released, sales1b):
    (customer,) = released(1)
    claimed = pool_claim(actor=fresh(sales1b), customer=customer)
    assert claimed.owner == sales1b and claimed.department == sales1b.department
    assert not PoolEntry.objects.filter(customer=customer).exists()
    assert Claim.objects.filter(customer=customer, user=sales1b).count() == 1
    change = OwnerChange.objects.filter(customer=customer).order_by("-id").first()
    assert change.from_user is None and change.to_user == sales1b and change.by == sales1b
    assert TimelineEvent.objects.filter(customer=customer, kind="owner").count() == 2
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.owner == sales1b and prospect.owned_since is not None


def test_claim_of_an_already_claimed_customer(released, sales1a, sales1b, manager):
    (customer,) = released(1)
    pool_claim(actor=fresh(sales1b), customer=customer)
    # another member of the pool lost the race: 409 `claimed` (docs/api.md)
    with translation.override("en"), pytest.raises(Conflict) as info:
        pool_claim(actor=fresh(sales1a), customer=customer)
    assert "already claimed" in str(info.value.message)
    assert info.value.code == "claimed"
    # someone outside the pool learns nothing: the same 404 as an id that does not exist
    with pytest.raises(CustomerNotFound):
        pool_claim(actor=fresh(manager), customer=customer)


# ---------------------------------------------------------------- cap, cool-down, quotas


def test_daily_cap_counts_shanghai_days(released, sales1b):
    customers = released(4)
    tomorrow = timezone.localdate(timezone.now(), SHANGHAI) + timedelta(days=2)
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=SHANGHAI)
    user = fresh(sales1b)
    # 22:00 and 23:59 Shanghai: the cap of two is reached.
    pool_claim(actor=user, customer=customers[0], now=midnight - timedelta(hours=2))
    pool_claim(actor=user, customer=customers[1], now=midnight - timedelta(minutes=1))
    # 23:59:30 Shanghai (still the same Shanghai day) is refused …
    with pytest.raises(ValidationFailed) as info:
        pool_claim(actor=user, customer=customers[2], now=midnight - timedelta(seconds=30))
    assert info.value.code == "claim_cap"
    # … 00:01 Shanghai is the next day, though it is still the same UTC date (16:01 UTC).
    assert (midnight + timedelta(minutes=1)).astimezone(ZoneInfo("UTC")).date() == (
        midnight - timedelta(minutes=1)
    ).astimezone(ZoneInfo("UTC")).date()
    pool_claim(actor=user, customer=customers[2], now=midnight + timedelta(minutes=1))
    assert Claim.objects.filter(user=sales1b).count() == 3


def test_cooldown_stops_the_previous_owner_only(released, sales1a, sales1b):
    first, second = released(2)
    released_at = PoolEntry.objects.get(customer=first).released_at
    with pytest.raises(ValidationFailed) as info:
        pool_claim(
            actor=fresh(sales1a), customer=first, now=released_at + timedelta(days=7, seconds=-1)
        )
    assert info.value.code == "cooldown"
    pool_claim(actor=fresh(sales1a), customer=first, now=released_at + timedelta(days=7))
    pool_claim(actor=fresh(sales1b), customer=second)
    assert Customer.objects.get(pk=second.pk).owner == sales1b


def test_owned_quota_with_count_dealt_switch(released, make_customer, sales1b, pool, admin_user):
    mine = make_customer(sales1b, name="已有")
    Prospect.objects.filter(customer=mine).update(dealt=True)
    pool_update(actor=admin_user, pool=pool, data={"max_owned": 1, "count_dealt": True})
    first, second = released(2)
    with pytest.raises(ValidationFailed) as info:
        pool_claim(actor=fresh(sales1b), customer=first)
    assert info.value.code == "quota"
    pool_update(actor=admin_user, pool=pool, data={"count_dealt": False})
    pool_claim(actor=fresh(sales1b), customer=first)
    with pytest.raises(ValidationFailed):
        pool_claim(actor=fresh(sales1b), customer=second)


def test_locked_quota(make_customer, sales1a, pool, admin_user):
    pool_update(actor=admin_user, pool=pool, data={"max_locked": 1})
    first = make_customer(sales1a, name="甲")
    second = make_customer(sales1a, name="乙")
    prospect_lock(actor=sales1a, customer=first)
    with pytest.raises(ValidationFailed) as info:
        prospect_lock(actor=sales1a, customer=second)
    assert info.value.code == "locked_quota"
    prospect_lock(actor=sales1a, customer=first, locked=False)
    prospect_lock(actor=sales1a, customer=second)
    assert Prospect.objects.get(customer=second).locked


def _nothing_claimed(customer):
    assert PoolEntry.objects.filter(customer=customer).exists()
    assert Customer.objects.get(pk=customer.pk).owner is None
    assert not Claim.objects.filter(customer=customer).exists()


def test_department_owned_quota(
    released, make_customer, sales1a, sales1b, sales2a, pool, admin_user
):
    """销售一部's members together may own two customers; 销售二部 has its own two."""
    pool_update(
        actor=admin_user,
        pool=pool,
        data={
            "max_owned_per_department": 2,
            "daily_claim_cap": 50,
            "cooldown_days": 0,
            "member_users": [sales2a],
        },
    )
    first, second, third, fourth = released(4)
    make_customer(sales1a, name="一部已有")  # 1 of 2
    pool_claim(actor=fresh(sales1b), customer=first)  # 2 of 2
    for member in (sales1b, sales1a):
        with translation.override("en"), pytest.raises(ValidationFailed) as info:
            pool_claim(actor=fresh(member), customer=second)
        assert info.value.code == "department_quota"
        message = str(info.value.message)
        assert sales1a.department.name in message and "2 customers" in message
        assert "department" in message
        _nothing_claimed(second)
    # another department counts separately
    pool_claim(actor=fresh(sales2a), customer=second)
    pool_claim(actor=fresh(sales2a), customer=third)
    with pytest.raises(ValidationFailed) as info:
        pool_claim(actor=fresh(sales2a), customer=fourth)
    assert info.value.code == "department_quota"
    _nothing_claimed(fourth)


def test_department_owned_quota_with_count_dealt_switch(
    released, make_customer, sales1a, sales1b, pool, admin_user
):
    pool_update(
        actor=admin_user, pool=pool, data={"max_owned_per_department": 1, "count_dealt": True}
    )
    first, second = released(2)
    won = make_customer(sales1a, name="已成交")
    Prospect.objects.filter(customer=won).update(dealt=True)
    with pytest.raises(ValidationFailed) as info:
        pool_claim(actor=fresh(sales1b), customer=first)
    assert info.value.code == "department_quota"
    # dealt customers do not count: the department's one place is free
    pool_update(actor=admin_user, pool=pool, data={"count_dealt": False})
    pool_claim(actor=fresh(sales1b), customer=first)
    with pytest.raises(ValidationFailed):
        pool_claim(actor=fresh(sales1b), customer=second)
    # no department quota: only the user's own rules apply
    pool_update(actor=admin_user, pool=pool, data={"max_owned_per_department": None})
    pool_claim(actor=fresh(sales1b), customer=second)


def test_department_locked_quota(
    make_customer, sales1a, sales1b, sales2a, manager, pool, admin_user
):
    pool_update(actor=admin_user, pool=pool, data={"max_locked_per_department": 1})
    mine = make_customer(sales1a, name="甲")
    colleague = make_customer(sales1b, name="乙")
    other_department = make_customer(sales2a, name="丙")
    prospect_lock(actor=sales1a, customer=mine)
    for actor in (sales1b, manager):  # the owner, or their manager for them
        with translation.override("en"), pytest.raises(ValidationFailed) as info:
            prospect_lock(actor=actor, customer=colleague)
        assert info.value.code == "department_locked_quota"
        message = str(info.value.message)
        assert sales1a.department.name in message and "1 locked customers" in message
        assert not Prospect.objects.get(customer=colleague).locked
    prospect_lock(actor=sales2a, customer=other_department)  # 销售二部 has its own place
    # dealt customers count only when the switch says so
    Prospect.objects.filter(customer=mine).update(dealt=True)
    prospect_lock(actor=sales1b, customer=colleague)
    prospect_lock(actor=sales1b, customer=colleague, locked=False)
    pool_update(actor=admin_user, pool=pool, data={"count_dealt": True})
    with pytest.raises(ValidationFailed):
        prospect_lock(actor=sales1b, customer=colleague)
    # unlocking frees the place
    prospect_lock(actor=sales1a, customer=mine, locked=False)
    prospect_lock(actor=sales1b, customer=colleague)
    assert Prospect.objects.get(customer=colleague).locked


def test_a_release_ends_the_lock(make_customer, sales1a, sales1b, pool, admin_user):
    """A locked customer released by hand must not reach its claimer locked (outside the
    locked quotas)."""
    pool_update(actor=admin_user, pool=pool, data={"max_locked": 0})
    customer = make_customer(sales1a)
    Prospect.objects.filter(customer=customer).update(locked=True)
    pool_release(actor=sales1a, customer=customer, reason=Reason.OTHER)
    assert not Prospect.objects.get(customer=customer).locked
    pool_claim(actor=fresh(sales1b), customer=customer)
    assert not Prospect.objects.get(customer=customer).locked


def test_quotas_are_validated(pool, admin_user):
    for bad in (-1, "many", True):
        with pytest.raises(ValidationFailed) as info:
            pool_update(actor=admin_user, pool=pool, data={"max_owned_per_department": bad})
        assert "max_owned_per_department" in info.value.field_errors
    pool.refresh_from_db()
    assert pool.max_owned_per_department is None
    pool_update(actor=admin_user, pool=pool, data={"max_locked_per_department": "0"})
    pool.refresh_from_db()
    assert pool.max_locked_per_department == 0


# ---------------------------------------------------------------- audit


def test_release_is_audited(make_customer, sales1a, manager, pool):
    customer = make_customer(sales1a, name="审计客户")
    pool_release(actor=manager, customer=customer, reason=Reason.LOST_TRUST, note="失信")
    row = AuditLog.objects.get(action="pipeline.pool_release")
    assert row.actor == manager
    assert (row.target_type, row.target_id) == ("customers.customer", str(customer.pk))
    assert row.detail == {
        "pool": pool.pk,
        "reason": "lost_trust",
        "note": "失信",
        "previous_owner": sales1a.pk,
    }
    assert "审计客户" in row.summary


def test_refused_release_writes_no_audit_row(make_customer, sales1a, sales2a, pool):
    customer = make_customer(sales1a)
    with pytest.raises((NotFound, PermissionDenied)):
        pool_release(actor=sales2a, customer=customer, reason=Reason.OTHER)
    with pytest.raises(ValidationFailed):
        pool_release(actor=sales1a, customer=customer, reason="auto_no_deal")
    assert not AuditLog.objects.filter(action__startswith="pipeline.").exists()


def test_pool_audit_actions_are_registered_with_labels():
    choices = dict(audit_action_choices())
    for action in ("pipeline.pool_release", "pipeline.pool_recycle"):
        assert len(action) <= 40
        assert action in choices
        with translation.override("en"):
            label = str(audit_action_label(action))
        assert label != action and "pool" in label


def test_pool_admin_rights(sales1a, pool):
    with pytest.raises(PermissionDenied):
        pool_update(actor=sales1a, pool=pool, data={"daily_claim_cap": 99})
    with pytest.raises(PermissionDenied):
        pool_create(actor=sales1a, data={"name": "x"})
    pool.admins.add(sales1a)
    pool_update(actor=sales1a, pool=pool, data={"daily_claim_cap": 99})


def test_rules_are_validated(admin_user, pool):
    with pytest.raises(ValidationFailed) as info:
        pool_update(actor=admin_user, pool=pool, data={"no_followup_days": {"s9": 3}})
    assert "no_followup_days" in info.value.field_errors
    with pytest.raises(ValidationFailed):
        pool_update(actor=admin_user, pool=pool, data={"no_followup_days": {"*": 0}})


# ---------------------------------------------------------------- pages


def test_pool_list_shows_member_pools_with_counts(client_for, released, sales1b, sales2a):
    released(2)
    response = client_for(sales1b).get(reverse("pipeline:pool_list"))
    assert response.status_code == 200
    assert "一部公海" in response.content.decode()
    assert [p.customer_count for p in response.context["pools"]] == [2]
    response = client_for(sales2a).get(reverse("pipeline:pool_list"))
    assert response.status_code == 200 and response.context["pools"] == []


def test_pool_page_scoped_and_masked(client_for, released, sales1b, sales2a, pool):
    (customer,) = released(1)
    response = client_for(sales1b).get(reverse("pipeline:pool_detail", args=[pool.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert customer.name in html
    national = customer.mobile.removeprefix("+86")
    assert national not in html and f"{national[:3]}****{national[-4:]}" in html
    assert client_for(sales2a).get(reverse("pipeline:pool_detail", args=[pool.pk])).status_code == (
        404
    )


def test_pool_page_filters_and_pages(client_for, released, sales1b, pool):
    customers = released(3)
    PoolEntry.objects.filter(customer=customers[0]).update(reason=Reason.LOST_TRUST)
    url = reverse("pipeline:pool_detail", args=[pool.pk])
    response = client_for(sales1b).get(url, {"reason": Reason.LOST_TRUST})
    assert [r["entry"].customer_id for r in response.context["rows"]] == [customers[0].pk]
    from guanxi.pipeline.pools.selectors import pool_customers_for_user

    first = pool_customers_for_user(user=fresh(sales1b), pool=pool, limit=2)
    second = pool_customers_for_user(
        user=fresh(sales1b), pool=pool, limit=2, cursor=first.next_cursor
    )
    ids = [e.customer_id for e in first.items + second.items]
    assert sorted(ids) == sorted(c.pk for c in customers) and second.next_cursor is None
    assert client_for(sales1b).get(url, {"cursor": "rubbish"}).status_code == 200


def test_pool_page_query_count_is_flat(
    client_for, released, sales1b, pool, django_assert_max_num_queries
):
    released(3)
    client = client_for(sales1b)
    url = reverse("pipeline:pool_detail", args=[pool.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    released(12)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_claim_button_htmx(client_for, released, sales1b, pool):
    first, second, third = released(3)
    client = client_for(sales1b)
    response = client.post(reverse("pipeline:pool_claim", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Customer.objects.get(pk=first.pk).owner == sales1b
    client.post(reverse("pipeline:pool_claim", args=[second.pk]), HTTP_HX_REQUEST="true")
    with translation.override("en"):
        response = client.post(
            reverse("pipeline:pool_claim", args=[third.pk]),
            HTTP_HX_REQUEST="true",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 422
    assert Customer.objects.get(pk=third.pk).owner is None


def test_claim_already_claimed_page(client_for, released, sales1a, sales1b, pool):
    (customer,) = released(1)
    client_for(sales1b).post(reverse("pipeline:pool_claim", args=[customer.pk]))
    response = client_for(sales1a).post(
        reverse("pipeline:pool_claim", args=[customer.pk]), follow=True
    )
    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).owner == sales1b
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_claim_page_for_a_customer_owned_by_someone_else_is_404(
    client_for, make_customer, sales1b, sales2a, pool
):
    """Issue 11 §1: it answered 302 "已被他人领取" where a missing id answers 404."""
    owned = make_customer(sales2a, name="别人的客户")
    client = client_for(sales1b)
    assert client.post(reverse("pipeline:pool_claim", args=[owned.pk])).status_code == 404
    assert client.post(reverse("pipeline:pool_claim", args=[987654321])).status_code == 404
    assert Customer.objects.get(pk=owned.pk).owner == sales2a


def test_claim_by_non_member_is_404(client_for, released, sales2a):
    (customer,) = released(1)
    response = client_for(sales2a).post(reverse("pipeline:pool_claim", args=[customer.pk]))
    assert response.status_code == 404
    assert Customer.objects.get(pk=customer.pk).owner is None
    assert client_for(sales2a).get(
        reverse("pipeline:pool_claim", args=[customer.pk])
    ).status_code == (405)


def test_release_panel_and_post(client_for, make_customer, sales1a, sales1b, sales2a, pool):
    customer = make_customer(sales1a)
    detail = reverse("customers:detail", args=[customer.pk])
    placeholder = client_for(sales1a).get(detail).content.decode()
    panel_url = reverse("pipeline:customer_pool_panel", args=[customer.pk])
    assert f'id="pool-panel" hx-get="{panel_url}" hx-trigger="revealed"' in placeholder
    html = page_360(client_for(sales1a), customer)
    assert reverse("pipeline:pool_release", args=[customer.pk]) in html
    response = client_for(sales1a).post(
        reverse("pipeline:pool_release", args=[customer.pk]),
        {"reason": Reason.PUSHED_TOO_HARD, "note": "逼得太紧"},
    )
    assert response.status_code == 302
    entry = PoolEntry.objects.get(customer=customer)
    assert entry.reason == Reason.PUSHED_TOO_HARD and entry.note == "逼得太紧"
    # A member now sees where it sits and a Claim button on the 360 page.
    html = page_360(client_for(sales1b), customer)
    assert reverse("pipeline:pool_claim", args=[customer.pk]) in html
    # a colleague outside the pool and the scope: the panel's view is a 404
    assert client_for(sales2a).get(panel_url).status_code == 404


def test_release_post_bad_reason_writes_nothing(client_for, make_customer, sales1a, pool):
    customer = make_customer(sales1a)
    response = client_for(sales1a).post(
        reverse("pipeline:pool_release", args=[customer.pk]), {"reason": "auto_no_deal"}
    )
    assert response.status_code == 302
    assert not PoolEntry.objects.exists()


def test_release_by_someone_else_is_404(client_for, make_customer, sales1a, sales2a, pool):
    customer = make_customer(sales1a)
    response = client_for(sales2a).post(
        reverse("pipeline:pool_release", args=[customer.pk]), {"reason": Reason.OTHER}
    )
    assert response.status_code == 404
    assert not PoolEntry.objects.exists()


def test_pool_admin_pages(client_for, admin_user, sales1a, sales1b, pool):
    assert client_for(sales1a).get(reverse("pipeline:pool_create")).status_code == 404
    assert client_for(sales1a).get(reverse("pipeline:pool_edit", args=[pool.pk])).status_code == (
        404
    )
    client = client_for(admin_user)
    assert client.get(reverse("pipeline:pool_create")).status_code == 200
    response = client.post(
        reverse("pipeline:pool_create"),
        {
            "name": "华东公海",
            "is_active": "on",
            "member_users": [sales1a.pk],
            "departments_recycled": [sales1a.department_id],
            "no_followup_days__*": "30",
            "no_followup_days__s0": "15",
            "no_followup_days__A": "7",
            "no_progress_days__*": "",
            "no_progress_contacts": "8",
            "warn_days": "3",
            "daily_claim_cap": "5",
            "cooldown_days": "7",
            "exempt_dealt": "on",
            "max_owned": "200",
            "max_owned_per_department": "5000",
            "max_locked_per_department": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from guanxi.pipeline.models import PublicPool

    created = PublicPool.objects.get(name="华东公海")
    assert created.no_followup_days == {"*": 30, "s0": 15, "A": 7}
    assert created.no_progress_days == {} and created.no_progress_contacts == 8
    assert list(created.member_users.all()) == [sales1a]
    assert (created.max_owned, created.max_locked) == (200, None)
    assert (created.max_owned_per_department, created.max_locked_per_department) == (5000, 30)
    html = client.get(reverse("pipeline:pool_edit", args=[created.pk])).content.decode()
    assert 'name="max_owned_per_department"' in html and 'value="5000"' in html
    assert 'name="max_locked_per_department"' in html and 'value="30"' in html
    # A pool admin may edit their pool; a bad number is an error, nothing written.
    pool.admins.add(sales1b)
    edit = reverse("pipeline:pool_edit", args=[pool.pk])
    assert client_for(sales1b).get(edit).status_code == 200
    response = client_for(sales1b).post(
        edit, {"name": pool.name, "warn_days": "3", "daily_claim_cap": "-1", "cooldown_days": "7"}
    )
    assert response.status_code == 422
    pool.refresh_from_db()
    assert pool.daily_claim_cap == 2
    response = client_for(sales1b).post(
        edit,
        {
            "name": pool.name,
            "warn_days": "3",
            "daily_claim_cap": "2",
            "cooldown_days": "7",
            "max_owned_per_department": "-3",
        },
    )
    assert response.status_code == 422
    assert "max_owned_per_department" in response.context["form"].errors
    pool.refresh_from_db()
    assert pool.max_owned_per_department is None
