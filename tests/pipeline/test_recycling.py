"""Nightly recycling into the public pools (INT-7): each rule, its boundaries, exemptions,
the warning D days before (once), and idempotency."""

from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from guanxi.core.models import AuditLog
from guanxi.customers.models import Customer, OwnerChange, TimelineEvent
from guanxi.pipeline.models import PoolEntry, Prospect, PublicPool, Stage
from guanxi.pipeline.pools import services as pools
from guanxi.pipeline.pools.services import pool_recycle_run
from tests.pipeline.factories import PoolFactory

pytestmark = pytest.mark.django_db

Reason = PoolEntry.Reason


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def make_pool(sales1a, **rules):
    return PoolFactory(**{"department": sales1a.department, "warn_days": 3, **rules})


def setup(customer, **fields):
    Prospect.objects.filter(customer_id=customer.pk).update(**fields)


def entry(customer):
    return PoolEntry.objects.filter(customer_id=customer.pk).first()


def test_no_followup_exactly_at_the_boundary_is_released(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30})
    due = make_customer(sales1a, name="到期")
    early = make_customer(sales1a, name="差一秒")
    setup(due, owned_since=now - timedelta(days=60), last_followup_at=now - timedelta(days=30))
    setup(
        early,
        owned_since=now - timedelta(days=60),
        last_followup_at=now - timedelta(days=30) + timedelta(seconds=1),
    )
    counts = pool_recycle_run(now=now)
    assert counts["released"] == 1
    assert entry(due).reason == Reason.AUTO_NO_FOLLOWUP
    assert entry(due).previous_owner == sales1a
    assert entry(early) is None
    due.refresh_from_db()
    assert due.owner is None and due.department is None
    prospect = Prospect.objects.get(customer=early)
    assert prospect.recycle_due_at == now + timedelta(seconds=1)


def test_owner_change_logged_and_on_timeline(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30})
    customer = make_customer(sales1a)
    setup(customer, owned_since=now - timedelta(days=40), tracked=True)
    pool_recycle_run(now=now)
    change = OwnerChange.objects.get(customer=customer)
    assert change.from_user == sales1a and change.to_user is None
    assert TimelineEvent.objects.filter(customer=customer, kind="owner").exists()
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.owner is None and not prospect.tracked and prospect.recycle_due_at is None


def test_never_followed_counts_from_owned_since(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30})
    old = make_customer(sales1a, name="老")
    new = make_customer(sales1a, name="新")
    setup(old, owned_since=now - timedelta(days=31))
    setup(new, owned_since=now - timedelta(days=29))
    assert pool_recycle_run(now=now)["released"] == 1
    assert entry(old) and not entry(new)


def test_a_follow_up_before_the_claim_does_not_count(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30})
    customer = make_customer(sales1a)
    setup(
        customer,
        owned_since=now - timedelta(days=5),
        last_followup_at=now - timedelta(days=100),
    )
    pool_recycle_run(now=now)
    assert entry(customer) is None
    assert Prospect.objects.get(customer=customer).recycle_due_at == now + timedelta(days=25)


def test_per_stage_and_per_grade_days(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30, "s0": 15, "A": 7})
    s0 = Stage.objects.get(code="s0")
    s1 = Stage.objects.get(code="s1")
    stage0 = make_customer(sales1a, name="零阶")
    stage1 = make_customer(sales1a, name="一阶")
    grade_a = make_customer(sales1a, name="A类")
    stage0_a = make_customer(sales1a, name="零阶A类")
    since = now - timedelta(days=100)
    setup(stage0, stage=s0, owned_since=since, last_followup_at=now - timedelta(days=16))
    setup(stage1, stage=s1, owned_since=since, last_followup_at=now - timedelta(days=16))
    setup(grade_a, stage=s1, grade="A", owned_since=since, last_followup_at=now - timedelta(days=8))
    # The stage's number wins over the grade's.
    setup(
        stage0_a, stage=s0, grade="A", owned_since=since, last_followup_at=now - timedelta(days=8)
    )
    pool_recycle_run(now=now)
    assert entry(stage0) and entry(grade_a)
    assert not entry(stage1) and not entry(stage0_a)
    assert Prospect.objects.get(customer=stage1).recycle_due_at == now + timedelta(days=14)
    assert Prospect.objects.get(customer=stage0_a).recycle_due_at == now + timedelta(days=7)


