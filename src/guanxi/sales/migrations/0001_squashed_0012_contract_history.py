"""sales: the 12 migrations up to 0012_contract_history as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.math
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("sales", "0001_initial"),
        ("sales", "0002_role_permissions"),
        ("sales", "0003_receivables_void_requested"),
        ("sales", "0004_approvals_default_flows"),
        ("sales", "0005_net_plus_tax_rounded"),
        ("sales", "0006_postgres_instalment_ageing_index"),
        ("sales", "0007_role_permission_edit_others"),
        ("sales", "0008_approval_snapshot"),
        ("sales", "0009_plan_for_contracts_signed_without_one"),
        ("sales", "0010_postgres_owner_month_indexes"),
        ("sales", "0011_approval_target_complaint"),
        ("sales", "0012_contract_history"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
    ]

    operations = [
        SquashedCreateModel(
            name="ApprovalFlow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "target",
                    models.CharField(
                        choices=[
                            ("contract", "Contract"),
                            ("payment", "Payment"),
                            ("invoice", "Invoice"),
                            ("complaint", "Complaint compensation"),
                        ],
                        max_length=10,
                        verbose_name="applies to",
                    ),
                ),
                (
                    "priority",
                    models.PositiveSmallIntegerField(default=100, verbose_name="priority"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "approval flow",
                "verbose_name_plural": "approval flows",
                "ordering": ["target", "priority", "id"],
            },
        ),
        SquashedCreateModel(
            name="DocumentSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=20, unique=True)),
                ("last", models.PositiveIntegerField(default=0)),
            ],
        ),
        SquashedCreateModel(
            name="Approval",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        choices=[
                            ("contract", "Contract"),
                            ("payment", "Payment"),
                            ("invoice", "Invoice"),
                            ("complaint", "Complaint compensation"),
                        ],
                        max_length=10,
                    ),
                ),
                ("target_id", models.PositiveBigIntegerField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("step_index", models.PositiveSmallIntegerField(default=0)),
                ("title", models.CharField(max_length=200)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ("submitted_at", models.DateTimeField()),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("snapshot", models.JSONField(blank=True, default=dict)),
                (
                    "submitted_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "approval",
                "verbose_name_plural": "approvals",
                "ordering": ["-submitted_at", "-id"],
                "indexes": [
                    models.Index(fields=["target", "target_id", "-id"], name="approval_target_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "pending")),
                        fields=("target", "target_id"),
                        name="approval_one_pending",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ApprovalEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("submit", "Submitted"),
                            ("approve", "Approved"),
                            ("reject", "Rejected"),
                            ("withdraw", "Withdrawn"),
                            ("comment", "Comment"),
                            ("finish", "Completed"),
                        ],
                        max_length=10,
                    ),
                ),
                ("step_index", models.PositiveSmallIntegerField(null=True)),
                ("comment", models.TextField(blank=True)),
                ("at", models.DateTimeField()),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "approval",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="sales.approval",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
            },
        ),
        SquashedCreateModel(
            name="ApprovalFlowVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("conditions", models.JSONField(blank=True, default=dict)),
                ("steps", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "flow",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="sales.approvalflow",
                    ),
                ),
            ],
            options={
                "ordering": ["flow", "-number"],
                "constraints": [
                    models.UniqueConstraint(fields=("flow", "number"), name="flowversion_number")
                ],
            },
        ),
        migrations.AddField(
            model_name="approvalflow",
            name="current_version",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sales.approvalflowversion",
            ),
        ),
        migrations.AddField(
            model_name="approval",
            name="flow_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="approvals",
                to="sales.approvalflowversion",
            ),
        ),
        SquashedCreateModel(
            name="ApprovalTask",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("step_index", models.PositiveSmallIntegerField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("pending", "Pending"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("skipped", "Not needed"),
                        ],
                        default="waiting",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("comment", models.TextField(blank=True)),
                (
                    "approval",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tasks",
                        to="sales.approval",
                    ),
                ),
                (
                    "approver",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="approval_tasks",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["step_index", "id"],
                "indexes": [
                    models.Index(fields=["approver", "state", "-id"], name="approvaltask_queue_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("approval", "step_index", "approver"), name="approvaltask_once"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="Contract",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=30, unique=True, verbose_name="number")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("in_approval", "In approval"),
                            ("signed", "Signed"),
                            ("executing", "Executing"),
                            ("completed", "Completed"),
                            ("terminated", "Terminated"),
                        ],
                        default="draft",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("terms", models.TextField(blank=True, verbose_name="terms")),
                ("signed_on", models.DateField(blank=True, null=True, verbose_name="signing date")),
                ("starts_on", models.DateField(blank=True, null=True, verbose_name="start")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="end")),
                (
                    "gross_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=14,
                        verbose_name="amount before discount",
                    ),
                ),
                (
                    "discount_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="discount"
                    ),
                ),
                (
                    "net_amount",
                    models.DecimalField(
                        decimal_places=2,
                        default=0,
                        max_digits=14,
                        verbose_name="amount without tax",
                    ),
                ),
                (
                    "tax_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="tax"
                    ),
                ),
                (
                    "total_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="total"
                    ),
                ),
                (
                    "paid_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="collected"
                    ),
                ),
                (
                    "invoiced_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="invoiced"
                    ),
                ),
                (
                    "terminated_reason",
                    models.TextField(blank=True, verbose_name="reason for termination"),
                ),
                ("terminated_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("amendment_count", models.PositiveIntegerField(default=0)),
                (
                    "is_history",
                    models.BooleanField(
                        db_default=False, default=False, verbose_name="purchase history"
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        blank=True, default="", max_length=80, verbose_name="reference"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="contracts",
                        to="customers.customer",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "signing_contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.contact",
                        verbose_name="signing contact",
                    ),
                ),
            ],
            options={
                "verbose_name": "contract",
                "verbose_name_plural": "contracts",
                "indexes": [
                    models.Index(fields=["owner", "-id"], name="contract_owner_idx"),
                    models.Index(fields=["department", "-id"], name="contract_dept_idx"),
                    models.Index(fields=["customer", "-id"], name="contract_customer_idx"),
                    models.Index(fields=["status", "-id"], name="contract_status_idx"),
                    models.Index(fields=["owner", "signed_on"], name="contract_owner_signed_idx"),
                    models.Index(
                        fields=["department", "signed_on"], name="contract_dept_signed_idx"
                    ),
                    models.Index(fields=["signed_on"], name="contract_signed_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("total_amount__gte", 0)), name="contract_total"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "total_amount",
                                django.db.models.functions.math.Round(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("net_amount"), "+", models.F("tax_amount")
                                    ),
                                    2,
                                ),
                            )
                        ),
                        name="contract_net_plus_tax",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("paid_amount__gte", 0)), name="contract_paid"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("invoiced_amount__gte", 0)), name="contract_invoiced"
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="ContractAmendment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("reason", models.TextField(verbose_name="reason")),
                ("changes", models.JSONField(default=dict)),
                ("total_before", models.DecimalField(decimal_places=2, max_digits=14)),
                ("total_after", models.DecimalField(decimal_places=2, max_digits=14)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="amendments",
                        to="sales.contract",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "amendment",
                "verbose_name_plural": "amendments",
                "ordering": ["contract", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("contract", "number"), name="amendment_number")
                ],
            },
        ),
        SquashedCreateModel(
            name="ContractItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("description", models.CharField(max_length=200, verbose_name="description")),
                ("unit", models.CharField(blank=True, max_length=10, verbose_name="unit")),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                (
                    "unit_price",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="unit price (tax incl.)"
                    ),
                ),
                (
                    "discount_rate",
                    models.DecimalField(
                        decimal_places=4, default=0, max_digits=5, verbose_name="discount"
                    ),
                ),
                (
                    "tax_rate",
                    models.DecimalField(
                        decimal_places=4, default=0, max_digits=5, verbose_name="tax rate"
                    ),
                ),
                ("gross_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "discount_amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14),
                ),
                ("net_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("tax_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("total_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="sales.contract",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "id"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)), name="contractitem_quantity"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("unit_price__gte", 0)), name="contractitem_price"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("discount_rate__gte", 0), ("discount_rate__lte", 1)),
                        name="contractitem_discount",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "total_amount",
                                django.db.models.functions.math.Round(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("net_amount"), "+", models.F("tax_amount")
                                    ),
                                    2,
                                ),
                            )
                        ),
                        name="contractitem_net_plus_tax",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="DeliveryPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                (
                    "delivered_quantity",
                    models.DecimalField(
                        decimal_places=3, default=0, max_digits=12, verbose_name="delivered"
                    ),
                ),
                ("planned_on", models.DateField(verbose_name="planned date")),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                (
                    "contract_item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="delivery_plans",
                        to="sales.contractitem",
                    ),
                ),
            ],
            options={
                "verbose_name": "delivery plan",
                "verbose_name_plural": "delivery plans",
                "ordering": ["planned_on", "id"],
                "indexes": [models.Index(fields=["planned_on"], name="deliveryplan_date_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)), name="deliveryplan_quantity"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("delivered_quantity__gte", 0),
                            ("delivered_quantity__lte", models.F("quantity")),
                        ),
                        name="deliveryplan_not_over_delivered",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                ("delivered_on", models.DateField(verbose_name="delivery date")),
                (
                    "receiver",
                    models.CharField(blank=True, max_length=60, verbose_name="received by"),
                ),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="sales.deliveryplan",
                    ),
                ),
            ],
            options={
                "verbose_name": "delivery",
                "verbose_name_plural": "deliveries",
                "ordering": ["delivered_on", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)), name="delivery_quantity"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="Instalment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sequence", models.PositiveSmallIntegerField(verbose_name="instalment")),
                ("due_on", models.DateField(verbose_name="due date")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount"),
                ),
                (
                    "paid_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="paid"
                    ),
                ),
                ("settled", models.BooleanField(default=False)),
                ("active", models.BooleanField(default=False)),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                ("on_signing", models.BooleanField(default=False)),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="instalments",
                        to="sales.contract",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="instalments",
                        to="customers.customer",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "instalment",
                "verbose_name_plural": "instalments",
                "ordering": ["contract", "sequence"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("active", True), ("settled", False)),
                        fields=["owner", "due_on"],
                        name="instalment_owner_open_idx",
                    ),
                    models.Index(
                        condition=models.Q(("active", True), ("settled", False)),
                        fields=["department", "due_on"],
                        name="instalment_dept_open_idx",
                    ),
                    models.Index(
                        condition=models.Q(("active", True), ("settled", False)),
                        fields=["due_on"],
                        name="instalment_open_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("contract", "sequence"), name="instalment_sequence"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="instalment_amount"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("paid_amount__gte", 0), ("paid_amount__lte", models.F("amount"))
                        ),
                        name="instalment_not_overpaid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("paid_amount", models.F("amount")), ("settled", True)),
                            models.Q(("paid_amount__lt", models.F("amount")), ("settled", False)),
                            _connector="OR",
                        ),
                        name="instalment_settled_flag",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="Order",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=30, unique=True, verbose_name="number")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("partial", "Partly delivered"),
                            ("delivered", "Delivered"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("ordered_on", models.DateField(verbose_name="order date")),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="orders",
                        to="sales.contract",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "order",
                "verbose_name_plural": "orders",
                "ordering": ["-id"],
                "indexes": [models.Index(fields=["contract", "-id"], name="order_contract_idx")],
            },
        ),
        migrations.AddField(
            model_name="deliveryplan",
            name="order",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="plans", to="sales.order"
            ),
        ),
        SquashedCreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "void_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="reason for voiding"),
                ),
                ("voided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="amount"),
                ),
                ("received_on", models.DateField(verbose_name="date received")),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("transfer", "Bank transfer"),
                            ("cash", "Cash"),
                            ("card", "Card"),
                            ("wechat", "WeChat Pay"),
                            ("alipay", "Alipay"),
                            ("cheque", "Cheque"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                        verbose_name="method",
                    ),
                ),
                (
                    "reference",
                    models.CharField(blank=True, max_length=80, verbose_name="reference"),
                ),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting approval"),
                            ("confirmed", "Confirmed"),
                            ("rejected", "Rejected"),
                            ("voided", "Voided"),
                        ],
                        default="confirmed",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "unallocated_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="over-payment"
                    ),
                ),
                (
                    "overpayment_accepted",
                    models.BooleanField(default=False, verbose_name="over-payment accepted"),
                ),
                ("idempotency_key", models.CharField(blank=True, max_length=80, null=True)),
                ("request_fingerprint", models.CharField(blank=True, max_length=64)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="sales.contract",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payments",
                        to="customers.customer",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_instalment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sales.instalment",
                    ),
                ),
                (
                    "voided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "payment",
                "verbose_name_plural": "payments",
                "ordering": ["-received_on", "-id"],
                "indexes": [
                    models.Index(fields=["contract", "-id"], name="payment_contract_idx"),
                    models.Index(fields=["owner", "received_on"], name="payment_owner_idx"),
                    models.Index(fields=["department", "received_on"], name="payment_dept_idx"),
                    models.Index(fields=["received_on"], name="payment_date_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="payment_amount"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("unallocated_amount__gte", 0),
                            ("unallocated_amount__lte", models.F("amount")),
                        ),
                        name="payment_unallocated",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("idempotency_key__isnull", False)),
                        fields=("recorded_by", "idempotency_key"),
                        name="payment_idempotency_key",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "void_reason",
                    models.CharField(blank=True, max_length=200, verbose_name="reason for voiding"),
                ),
                ("voided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("number", models.CharField(max_length=40, verbose_name="invoice number")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("normal", "General VAT invoice (普票)"),
                            ("special", "Special VAT invoice (专票)"),
                        ],
                        max_length=10,
                        verbose_name="type",
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="amount incl. tax"
                    ),
                ),
                (
                    "tax_rate",
                    models.DecimalField(decimal_places=4, max_digits=5, verbose_name="tax rate"),
                ),
                (
                    "net_amount",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="amount without tax"
                    ),
                ),
                (
                    "tax_amount",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="tax"),
                ),
                ("issued_on", models.DateField(verbose_name="date issued")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting approval"),
                            ("issued", "Issued"),
                            ("rejected", "Rejected"),
                            ("voided", "Voided"),
                        ],
                        default="issued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("over_invoice_override", models.BooleanField(default=False)),
                (
                    "override_reason",
                    models.CharField(
                        blank=True,
                        max_length=200,
                        verbose_name="reason for invoicing beyond the contract",
                    ),
                ),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="sales.contract",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "override_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "voided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "payment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="invoices",
                        to="sales.payment",
                    ),
                ),
            ],
            options={
                "verbose_name": "invoice",
                "verbose_name_plural": "invoices",
                "ordering": ["-issued_on", "-id"],
                "indexes": [
                    models.Index(fields=["contract", "-id"], name="invoice_contract_idx"),
                    models.Index(fields=["owner", "issued_on"], name="invoice_owner_idx"),
                    models.Index(fields=["department", "issued_on"], name="invoice_dept_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "number"), name="invoice_number"),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="invoice_amount"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "amount",
                                django.db.models.functions.math.Round(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("net_amount"), "+", models.F("tax_amount")
                                    ),
                                    2,
                                ),
                            )
                        ),
                        name="invoice_net_plus_tax",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("over_invoice_override", False),
                            models.Q(("override_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="invoice_override_reason",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="PaymentAllocation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                (
                    "instalment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="allocations",
                        to="sales.instalment",
                    ),
                ),
                (
                    "payment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="allocations",
                        to="sales.payment",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("payment", "instalment"), name="allocation_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("amount__gt", 0)), name="allocation_amount"
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="PriceList",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                (
                    "priority",
                    models.PositiveSmallIntegerField(default=100, verbose_name="priority"),
                ),
                ("valid_from", models.DateField(blank=True, null=True, verbose_name="valid from")),
                (
                    "valid_until",
                    models.DateField(blank=True, null=True, verbose_name="valid until"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "customer_tag",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="customers.tag",
                        verbose_name="customer group (tag)",
                    ),
                ),
            ],
            options={
                "verbose_name": "price list",
                "verbose_name_plural": "price lists",
                "ordering": ["priority", "name"],
            },
        ),
        SquashedCreateModel(
            name="Product",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=120, verbose_name="English name"),
                ),
                ("unit", models.CharField(default="件", max_length=10, verbose_name="unit")),
                (
                    "list_price",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="list price (tax incl.)"
                    ),
                ),
                (
                    "tax_rate",
                    models.DecimalField(
                        decimal_places=4, default="0.1300", max_digits=5, verbose_name="tax rate"
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "product",
                "verbose_name_plural": "products",
                "ordering": ["code"],
                "indexes": [models.Index(fields=["active", "code"], name="product_active_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("list_price__gte", 0)), name="product_price_positive"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("tax_rate__gte", 0), ("tax_rate__lt", 1)),
                        name="product_tax_rate_range",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="PriceListItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "price",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="price (tax incl.)"
                    ),
                ),
                (
                    "price_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="sales.pricelist",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.product",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("price_list", "product"), name="pricelist_product"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("price__gte", 0)), name="pricelist_price_positive"
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="contractitem",
            name="product",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sales.product",
            ),
        ),
        SquashedCreateModel(
            name="Quote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=30, unique=True, verbose_name="number")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("sent", "Sent"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                            ("converted", "Converted to a contract"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "valid_until",
                    models.DateField(blank=True, null=True, verbose_name="valid until"),
                ),
                ("notes", models.TextField(blank=True, verbose_name="notes")),
                ("gross_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "discount_amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14),
                ),
                ("net_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("tax_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "total_amount",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=14, verbose_name="total"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.contact",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quotes",
                        to="customers.customer",
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "price_list",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sales.pricelist",
                    ),
                ),
            ],
            options={
                "verbose_name": "quote",
                "verbose_name_plural": "quotes",
                "indexes": [
                    models.Index(fields=["owner", "-id"], name="quote_owner_idx"),
                    models.Index(fields=["department", "-id"], name="quote_dept_idx"),
                    models.Index(fields=["customer", "-id"], name="quote_customer_idx"),
                ],
            },
        ),
        migrations.AddField(
            model_name="contract",
            name="quote",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="contracts",
                to="sales.quote",
            ),
        ),
        SquashedCreateModel(
            name="QuoteItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("description", models.CharField(max_length=200, verbose_name="description")),
                ("unit", models.CharField(blank=True, max_length=10, verbose_name="unit")),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                (
                    "unit_price",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="unit price (tax incl.)"
                    ),
                ),
                (
                    "discount_rate",
                    models.DecimalField(
                        decimal_places=4, default=0, max_digits=5, verbose_name="discount"
                    ),
                ),
                (
                    "tax_rate",
                    models.DecimalField(
                        decimal_places=4, default=0, max_digits=5, verbose_name="tax rate"
                    ),
                ),
                ("gross_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "discount_amount",
                    models.DecimalField(decimal_places=2, default=0, max_digits=14),
                ),
                ("net_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("tax_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                ("total_amount", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sales.product",
                    ),
                ),
                (
                    "quote",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="sales.quote",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "id"],
                "abstract": False,
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)), name="quoteitem_quantity"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("unit_price__gte", 0)), name="quoteitem_price"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("discount_rate__gte", 0), ("discount_rate__lte", 1)),
                        name="quoteitem_discount",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="SalesTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "period",
                    models.CharField(
                        choices=[("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
                        max_length=8,
                        verbose_name="period",
                    ),
                ),
                ("starts_on", models.DateField(verbose_name="period start")),
                (
                    "metric",
                    models.CharField(
                        choices=[
                            ("signed", "Signed amount"),
                            ("collected", "Collected amount"),
                            ("new_customers", "New customers"),
                        ],
                        max_length=14,
                        verbose_name="measure",
                    ),
                ),
                (
                    "value",
                    models.DecimalField(decimal_places=2, max_digits=14, verbose_name="target"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "sales target",
                "verbose_name_plural": "sales targets",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("department__isnull", True), ("user__isnull", False)),
                            models.Q(("department__isnull", False), ("user__isnull", True)),
                            _connector="OR",
                        ),
                        name="target_user_or_department",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("value__gte", 0)), name="target_value"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("user", "period", "starts_on", "metric"),
                        name="target_user_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("department__isnull", False)),
                        fields=("department", "period", "starts_on", "metric"),
                        name="target_department_once",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="StockOut",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=30, unique=True, verbose_name="number")),
                (
                    "quantity",
                    models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity"),
                ),
                (
                    "warehouse",
                    models.CharField(blank=True, max_length=60, verbose_name="warehouse"),
                ),
                ("out_on", models.DateField(verbose_name="stock-out date")),
                ("notes", models.CharField(blank=True, max_length=200, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contract",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stock_outs",
                        to="sales.contract",
                    ),
                ),
                (
                    "contract_item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stock_outs",
                        to="sales.contractitem",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stock_outs",
                        to="sales.order",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "stock-out",
                "verbose_name_plural": "stock-outs",
                "ordering": ["-out_on", "-id"],
                "indexes": [models.Index(fields=["contract", "-id"], name="stockout_contract_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("quantity__gt", 0)), name="stockout_quantity"
                    )
                ],
            },
        ),
        replaced_data_operation(
            "sales",
            [
                "0002_role_permissions",
                "0004_approvals_default_flows",
                "0006_postgres_instalment_ageing_index",
                "0007_role_permission_edit_others",
                "0009_plan_for_contracts_signed_without_one",
                "0010_postgres_owner_month_indexes",
                "0012_contract_history",
            ],
        ),
    ]
