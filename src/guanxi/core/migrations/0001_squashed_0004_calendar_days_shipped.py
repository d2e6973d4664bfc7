"""core: the 4 migrations up to 0004_calendar_days_shipped as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("core", "0001_initial"),
        ("core", "0002_audit_action_any_app"),
        ("core", "0003_calendar_days"),
        ("core", "0004_calendar_days_shipped"),
    ]

    dependencies = []

    operations = [
        SquashedCreateModel(
            name="CalendarDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("is_working", models.BooleanField(verbose_name="working day")),
                ("name", models.CharField(blank=True, max_length=60, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=60, verbose_name="name in English"),
                ),
            ],
            options={
                "verbose_name": "calendar day",
                "verbose_name_plural": "calendar days",
                "ordering": ["date"],
            },
        ),
        SquashedCreateModel(
            name="AuditLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                ("action", models.CharField(max_length=40, verbose_name="action")),
                (
                    "target_type",
                    models.CharField(blank=True, max_length=40, verbose_name="record type"),
                ),
                (
                    "target_id",
                    models.CharField(blank=True, max_length=40, verbose_name="record id"),
                ),
                ("summary", models.CharField(blank=True, max_length=300, verbose_name="summary")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
                (
                    "ip",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="IP address"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit log entry",
                "verbose_name_plural": "audit log",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["target_type", "target_id", "-at"], name="audit_target_idx"
                    ),
                    models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
                    models.Index(fields=["action", "-id"], name="audit_action_idx"),
                ],
            },
        ),
        replaced_data_operation(
            "core",
            [
                "0004_calendar_days_shipped",
            ],
        ),
    ]
