"""The demo contracts and money (`guanxi seed` / `seed_sales`, issue 4), made through the
services of every area of the sales app."""

import datetime as dt

import pytest
from django.db.models import F
from django.utils import timezone

from guanxi.customers.demo import DEMO_CONSULTANTS, seed_customers_slow
from guanxi.sales.demo import seed_sales_demo
from guanxi.sales.models import (
    Approval,
    ApprovalEvent,
    ApprovalTask,
    Contract,
    DeliveryPlan,
    Instalment,
    Invoice,
    Payment,
    Quote,
    SalesTarget,
    StockOut,
)
from tests.sales.support import assert_consistent


@pytest.fixture(scope="class")
def demo(shared_data):
    """Seeded once for the class below."""
    with shared_data():
        seed_customers_slow(count=60, seed=7)
        yield seed_sales_demo(seed=7)


@pytest.mark.django_db
class TestDemoData:
    """The demo is seeded once for these tests, which only read it (each in its own savepoint)."""

    def test_demo_runs_every_story_without_errors(self, demo, org):
        assert not demo.skipped
        assert demo.errors == []
        assert demo.contracts == Contract.objects.count() == 8 * len(DEMO_CONSULTANTS)
        every = set(Contract.Status.values)
        for username in DEMO_CONSULTANTS:
            statuses = set(
                Contract.objects.filter(owner=org[username]).values_list("status", flat=True)
            )
            assert statuses == every, username
        assert_consistent(timezone.localdate())

    def test_demo_fills_the_managers_approval_queue(self, demo, org):
        manager = org["manager"]
        queue = ApprovalTask.objects.filter(approver=manager, state=ApprovalTask.State.PENDING)
        assert queue.count() == demo.pending_approvals == 2 * len(DEMO_CONSULTANTS)
        assert Approval.objects.filter(state=Approval.State.APPROVED).count() == len(
            DEMO_CONSULTANTS
        )
        rejected = ApprovalEvent.objects.filter(action=ApprovalEvent.Action.REJECT)
        assert rejected.count() == len(DEMO_CONSULTANTS)
        assert all(event.comment for event in rejected)
        # the rejected contract went round twice: rejected, then pending again
        for event in rejected:
            target_id = event.approval.target_id
            assert Approval.objects.filter(target="contract", target_id=target_id).count() == 2
            assert Contract.objects.get(pk=target_id).status == Contract.Status.IN_APPROVAL

    def test_demo_money_has_overdue_partial_and_over_payments(self, demo, org):
        today = timezone.localdate()
        for username in DEMO_CONSULTANTS:
            overdue = Instalment.objects.filter(
                owner=org[username], active=True, settled=False, due_on__lt=today
            )
            assert overdue.exists(), username
            assert overdue.filter(due_on__lt=today - dt.timedelta(days=30)).exists(), username
        assert Instalment.objects.filter(paid_amount__gt=0, settled=False).exists()
        over = Payment.objects.filter(unallocated_amount__gt=0, overpayment_accepted=True)
        assert over.count() == 1
        assert over.get().owner == org["sales1b"]
        assert Payment.objects.filter(received_on=today).count() == len(DEMO_CONSULTANTS)
        kinds = set(Invoice.objects.values_list("kind", flat=True))
        assert kinds == {Invoice.Kind.NORMAL, Invoice.Kind.SPECIAL}
        assert demo.invoices == Invoice.objects.filter(status=Invoice.Status.ISSUED).count()

    def test_demo_fulfilment_is_partly_delivered(self, demo):
        plans = DeliveryPlan.objects.all()
        assert plans.filter(delivered_quantity__gt=0, delivered_quantity__lt=F("quantity")).exists()
        assert plans.filter(delivered_quantity=F("quantity")).exists()
        assert StockOut.objects.count() == demo.stock_outs > 0
        assert Quote.objects.filter(status=Quote.Status.SENT).count() == len(DEMO_CONSULTANTS)

    def test_demo_targets_this_month_with_progress(self, demo, org):
        start = timezone.localdate().replace(day=1)
        for username in DEMO_CONSULTANTS:
            user = org[username]
            targets = SalesTarget.objects.filter(user=user, period="month", starts_on=start)
            assert set(targets.values_list("metric", flat=True)) == set(SalesTarget.Metric.values)
            # something to show on the progress bars: signed and collected this month
            assert Contract.objects.filter(owner=user, signed_on__gte=start).exists()
            assert Payment.objects.filter(owner=user, received_on__gte=start).exists()
        assert SalesTarget.objects.filter(department__name="销售一部").count() == 3
        assert demo.targets == SalesTarget.objects.count()

    def test_demo_consultants_have_different_figures(self, demo, org):
        # Issue 12 §4: every consultant had exactly ¥167,780.00 signed and ¥27,963.34 collected.
        signed, collected = set(), set()
        for username in DEMO_CONSULTANTS:
            user = org[username]
            signed.add(sum(c.total_amount for c in Contract.objects.filter(owner=user)))
            collected.add(sum(p.amount for p in Payment.objects.filter(owner=user)))
        assert len(signed) == len(collected) == len(DEMO_CONSULTANTS)

    def test_demo_runs_once(self, demo):
        count = Contract.objects.count()
        assert seed_sales_demo(seed=7).skipped
        assert Contract.objects.count() == count

    def test_every_audited_sales_action_has_a_label_on_the_audit_page(
        self, demo, admin_user, client
    ):
        from guanxi.core.audit_actions import audit_action_label
        from guanxi.core.models import AuditLog

        actions = set(AuditLog.objects.values_list("action", flat=True))
        assert {"contract_sign", "payment_record", "sales.approval.approve"} <= actions
        for action in actions:
            assert str(audit_action_label(action)) != action, action
        client.force_login(admin_user)
        page = client.get("/accounts/admin/audit/", {"action": "contract_sign"})
        assert page.status_code == 200
        assert "签订合同" in page.content.decode()

    def test_demo_signed_contracts_fall_due_after_signing_and_sit_at_stage_4(self, demo, org):
        """Demo data a manager can believe: no instalment is due before its contract was signed,
        and every signed customer is grade E at stage 4 (ORD-7, INT-1)."""
        from guanxi.pipeline.models import Grade, Prospect

        early = Instalment.objects.filter(
            contract__signed_on__isnull=False, due_on__lt=F("contract__signed_on")
        )
        assert list(early.values_list("contract__number", "due_on")) == []
        signed = Contract.objects.filter(signed_on__isnull=False).values("customer_id")
        prospects = Prospect.objects.filter(customer_id__in=signed).select_related("stage")
        assert prospects.exists()
        assert {(p.stage.code, p.grade, p.dealt) for p in prospects} == {("s4", Grade.E, True)}