def test_locked_is_exempt(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 1}, no_deal_days=1)
    customer = make_customer(sales1a)
    setup(customer, owned_since=now - timedelta(days=400), locked=True)
    assert pool_recycle_run(now=now)["released"] == 0
    assert entry(customer) is None
    assert Prospect.objects.get(customer=customer).recycle_due_at is None


def test_dealt_exempt_or_not(make_customer, sales1a, sales2a, now):
    make_pool(sales1a, no_followup_days={"*": 30}, exempt_dealt=True)
    make_pool(
        sales2a,
        name="二部公海",
        no_followup_days={"*": 30},
        no_deal_days=10,
        exempt_dealt=False,
    )
    exempt = make_customer(sales1a, name="一部成交")
    counted = make_customer(sales2a, name="二部成交")
    deal_only = make_customer(sales2a, name="二部成交新跟进")
    since = now - timedelta(days=100)
    setup(exempt, dealt=True, owned_since=since)
    setup(counted, dealt=True, owned_since=since)
    # no-deal does not apply to a dealt customer: followed up recently, it stays.
    setup(deal_only, dealt=True, owned_since=since, last_followup_at=now - timedelta(days=1))
    pool_recycle_run(now=now)
    assert entry(exempt) is None
    assert entry(counted).reason == Reason.AUTO_NO_FOLLOWUP
    assert entry(deal_only) is None


def test_no_progress_days(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30}, no_progress_days={"*": 20})
    customer = make_customer(sales1a)
    setup(
        customer,
        owned_since=now - timedelta(days=100),
        last_followup_at=now - timedelta(days=2),
        last_progress_at=now - timedelta(days=20),
    )
    pool_recycle_run(now=now)
    assert entry(customer).reason == Reason.AUTO_NO_PROGRESS


def test_k_contacts_without_progress(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30}, no_progress_contacts=5)
    five = make_customer(sales1a, name="五次")
    four = make_customer(sales1a, name="四次")
    recent = now - timedelta(days=1)
    since = now - timedelta(days=10)
    setup(five, owned_since=since, last_followup_at=recent, contacts_since_progress=5)
    setup(four, owned_since=since, last_followup_at=recent, contacts_since_progress=4)
    pool_recycle_run(now=now)
    assert entry(five).reason == Reason.AUTO_NO_PROGRESS
    assert entry(four) is None


def test_no_deal_days(make_customer, sales1a, now):
    make_pool(sales1a, no_deal_days=90)
    customer = make_customer(sales1a)
    young = make_customer(sales1a, name="新")
    setup(customer, owned_since=now - timedelta(days=90), last_followup_at=now)
    setup(young, owned_since=now - timedelta(days=89), last_followup_at=now)
    pool_recycle_run(now=now)
    assert entry(customer).reason == Reason.AUTO_NO_DEAL
    assert entry(young) is None


def test_departments_not_covered_are_left_alone(make_customer, sales1a, sales2a, now):
    make_pool(sales1a, no_followup_days={"*": 1})
    other = make_customer(sales2a)
    setup(other, owned_since=now - timedelta(days=100))
    pool_recycle_run(now=now)
    assert entry(other) is None
    assert Prospect.objects.get(customer=other).recycle_due_at is None


