"""webhooks: the 2 migrations up to 0002_role_permissions as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("webhooks", "0001_subscriptions_deliveries"),
        ("webhooks", "0002_role_permissions"),
    ]

    dependencies = []

    operations = [
        SquashedCreateModel(
            name="AllowedHost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("host", models.CharField(max_length=253, unique=True, verbose_name="host")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
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
            ],
            options={
                "verbose_name": "allowed internal host",
                "verbose_name_plural": "allowed internal hosts",
                "ordering": ["host"],
            },
        ),
        SquashedCreateModel(
            name="Subscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("json", "Signed JSON webhook"),
                            ("wecom", "企业微信 group robot"),
                        ],
                        default="json",
                        max_length=8,
                        verbose_name="type",
                    ),
                ),
                ("url", models.CharField(max_length=500, verbose_name="URL")),
                ("secret", models.CharField(editable=False, max_length=64)),
                ("events", models.JSONField(default=list, verbose_name="events")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("consecutive_failures", models.PositiveIntegerField(default=0)),
                ("disabled_at", models.DateTimeField(blank=True, null=True)),
                ("disabled_reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="webhook_subscriptions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook subscription",
                "verbose_name_plural": "webhook subscriptions",
                "ordering": ["name", "id"],
                "indexes": [models.Index(fields=["active"], name="webhook_sub_active_idx")],
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
                ("event", models.CharField(max_length=40, verbose_name="event")),
                ("event_id", models.UUIDField(default=uuid.uuid4)),
                ("payload", models.JSONField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting"),
                            ("sending", "Sending"),
                            ("succeeded", "Delivered"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("next_attempt_at", models.DateTimeField()),
                ("claimed_by", models.CharField(blank=True, max_length=80)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "response_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="response code"
                    ),
                ),
                (
                    "duration_ms",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="duration (ms)"
                    ),
                ),
                ("error", models.CharField(blank=True, max_length=300, verbose_name="error")),
                (
                    "last_attempt_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last attempt"),
                ),
                (
                    "delivered_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="delivered"),
                ),
                ("created_at", models.DateTimeField(verbose_name="created")),
                (
                    "redelivery_of",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="webhooks.delivery",
                    ),
                ),
                (
                    "subscription",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="webhooks.subscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook delivery",
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-id"],
                "indexes": [
                    models.Index(
                        fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"
                    ),
                    models.Index(fields=["subscription", "-id"], name="webhook_delivery_sub_idx"),
                    models.Index(
                        fields=["subscription", "status", "-id"], name="webhook_delivery_st_idx"
                    ),
                ],
            },
        ),
        replaced_data_operation(
            "webhooks",
            [
                "0002_role_permissions",
            ],
        ),
    ]
