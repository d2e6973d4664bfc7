"""The demo pipeline (`guanxi seed` / `seed_pipeline`, issue 3 item 12) and its bulk path."""

import datetime as dt

import pytest
from django.utils import timezone

from guanxi.customers.demo import DEMO_CONSULTANTS, seed_customers_bulk, seed_customers_slow
from guanxi.customers.models import Customer
from guanxi.pipeline.demo import STAGE_CODES, seed_pipeline_bulk, seed_pipeline_demo
from guanxi.pipeline.models import FollowUp, Objection, PoolEntry, Prospect, StageMove
from tests.pipeline.support import assert_pool_column_in_step


@pytest.fixture(scope="class")
def demo(shared_data):
    """Seeded once for the class below."""
    with shared_data():
        seed_customers_slow(count=80, seed=7)
        yield seed_pipeline_demo(seed=7)


@pytest.mark.django_db
class TestDemoData:
    """The demo is seeded once for these tests, which only read it (each in its own savepoint)."""

    def test_demo_puts_every_consultant_at_every_stage(self, demo, org):
        assert not demo.skipped
        for username in DEMO_CONSULTANTS:
            user = org[username]
            stages = set(
                Prospect.objects.filter(customer__followups__user=user).values_list(
                    "stage__code", flat=True
                )
            )
            assert stages >= set(STAGE_CODES), username
            assert Prospect.objects.filter(owner=user, tracked=True).exists()
        assert Prospect.objects.filter(grade="E", dealt=True).exists()
        assert Prospect.objects.filter(locked=True).exists()
        assert Prospect.objects.exclude(man_verdict="").exists()
        assert Prospect.objects.filter(referrer__isnull=False).exists()
        assert Objection.objects.exists()
        # stage moves forward and back, all in the past, consistent with the follow-ups
        now = timezone.now()
        assert not FollowUp.objects.filter(at__gt=now).exists()
        assert FollowUp.objects.filter(at__lt=now - dt.timedelta(days=14)).exists()
        assert StageMove.objects.filter(from_stage__order__gt=0, to_stage__order__lt=4).exists()
        for prospect in Prospect.objects.filter(last_followup_at__isnull=False)[:50]:
            last = FollowUp.objects.filter(customer_id=prospect.customer_id).first()
            assert last.at == prospect.last_followup_at

    def test_demo_has_overdue_and_due_today(self, demo, org):
        now = timezone.now()
        start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
        owned = Prospect.objects.filter(owner__isnull=False)
        assert owned.filter(next_due_at__lt=start).exists()  # overdue
        assert owned.filter(
            next_due_at__gte=start, next_due_at__lt=start + dt.timedelta(days=1)
        ).exists()
        assert owned.filter(
            next_due_at__gte=start + dt.timedelta(days=1),
            next_due_at__lt=start + dt.timedelta(days=7),
        ).exists()
        assert owned.filter(recycle_warned_at__isnull=False).exists()  # about to be recycled

    def test_demo_prospects_expect_amounts(self, demo, org):
        # Issue 12 §2: the board and the forecast need amounts in the demo too.
        for username in ("sales1a", "sales2b"):
            expecting = Prospect.objects.filter(
                owner=org[username], expected_amount__gt=0, expected_close_on__isnull=False
            )
            assert expecting.filter(stage__order__gte=1).exists(), username
        assert not Prospect.objects.filter(stage__order__lt=1, expected_amount__gt=0).exists()

    def test_demo_releases_into_the_company_pool(self, demo):
        entries = PoolEntry.objects.filter(pool__name="公司公海")
        assert entries.count() >= 15
        assert {"no_progress", "no_decision_maker", "lost_trust", "pushed_too_hard"} <= set(
            entries.values_list("reason", flat=True)
        )
        assert not Customer.objects.filter(pool_entry__isnull=False, owner__isnull=False).exists()
        assert_pool_column_in_step()  # released and recycled through the services
        pool = entries.first().pool
        assert pool.member_departments.filter(name="销售中心").exists()

    def test_demo_runs_once(self, demo):
        count = FollowUp.objects.count()
        assert seed_pipeline_demo(seed=7).skipped
        assert FollowUp.objects.count() == count


def test_bulk_path_writes_the_expected_rows(org):
    seed_customers_bulk(count=400, seed=5)
    stats = seed_pipeline_bulk(followups_per_customer=6, seed=5, chunk=150)
    assert stats.prospects == Prospect.objects.count() == Customer.objects.count() == 400
    assert stats.followups == FollowUp.objects.count()
    assert 4 * 400 < stats.followups < 8 * 400
    assert stats.stage_moves == StageMove.objects.count() >= 400
    assert set(Prospect.objects.values_list("stage__code", flat=True)) == set(STAGE_CODES)
    # released customers: in the pool, without owner on both rows
    assert stats.released == PoolEntry.objects.count() > 0
    assert not Prospect.objects.filter(
        customer__pool_entry__isnull=False, owner__isnull=False
    ).exists()
    assert not Customer.objects.filter(pool_entry__isnull=False, owner__isnull=False).exists()
    assert_pool_column_in_step()  # the bulk path names the pool on the customer rows too
    # tracked within the default quotas per consultant
    for username in DEMO_CONSULTANTS:
        tracked = Prospect.objects.filter(owner=org[username], tracked=True)
        assert 0 < tracked.count() <= 70
        assert tracked.filter(stage__code__in=["s3", "s4"]).count() <= 10
    # every prospect's last follow-up is its newest follow-up
    for prospect in Prospect.objects.all()[:40]:
        assert FollowUp.objects.filter(customer_id=prospect.customer_id).first().at == (
            prospect.last_followup_at
        )
    assert not FollowUp.objects.filter(at__gt=timezone.now()).exists()
    # a second call does nothing
    assert seed_pipeline_bulk(followups_per_customer=6, seed=5).skipped


def test_bulk_path_is_a_steady_state_for_the_recycling(org):
    from guanxi.pipeline.pools.services import pool_recycle_run

    seed_customers_bulk(count=600, seed=9)
    seed_pipeline_bulk(followups_per_customer=8, seed=9)
    first = pool_recycle_run()
    assert first["released"] < 30  # only the few just past the limits
    second = pool_recycle_run()
    assert second["released"] == second["warned"] == second["scheduled"] == 0
    assert_pool_column_in_step()
