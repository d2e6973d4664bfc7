"""Ship one approval flow per target (ORD-2); an administrator edits or deactivates them.

- contracts with a total of ¥100,000 or more: the submitter's direct manager (active);
- payments of ¥100,000 or more: direct manager (shipped inactive: payments recorded by
  finance usually need no approval; switch it on under 审批流程 if yours do);
- invoices of ¥100,000 or more: direct manager (shipped inactive, likewise).

Idempotent: a flow of the same name and target is left alone."""

from django.db import migrations

STEP = {
    "kind": "direct_manager",
    "mode": "any",
    "name": "直属上级",
    "role_id": None,
    "user_ids": [],
}
FLOWS = [
    # name, target, active
    ("大额合同审批", "contract", True),
    ("大额回款确认", "payment", False),
    ("大额开票审批", "invoice", False),
]
CONDITIONS = {"min_amount": "100000.00", "department_ids": [], "product_ids": []}


def ship(apps, schema_editor):
    ApprovalFlow = apps.get_model("sales", "ApprovalFlow")
    ApprovalFlowVersion = apps.get_model("sales", "ApprovalFlowVersion")
    for name, target, active in FLOWS:
        if ApprovalFlow.objects.filter(name=name, target=target).exists():
            continue
        flow = ApprovalFlow.objects.create(name=name, target=target, priority=100, active=active)
        version = ApprovalFlowVersion.objects.create(
            flow=flow, number=1, conditions=dict(CONDITIONS), steps=[dict(STEP)]
        )
        flow.current_version = version
        flow.save(update_fields=["current_version"])


class Migration(migrations.Migration):
    dependencies = [("sales", "0003_receivables_void_requested")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
