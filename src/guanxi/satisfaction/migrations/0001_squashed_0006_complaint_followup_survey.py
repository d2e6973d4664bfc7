"""satisfaction: the 6 migrations up to 0006_complaint_followup_survey as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("satisfaction", "0001_initial"),
        ("satisfaction", "0002_role_permissions"),
        ("satisfaction", "0003_new_car_survey"),
        ("satisfaction", "0004_answer_items_covering_index"),
        ("satisfaction", "0005_survey_link_complaint"),
        ("satisfaction", "0006_complaint_followup_survey"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
        ("service", "0001_squashed_0007_complaint_owner_due_index"),
    ]

    operations = [
        SquashedCreateModel(
            name="Factor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=80, verbose_name="English name"),
                ),
                (
                    "baseline",
                    models.PositiveSmallIntegerField(
                        default=8, verbose_name="expectation baseline"
                    ),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "factor",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="SurveyTemplate",
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
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "survey template",
                "verbose_name_plural": "survey templates",
                "ordering": ["id"],
            },
        ),
        SquashedCreateModel(
            name="ExternalImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=200, verbose_name="file")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("rows_imported", models.PositiveIntegerField(default=0)),
                ("rows_refused", models.PositiveIntegerField(default=0)),
                ("errors", models.JSONField(blank=True, default=list)),
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
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="satisfaction.surveytemplate",
                    ),
                ),
            ],
            options={
                "verbose_name": "external import",
                "ordering": ["-created_at", "-id"],
            },
        ),
        SquashedCreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=200, verbose_name="question")),
                (
                    "text_en",
                    models.CharField(blank=True, max_length=200, verbose_name="English question"),
                ),
                (
                    "asks_expectation",
                    models.BooleanField(default=True, verbose_name="asks for the expectation"),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                (
                    "factor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="satisfaction.factor",
                    ),
                ),
            ],
            options={
                "verbose_name": "question",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="SurveyVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="version")),
                (
                    "scale_max",
                    models.PositiveSmallIntegerField(default=10, verbose_name="highest score"),
                ),
                (
                    "low_threshold",
                    models.PositiveSmallIntegerField(default=6, verbose_name="low-score threshold"),
                ),
                (
                    "intro",
                    models.CharField(blank=True, max_length=300, verbose_name="introduction"),
                ),
                (
                    "intro_en",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="English introduction"
                    ),
                ),
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
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="satisfaction.surveytemplate",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey version",
                "ordering": ["template_id", "-number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("template", "number"), name="sat_version_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("scale_max__gte", 2), ("scale_max__lte", 100)),
                        name="sat_version_scale",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="SurveyResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("internal", "Internal (own survey)"),
                            ("external", "External (imported)"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("link", "Survey link"),
                            ("staff", "Filled in by staff"),
                            ("third_party", "Third-party survey"),
                            ("head_office", "Head-office survey"),
                            ("mystery", "Mystery shopping (暗访)"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("answered_at", models.DateTimeField(verbose_name="answered")),
                ("month", models.DateField(verbose_name="month")),
                (
                    "overall",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="overall score"
                    ),
                ),
                (
                    "nps",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="would recommend (0–10)"
                    ),
                ),
                (
                    "satisfaction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=6,
                        null=True,
                        verbose_name="satisfaction",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000, verbose_name="comment")),
                (
                    "consultant",
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
                    "import_batch",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="responses",
                        to="satisfaction.externalimport",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="satisfaction.surveyversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey response",
                "ordering": ["-answered_at", "-id"],
                "indexes": [
                    models.Index(fields=["consultant", "-answered_at"], name="sat_resp_consultant"),
                    models.Index(fields=["department", "-answered_at"], name="sat_resp_department"),
                    models.Index(fields=["customer", "-answered_at"], name="sat_resp_customer"),
                    models.Index(fields=["-answered_at", "-id"], name="sat_resp_recent"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("nps__lte", 10)), name="sat_resp_nps_range"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="SurveyLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="answered")),
                ("message_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "complaint",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="service.complaint",
                        verbose_name="complaint",
                    ),
                ),
                (
                    "consultant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "response",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="link",
                        to="satisfaction.surveyresponse",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="satisfaction.surveyversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "survey link",
                "indexes": [
                    models.Index(fields=["customer", "-created_at"], name="sat_link_customer")
                ],
            },
        ),
        migrations.AddField(
            model_name="factor",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="factors",
                to="satisfaction.surveyversion",
            ),
        ),
        SquashedCreateModel(
            name="AnswerItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("factor_code", models.SlugField(max_length=40)),
                ("expectation", models.SmallIntegerField(verbose_name="expectation")),
                ("performance", models.SmallIntegerField(verbose_name="performance")),
                ("gap", models.SmallIntegerField(verbose_name="satisfaction")),
                ("month", models.DateField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("internal", "Internal (own survey)"),
                            ("external", "External (imported)"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "consultant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
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
                    "factor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="satisfaction.factor",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="satisfaction.question",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="satisfaction.surveyresponse",
                    ),
                ),
            ],
            options={
                "verbose_name": "answer",
                "indexes": [
                    models.Index(
                        fields=[
                            "month",
                            "factor_code",
                            "consultant",
                            "department",
                            "source",
                            "gap",
                            "performance",
                            "expectation",
                        ],
                        name="sat_item_report",
                    ),
                    models.Index(fields=["consultant", "month"], name="sat_item_consultant"),
                    models.Index(fields=["department", "month"], name="sat_item_department"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "gap",
                                django.db.models.expressions.CombinedExpression(
                                    models.F("performance"), "-", models.F("expectation")
                                ),
                            )
                        ),
                        name="sat_item_gap",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="ActionPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("factor_code", models.SlugField(max_length=40, verbose_name="factor")),
                ("item", models.CharField(max_length=200, verbose_name="item")),
                ("period", models.DateField(verbose_name="period")),
                (
                    "last_score",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="last score"),
                ),
                (
                    "target",
                    models.DecimalField(decimal_places=2, max_digits=6, verbose_name="target"),
                ),
                ("cause", models.TextField(max_length=2000, verbose_name="cause")),
                ("measure", models.TextField(max_length=2000, verbose_name="measure")),
                ("due_date", models.DateField(verbose_name="due date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="open",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
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
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
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
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="satisfaction.surveytemplate",
                    ),
                ),
            ],
            options={
                "verbose_name": "action plan",
                "verbose_name_plural": "action plans",
                "ordering": ["due_date", "id"],
                "indexes": [
                    models.Index(fields=["owner", "status", "due_date"], name="sat_plan_owner"),
                    models.Index(
                        fields=["department", "status", "due_date"], name="sat_plan_department"
                    ),
                    models.Index(fields=["status", "due_date"], name="sat_plan_status"),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="factor",
            constraint=models.UniqueConstraint(
                fields=("version", "code"), name="sat_factor_unique"
            ),
        ),
        replaced_data_operation(
            "satisfaction",
            [
                "0002_role_permissions",
                "0003_new_car_survey",
                "0006_complaint_followup_survey",
            ],
        ),
    ]
