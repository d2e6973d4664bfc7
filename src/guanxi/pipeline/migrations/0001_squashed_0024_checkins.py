"""pipeline: the 24 migrations up to 0024_checkins as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import guanxi.pipeline.models
from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("pipeline", "0001_initial"),
        ("pipeline", "0002_stage_guidance"),
        ("pipeline", "0003_prospect_owned_since_default_pool"),
        ("pipeline", "0004_default_scripts"),
        ("pipeline", "0005_prospect_stage_index"),
        ("pipeline", "0006_followup_user_cover_prospect_recycle_indexes"),
        ("pipeline", "0007_pool_department_quotas"),
        ("pipeline", "0008_script_votes"),
        ("pipeline", "0009_script_counts_from_votes"),
        ("pipeline", "0010_customer_public_pool_from_entries"),
        ("pipeline", "0011_refused_customers_are_lost"),
        ("pipeline", "0012_neutral_stage_guidance"),
        ("pipeline", "0013_role_permissions_others"),
        ("pipeline", "0014_followup_idempotency_key"),
        ("pipeline", "0015_prospect_expected_amount_stage_probability"),
        ("pipeline", "0016_stage_probabilities"),
        ("pipeline", "0017_team_quota_signed_per_month"),
        ("pipeline", "0018_role_permission_manage_stages"),
        ("pipeline", "0019_prospect_owner_close_index"),
        ("pipeline", "0020_prospect_referrer_partial_index"),
        ("pipeline", "0021_prospect_amount_index"),
        ("pipeline", "0022_stagemove_customer_index_with_stage"),
        ("pipeline", "0023_stage_reach"),
        ("pipeline", "0024_checkins"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
        ("customers", "0001_squashed_0010_name_bigram_index"),
    ]

    operations = [
        SquashedCreateModel(
            name="StageMove",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days_in_previous", models.PositiveIntegerField(blank=True, null=True)),
                ("at", models.DateTimeField()),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
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
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["at"], name="stagemove_at_idx")],
            },
        ),
        SquashedCreateModel(
            name="PublicPool",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="name")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "no_followup_days",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        verbose_name="recycle after N days without follow-up",
                    ),
                ),
                (
                    "no_progress_days",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        verbose_name="recycle after N days without stage progress",
                    ),
                ),
                (
                    "no_progress_contacts",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="or after K contacts without progress"
                    ),
                ),
                (
                    "no_deal_days",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="recycle after N days without a deal"
                    ),
                ),
                (
                    "exempt_dealt",
                    models.BooleanField(
                        default=True, verbose_name="customers with a deal are never recycled"
                    ),
                ),
                (
                    "warn_days",
                    models.PositiveSmallIntegerField(
                        default=3, verbose_name="warn the owner D days before"
                    ),
                ),
                (
                    "daily_claim_cap",
                    models.PositiveSmallIntegerField(
                        default=10, verbose_name="claims per user per day"
                    ),
                ),
                (
                    "cooldown_days",
                    models.PositiveSmallIntegerField(
                        default=7, verbose_name="days before the previous owner may claim again"
                    ),
                ),
                (
                    "max_owned",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="most customers a user may own"
                    ),
                ),
                (
                    "max_locked",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="most locked customers a user may have"
                    ),
                ),
                (
                    "max_owned_per_department",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        verbose_name="most customers a department's members may own together",
                    ),
                ),
                (
                    "max_locked_per_department",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        verbose_name="most locked customers a department's members may have together",
                    ),
                ),
                (
                    "count_dealt",
                    models.BooleanField(
                        default=False, verbose_name="customers with a deal count towards the quota"
                    ),
                ),
                (
                    "masks_phones",
                    models.BooleanField(default=True, verbose_name="phones masked until claimed"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "admins",
                    models.ManyToManyField(
                        blank=True,
                        related_name="administered_pools",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="pool admins",
                    ),
                ),
                (
                    "departments_recycled",
                    models.ManyToManyField(
                        blank=True,
                        related_name="recycling_pools",
                        to="accounts.department",
                        verbose_name="recycles customers of these departments",
                    ),
                ),
                (
                    "member_departments",
                    models.ManyToManyField(
                        blank=True,
                        related_name="pools",
                        to="accounts.department",
                        verbose_name="member departments",
                    ),
                ),
                (
                    "member_users",
                    models.ManyToManyField(
                        blank=True,
                        related_name="pools",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member users",
                    ),
                ),
            ],
            options={
                "verbose_name": "public pool",
                "verbose_name_plural": "public pools",
                "ordering": ["id"],
            },
        ),
        SquashedCreateModel(
            name="Stage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=10, unique=True, verbose_name="code")),
                ("order", models.SmallIntegerField(unique=True, verbose_name="order")),
                ("name", models.CharField(max_length=40, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=60, verbose_name="English name"),
                ),
                ("definition", models.TextField(blank=True, verbose_name="definition")),
                (
                    "definition_en",
                    models.TextField(blank=True, verbose_name="definition (English)"),
                ),
                ("signals", models.TextField(blank=True, verbose_name="signals")),
                ("signals_en", models.TextField(blank=True, verbose_name="signals (English)")),
                ("questions", models.TextField(blank=True, verbose_name="questions that test it")),
                ("questions_en", models.TextField(blank=True, verbose_name="questions (English)")),
                (
                    "push_methods",
                    models.TextField(blank=True, verbose_name="methods to reach the next stage"),
                ),
                ("push_methods_en", models.TextField(blank=True, verbose_name="methods (English)")),
                (
                    "cadence_days",
                    models.PositiveSmallIntegerField(
                        null=True, verbose_name="contact at least every N days"
                    ),
                ),
                (
                    "quota_group",
                    models.CharField(blank=True, max_length=10, verbose_name="quota group"),
                ),
                (
                    "probability",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="probability of closing (%)"
                    ),
                ),
            ],
            options={
                "verbose_name": "intention stage",
                "verbose_name_plural": "intention stages",
                "ordering": ["order"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("probability__lte", 100)), name="stage_probability"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="Script",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "objection_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("price", "Price"),
                            ("quality", "Quality"),
                            ("need", "Need"),
                            ("timing", "Timing"),
                            ("trust", "Trust"),
                            ("competitor", "Competitor"),
                            ("authority", "Authority"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                        verbose_name="objection type",
                    ),
                ),
                ("title", models.CharField(max_length=100, verbose_name="title")),
                ("body", models.TextField(max_length=4000, verbose_name="script")),
                ("use_count", models.PositiveIntegerField(default=0)),
                ("helpful_count", models.PositiveIntegerField(default=0)),
                ("unhelpful_count", models.PositiveIntegerField(default=0)),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
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
                    "stage",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="pipeline.stage",
                    ),
                ),
            ],
            options={
                "verbose_name": "script",
                "verbose_name_plural": "scripts",
                "ordering": [
                    models.OrderBy(
                        django.db.models.expressions.CombinedExpression(
                            models.F("helpful_count"), "-", models.F("unhelpful_count")
                        ),
                        descending=True,
                    ),
                    "-use_count",
                    "id",
                ],
                "indexes": [
                    models.Index(fields=["objection_type", "stage"], name="script_type_idx")
                ],
            },
        ),
        SquashedCreateModel(
            name="Prospect",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="prospect",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                (
                    "grade",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not graded"),
                            ("A", "A — closes this month"),
                            ("B", "B — closes next month"),
                            ("C", "C — closes within three months"),
                            ("D", "D — later or unknown"),
                            ("E", "E — signed customer"),
                        ],
                        max_length=1,
                        verbose_name="grade",
                    ),
                ),
                ("stage_changed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "tracked",
                    models.BooleanField(default=False, verbose_name="in my tracked customers"),
                ),
                ("locked", models.BooleanField(default=False, verbose_name="locked")),
                ("dealt", models.BooleanField(default=False, verbose_name="deal won")),
                ("man_money", models.BooleanField(null=True, verbose_name="money")),
                ("man_authority", models.BooleanField(null=True, verbose_name="authority")),
                ("man_need", models.BooleanField(null=True, verbose_name="need")),
                (
                    "man_verdict",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not assessed"),
                            ("MAN", "Ideal prospect"),
                            ("MAn", "Approach with skill"),
                            ("MaN", "Find the decision maker"),
                            ("mAN", "Check credit and financing"),
                            ("maN", "Nurture long-term"),
                            ("mAn", "Nurture long-term"),
                            ("Man", "Nurture long-term"),
                            ("man", "Not a customer — stop"),
                        ],
                        max_length=3,
                        verbose_name="MAN verdict",
                    ),
                ),
                (
                    "quality",
                    models.JSONField(blank=True, default=dict, verbose_name="quality screen"),
                ),
                (
                    "quality_score",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="quality score"
                    ),
                ),
                (
                    "risks",
                    models.JSONField(blank=True, default=list, verbose_name="big-customer risks"),
                ),
                ("last_followup_at", models.DateTimeField(blank=True, null=True)),
                ("last_progress_at", models.DateTimeField(blank=True, null=True)),
                ("contacts_since_progress", models.PositiveIntegerField(default=0)),
                (
                    "next_contact_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="next contact"),
                ),
                ("next_due_at", models.DateTimeField(blank=True, null=True, verbose_name="due")),
                ("recycle_warned_at", models.DateTimeField(blank=True, null=True)),
                ("recycle_due_at", models.DateTimeField(blank=True, null=True)),
                ("owned_since", models.DateTimeField(blank=True, null=True)),
                (
                    "expected_amount",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        verbose_name="expected amount",
                    ),
                ),
                (
                    "expected_close_on",
                    models.DateField(blank=True, null=True, verbose_name="expected close date"),
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
                    "referrer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="referrals",
                        to="customers.customer",
                        verbose_name="referred by",
                    ),
                ),
                (
                    "stage",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="pipeline.stage",
                    ),
                ),
            ],
            options={
                "verbose_name": "prospect",
                "verbose_name_plural": "prospects",
                "indexes": [
                    models.Index(
                        fields=["owner", "tracked", "next_due_at"], name="prospect_worklist_idx"
                    ),
                    models.Index(
                        fields=["owner", "tracked", "recycle_due_at"],
                        name="prospect_worklist_recycle_idx",
                    ),
                    models.Index(fields=["owner", "stage", "-customer"], name="prospect_board_idx"),
                    models.Index(
                        condition=models.Q(("expected_close_on__isnull", False)),
                        fields=["owner", "expected_close_on"],
                        name="prospect_owner_close_idx",
                    ),
                    models.Index(
                        condition=models.Q(("expected_amount__isnull", False)),
                        fields=["customer"],
                        include=("expected_amount",),
                        name="prospect_amount_idx",
                    ),
                    models.Index(
                        fields=["department", "stage", "-customer"], name="prospect_dept_idx"
                    ),
                    models.Index(fields=["stage", "-customer"], name="prospect_stage_idx"),
                    models.Index(fields=["recycle_due_at"], name="prospect_recycle_idx"),
                    models.Index(
                        condition=models.Q(("referrer__isnull", False)),
                        fields=["referrer"],
                        name="prospect_referrer_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("expected_amount__gte", 0),
                            ("expected_amount__isnull", True),
                            _connector="OR",
                        ),
                        name="prospect_expected_amount",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="FollowUp",
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
                            ("phone", "Phone"),
                            ("visit", "Visit"),
                            ("sms", "SMS"),
                            ("wechat", "WeChat"),
                            ("email", "E-mail"),
                            ("showroom", "Showroom"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                ("content", models.TextField(max_length=4000, verbose_name="content")),
                ("outcome", models.CharField(blank=True, max_length=200, verbose_name="outcome")),
                ("effective", models.BooleanField(default=False, verbose_name="effective contact")),
                (
                    "grade_before",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not graded"),
                            ("A", "A — closes this month"),
                            ("B", "B — closes next month"),
                            ("C", "C — closes within three months"),
                            ("D", "D — later or unknown"),
                            ("E", "E — signed customer"),
                        ],
                        max_length=1,
                    ),
                ),
                (
                    "grade_after",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not graded"),
                            ("A", "A — closes this month"),
                            ("B", "B — closes next month"),
                            ("C", "C — closes within three months"),
                            ("D", "D — later or unknown"),
                            ("E", "E — signed customer"),
                        ],
                        max_length=1,
                    ),
                ),
                (
                    "next_contact_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="next contact"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("idempotency_key", models.CharField(blank=True, max_length=80, null=True)),
                (
                    "request_fingerprint",
                    models.CharField(blank=True, db_default="", default="", max_length=64),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="followups",
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
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="followups",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "stage_after",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pipeline.stage",
                    ),
                ),
                (
                    "stage_before",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pipeline.stage",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up",
                "verbose_name_plural": "follow-ups",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["customer", "-at"], name="followup_customer_idx"),
                    models.Index(
                        fields=["user", "-at", "stage_after", "customer"],
                        name="followup_user_cover_idx",
                    ),
                    models.Index(fields=["department", "-at"], name="followup_dept_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("content", ""), _negated=True), name="followup_content"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("idempotency_key__isnull", False)),
                        fields=("user", "idempotency_key"),
                        name="followup_idempotency_key",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="StageReach",
            fields=[
                (
                    "move",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="reach",
                        serialize=False,
                        to="pipeline.stagemove",
                    ),
                ),
                ("at", models.DateTimeField()),
                ("level", models.SmallIntegerField()),
                ("before_0", models.DateTimeField(null=True)),
                ("before_1", models.DateTimeField(null=True)),
                ("before_2", models.DateTimeField(null=True)),
                ("before_3", models.DateTimeField(null=True)),
                ("before_4", models.DateTimeField(null=True)),
                ("before_same", models.DateTimeField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["at"],
                        include=(
                            "level",
                            "before_0",
                            "before_1",
                            "before_2",
                            "before_3",
                            "before_4",
                            "before_same",
                        ),
                        name="stagereach_at_idx",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="stagemove",
            name="from_stage",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="pipeline.stage",
            ),
        ),
        migrations.AddField(
            model_name="stagemove",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="customers.source",
            ),
        ),
        migrations.AddField(
            model_name="stagemove",
            name="to_stage",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="pipeline.stage"
            ),
        ),
        migrations.AddField(
            model_name="stagemove",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        SquashedCreateModel(
            name="TeamQuota",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("stage0", models.PositiveSmallIntegerField(default=20, verbose_name="stage 0")),
                (
                    "stage12",
                    models.PositiveSmallIntegerField(default=40, verbose_name="stages 1–2"),
                ),
                (
                    "stage34",
                    models.PositiveSmallIntegerField(default=10, verbose_name="stages 3–4"),
                ),
                (
                    "daily_target",
                    models.PositiveSmallIntegerField(
                        default=3, verbose_name="intention customers to follow per day"
                    ),
                ),
                (
                    "signed_per_month",
                    models.PositiveSmallIntegerField(
                        default=2,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(10),
                        ],
                        verbose_name="contacts per month with signed customers",
                    ),
                ),
                (
                    "department",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="accounts.department",
                    ),
                ),
            ],
            options={
                "verbose_name": "tracking quota",
                "verbose_name_plural": "tracking quotas",
            },
        ),
        SquashedCreateModel(
            name="CustomerLocation",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="location",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                (
                    "latitude",
                    models.DecimalField(decimal_places=6, max_digits=9, verbose_name="latitude"),
                ),
                (
                    "longitude",
                    models.DecimalField(decimal_places=6, max_digits=9, verbose_name="longitude"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "updated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "customer location",
                "verbose_name_plural": "customer locations",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("latitude__gte", -90), ("latitude__lte", 90)),
                        name="customerlocation_lat",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("longitude__gte", -180), ("longitude__lte", 180)),
                        name="customerlocation_lon",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="CheckIn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(verbose_name="time")),
                (
                    "latitude",
                    models.DecimalField(decimal_places=6, max_digits=9, verbose_name="latitude"),
                ),
                (
                    "longitude",
                    models.DecimalField(decimal_places=6, max_digits=9, verbose_name="longitude"),
                ),
                (
                    "accuracy_m",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="accuracy (m)"),
                ),
                (
                    "photo",
                    models.ImageField(
                        blank=True,
                        max_length=200,
                        upload_to=guanxi.pipeline.models.checkin_photo_path,
                        verbose_name="photo",
                    ),
                ),
                (
                    "distance_m",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="distance (m)"),
                ),
                ("far", models.BooleanField(default=False, verbose_name="far from the customer")),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkins",
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
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="checkins",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "followup",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkin",
                        to="pipeline.followup",
                    ),
                ),
            ],
            options={
                "verbose_name": "check-in",
                "verbose_name_plural": "check-ins",
                "indexes": [
                    models.Index(fields=["user", "-at"], name="checkin_user_idx"),
                    models.Index(fields=["department", "-at"], name="checkin_dept_idx"),
                    models.Index(fields=["at"], name="checkin_at_idx"),
                    models.Index(fields=["customer", "-at"], name="checkin_customer_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("latitude__gte", -90), ("latitude__lte", 90)),
                        name="checkin_lat",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("longitude__gte", -180), ("longitude__lte", 180)),
                        name="checkin_lon",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="PoolEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("no_progress", "Many contacts, no progress, reason unknown"),
                            ("no_decision_maker", "Decision maker never reached"),
                            ("lost_trust", "A serious mistake lost the customer's trust"),
                            ("pushed_too_hard", "Customer pushed too hard"),
                            ("auto_no_followup", "Recycled: no follow-up in time"),
                            ("auto_no_progress", "Recycled: no stage progress in time"),
                            ("auto_no_deal", "Recycled: no deal in time"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("released_at", models.DateTimeField()),
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pool_entry",
                        to="customers.customer",
                    ),
                ),
                (
                    "previous_owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "released_by",
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="pipeline.publicpool",
                    ),
                ),
            ],
            options={
                "verbose_name": "pool entry",
                "verbose_name_plural": "pool entries",
                "indexes": [
                    models.Index(fields=["pool", "-released_at"], name="poolentry_pool_idx")
                ],
            },
        ),
        SquashedCreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("local_date", models.DateField()),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pool",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="claims",
                        to="pipeline.publicpool",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["user", "local_date"], name="claim_user_day_idx")],
            },
        ),
        SquashedCreateModel(
            name="Objection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("price", "Price"),
                            ("quality", "Quality"),
                            ("need", "Need"),
                            ("timing", "Timing"),
                            ("trust", "Trust"),
                            ("competitor", "Competitor"),
                            ("authority", "Authority"),
                            ("other", "Other"),
                        ],
                        max_length=12,
                        verbose_name="type",
                    ),
                ),
                ("is_excuse", models.BooleanField(default=False, verbose_name="an excuse (借口)")),
                (
                    "real_objection",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="the real objection behind it"
                    ),
                ),
                (
                    "temperament",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not judged"),
                            ("rational", "Rational"),
                            ("emotional", "Emotional"),
                            ("hesitant", "Hesitant"),
                        ],
                        max_length=10,
                        verbose_name="temperament",
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("direct", "Direct denial"),
                            ("indirect", "Indirect denial (yes, but)"),
                            ("compensation", "Compensation"),
                            ("question", "Questioning"),
                        ],
                        max_length=12,
                        verbose_name="method",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("open", "Still open"),
                            ("resolved", "Resolved"),
                            ("lost", "Lost the customer"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="outcome",
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
                    "followup",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="objections",
                        to="pipeline.followup",
                    ),
                ),
                (
                    "script",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="uses",
                        to="pipeline.script",
                    ),
                ),
            ],
            options={
                "verbose_name": "objection",
                "verbose_name_plural": "objections",
                "indexes": [models.Index(fields=["type"], name="objection_type_idx")],
            },
        ),
        SquashedCreateModel(
            name="ScriptVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("helpful", models.BooleanField(verbose_name="helpful")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "script",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="votes",
                        to="pipeline.script",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "script vote",
                "verbose_name_plural": "script votes",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("script", "user"), name="scriptvote_one_per_user"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="stagereach",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="customers.customer",
            ),
        ),
        migrations.AddIndex(
            model_name="stagemove",
            index=models.Index(fields=["user", "at"], name="stagemove_user_idx"),
        ),
        migrations.AddIndex(
            model_name="stagemove",
            index=models.Index(
                fields=["customer", "at"], include=("to_stage",), name="stagemove_cust_stage_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="stagereach",
            index=models.Index(fields=["customer", "at"], name="stagereach_cust_idx"),
        ),
        replaced_data_operation(
            "pipeline",
            [
                "0002_stage_guidance",
                "0003_prospect_owned_since_default_pool",
                "0004_default_scripts",
                "0009_script_counts_from_votes",
                "0010_customer_public_pool_from_entries",
                "0011_refused_customers_are_lost",
                "0012_neutral_stage_guidance",
                "0013_role_permissions_others",
                "0016_stage_probabilities",
                "0018_role_permission_manage_stages",
                "0023_stage_reach",
            ],
        ),
    ]
