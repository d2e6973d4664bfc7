"""The customer archive (SPEC ARC-1 … ARC-9)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.accounts.models import Department, User, user_fk, user_stamp
from guanxi.core.model_parts import optional_fk, scope_indexes
from guanxi.core.models import CodedName
from guanxi.customers.querysets import CustomerQuerySet

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Source(CodedName):
    """Where a customer came from (ACQ-1). Shipped as data; an admin edits the list."""

    class Group(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE = "online", _("Online")

    group = models.CharField(_("group"), max_length=20, blank=True, choices=Group.choices)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")
        ordering = ["sort_order", "id"]


class Industry(CodedName):
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["sort_order", "id"]


class Tag(models.Model):
    class Colour(models.TextChoices):
        """The Tabler colours a tag may take (its badge is bg-<colour>-lt)."""

        BLUE = "blue", _("Blue")
        AZURE = "azure", _("Azure")
        INDIGO = "indigo", _("Indigo")
        PURPLE = "purple", _("Purple")
        PINK = "pink", _("Pink")
        RED = "red", _("Red")
        ORANGE = "orange", _("Orange")
        YELLOW = "yellow", _("Yellow")
        LIME = "lime", _("Lime")
        GREEN = "green", _("Green")
        TEAL = "teal", _("Teal")
        CYAN = "cyan", _("Cyan")

    COLOURS = tuple(Colour.values)

    name = models.CharField(_("name"), max_length=30, unique=True)
    color = models.CharField(_("colour"), max_length=20, default="blue", choices=Colour.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class Gender(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Category(models.TextChoices):
        # ARC-3 (seed 001 客户分类); derived from events, never typed by hand.
        NON_CUSTOMER = "non", _("Non-customer")
        POTENTIAL = "potential", _("Potential")
        TARGET = "target", _("Target")
        ACTUAL = "actual", _("Actual")
        LOST = "lost", _("Lost")

    class BuyerRole(models.TextChoices):
        # seed 003 §1.1 购车人/使用人
        UNKNOWN = "", _("Not stated")
        BUYER = "buyer", _("Buyer")
        USER = "user", _("User")
        BOTH = "both", _("Buyer and user")

    class Scale(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        MICRO = "micro", _("Under 20 staff")
        SMALL = "small", _("20–99 staff")
        MEDIUM = "medium", _("100–499 staff")
        LARGE = "large", _("500–999 staff")
        HUGE = "huge", _("1,000 staff or more")

    class Level(models.TextChoices):
        UNKNOWN = "", _("Not rated")
        KEY = "key", _("Key customer")
        IMPORTANT = "important", _("Important")
        NORMAL = "normal", _("Normal")
        MINOR = "minor", _("Minor")

    class Channel(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        PHONE = "phone", _("Phone")
        SHOWROOM = "showroom", _("Showroom visit")
        VISIT = "visit", _("Visit")
        WEB = "web", _("Website")
        WECHAT = "wechat", _("WeChat")
        EVENT = "event", _("Event or exhibition")
        REFERRAL = "referral", _("Referral")
        OTHER = "other", _("Other")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=200, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    # Organisation names are matched fuzzily (ARC-5): this is the name with legal-form
    # suffixes, places and punctuation removed.
    name_key = models.CharField(max_length=100, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    id_number_encrypted = models.TextField(editable=False, blank=True, default="")
    id_number_index = models.CharField(max_length=64, editable=False, blank=True, default="")
    id_number_masked = models.CharField(_("ID number"), max_length=20, editable=False, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    home_phone = models.CharField(_("home phone"), max_length=20, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=20, blank=True)
    fax = models.CharField(_("fax"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    home_address = models.CharField(_("home address"), max_length=200, blank=True)
    home_postcode = models.CharField(_("home postcode"), max_length=6, blank=True)
    work_address = models.CharField(_("work address"), max_length=200, blank=True)
    work_postcode = models.CharField(_("work postcode"), max_length=6, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    industry = optional_fk(Industry, _("industry"), related_name=None, db_index=False)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, blank=True)
    buyer_role = models.CharField(
        _("buyer or user"), max_length=5, choices=BuyerRole.choices, blank=True
    )
    source = optional_fk(Source, _("source"), related_name=None, db_index=False)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    first_contact_channel = models.CharField(
        _("first contact channel"), max_length=10, choices=Channel.choices, blank=True
    )
    products_of_interest = models.CharField(_("products of interest"), max_length=200, blank=True)
    level = models.CharField(_("customer level"), max_length=10, choices=Level.choices, blank=True)
    visit_minutes = models.PositiveIntegerField(_("stay on visit (minutes)"), null=True, blank=True)
    needs = models.TextField(_("needs"), max_length=2000, blank=True)
    background = models.TextField(_("background"), max_length=2000, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    custom_data = models.JSONField(_("custom fields"), default=dict, blank=True)
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.POTENTIAL
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, through="CustomerTag")
    owner = optional_fk(
        User, _("owner"), on_delete=models.PROTECT, related_name="owned_customers", db_index=False
    )
    # The owner's department, kept with the row so that department scopes are one indexed
    # column test instead of a join through users (see docs/decisions.md).
    department = optional_fk(Department, _("department"), on_delete=models.PROTECT, db_index=False)
    # The public pool (公海) the customer sits in, or NULL: the id of a `pipeline.PublicPool`.
    # The pipeline app keeps it equal to the customer's `pipeline.PoolEntry`, in the same
    # transaction as every release, recycling, claim, reassignment out of a pool and merge
    # (release and claim hand the value to `customers_release_owner` / `customer_take_owner`,
    # which write it with the owner). A plain integer, not a foreign key: pools belong to the
    # higher pipeline app, which the customers app never references. Copied onto the row, like
    # the department, so that "the customers sitting in my pools" is one indexed column test in
    # the data-scope filter instead of a subquery on the pool table (see docs/decisions.md).
    public_pool_id = models.BigIntegerField(null=True, blank=True, editable=False)
    created_by = optional_fk(User, _("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = optional_fk(User, editable=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords(
        excluded_fields=[
            "name_pinyin",
            "name_initials",
            "name_key",
            "id_number_index",
            "version",
            "public_pool_id",
        ],
        user_db_constraint=False,
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            *scope_indexes("cust", "-id"),
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
            # Only the customers sitting in a pool (a small share of the table).
            models.Index(
                fields=["public_pool_id", "-id"],
                name="cust_pool_idx",
                condition=Q(public_pool_id__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="customer_name_not_blank"),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organisation"]), name="customer_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_organisation(self) -> bool:
        return self.kind == self.Kind.ORGANISATION


def customer_fk(
    related_name: str,
    verbose_name: "_StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = models.CASCADE,
    **options: Any,
) -> "models.ForeignKey[Customer, Customer]":
    """The customer a record belongs to (a contact, a follow-up, a message, a complaint …):
    required, and deleted with the customer unless `on_delete` says the record must outlive
    it (contracts and payments protect theirs)."""
    return models.ForeignKey(
        Customer,
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class CustomerTag(models.Model):
    # indexed by the unique (customer, tag) below (customer_tag_unique)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="customer_tag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "customer"], name="custtag_tag_idx")]

    def __str__(self):
        return f"{self.customer_id}:{self.tag_id}"


class DedupKey(models.Model):
    """One row per duplicate-check value of a live customer (ARC-5). The unique constraint
    is what makes two simultaneous creates with the same mobile end with exactly one."""

    customer = customer_fk("dedup_keys")
    rule = models.CharField(max_length=30)
    value = models.CharField(max_length=128)
    # Taken over from a duplicate merged into this customer: kept when the customer's own
    # keys are rewritten.
    inherited = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "value"], name="dedup_key_unique"),
        ]

    def __str__(self):
        return f"{self.rule}:{self.customer_id}"


class DuplicateRule(models.Model):
    """Which fields make two customers the same (ARC-5). Admin-editable data."""

    class Field(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        EMAIL = "email", _("E-mail")
        ID_NUMBER = "id_number", _("ID number")
        CREDIT_CODE = "credit_code", _("Unified social credit code")
        ORG_NAME = "org_name", _("Organisation name (fuzzy)")
        NAME_MOBILE = "name_mobile", _("Name + mobile")
        ORG_PHONE = "org_phone", _("Organisation + office phone")

    field = models.CharField(_("field"), max_length=30, choices=Field.choices, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("duplicate rule")
        verbose_name_plural = _("duplicate rules")
        ordering = ["id"]

    def __str__(self):
        return self.get_field_display()


class Contact(models.Model):
    """A person at an organisation customer (ARC-1)."""

    customer = customer_fk("contacts")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_decision_maker", "id"]
        indexes = [models.Index(fields=["mobile"], name="contact_mobile_idx")]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="contact_name_not_blank")]

    def __str__(self):
        return self.name


class CustomerShare(models.Model):
    """A collaborator (协作人) on a customer: read-only or read-write, optionally until a date."""

    # indexed by the unique (customer, user) below (share_unique)
    customer = customer_fk("shares", db_index=False)
    user = user_fk("customer_shares", db_index=False)
    can_edit = models.BooleanField(_("may edit"), default=False)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="share_unique"),
        ]
        indexes = [models.Index(fields=["user", "customer"], name="share_user_idx")]

    def __str__(self):
        return f"{self.customer_id} → {self.user_id}"


class CustomFieldDefinition(models.Model):
    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        BOOLEAN = "boolean", _("Yes/no")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=60)
    field_type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=Customer.Kind.choices, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.label


def attachment_path(instance, filename):
    return f"attachments/{instance.customer_id % 1000:03d}/{instance.customer_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        ID_COPY = "id_copy", _("ID card copy")
        INVOICE = "invoice", _("Invoice copy")
        CONTRACT = "contract", _("Contract scan")
        OTHER = "other", _("Other")

    customer = customer_fk("attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = user_stamp()
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name


class OwnerChange(models.Model):
    """Every change of owner: who, from, to, why (ARC-9, INT-7)."""

    customer = customer_fk("owner_changes", db_index=False)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = user_stamp()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="ownerchange_cust_idx"),
            models.Index(fields=["from_user", "-at"], name="ownerchange_from_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.from_user_id} → {self.to_user_id}"


class TimelineEvent(models.Model):
    """One line of a customer's timeline (ARC-8). Every capability adds its events here
    through `timeline_add`, so the 360 page reads one indexed table, newest first."""

    customer = customer_fk("timeline", db_index=False)
    kind = models.CharField(max_length=30)
    occurred_at = models.DateTimeField()
    actor = optional_fk(User)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    ref_type = models.CharField(max_length=40, blank=True)
    ref_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="timeline_cust_idx")
        ]

    def __str__(self):
        return self.title