def test_warning_d_days_before_exactly_once(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30}, warn_days=3)
    soon = make_customer(sales1a, name="三天内")
    edge = make_customer(sales1a, name="正好三天")
    later = make_customer(sales1a, name="四天后")
    since = now - timedelta(days=100)
    setup(soon, owned_since=since, last_followup_at=now - timedelta(days=28))
    setup(edge, owned_since=since, last_followup_at=now - timedelta(days=27))
    setup(later, owned_since=since, last_followup_at=now - timedelta(days=26))
    counts = pool_recycle_run(now=now)
    assert counts["warned"] == 2
    for customer in (soon, edge):
        prospect = Prospect.objects.get(customer=customer)
        assert prospect.recycle_warned_at == now
        assert TimelineEvent.objects.filter(customer=customer, kind="pool_warning").count() == 1
    assert Prospect.objects.get(customer=later).recycle_warned_at is None
    # The next night: the third one is now within three days, the others are not warned again.
    counts = pool_recycle_run(now=now + timedelta(days=1))
    assert counts["warned"] == 1 and counts["released"] == 0
    for customer in (soon, edge, later):
        assert TimelineEvent.objects.filter(customer=customer, kind="pool_warning").count() == 1


def test_a_follow_up_takes_the_warning_back(make_customer, sales1a, now):
    make_pool(sales1a, no_followup_days={"*": 30}, warn_days=3)
    customer = make_customer(sales1a)
    setup(
        customer, owned_since=now - timedelta(days=100), last_followup_at=now - timedelta(days=29)
    )
    pool_recycle_run(now=now)
    assert Prospect.objects.get(customer=customer).recycle_warned_at == now
    setup(customer, last_followup_at=now)
    pool_recycle_run(now=now)
    prospect = Prospect.objects.get(customer=customer)
    assert prospect.recycle_warned_at is None
    assert prospect.recycle_due_at == now + timedelta(days=30)


def test_second_run_changes_nothing(make_customer, sales1a, sales2a, now):
    make_pool(
        sales1a,
        no_followup_days={"*": 30, "s0": 15, "A": 7},
        no_progress_days={"*": 40},
        no_progress_contacts=6,
        no_deal_days=200,
    )
    s0 = Stage.objects.get(code="s0")
    for n in range(12):
        customer = make_customer(sales1a if n % 3 else sales2a, name=f"客户{n}")
        setup(
            customer,
            stage=s0 if n % 2 else None,
            grade="A" if n % 4 == 0 else "",
            owned_since=now - timedelta(days=n * 5),
            last_followup_at=now - timedelta(days=n * 2),
            contacts_since_progress=n,
        )
    first = pool_recycle_run(now=now)
    assert first["released"] > 0
    rows = (
        PoolEntry.objects.count(),
        OwnerChange.objects.count(),
        TimelineEvent.objects.count(),
        list(Prospect.objects.order_by("pk").values_list("recycle_due_at", "recycle_warned_at")),
        list(Customer.objects.order_by("pk").values_list("owner_id", "version")),
    )
    second = pool_recycle_run(now=now)
    assert second == {key: 0 for key in second}
    assert rows == (
        PoolEntry.objects.count(),
        OwnerChange.objects.count(),
        TimelineEvent.objects.count(),
        list(Prospect.objects.order_by("pk").values_list("recycle_due_at", "recycle_warned_at")),
        list(Customer.objects.order_by("pk").values_list("owner_id", "version")),
    )


def test_recycle_task_runs_the_batch(make_customer, sales1a, now):
    from guanxi.pipeline.tasks import recycle_pools

    make_pool(sales1a, no_followup_days={"*": 30})
    customer = make_customer(sales1a)
    setup(customer, owned_since=now - timedelta(days=31))
    result = recycle_pools.enqueue()
    assert result.return_value["released"] == 1
    assert entry(customer) is not None


