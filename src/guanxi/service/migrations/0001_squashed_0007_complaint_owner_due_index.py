"""service: the 7 migrations up to 0007_complaint_owner_due_index as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("service", "0001_calls"),
        ("service", "0002_calls_scripts_permissions"),
        ("service", "0003_complaints"),
        ("service", "0004_complaints_shipped"),
        ("service", "0005_complaints_permissions"),
        ("service", "0006_complaint_list_indexes"),
        ("service", "0007_complaint_owner_due_index"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
        ("sales", "0001_squashed_0012_contract_history"),
    ]

    operations = [
        SquashedCreateModel(
            name="Call",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(blank=True, max_length=20, verbose_name="number")),
                (
                    "direction",
                    models.CharField(
                        choices=[("in", "Inbound"), ("out", "Outbound")],
                        max_length=3,
                        verbose_name="direction",
                    ),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("inquiry", "Inquiry"),
                            ("complaint", "Complaint"),
                            ("after_sales", "After-sales"),
                            ("wrong_number", "Wrong number"),
                            ("silent", "Silent call"),
                            ("harassment", "Harassment"),
                            ("threat", "Threat"),
                        ],
                        max_length=12,
                        verbose_name="call type",
                    ),
                ),
                ("started_at", models.DateTimeField(verbose_name="start")),
                (
                    "duration_seconds",
                    models.PositiveIntegerField(default=0, verbose_name="duration (seconds)"),
                ),
                ("notes", models.CharField(blank=True, max_length=1000, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "agent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="agent",
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
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to="customers.customer",
                        verbose_name="customer",
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
            ],
            options={
                "verbose_name": "call",
                "verbose_name_plural": "calls",
                "ordering": ["-started_at", "-id"],
                "indexes": [
                    models.Index(fields=["-started_at", "-id"], name="call_started_idx"),
                    models.Index(fields=["agent", "-started_at"], name="call_agent_idx"),
                    models.Index(fields=["department", "-started_at"], name="call_dept_idx"),
                    models.Index(fields=["customer", "-started_at"], name="call_customer_idx"),
                    models.Index(fields=["type", "-started_at"], name="call_type_idx"),
                    models.Index(fields=["number", "-started_at"], name="call_number_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("direction__in", ["in", "out"])), name="call_direction"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "type__in",
                                [
                                    "inquiry",
                                    "complaint",
                                    "after_sales",
                                    "wrong_number",
                                    "silent",
                                    "harassment",
                                    "threat",
                                ],
                            )
                        ),
                        name="call_type_valid",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="CallScript",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "situation",
                    models.CharField(
                        choices=[
                            ("greeting", "Greeting"),
                            ("silent", "Silent line"),
                            ("unclear", "Cannot hear the caller"),
                            ("dialect", "Dialect"),
                            ("wrong_number", "Wrong number"),
                            ("unrelated", "Unrelated to the service"),
                            ("harassment", "Harassment"),
                            ("threat", "Threat"),
                        ],
                        max_length=14,
                        verbose_name="situation",
                    ),
                ),
                ("title", models.CharField(max_length=80, verbose_name="title")),
                (
                    "title_en",
                    models.CharField(blank=True, max_length=80, verbose_name="title in English"),
                ),
                ("body", models.TextField(verbose_name="script")),
                ("body_en", models.TextField(blank=True, verbose_name="script in English")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "call script",
                "verbose_name_plural": "call scripts",
                "ordering": ["sort_order", "id"],
                "indexes": [
                    models.Index(fields=["situation", "sort_order"], name="callscript_sit_idx")
                ],
            },
        ),
        SquashedCreateModel(
            name="ComplaintCategory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=120, verbose_name="English name"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="service.complaintcategory",
                        verbose_name="category",
                    ),
                ),
            ],
            options={
                "verbose_name": "complaint category",
                "verbose_name_plural": "complaint categories",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="Complaint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("phone", "Phone"),
                            ("web", "Web / portal form"),
                            ("email", "E-mail"),
                            ("visit", "Visit"),
                            ("survey", "Survey"),
                        ],
                        max_length=8,
                        verbose_name="channel",
                    ),
                ),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("low", "Low"),
                            ("normal", "Normal"),
                            ("high", "High"),
                            ("critical", "Critical"),
                        ],
                        default="normal",
                        max_length=10,
                        verbose_name="severity",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("description", models.TextField(max_length=4000, verbose_name="description")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("closed", "Closed")],
                        default="open",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("step", models.PositiveSmallIntegerField(default=0, verbose_name="steps done")),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[("resolved", "Resolved"), ("unresolved", "Not resolved")],
                        max_length=10,
                        verbose_name="resolution",
                    ),
                ),
                (
                    "reopened",
                    models.PositiveSmallIntegerField(default=0, verbose_name="times reopened"),
                ),
                ("created_at", models.DateTimeField(verbose_name="received")),
                ("routed_at", models.DateTimeField(blank=True, null=True, verbose_name="routed")),
                (
                    "accepted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="accepted"),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                ("route_due", models.DateTimeField(verbose_name="route by")),
                ("respond_due", models.DateTimeField(verbose_name="respond by")),
                ("resolve_due", models.DateTimeField(verbose_name="resolve by")),
                ("route_minutes", models.PositiveIntegerField(blank=True, null=True)),
                ("respond_minutes", models.PositiveIntegerField(blank=True, null=True)),
                ("resolve_minutes", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "resolve_target",
                    models.PositiveIntegerField(
                        verbose_name="resolution target (business minutes)"
                    ),
                ),
                (
                    "escalation_level",
                    models.PositiveSmallIntegerField(default=0, verbose_name="escalation level"),
                ),
                (
                    "escalated_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="escalated"),
                ),
                ("escalate_at", models.DateTimeField(blank=True, null=True)),
                (
                    "compensation",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="compensation / goodwill",
                    ),
                ),
                (
                    "compensation_state",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "None"),
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=10,
                        verbose_name="compensation",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "call",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="complaints",
                        to="service.call",
                        verbose_name="call",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="complaints",
                        to="customers.customer",
                        verbose_name="customer",
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
                        verbose_name="queue",
                    ),
                ),
                (
                    "first_owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="first responsible (首问责任人)",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="complaints",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handler",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sales.product",
                        verbose_name="product",
                    ),
                ),
                (
                    "received_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="received by",
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="complaints",
                        to="service.complaintcategory",
                        verbose_name="category",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="service.complaintcategory",
                        verbose_name="sub-item",
                    ),
                ),
            ],
            options={
                "verbose_name": "complaint",
                "verbose_name_plural": "complaints",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["-created_at", "-id"], name="complaint_created_idx"),
                    models.Index(
                        fields=["status", "-created_at", "-id"], name="complaint_status_created_idx"
                    ),
                    models.Index(
                        condition=models.Q(("escalation_level__gt", 0)),
                        fields=["-created_at", "-id"],
                        name="complaint_escalated_idx",
                    ),
                    models.Index(
                        fields=["owner", "status", "-created_at"], name="complaint_owner_idx"
                    ),
                    models.Index(
                        fields=["owner", "status", "-escalation_level", "resolve_due", "id"],
                        name="complaint_owner_due_idx",
                    ),
                    models.Index(
                        fields=["department", "status", "-created_at"], name="complaint_dept_idx"
                    ),
                    models.Index(fields=["customer", "-created_at"], name="complaint_customer_idx"),
                    models.Index(fields=["status", "escalate_at"], name="complaint_escalate_idx"),
                    models.Index(
                        fields=["status", "resolve_due"], name="complaint_resolve_due_idx"
                    ),
                    models.Index(fields=["category", "-created_at"], name="complaint_category_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True), name="complaint_title"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("step__lte", 5)), name="complaint_step_range"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("closed_at__isnull", True), ("resolution", ""), ("status", "open")
                            ),
                            models.Q(
                                ("closed_at__isnull", False),
                                ("status", "closed"),
                                ("step", 5),
                                models.Q(("resolution", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="complaint_closed_matches_status",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("compensation__isnull", True),
                            ("compensation__gte", 0),
                            _connector="OR",
                        ),
                        name="complaint_compensation_min",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="ComplaintEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("receive", "Received"),
                            ("route", "Routed"),
                            ("accept", "接受 Accept"),
                            ("calm", "平息 Calm"),
                            ("solve", "探讨 Find a solution"),
                            ("act", "行动 Act"),
                            ("thank", "感谢 Thank"),
                            ("close", "Closed"),
                            ("reopen", "Reopened"),
                            ("escalate", "Escalated"),
                            ("compensation", "Compensation"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("note", models.TextField(blank=True, max_length=4000, verbose_name="note")),
                ("at", models.DateTimeField(verbose_name="at")),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="service.complaint",
                    ),
                ),
            ],
            options={
                "verbose_name": "complaint event",
                "verbose_name_plural": "complaint events",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["complaint", "at"], name="complaintevent_idx")],
            },
        ),
        SquashedCreateModel(
            name="ComplaintRoute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "priority",
                    models.PositiveSmallIntegerField(default=100, verbose_name="priority"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="routes",
                        to="service.complaintcategory",
                        verbose_name="category",
                    ),
                ),
                (
                    "customer_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="customer's department",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sales.product",
                        verbose_name="product",
                    ),
                ),
                (
                    "to_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="to the queue of",
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="to the user",
                    ),
                ),
            ],
            options={
                "verbose_name": "complaint routing rule",
                "verbose_name_plural": "complaint routing rules",
                "ordering": ["priority", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("to_department__isnull", False),
                            ("to_user__isnull", False),
                            _connector="OR",
                        ),
                        name="complaintroute_has_target",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ComplaintSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "route_minutes",
                    models.PositiveIntegerField(
                        default=30, verbose_name="routing target (business minutes)"
                    ),
                ),
                (
                    "next_level_minutes",
                    models.PositiveIntegerField(
                        default=240,
                        verbose_name="escalate one level higher after (business minutes)",
                    ),
                ),
                (
                    "compensation_approval_above",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("500.00"),
                        max_digits=12,
                        verbose_name="compensation needs approval above",
                    ),
                ),
            ],
            options={
                "verbose_name": "complaint settings",
                "verbose_name_plural": "complaint settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("route_minutes__gte", 1)), name="cmpset_route_min"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("next_level_minutes__gte", 1)),
                        name="cmpset_next_level_min",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("compensation_approval_above__gte", 0)),
                        name="cmpset_threshold_min",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="Ring",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(blank=True, max_length=20, verbose_name="number")),
                ("rang_at", models.DateTimeField(verbose_name="rang")),
                ("shown_at", models.DateTimeField(blank=True, null=True)),
                (
                    "agent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="service.call",
                    ),
                ),
            ],
            options={
                "verbose_name": "ringing call",
                "verbose_name_plural": "ringing calls",
                "indexes": [
                    models.Index(
                        condition=models.Q(("shown_at__isnull", True)),
                        fields=["agent", "-id"],
                        name="ring_pending_idx",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="SlaTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "severity",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("low", "Low"),
                            ("normal", "Normal"),
                            ("high", "High"),
                            ("critical", "Critical"),
                        ],
                        max_length=10,
                        verbose_name="severity",
                    ),
                ),
                (
                    "respond_minutes",
                    models.PositiveIntegerField(verbose_name="response target (business minutes)"),
                ),
                (
                    "resolve_minutes",
                    models.PositiveIntegerField(
                        verbose_name="resolution target (business minutes)"
                    ),
                ),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        limit_choices_to={"parent__isnull": True},
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sla_targets",
                        to="service.complaintcategory",
                        verbose_name="category",
                    ),
                ),
            ],
            options={
                "verbose_name": "SLA target",
                "verbose_name_plural": "SLA targets",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("category__isnull", False)),
                        fields=("category", "severity"),
                        name="slatarget_unique",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("category__isnull", True)),
                        fields=("severity",),
                        name="slatarget_unique_any",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("respond_minutes__gte", 1), ("resolve_minutes__gte", 1)
                        ),
                        name="slatarget_positive",
                    ),
                ],
            },
        ),
        replaced_data_operation(
            "service",
            [
                "0002_calls_scripts_permissions",
                "0004_complaints_shipped",
                "0005_complaints_permissions",
            ],
        ),
    ]
