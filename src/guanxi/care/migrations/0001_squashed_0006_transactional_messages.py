"""care: the 6 migrations up to 0006_transactional_messages as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("care", "0001_initial"),
        ("care", "0002_role_permissions"),
        ("care", "0003_visits"),
        ("care", "0004_rules_touch_points"),
        ("care", "0005_messages_send_log"),
        ("care", "0006_transactional_messages"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
        ("pipeline", "0001_squashed_0024_checkins"),
        ("sales", "0001_squashed_0012_contract_history"),
    ]

    operations = [
        SquashedCreateModel(
            name="CareTopic",
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
                    models.CharField(blank=True, max_length=80, verbose_name="English name"),
                ),
                ("questions", models.JSONField(blank=True, default=list, verbose_name="questions")),
                (
                    "scored",
                    models.BooleanField(
                        default=False, verbose_name="asks for a satisfaction score"
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "回访 topic",
                "verbose_name_plural": "回访 topics",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="ContactPreference",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="contact_preference",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                (
                    "marketing_sms",
                    models.BooleanField(default=False, verbose_name="marketing SMS allowed"),
                ),
                (
                    "marketing_email",
                    models.BooleanField(default=False, verbose_name="marketing e-mail allowed"),
                ),
                (
                    "do_not_disturb",
                    models.BooleanField(default=False, verbose_name="do not disturb"),
                ),
                (
                    "sms_unsubscribed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="unsubscribed from SMS"
                    ),
                ),
                (
                    "email_unsubscribed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="unsubscribed from e-mail"
                    ),
                ),
                ("quiet_from", models.TimeField(blank=True, null=True, verbose_name="quiet from")),
                (
                    "quiet_until",
                    models.TimeField(blank=True, null=True, verbose_name="quiet until"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "contact preference",
                "verbose_name_plural": "contact preferences",
            },
        ),
        SquashedCreateModel(
            name="Message",
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
                            ("sms", "SMS"),
                            ("email", "E-mail"),
                            ("in_app", "In-app notification"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("service", "Service message"),
                            ("marketing", "Marketing message"),
                            ("transactional", "Transactional message"),
                        ],
                        max_length=16,
                        verbose_name="purpose",
                    ),
                ),
                ("recipient", models.CharField(blank=True, max_length=254, verbose_name="to")),
                ("subject", models.CharField(blank=True, max_length=150, verbose_name="subject")),
                ("body", models.TextField(verbose_name="text")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("deferred", "Deferred"),
                            ("suppressed", "Suppressed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="reason")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("send_after", models.DateTimeField(verbose_name="not before")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                ("provider_id", models.CharField(blank=True, max_length=100)),
                ("claimed_by", models.CharField(blank=True, max_length=80)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("dedup_key", models.CharField(blank=True, max_length=120, null=True, unique=True)),
                ("masked", models.BooleanField(default=False, verbose_name="secret part masked")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
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
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "sender",
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
                "verbose_name": "message",
                "verbose_name_plural": "messages",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "send_after"], name="message_due_idx"),
                    models.Index(fields=["customer", "-created_at"], name="message_customer_idx"),
                    models.Index(fields=["owner", "-created_at"], name="message_owner_idx"),
                    models.Index(fields=["department", "-created_at"], name="message_dept_idx"),
                    models.Index(fields=["channel", "-sent_at"], name="message_channel_idx"),
                    models.Index(
                        fields=["purpose", "status", "send_after"], name="message_purpose_due_idx"
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="CareRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        blank=True, max_length=40, null=True, unique=True, verbose_name="code"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=120, verbose_name="English name"),
                ),
                (
                    "stage",
                    models.CharField(blank=True, max_length=60, verbose_name="step of the sale"),
                ),
                ("purpose", models.CharField(blank=True, max_length=120, verbose_name="purpose")),
                (
                    "trigger",
                    models.CharField(
                        choices=[
                            ("customer_created", "Customer created"),
                            ("visit_logged", "Showroom or on-site visit logged"),
                            ("stage_changed", "Intention stage changed"),
                            ("quote_refused", "Price objection with a next contact"),
                            ("contract_signed", "Contract signed"),
                            ("delivery_planned", "Delivery planned"),
                            ("delivery_done", "Delivery done"),
                            ("payment_received", "Payment received"),
                            ("complaint_closed", "Complaint closed"),
                            ("survey_answered", "Survey answered"),
                            ("birthday", "Birthday"),
                            ("purchase_anniversary", "Purchase anniversary"),
                            ("holiday", "Holiday"),
                            ("no_contact", "No contact for a number of days"),
                            ("upkeep", "Regular upkeep of signed customers (E class)"),
                            ("maintenance_due", "Maintenance due"),
                            ("warranty_ending", "Warranty ending"),
                            ("weather", "Bad-weather notice (issued by hand)"),
                        ],
                        max_length=24,
                        verbose_name="trigger",
                    ),
                ),
                (
                    "params",
                    models.JSONField(blank=True, default=dict, verbose_name="trigger settings"),
                ),
                ("offset", models.IntegerField(default=0, verbose_name="offset")),
                (
                    "offset_unit",
                    models.CharField(
                        choices=[("hours", "hours"), ("days", "days")],
                        default="hours",
                        max_length=5,
                        verbose_name="offset unit",
                    ),
                ),
                (
                    "business_hours",
                    models.BooleanField(default=False, verbose_name="only inside business hours"),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[("message", "Send a message"), ("task", "Create a task")],
                        max_length=8,
                        verbose_name="action",
                    ),
                ),
                ("channel", models.CharField(max_length=10, verbose_name="channel")),
                (
                    "task_kind",
                    models.CharField(blank=True, max_length=12, verbose_name="task kind"),
                ),
                (
                    "assignee",
                    models.CharField(
                        choices=[
                            ("owner", "The customer's owner"),
                            ("role", "A user with a role"),
                            ("department", "A department's queue"),
                            ("user", "A named user"),
                        ],
                        default="owner",
                        max_length=12,
                        verbose_name="assignee",
                    ),
                ),
                ("enabled", models.BooleanField(default=False, verbose_name="switched on")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "assignee_department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "assignee_role",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.role",
                        verbose_name="assignee's role",
                    ),
                ),
                (
                    "assignee_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "implementer_role",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.role",
                        verbose_name="implementer (实施人)",
                    ),
                ),
                (
                    "supervisor_role",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.role",
                        verbose_name="supervisor (监督人)",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rules",
                        to="care.caretopic",
                        verbose_name="回访 topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "care rule",
                "verbose_name_plural": "care rules",
                "ordering": ["sort_order", "id"],
                "indexes": [
                    models.Index(fields=["trigger", "enabled"], name="carerule_trigger_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True), name="carerule_name"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="CareTask",
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
                            ("visit", "回访"),
                            ("call", "Call"),
                            ("action", "Follow-up action"),
                            ("spot_check", "Spot-check call"),
                        ],
                        default="visit",
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "channel",
                    models.CharField(
                        choices=[("phone", "Phone"), ("web", "Web / online"), ("visit", "Visit")],
                        default="phone",
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                ("due_at", models.DateTimeField(verbose_name="due")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("manual", "By hand"),
                            ("rule", "Care rule"),
                            ("spot_check", "Spot check"),
                            ("track", "Raised during a 回访"),
                        ],
                        default="manual",
                        max_length=12,
                        verbose_name="origin",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("reached", "Reached"),
                            ("unreachable", "Unreachable"),
                            ("refused", "Refused"),
                            ("wrong_number", "Wrong number"),
                        ],
                        max_length=14,
                        verbose_name="outcome",
                    ),
                ),
                ("answers", models.JSONField(blank=True, default=dict, verbose_name="answers")),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="satisfaction (1–10)"
                    ),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="notes")),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="care_tasks",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_tasks",
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
                        verbose_name="department",
                    ),
                ),
                (
                    "done_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="care.caretask",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tasks",
                        to="care.carerule",
                    ),
                ),
                (
                    "supervisor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="supervisor",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tasks",
                        to="care.caretopic",
                        verbose_name="topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "care task",
                "verbose_name_plural": "care tasks",
                "ordering": ["due_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["assignee", "status", "due_at"], name="caretask_assignee_idx"
                    ),
                    models.Index(
                        fields=["department", "status", "due_at"], name="caretask_dept_idx"
                    ),
                    models.Index(fields=["customer", "-due_at"], name="caretask_customer_idx"),
                    models.Index(fields=["status", "due_at"], name="caretask_due_idx"),
                    models.Index(fields=["done_at"], name="caretask_done_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("title", ""), _negated=True), name="caretask_title"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("score__isnull", True),
                            models.Q(("score__gte", 1), ("score__lte", 10)),
                            _connector="OR",
                        ),
                        name="caretask_score_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("done_at__isnull", True), ("status", "open")),
                            models.Q(("done_at__isnull", False), ("status", "done")),
                            ("status", "cancelled"),
                            _connector="OR",
                        ),
                        name="caretask_done_at_matches_status",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="ConsentEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=30)),
                ("value", models.BooleanField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("staff", "Recorded by staff"),
                            ("link", "Unsubscribe link"),
                            ("sms_reply", "SMS reply"),
                            ("api", "API"),
                            ("import", "Import"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200)),
                ("at", models.DateTimeField(auto_now_add=True)),
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
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_events",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["customer", "-at"], name="consent_customer_idx")],
            },
        ),
        SquashedCreateModel(
            name="InstalledAsset",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("product_name", models.CharField(max_length=120, verbose_name="product")),
                (
                    "serial",
                    models.CharField(blank=True, max_length=40, verbose_name="serial number / VIN"),
                ),
                ("user_name", models.CharField(blank=True, max_length=50, verbose_name="used by")),
                (
                    "user_phone",
                    models.CharField(blank=True, max_length=20, verbose_name="user's phone"),
                ),
                (
                    "purchased_on",
                    models.DateField(blank=True, null=True, verbose_name="purchase date"),
                ),
                (
                    "delivered_on",
                    models.DateField(blank=True, null=True, verbose_name="delivery date"),
                ),
                (
                    "warranty_ends_on",
                    models.DateField(blank=True, null=True, verbose_name="warranty ends"),
                ),
                (
                    "last_maintenance_on",
                    models.DateField(blank=True, null=True, verbose_name="last maintenance"),
                ),
                (
                    "next_maintenance_on",
                    models.DateField(blank=True, null=True, verbose_name="next maintenance"),
                ),
                (
                    "documents",
                    models.JSONField(blank=True, default=list, verbose_name="documents on file"),
                ),
                ("notes", models.CharField(blank=True, max_length=500, verbose_name="notes")),
                (
                    "retired_on",
                    models.DateField(blank=True, null=True, verbose_name="no longer used since"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "contract",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
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
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assets",
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
                (
                    "delivery",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="asset",
                        to="sales.delivery",
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
            ],
            options={
                "verbose_name": "installed product",
                "verbose_name_plural": "installed base",
                "ordering": ["-delivered_on", "-id"],
                "indexes": [
                    models.Index(fields=["customer", "-id"], name="asset_customer_idx"),
                    models.Index(fields=["next_maintenance_on"], name="asset_maintenance_idx"),
                    models.Index(fields=["warranty_ends_on"], name="asset_warranty_idx"),
                    models.Index(fields=["delivered_on"], name="asset_delivered_idx"),
                    models.Index(fields=["serial"], name="asset_serial_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("product_name", ""), _negated=True),
                        name="asset_product_name",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("warranty_ends_on__isnull", True),
                            ("delivered_on__isnull", True),
                            ("warranty_ends_on__gte", models.F("delivered_on")),
                            _connector="OR",
                        ),
                        name="asset_warranty_after_delivery",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="MessageSecret",
            fields=[
                (
                    "message",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="secret",
                        serialize=False,
                        to="care.message",
                    ),
                ),
                ("subject", models.CharField(blank=True, max_length=150)),
                ("body", models.TextField()),
                ("expires_at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["expires_at"], name="message_secret_expiry_idx")],
            },
        ),
        SquashedCreateModel(
            name="CareTouch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("occurrence", models.CharField(max_length=60)),
                ("due_at", models.DateTimeField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("scheduled", "Scheduled"),
                            ("done", "Done"),
                            ("skipped", "Skipped"),
                        ],
                        default="scheduled",
                        max_length=10,
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="care_touches",
                        to="customers.customer",
                    ),
                ),
                (
                    "rule",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="touches",
                        to="care.carerule",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="care.caretask",
                    ),
                ),
                (
                    "message",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="care.message",
                    ),
                ),
            ],
            options={
                "verbose_name": "care touch",
                "verbose_name_plural": "care touches",
                "ordering": ["due_at", "id"],
                "indexes": [
                    models.Index(fields=["status", "due_at"], name="touch_due_idx"),
                    models.Index(fields=["customer", "-due_at"], name="touch_customer_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("rule", "customer", "occurrence"), name="touch_once_per_occurrence"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="MessageEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("deferred", "Deferred"),
                            ("suppressed", "Suppressed"),
                        ],
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="reason")),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
                ),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="care.message",
                    ),
                ),
            ],
            options={
                "verbose_name": "send log entry",
                "verbose_name_plural": "send log entries",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["message", "at"], name="message_event_idx")],
            },
        ),
        SquashedCreateModel(
            name="MessageTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "code",
                    models.SlugField(
                        blank=True, max_length=40, null=True, unique=True, verbose_name="code"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("sms", "SMS"),
                            ("email", "E-mail"),
                            ("in_app", "In-app notification"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("service", "Service message"),
                            ("marketing", "Marketing message"),
                            ("transactional", "Transactional message"),
                        ],
                        default="service",
                        max_length=16,
                        verbose_name="purpose",
                    ),
                ),
                ("subject", models.CharField(blank=True, max_length=150, verbose_name="subject")),
                ("body", models.TextField(max_length=4000, verbose_name="text")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "message template",
                "verbose_name_plural": "message templates",
                "ordering": ["channel", "name", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("body", ""), _negated=True), name="template_body"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="message",
            name="template",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="care.messagetemplate",
            ),
        ),
        migrations.AddField(
            model_name="carerule",
            name="template",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rules",
                to="care.messagetemplate",
                verbose_name="message template",
            ),
        ),
        SquashedCreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("body", models.CharField(blank=True, max_length=1000, verbose_name="text")),
                ("url", models.CharField(blank=True, max_length=300)),
                ("dedup_key", models.CharField(blank=True, max_length=120, null=True, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["user", "read_at", "-created_at"], name="notification_user_idx"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="Reception",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="time")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("walk_in", "Walk-in (来店)"),
                            ("phone", "Inbound call (来电)"),
                            ("web", "Web enquiry"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                (
                    "visitor_name",
                    models.CharField(blank=True, max_length=50, verbose_name="visitor"),
                ),
                ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                ("party_size", models.PositiveSmallIntegerField(default=1, verbose_name="people")),
                ("need", models.CharField(blank=True, max_length=300, verbose_name="need")),
                (
                    "product_interest",
                    models.CharField(
                        blank=True, max_length=120, verbose_name="product of interest"
                    ),
                ),
                ("demo", models.BooleanField(default=False, verbose_name="demo / test drive")),
                (
                    "demo_minutes",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="demo minutes"
                    ),
                ),
                (
                    "stay_minutes",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="stay minutes"
                    ),
                ),
                ("notes", models.CharField(blank=True, max_length=500, verbose_name="notes")),
                (
                    "converted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="converted"),
                ),
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
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="receptions",
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
            ],
            options={
                "verbose_name": "front-desk entry",
                "verbose_name_plural": "front-desk register",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["-at", "-id"], name="reception_at_idx"),
                    models.Index(fields=["received_by", "-at"], name="reception_user_idx"),
                    models.Index(fields=["department", "-at"], name="reception_dept_idx"),
                    models.Index(fields=["customer", "-at"], name="reception_customer_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("demo_minutes__isnull", True), ("demo", True), _connector="OR"
                        ),
                        name="reception_demo_minutes_need_demo",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("party_size__gte", 1)), name="reception_party"
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="SpotCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period_start", models.DateField(verbose_name="fortnight from")),
                (
                    "result",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("matches", "Matches what was logged"),
                            ("differs", "Does not match what was logged"),
                            ("unreachable", "Customer not reached"),
                        ],
                        max_length=12,
                        verbose_name="result",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "consultant",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="consultant",
                    ),
                ),
                (
                    "followup",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="spot_check",
                        to="pipeline.followup",
                    ),
                ),
                (
                    "task",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="spot_check",
                        to="care.caretask",
                    ),
                ),
            ],
            options={
                "verbose_name": "spot check",
                "verbose_name_plural": "spot checks",
                "ordering": ["-period_start", "id"],
                "indexes": [
                    models.Index(
                        fields=["consultant", "-period_start"], name="spotcheck_consultant_idx"
                    ),
                    models.Index(fields=["period_start"], name="spotcheck_period_idx"),
                ],
            },
        ),
        SquashedCreateModel(
            name="SpotCheckSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "sample_size",
                    models.PositiveSmallIntegerField(
                        default=3, verbose_name="follow-ups drawn per consultant and fortnight"
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "spot-check settings",
                "verbose_name_plural": "spot-check settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sample_size__gte", 1), ("sample_size__lte", 50)),
                        name="spotchecksettings_sample_size",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_feeds",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["user", "revoked_at"], name="calfeed_user_idx")],
            },
        ),
        migrations.AddConstraint(
            model_name="carerule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "message"), ("template__isnull", False)),
                    ("action", "task"),
                    _connector="OR",
                ),
                name="carerule_message_has_template",
            ),
        ),
        replaced_data_operation(
            "care",
            [
                "0002_role_permissions",
                "0003_visits",
                "0004_rules_touch_points",
            ],
        ),
    ]