def test_second_run_minutes_later_warns_nobody_new(make_customer, sales1a):
    """The warning window ends with a local day, not at `now + D`: a run a minute later (the
    first one took that long) must not warn the prospects that fall due in that minute."""
    zone = timezone.get_default_timezone()
    now = datetime(2026, 3, 10, 12, 0, tzinfo=zone)
    make_pool(sales1a, no_followup_days={"*": 30}, warn_days=3)
    since = now - timedelta(days=100)
    last_day_end = datetime(2026, 3, 14, 0, 0, tzinfo=zone)  # end of 3 days from today
    dues = {
        "三天后稍晚": now + timedelta(days=3, seconds=30),
        "三天后最后一秒": last_day_end - timedelta(seconds=1),
        "四天后零点": last_day_end,
    }
    customers = {}
    for name, due in dues.items():
        customers[name] = make_customer(sales1a, name=name)
        setup(customers[name], owned_since=since, last_followup_at=due - timedelta(days=30))
    first = pool_recycle_run(now=now)
    assert first["warned"] == 2
    warned = set(
        Prospect.objects.filter(recycle_warned_at__isnull=False).values_list(
            "customer__name", flat=True
        )
    )
    assert warned == {"三天后稍晚", "三天后最后一秒"}
    events = TimelineEvent.objects.count()
    second = pool_recycle_run(now=now + timedelta(minutes=1))
    assert second == {key: 0 for key in second}
    assert TimelineEvent.objects.count() == events
    # The next night the last one is warned, once.
    third = pool_recycle_run(now=now + timedelta(days=1))
    assert third["warned"] == 1 and third["released"] == 0


# ---------------------------------------------------------------- batches (neglected data)


def neglected(make_customer, sales1a, sales2a, now, n=24):
    """Two pools and customers in every state: long due, due by each rule, warned, safe."""
    make_pool(
        sales1a,
        no_followup_days={"*": 30, "s0": 15, "A": 7},
        no_progress_days={"*": 40},
        no_progress_contacts=6,
        no_deal_days=200,
    )
    make_pool(sales2a, name="二部公海", no_followup_days={"*": 20})
    s0 = Stage.objects.get(code="s0")
    for i in range(n):
        customer = make_customer(sales1a if i % 3 else sales2a, name=f"积压客户{i:02d}")
        setup(
            customer,
            stage=s0 if i % 2 else None,
            grade="A" if i % 4 == 0 else "",
            tracked=i % 5 == 0,
            owned_since=now - timedelta(days=i * 5),
            last_followup_at=now - timedelta(days=i * 2),
            contacts_since_progress=i,
        )
    for i in range(3):  # due within the warning period: warned, not released
        customer = make_customer(sales1a, name=f"将到期{i}")
        setup(
            customer,
            owned_since=now - timedelta(days=35),
            last_followup_at=now - timedelta(days=28, hours=i),
        )


def state() -> dict:
    """Everything the run writes, by customer name (ids differ between two builds)."""
    return {
        "customers": sorted(Customer.objects.values_list("name", "owner_id", "department_id")),
        "entries": sorted(
            PoolEntry.objects.values_list(
                "customer__name", "pool__name", "reason", "previous_owner_id", "released_at"
            )
        ),
        "owner_changes": sorted(
            OwnerChange.objects.values_list(
                "customer__name", "from_user_id", "to_user_id", "reason"
            )
        ),
        "timeline": sorted(TimelineEvent.objects.values_list("customer__name", "kind", "title")),
        "prospects": sorted(
            Prospect.objects.values_list(
                "customer__name",
                "owner_id",
                "department_id",
                "tracked",
                "recycle_due_at",
                "recycle_warned_at",
            )
        ),
        "recycled": sorted(
            name
            for detail in AuditLog.objects.filter(action="pipeline.pool_recycle").values_list(
                "detail", flat=True
            )
            for name in Customer.objects.filter(pk__in=detail["customer_ids"]).values_list(
                "name", flat=True
            )
        ),
    }


def run_on_fresh_data(make_customer, sales1a, sales2a, now, **kwargs):
    """Build the neglected data, run, look, and roll everything back."""
    with transaction.atomic():
        neglected(make_customer, sales1a, sales2a, now)
        counts = pool_recycle_run(now=now, **kwargs)
        after = state()
        again = pool_recycle_run(now=now, **kwargs)
        assert state() == after
        transaction.set_rollback(True)
    return counts, after, again


