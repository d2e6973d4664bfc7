"""customers: the 10 migrations up to 0010_name_bigram_index as one, so that a new database is built in one step
(the models as they are now, then the data the replaced migrations ship). A database that applied
the replaced migrations carries on with them; docs/decisions.md."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import guanxi.customers.models
from guanxi.core.migration_squash import SquashedCreateModel, replaced_data_operation


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("customers", "0001_initial"),
        ("customers", "0002_default_sources_industries_rules"),
        ("customers", "0003_postgres_search_indexes"),
        ("customers", "0004_postgres_name_bigrams"),
        ("customers", "0005_dedupkey_inherited"),
        ("customers", "0006_ownerchange_from_user_index"),
        ("customers", "0007_customer_public_pool"),
        ("customers", "0008_source_group_tag_colour_choices"),
        ("customers", "0009_phone_search_index"),
        ("customers", "0010_name_bigram_index"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0005_api_token_scope"),
    ]

    operations = [
        SquashedCreateModel(
            name="CustomFieldDefinition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.SlugField(max_length=40, unique=True, verbose_name="key")),
                ("label", models.CharField(max_length=60, verbose_name="label")),
                (
                    "field_type",
                    models.CharField(
                        choices=[
                            ("text", "Text"),
                            ("number", "Number"),
                            ("date", "Date"),
                            ("choice", "Choice"),
                            ("boolean", "Yes/no"),
                        ],
                        max_length=10,
                        verbose_name="type",
                    ),
                ),
                ("choices", models.JSONField(blank=True, default=list, verbose_name="choices")),
                ("required", models.BooleanField(default=False, verbose_name="required")),
                (
                    "applies_to",
                    models.CharField(
                        blank=True,
                        choices=[("person", "Person"), ("organisation", "Organisation")],
                        max_length=12,
                        verbose_name="applies to",
                    ),
                ),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "custom field",
                "verbose_name_plural": "custom fields",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="DuplicateRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("mobile", "Mobile"),
                            ("email", "E-mail"),
                            ("id_number", "ID number"),
                            ("credit_code", "Unified social credit code"),
                            ("org_name", "Organisation name (fuzzy)"),
                            ("name_mobile", "Name + mobile"),
                            ("org_phone", "Organisation + office phone"),
                        ],
                        max_length=30,
                        unique=True,
                        verbose_name="field",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
            ],
            options={
                "verbose_name": "duplicate rule",
                "verbose_name_plural": "duplicate rules",
                "ordering": ["id"],
            },
        ),
        SquashedCreateModel(
            name="Industry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=60, verbose_name="English name"),
                ),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "industry",
                "verbose_name_plural": "industries",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="Source",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=60, verbose_name="English name"),
                ),
                (
                    "group",
                    models.CharField(
                        blank=True,
                        choices=[("offline", "Offline"), ("online", "Online")],
                        max_length=20,
                        verbose_name="group",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                ("sort_order", models.PositiveIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "lead source",
                "verbose_name_plural": "lead sources",
                "ordering": ["sort_order", "id"],
            },
        ),
        SquashedCreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=30, unique=True, verbose_name="name")),
                (
                    "color",
                    models.CharField(
                        choices=[
                            ("blue", "Blue"),
                            ("azure", "Azure"),
                            ("indigo", "Indigo"),
                            ("purple", "Purple"),
                            ("pink", "Pink"),
                            ("red", "Red"),
                            ("orange", "Orange"),
                            ("yellow", "Yellow"),
                            ("lime", "Lime"),
                            ("green", "Green"),
                            ("teal", "Teal"),
                            ("cyan", "Cyan"),
                        ],
                        default="blue",
                        max_length=20,
                        verbose_name="colour",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "tag",
                "verbose_name_plural": "tags",
                "ordering": ["name"],
            },
        ),
        SquashedCreateModel(
            name="Customer",
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
                        choices=[("person", "Person"), ("organisation", "Organisation")],
                        default="person",
                        max_length=12,
                        verbose_name="type",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("name_pinyin", models.CharField(default="", editable=False, max_length=200)),
                ("name_initials", models.CharField(default="", editable=False, max_length=100)),
                ("name_key", models.CharField(default="", editable=False, max_length=100)),
                (
                    "gender",
                    models.CharField(
                        blank=True,
                        choices=[("", "Unknown"), ("M", "Male"), ("F", "Female")],
                        max_length=1,
                        verbose_name="gender",
                    ),
                ),
                ("id_number_encrypted", models.TextField(blank=True, default="", editable=False)),
                (
                    "id_number_index",
                    models.CharField(blank=True, default="", editable=False, max_length=64),
                ),
                (
                    "id_number_masked",
                    models.CharField(
                        blank=True, editable=False, max_length=20, verbose_name="ID number"
                    ),
                ),
                (
                    "credit_code",
                    models.CharField(
                        blank=True, max_length=18, verbose_name="unified social credit code"
                    ),
                ),
                (
                    "occupation",
                    models.CharField(blank=True, max_length=60, verbose_name="occupation"),
                ),
                ("birth_date", models.DateField(blank=True, null=True, verbose_name="birth date")),
                ("mobile", models.CharField(blank=True, max_length=20, verbose_name="mobile")),
                (
                    "home_phone",
                    models.CharField(blank=True, max_length=20, verbose_name="home phone"),
                ),
                (
                    "office_phone",
                    models.CharField(blank=True, max_length=20, verbose_name="office phone"),
                ),
                ("fax", models.CharField(blank=True, max_length=20, verbose_name="fax")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("wechat", models.CharField(blank=True, max_length=60, verbose_name="WeChat")),
                (
                    "home_address",
                    models.CharField(blank=True, max_length=200, verbose_name="home address"),
                ),
                (
                    "home_postcode",
                    models.CharField(blank=True, max_length=6, verbose_name="home postcode"),
                ),
                (
                    "work_address",
                    models.CharField(blank=True, max_length=200, verbose_name="work address"),
                ),
                (
                    "work_postcode",
                    models.CharField(blank=True, max_length=6, verbose_name="work postcode"),
                ),
                ("province", models.CharField(blank=True, max_length=20, verbose_name="province")),
                ("city", models.CharField(blank=True, max_length=30, verbose_name="city")),
                (
                    "scale",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("micro", "Under 20 staff"),
                            ("small", "20–99 staff"),
                            ("medium", "100–499 staff"),
                            ("large", "500–999 staff"),
                            ("huge", "1,000 staff or more"),
                        ],
                        max_length=10,
                        verbose_name="scale",
                    ),
                ),
                (
                    "buyer_role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("buyer", "Buyer"),
                            ("user", "User"),
                            ("both", "Buyer and user"),
                        ],
                        max_length=5,
                        verbose_name="buyer or user",
                    ),
                ),
                (
                    "first_contact_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="first contact"),
                ),
                (
                    "first_contact_channel",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("phone", "Phone"),
                            ("showroom", "Showroom visit"),
                            ("visit", "Visit"),
                            ("web", "Website"),
                            ("wechat", "WeChat"),
                            ("event", "Event or exhibition"),
                            ("referral", "Referral"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                        verbose_name="first contact channel",
                    ),
                ),
                (
                    "products_of_interest",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="products of interest"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not rated"),
                            ("key", "Key customer"),
                            ("important", "Important"),
                            ("normal", "Normal"),
                            ("minor", "Minor"),
                        ],
                        max_length=10,
                        verbose_name="customer level",
                    ),
                ),
                (
                    "visit_minutes",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="stay on visit (minutes)"
                    ),
                ),
                ("needs", models.TextField(blank=True, max_length=2000, verbose_name="needs")),
                (
                    "background",
                    models.TextField(blank=True, max_length=2000, verbose_name="background"),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="notes")),
                (
                    "custom_data",
                    models.JSONField(blank=True, default=dict, verbose_name="custom fields"),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("non", "Non-customer"),
                            ("potential", "Potential"),
                            ("target", "Target"),
                            ("actual", "Actual"),
                            ("lost", "Lost"),
                        ],
                        default="potential",
                        max_length=10,
                        verbose_name="category",
                    ),
                ),
                ("public_pool_id", models.BigIntegerField(blank=True, editable=False, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "deleted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="deleted"
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
                        verbose_name="created by",
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="owned_customers",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "industry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="customers.industry",
                        verbose_name="industry",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="customers.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
                "indexes": [
                    models.Index(fields=["owner", "-id"], name="cust_owner_idx"),
                    models.Index(fields=["department", "-id"], name="cust_dept_idx"),
                    models.Index(fields=["name"], name="cust_name_idx"),
                    models.Index(fields=["name_initials"], name="cust_initials_idx"),
                    models.Index(fields=["name_pinyin"], name="cust_pinyin_idx"),
                    models.Index(fields=["mobile"], name="cust_mobile_idx"),
                    models.Index(fields=["email"], name="cust_email_idx"),
                    models.Index(fields=["id_number_index"], name="cust_idnum_idx"),
                    models.Index(fields=["credit_code"], name="cust_credit_idx"),
                    models.Index(fields=["name_key"], name="cust_namekey_idx"),
                    models.Index(fields=["category", "-id"], name="cust_category_idx"),
                    models.Index(fields=["source", "-id"], name="cust_source_idx"),
                    models.Index(fields=["industry", "-id"], name="cust_industry_idx"),
                    models.Index(fields=["-updated_at", "-id"], name="cust_updated_idx"),
                    models.Index(fields=["-created_at", "-id"], name="cust_created_idx"),
                    models.Index(fields=["deleted_at"], name="cust_deleted_idx"),
                    models.Index(
                        condition=models.Q(("public_pool_id__isnull", False)),
                        fields=["public_pool_id", "-id"],
                        name="cust_pool_idx",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="customer_name_not_blank",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["person", "organisation"])),
                        name="customer_kind_valid",
                    ),
                ],
            },
        ),
        SquashedCreateModel(
            name="Attachment",
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
                            ("id_copy", "ID card copy"),
                            ("invoice", "Invoice copy"),
                            ("contract", "Contract scan"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=300, upload_to=guanxi.customers.models.attachment_path
                    ),
                ),
                ("original_name", models.CharField(max_length=200, verbose_name="file name")),
                ("content_type", models.CharField(max_length=100)),
                ("size", models.PositiveBigIntegerField(verbose_name="size")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                (
                    "uploaded_by",
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
                        related_name="attachments",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["-uploaded_at"],
            },
        ),
        SquashedCreateModel(
            name="HistoricalContact",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                ("title", models.CharField(blank=True, max_length=50, verbose_name="title")),
                (
                    "is_decision_maker",
                    models.BooleanField(default=False, verbose_name="decision maker"),
                ),
                ("mobile", models.CharField(blank=True, max_length=20, verbose_name="mobile")),
                ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("wechat", models.CharField(blank=True, max_length=60, verbose_name="WeChat")),
                ("notes", models.CharField(blank=True, max_length=500, verbose_name="notes")),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical contact",
                "verbose_name_plural": "historical contacts",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        SquashedCreateModel(
            name="HistoricalCustomer",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("person", "Person"), ("organisation", "Organisation")],
                        default="person",
                        max_length=12,
                        verbose_name="type",
                    ),
                ),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "gender",
                    models.CharField(
                        blank=True,
                        choices=[("", "Unknown"), ("M", "Male"), ("F", "Female")],
                        max_length=1,
                        verbose_name="gender",
                    ),
                ),
                ("id_number_encrypted", models.TextField(blank=True, default="", editable=False)),
                (
                    "id_number_masked",
                    models.CharField(
                        blank=True, editable=False, max_length=20, verbose_name="ID number"
                    ),
                ),
                (
                    "credit_code",
                    models.CharField(
                        blank=True, max_length=18, verbose_name="unified social credit code"
                    ),
                ),
                (
                    "occupation",
                    models.CharField(blank=True, max_length=60, verbose_name="occupation"),
                ),
                ("birth_date", models.DateField(blank=True, null=True, verbose_name="birth date")),
                ("mobile", models.CharField(blank=True, max_length=20, verbose_name="mobile")),
                (
                    "home_phone",
                    models.CharField(blank=True, max_length=20, verbose_name="home phone"),
                ),
                (
                    "office_phone",
                    models.CharField(blank=True, max_length=20, verbose_name="office phone"),
                ),
                ("fax", models.CharField(blank=True, max_length=20, verbose_name="fax")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("wechat", models.CharField(blank=True, max_length=60, verbose_name="WeChat")),
                (
                    "home_address",
                    models.CharField(blank=True, max_length=200, verbose_name="home address"),
                ),
                (
                    "home_postcode",
                    models.CharField(blank=True, max_length=6, verbose_name="home postcode"),
                ),
                (
                    "work_address",
                    models.CharField(blank=True, max_length=200, verbose_name="work address"),
                ),
                (
                    "work_postcode",
                    models.CharField(blank=True, max_length=6, verbose_name="work postcode"),
                ),
                ("province", models.CharField(blank=True, max_length=20, verbose_name="province")),
                ("city", models.CharField(blank=True, max_length=30, verbose_name="city")),
                (
                    "scale",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("micro", "Under 20 staff"),
                            ("small", "20–99 staff"),
                            ("medium", "100–499 staff"),
                            ("large", "500–999 staff"),
                            ("huge", "1,000 staff or more"),
                        ],
                        max_length=10,
                        verbose_name="scale",
                    ),
                ),
                (
                    "buyer_role",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("buyer", "Buyer"),
                            ("user", "User"),
                            ("both", "Buyer and user"),
                        ],
                        max_length=5,
                        verbose_name="buyer or user",
                    ),
                ),
                (
                    "first_contact_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="first contact"),
                ),
                (
                    "first_contact_channel",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not stated"),
                            ("phone", "Phone"),
                            ("showroom", "Showroom visit"),
                            ("visit", "Visit"),
                            ("web", "Website"),
                            ("wechat", "WeChat"),
                            ("event", "Event or exhibition"),
                            ("referral", "Referral"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                        verbose_name="first contact channel",
                    ),
                ),
                (
                    "products_of_interest",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="products of interest"
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Not rated"),
                            ("key", "Key customer"),
                            ("important", "Important"),
                            ("normal", "Normal"),
                            ("minor", "Minor"),
                        ],
                        max_length=10,
                        verbose_name="customer level",
                    ),
                ),
                (
                    "visit_minutes",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="stay on visit (minutes)"
                    ),
                ),
                ("needs", models.TextField(blank=True, max_length=2000, verbose_name="needs")),
                (
                    "background",
                    models.TextField(blank=True, max_length=2000, verbose_name="background"),
                ),
                ("notes", models.TextField(blank=True, max_length=4000, verbose_name="notes")),
                (
                    "custom_data",
                    models.JSONField(blank=True, default=dict, verbose_name="custom fields"),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("non", "Non-customer"),
                            ("potential", "Potential"),
                            ("target", "Target"),
                            ("actual", "Actual"),
                            ("lost", "Lost"),
                        ],
                        default="potential",
                        max_length=10,
                        verbose_name="category",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="created"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, editable=False, verbose_name="updated"),
                ),
                (
                    "deleted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="deleted"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "merged_into",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.customer",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "industry",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.industry",
                        verbose_name="industry",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="customers.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical customer",
                "verbose_name_plural": "historical customers",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        SquashedCreateModel(
            name="CustomerTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="customers.customer"
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="customers.tag"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["tag", "customer"], name="custtag_tag_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("customer", "tag"), name="customer_tag_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="customer",
            name="tags",
            field=models.ManyToManyField(
                blank=True, through="customers.CustomerTag", to="customers.tag", verbose_name="tags"
            ),
        ),
        SquashedCreateModel(
            name="TimelineEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=30)),
                ("occurred_at", models.DateTimeField()),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True)),
                ("ref_type", models.CharField(blank=True, max_length=40)),
                ("ref_id", models.CharField(blank=True, max_length=40)),
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
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timeline",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "ordering": ["-occurred_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["customer", "-occurred_at", "-id"], name="timeline_cust_idx"
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="Contact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, verbose_name="name")),
                ("title", models.CharField(blank=True, max_length=50, verbose_name="title")),
                (
                    "is_decision_maker",
                    models.BooleanField(default=False, verbose_name="decision maker"),
                ),
                ("mobile", models.CharField(blank=True, max_length=20, verbose_name="mobile")),
                ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                ("wechat", models.CharField(blank=True, max_length=60, verbose_name="WeChat")),
                ("notes", models.CharField(blank=True, max_length=500, verbose_name="notes")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contacts",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact",
                "verbose_name_plural": "contacts",
                "ordering": ["-is_decision_maker", "id"],
                "indexes": [models.Index(fields=["mobile"], name="contact_mobile_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="contact_name_not_blank",
                    )
                ],
            },
        ),
        SquashedCreateModel(
            name="CustomerShare",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("can_edit", models.BooleanField(default=False, verbose_name="may edit")),
                ("expires_at", models.DateTimeField(blank=True, null=True, verbose_name="until")),
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
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="shares",
                        to="customers.customer",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="customer_shares",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "collaborator",
                "verbose_name_plural": "collaborators",
                "indexes": [models.Index(fields=["user", "customer"], name="share_user_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("customer", "user"), name="share_unique")
                ],
            },
        ),
        SquashedCreateModel(
            name="DedupKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rule", models.CharField(max_length=30)),
                ("value", models.CharField(max_length=128)),
                ("inherited", models.BooleanField(db_default=False, default=False)),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dedup_keys",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["customer"], name="dedup_customer_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("rule", "value"), name="dedup_key_unique")
                ],
            },
        ),
        SquashedCreateModel(
            name="OwnerChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=200, verbose_name="reason")),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "by",
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
                        related_name="owner_changes",
                        to="customers.customer",
                    ),
                ),
                (
                    "from_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "to_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["customer", "-at"], name="ownerchange_cust_idx"),
                    models.Index(fields=["from_user", "-at"], name="ownerchange_from_idx"),
                ],
            },
        ),
        replaced_data_operation(
            "customers",
            [
                "0002_default_sources_industries_rules",
                "0003_postgres_search_indexes",
                "0004_postgres_name_bigrams",
                "0009_phone_search_index",
                "0010_name_bigram_index",
            ],
        ),
    ]
