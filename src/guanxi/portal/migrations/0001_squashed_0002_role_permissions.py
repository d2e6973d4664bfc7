"""portal: the 2 migrations up to 0002_role_permissions as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import guanxi.portal.models.leads
from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("portal", "0001_customer_portal_and_web_forms"),
        ("portal", "0002_role_permissions"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
        ("pipeline", "0001_squashed_0024_checkins"),
    ]

    operations = [
        SquashedCreateModel(
            name="LeadForm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "key",
                    models.CharField(
                        default=guanxi.portal.models.leads.new_form_key,
                        editable=False,
                        max_length=24,
                        unique=True,
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("fields", models.JSONField(blank=True, default=list, verbose_name="fields")),
                (
                    "required",
                    models.JSONField(blank=True, default=list, verbose_name="required fields"),
                ),
                (
                    "campaign",
                    models.CharField(blank=True, max_length=30, verbose_name="campaign tag"),
                ),
                (
                    "allowed_origins",
                    models.TextField(blank=True, verbose_name="sites that may embed the form"),
                ),
                (
                    "thank_you",
                    models.CharField(blank=True, max_length=300, verbose_name="thank-you text"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="team (round-robin)",
                    ),
                ),
                (
                    "last_assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pool",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pipeline.publicpool",
                        verbose_name="public pool",
                    ),
                ),
            ],
            options={
                "verbose_name": "web form",
                "verbose_name_plural": "web forms",
                "ordering": ["-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("department__isnull", False), ("pool__isnull", True)),
                            models.Q(("department__isnull", True), ("pool__isnull", False)),
                            _connector="OR",
                        ),
                        name="leadform_one_target",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="LeadSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("created", "New customer"),
                            ("known", "Known customer: follow-up added"),
                            ("spam", "Spam (honeypot)"),
                        ],
                        max_length=10,
                        verbose_name="outcome",
                    ),
                ),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("utm", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "assignee",
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
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "form",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submissions",
                        to="portal.leadform",
                    ),
                ),
            ],
            options={
                "verbose_name": "web form submission",
                "verbose_name_plural": "web form submissions",
                "indexes": [
                    models.Index(fields=["ip", "-created_at"], name="leadsub_ip_idx"),
                    models.Index(fields=["form", "-id"], name="leadsub_form_idx"),
                ],
            },
        ),
        SquashedCreateModel(
            name="PortalCode",
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
                        choices=[("sms", "SMS"), ("email", "E-mail")],
                        max_length=5,
                        verbose_name="channel",
                    ),
                ),
                ("identifier_digest", models.CharField(max_length=64)),
                ("code_digest", models.CharField(blank=True, max_length=64)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_codes",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "portal sign-in code",
                "verbose_name_plural": "portal sign-in codes",
                "indexes": [
                    models.Index(
                        fields=["identifier_digest", "-created_at"], name="portalcode_ident_idx"
                    ),
                    models.Index(fields=["ip", "-created_at"], name="portalcode_ip_idx"),
                    models.Index(
                        fields=["customer", "-created_at"], name="portalcode_customer_idx"
                    ),
                    models.Index(fields=["expires_at"], name="portalcode_expires_idx"),
                ],
            },
        ),
        SquashedCreateModel(
            name="PortalSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_digest", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_sessions",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "portal session",
                "verbose_name_plural": "portal sessions",
                "indexes": [
                    models.Index(
                        condition=models.Q(("ended_at", None)),
                        fields=["customer"],
                        name="portalsession_live_idx",
                    ),
                    models.Index(fields=["expires_at"], name="portalsession_expires_idx"),
                ],
            },
        ),
        replaced_data_operation(
            "portal",
            [
                "0002_role_permissions",
            ],
        ),
    ]