def test_batched_run_equals_the_run_in_one_batch(make_customer, sales1a, sales2a, now):
    whole = run_on_fresh_data(make_customer, sales1a, sales2a, now, batch_size=10**6)
    batched = run_on_fresh_data(make_customer, sales1a, sales2a, now, batch_size=2)
    counts, after, again = batched
    assert counts["released"] >= 5 and counts["warned"] >= 3  # several batches of each
    assert (counts, after) == whole[:2]
    assert after["recycled"] == sorted(name for name, *_rest in after["entries"])
    # a second run changes nothing, batched or not
    assert again == whole[2] == {key: 0 for key in again}


def test_one_audit_row_per_batch(make_customer, sales1a, sales2a, now):
    neglected(make_customer, sales1a, sales2a, now)
    counts = pool_recycle_run(now=now, batch_size=2)
    rows = list(AuditLog.objects.filter(action="pipeline.pool_recycle").order_by("id"))
    assert sum(row.detail["count"] for row in rows) == counts["released"]
    assert all(1 <= row.detail["count"] <= 2 for row in rows)
    assert len(rows) >= counts["released"] // 2
    assert len({row.detail["run"] for row in rows}) == 1
    released = set(PoolEntry.objects.values_list("customer_id", flat=True))
    ids = [pk for row in rows for pk in row.detail["customer_ids"]]
    assert sorted(ids) == sorted(released)
    for row in rows:
        assert row.actor is None and row.target_type == "pipeline.publicpool"
        assert sum(row.detail["reasons"].values()) == row.detail["count"]
        entries = PoolEntry.objects.filter(customer_id__in=row.detail["customer_ids"])
        assert {str(e.pool_id) for e in entries} == {row.target_id}
    pool_recycle_run(now=now, batch_size=2)
    assert AuditLog.objects.filter(action="pipeline.pool_recycle").count() == len(rows)


def test_a_crash_mid_run_leaves_whole_batches_and_the_next_run_completes(
    make_customer, sales1a, sales2a, now, monkeypatch
):
    reference = run_on_fresh_data(make_customer, sales1a, sales2a, now)[1]
    neglected(make_customer, sales1a, sales2a, now)
    original, calls = pools._prospects_released, []

    def power_cut_in_the_second_batch(ids):
        calls.append(ids)
        original(ids)
        if len(calls) == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(pools, "_prospects_released", power_cut_in_the_second_batch)
    with pytest.raises(RuntimeError):
        pool_recycle_run(now=now, batch_size=2)
    monkeypatch.undo()
    # The first batch is all there, the second not at all.
    first = set(calls[0])
    assert len(first) == 2
    assert set(PoolEntry.objects.values_list("customer_id", flat=True)) == first
    assert set(Customer.objects.filter(owner__isnull=True).values_list("pk", flat=True)) == first
    assert (
        set(OwnerChange.objects.filter(to_user__isnull=True).values_list("customer_id", flat=True))
        == first
    )
    assert set(Prospect.objects.filter(owner__isnull=True).values_list("pk", flat=True)) == first
    (audit,) = AuditLog.objects.filter(action="pipeline.pool_recycle")
    assert set(audit.detail["customer_ids"]) == first
    # The next run completes it: the same result as an uninterrupted run.
    pool_recycle_run(now=now, batch_size=2)
    assert state() == reference
    assert pool_recycle_run(now=now, batch_size=2)["released"] == 0


def test_a_batch_rechecks_its_rows_under_lock(make_customer, sales1a, now, monkeypatch):
    """What changes between the dates being set and a batch (a follow-up, a deal, a new
    owner) is seen: the batch decides from the values as they are, not the stored date."""
    make_pool(sales1a, no_followup_days={"*": 30})
    names = ("不变", "刚跟进", "刚成交", "刚转给别人", "刚锁定")
    customers = {name: make_customer(sales1a, name=name) for name in names}
    for customer in customers.values():
        setup(customer, owned_since=now - timedelta(days=100))
    original = pools._schedule

    def and_then_the_consultants_work(*args):
        result = original(*args)
        assert all(Prospect.objects.get(customer=c).recycle_due_at for c in customers.values())
        setup(customers["刚跟进"], last_followup_at=now)
        setup(customers["刚成交"], dealt=True)
        setup(customers["刚转给别人"], owned_since=now)
        setup(customers["刚锁定"], locked=True)
        return result

    monkeypatch.setattr(pools, "_schedule", and_then_the_consultants_work)
    assert pool_recycle_run(now=now)["released"] == 1
    monkeypatch.undo()
    assert entry(customers["不变"])
    for name in names[1:]:
        assert entry(customers[name]) is None, name
        assert Customer.objects.get(pk=customers[name].pk).owner == sales1a
    pool_recycle_run(now=now)
    assert Prospect.objects.get(customer=customers["刚跟进"]).recycle_due_at == now + timedelta(
        days=30
    )


