"""imports: the 4 migrations up to 0004_import_kinds as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("imports", "0001_imports"),
        ("imports", "0002_imports_role_permissions"),
        ("imports", "0003_exports"),
        ("imports", "0004_import_kinds"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
    ]

    operations = [
        SquashedCreateModel(
            name="ImportBatch",
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
                            ("customers", "Customers"),
                            ("followups", "Follow-ups"),
                            ("purchases", "Purchase history"),
                        ],
                        default="customers",
                        max_length=10,
                        verbose_name="what is imported",
                    ),
                ),
                ("file", models.FileField(upload_to="imports/%Y/%m/")),
                ("file_name", models.CharField(max_length=200, verbose_name="file")),
                ("file_sha256", models.CharField(max_length=64)),
                ("file_kind", models.CharField(max_length=4)),
                ("encoding", models.CharField(blank=True, max_length=30, verbose_name="encoding")),
                ("headers", models.JSONField(default=list)),
                ("mapping", models.JSONField(default=dict)),
                (
                    "on_duplicate",
                    models.CharField(
                        choices=[
                            ("skip", "Skip the row"),
                            ("update_empty", "Fill the match's empty fields"),
                            ("update_all", "Overwrite the match's fields"),
                        ],
                        default="skip",
                        max_length=20,
                        verbose_name="duplicates",
                    ),
                ),
                (
                    "create_sources",
                    models.BooleanField(default=False, verbose_name="create unknown sources"),
                ),
                (
                    "create_tags",
                    models.BooleanField(default=True, verbose_name="create unknown tags"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("uploaded", "Uploaded"),
                            ("checking", "Dry run"),
                            ("checked", "Checked"),
                            ("queued", "Queued"),
                            ("running", "Importing"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                            ("failed", "Failed"),
                            ("rolled_back", "Rolled back"),
                        ],
                        default="uploaded",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("total_rows", models.PositiveIntegerField(default=0)),
                ("phase", models.CharField(default="check", max_length=5)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("check_counts", models.JSONField(default=dict)),
                ("run_counts", models.JSONField(default=dict)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("cancel_requested", models.BooleanField(default=False)),
                ("failure", models.CharField(blank=True, max_length=300)),
                ("report", models.FileField(blank=True, upload_to="imports/reports/%Y/%m/")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("rolled_back_at", models.DateTimeField(blank=True, null=True)),
                (
                    "default_owner",
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
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.department",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="import_batches",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "import",
                "verbose_name_plural": "imports",
                "ordering": ["-id"],
                "indexes": [
                    models.Index(fields=["owner", "-id"], name="imports_batch_owner_idx"),
                    models.Index(fields=["department"], name="imports_batch_dept_idx"),
                    models.Index(fields=["status"], name="imports_batch_status_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"])),
                        fields=("file_sha256",),
                        name="imports_one_running_per_file",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ImportRow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("phase", models.CharField(max_length=5)),
                ("row_number", models.PositiveIntegerField()),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("updated", "Updated"),
                            ("duplicate", "Duplicate"),
                            ("error", "Error"),
                        ],
                        max_length=10,
                    ),
                ),
                ("record_id", models.PositiveBigIntegerField(blank=True, null=True)),
                ("reason", models.CharField(blank=True, max_length=500)),
                ("cells", models.JSONField(blank=True, default=list)),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rows",
                        to="imports.importbatch",
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="import_rows",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["batch", "phase", "outcome"], name="imports_row_outcome_idx"
                    ),
                    models.Index(fields=["customer"], name="imports_row_customer_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("batch", "phase", "row_number"), name="imports_row_once"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ImportTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                ("mapping", models.JSONField(default=dict, verbose_name="mapping")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="import_templates",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "import template",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "name"), name="imports_template_owner_name"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ExportJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=20, verbose_name="list")),
                (
                    "format",
                    models.CharField(
                        choices=[("xlsx", "Excel (xlsx)"), ("csv", "CSV")],
                        max_length=4,
                        verbose_name="format",
                    ),
                ),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                            ("expired", "Expired"),
                        ],
                        default="queued",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("rows_expected", models.PositiveIntegerField(default=0)),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("file", models.FileField(blank=True, max_length=300, upload_to="")),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="export_jobs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "export",
                "verbose_name_plural": "exports",
                "indexes": [
                    models.Index(fields=["owner", "-id"], name="exportjob_owner_idx"),
                    models.Index(
                        condition=models.Q(("status", "done")),
                        fields=["expires_at"],
                        name="exportjob_expiry_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("format__in", ["xlsx", "csv"])), name="exportjob_format"
                    )
                ],
            },
        ),
        replaced_data_operation(
            "imports",
            [
                "0002_imports_role_permissions",
            ],
        ),
    ]