# ---------------------------------------------------------------- set-based writes (issue 13)


def _release_batch_per_instance(pool, departments, ids, *, now, stage_codes, run, number, **kwargs):
    """The batch as it was written before issue 13 (model instances, bulk_create, the
    owners_changed callbacks, then the prospects): the reference the set-based batch must
    equal row for row."""
    from django.db.models import Exists, F, OuterRef, Q
    from django.utils.translation import gettext as _

    from guanxi.core.audit import audit_record
    from guanxi.customers.hooks import owners_changed
    from guanxi.pipeline import audit_actions

    owners = dict(
        Customer.objects.select_for_update()
        .filter(pk__in=ids, owner__isnull=False, deleted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    condition = pools._eligible(departments) & ~Q(
        Exists(PoolEntry.objects.filter(customer_id=OuterRef("customer_id")))
    )
    if pool.exempt_dealt:
        condition &= Q(dealt=False)
    due = []
    for row in Prospect.objects.filter(condition, customer_id__in=sorted(owners)).values(
        *pools._DUE_FIELDS
    ):
        moment, reason = pools._due_and_reason(row, pool, stage_codes)
        if moment is not None and reason is not None and moment <= now:
            due.append((row["customer_id"], reason))
    if not due:
        return 0
    due.sort()
    PoolEntry.objects.bulk_create(
        [
            PoolEntry(
                customer_id=pk,
                pool=pool,
                reason=reason,
                previous_owner_id=owners[pk],
                released_at=now,
            )
            for pk, reason in due
        ]
    )
    by_reason = {}
    for pk, reason in due:
        by_reason.setdefault(str(reason), []).append(pk)
    for reason, group in by_reason.items():
        text = pools._release_text(pool, reason)
        OwnerChange.objects.bulk_create(
            [
                OwnerChange(customer_id=pk, from_user_id=owners[pk], to_user=None, reason=text)
                for pk in group
            ]
        )
        TimelineEvent.objects.bulk_create(
            [
                TimelineEvent(
                    customer_id=pk,
                    kind="owner",
                    title=_("Owner removed"),
                    body=text,
                    actor=None,
                    occurred_at=timezone.now(),
                    data={"from": owners[pk], "to": None},
                )
                for pk in group
            ]
        )
        Customer.objects.filter(pk__in=group).update(
            owner=None,
            department=None,
            public_pool_id=pool.pk,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        owners_changed.call_all(customer_ids=group)
    released = [pk for pk, _reason in due]
    Prospect.objects.filter(customer_id__in=released).update(
        owner=None,
        department=None,
        tracked=False,
        locked=False,
        recycle_due_at=None,
        recycle_warned_at=None,
    )
    audit_record(
        actor=None,
        action=audit_actions.POOL_RECYCLE,
        target=pool,
        summary=_("%(count)d customers recycled to %(pool)s")
        % {"count": len(released), "pool": pool.name},
        detail={
            "run": run,
            "batch": number,
            "at": now.isoformat(),
            "count": len(released),
            "reasons": {reason: len(group) for reason, group in sorted(by_reason.items())},
            "customer_ids": released,
        },
    )
    return len(released)


def every_row() -> dict:
    """Every column of every row a release writes, ids of customers as names."""
    from guanxi.core.models import AuditLog as Audit

    names = dict(Customer.objects.values_list("pk", "name"))
    # (PostgreSQL does not roll its sequences back: the second build's pools have other ids)
    pool_names = dict(PublicPool.objects.values_list("pk", "name"))

    def rows(queryset, *exclude):
        fields = [
            f.attname
            for f in queryset.model._meta.concrete_fields
            if f.name not in ("id", *exclude)
        ]
        out = []
        for row in queryset.values(*fields):
            if "customer_id" in row:
                row["customer_id"] = names[row["customer_id"]]
            for key in ("pool_id", "public_pool_id"):
                if row.get(key) is not None:
                    row[key] = pool_names[row[key]]
            if isinstance(row.get("data"), dict) and "pool" in row["data"]:  # warnings
                row["data"] = dict(row["data"], pool=pool_names[row["data"]["pool"]])
            out.append(repr(sorted(row.items())))
        return sorted(out)

    audits = []
    for detail in Audit.objects.filter(action="pipeline.pool_recycle").values_list(
        "detail", flat=True
    ):
        detail = dict(detail, customer_ids=sorted(names[pk] for pk in detail["customer_ids"]))
        detail.pop("run")
        audits.append(repr(sorted(detail.items())))
    return {
        # (the factory numbers the mobiles on, so a second build has other ones)
        "customers": rows(Customer.objects.all(), "mobile"),
        "entries": rows(PoolEntry.objects.all()),
        "owner_changes": rows(OwnerChange.objects.all()),
        "timeline": rows(TimelineEvent.objects.all()),
        "prospects": rows(Prospect.objects.all(), "customer"),
        "audit": sorted(audits),
    }


def test_a_batch_writes_the_same_rows_as_the_per_instance_batch(
    make_customer, sales1a, sales2a, now, monkeypatch
):
    """The set-based batch (INSERT … SELECT, one prospect UPDATE) writes exactly the rows,
    every column, that the batch of model instances wrote: the pool entries, the owner changes,
    the timeline events, the customers, the prospects and the audit rows."""
    clock = now + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: clock)
    results = []
    for batch in (pools._release_batch, _release_batch_per_instance):
        monkeypatch.setattr(pools, "_release_batch", batch)
        with transaction.atomic():
            neglected(make_customer, sales1a, sales2a, now)
            counts = pool_recycle_run(now=now, batch_size=4)
            results.append((counts, every_row()))
            transaction.set_rollback(True)
    (counts, rows), (reference_counts, reference) = results
    assert counts["released"] >= 5
    assert len({reason for reason in PoolEntry.Reason}) > 1
    assert counts == reference_counts
    for table in reference:
        missing = sorted(set(reference[table]) - set(rows[table]))
        extra = sorted(set(rows[table]) - set(reference[table]))
        assert rows[table] == reference[table], (table, missing[:1], extra[:1])


def test_queries_per_batch_do_not_grow_with_its_size(make_customer, sales1a, now, monkeypatch):
    """A batch of 30 releases costs the queries of a batch of 3 (one reason): the ids go in as
    one parameter (not one IN list per BATCH ids, made tiny here) and the rows are written
    set-based, not one INSERT per BATCH model instances."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(pools, "BATCH", 2)
    original, counted = pools._release_batch, []

    def counting(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            released = original(*args, **kwargs)
        counted.append((released, len(queries.captured_queries)))
        return released

    monkeypatch.setattr(pools, "_release_batch", counting)
    make_pool(sales1a, no_followup_days={"*": 30})
    for size in (3, 30):
        with transaction.atomic():
            for i in range(size):
                customer = make_customer(sales1a, name=f"过期{i:02d}")
                setup(customer, owned_since=now - timedelta(days=40))
            assert pool_recycle_run(now=now, batch_size=size)["released"] == size
            transaction.set_rollback(True)
    (small, small_queries), (large, large_queries) = counted
    assert (small, large) == (3, 30)
    # lock, re-check, pool entries, owner changes, timeline, customers, prospects, audit,
    # the batch's savepoint, and whether a webhook subscribes to owner changes
    assert small_queries == large_queries <= 11, counted
