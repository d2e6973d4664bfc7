"""Acquisition and the intention pipeline (SPEC ACQ, INT, SRV-1/2; seed 002)."""

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User, user_fk, user_stamp
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import idempotency_key_unique, optional_fk, scope_indexes
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer, CustomerShare, Source, customer_fk


class Stage(models.Model):
    """An intention stage (意向阶段, INT-1) with the seed's guidance, as editable data."""

    code = models.SlugField(_("code"), max_length=10, unique=True)  # refused, s0 … s4
    order = models.SmallIntegerField(_("order"), unique=True)  # refused = -1, s0 = 0 … s4 = 4
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    signals = models.TextField(_("signals"), blank=True)  # 表征, one per line
    signals_en = models.TextField(_("signals (English)"), blank=True)
    questions = models.TextField(_("questions that test it"), blank=True)
    questions_en = models.TextField(_("questions (English)"), blank=True)
    push_methods = models.TextField(_("methods to reach the next stage"), blank=True)
    push_methods_en = models.TextField(_("methods (English)"), blank=True)
    cadence_days = models.PositiveSmallIntegerField(_("contact at least every N days"), null=True)
    quota_group = models.CharField(_("quota group"), max_length=10, blank=True)  # s0 / s12 / s34
    # The chance, in per cent, that a customer at this stage signs: the forecast weighs each
    # prospect's expected amount by it (docs/decisions.md, "Forecast probabilities").
    probability = models.PositiveSmallIntegerField(_("probability of closing (%)"), default=0)

    class Meta:
        verbose_name = _("intention stage")
        verbose_name_plural = _("intention stages")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability")
        ]

    def __str__(self):
        return bilingual(self.name, self.name_en)

    def text(self, field: str) -> str:
        return bilingual(getattr(self, field), getattr(self, f"{field}_en"))


class Grade(models.TextChoices):
    """Time to close (客户等级, INT-2): A closes this month … D; E = signed customer."""

    NONE = "", _("Not graded")
    A = "A", _("A — closes this month")
    B = "B", _("B — closes next month")
    C = "C", _("C — closes within three months")
    D = "D", _("D — later or unknown")
    E = "E", _("E — signed customer")


class ManVerdict(models.TextChoices):
    """The eight MAN combinations of seed 001 (ACQ-2)."""

    UNKNOWN = "", _("Not assessed")
    IDEAL = "MAN", _("Ideal prospect")
    SKILL = "MAn", _("Approach with skill")
    FIND_DM = "MaN", _("Find the decision maker")
    CHECK_CREDIT = "mAN", _("Check credit and financing")
    NURTURE_N = "maN", _("Nurture long-term")
    NURTURE_A = "mAn", _("Nurture long-term")
    NURTURE_M = "Man", _("Nurture long-term")
    STOP = "man", _("Not a customer — stop")


class ProspectQuerySet(ScopedQuerySet):
    """The customers' data scope on the prospect's own owner/department columns (kept in step
    with the customer's), so a board column is one index range; plus the customers shared
    with the user. Customers sitting in a public pool have no owner and are not included."""

    def scope_condition(self, user: Any) -> Q | None:
        shared = CustomerShare.objects.filter(
            customer_id=OuterRef("customer_id"), user_id=user.pk
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        return Q(Exists(shared))


class ByUserQuerySet(ScopedQuerySet):
    """Records of what a user did (follow-ups, stage moves) in the data scope of their user
    and department."""

    scope_owner_field = "user"


class Prospect(models.Model):
    """The pipeline state of one customer: stage, grade, MAN, tracking and cadence.

    Owner and department are copied from the customer (kept in step by the customers'
    owner-change hook) so that a consultant's work list and board are one index range.
    """

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="prospect"
    )
    # indexed by the work list's and the board's indexes below, which it leads
    owner = optional_fk(User, db_index=False)
    department = optional_fk(Department, db_index=False)
    stage = optional_fk(Stage, on_delete=models.PROTECT, related_name=None, db_index=False)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    tracked = models.BooleanField(_("in my tracked customers"), default=False)
    locked = models.BooleanField(_("locked"), default=False)  # 锁定: never recycled
    dealt = models.BooleanField(_("deal won"), default=False)
    man_money = models.BooleanField(_("money"), null=True)
    man_authority = models.BooleanField(_("authority"), null=True)
    man_need = models.BooleanField(_("need"), null=True)
    man_verdict = models.CharField(
        _("MAN verdict"), max_length=3, choices=ManVerdict.choices, blank=True
    )
    quality = models.JSONField(_("quality screen"), default=dict, blank=True)
    quality_score = models.PositiveSmallIntegerField(_("quality score"), null=True, blank=True)
    risks = models.JSONField(_("big-customer risks"), default=list, blank=True)
    referrer = optional_fk(Customer, _("referred by"), related_name="referrals")
    last_followup_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    contacts_since_progress = models.PositiveIntegerField(default=0)
    next_contact_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    recycle_warned_at = models.DateTimeField(null=True, blank=True)
    recycle_due_at = models.DateTimeField(null=True, blank=True)
    # Since when the current owner has the customer (creation or the last claim): the
    # recycling rules never count time from before it (INT-7, pipeline.pools).
    owned_since = models.DateTimeField(null=True, blank=True)
    # What the customer is expected to sign for and when (the board's sums and the forecast).
    expected_amount = models.DecimalField(
        _("expected amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        indexes = [
            models.Index(fields=["owner", "tracked", "next_due_at"], name="prospect_worklist_idx"),
            # the work list's "about to be recycled" section: one range per owner
            models.Index(
                fields=["owner", "tracked", "recycle_due_at"], name="prospect_worklist_recycle_idx"
            ),
            models.Index(fields=["owner", "stage", "-customer"], name="prospect_board_idx"),
            # the month's forecast: an owner's prospects expected to close in a date range
            models.Index(
                fields=["owner", "expected_close_on"],
                name="prospect_owner_close_idx",
                condition=models.Q(expected_close_on__isnull=False),
            ),
            # the funnel's amounts: the expected amount of each counted customer, read from
            # this small index (only the prospects with an amount), not the 1M-row table
            models.Index(
                fields=["customer"],
                include=["expected_amount"],
                name="prospect_amount_idx",
                condition=models.Q(expected_amount__isnull=False),
            ),
            models.Index(fields=["department", "stage", "-customer"], name="prospect_dept_idx"),
            # the board of a user who sees everything, without owner or department filters
            models.Index(fields=["stage", "-customer"], name="prospect_stage_idx"),
            models.Index(fields=["recycle_due_at"], name="prospect_recycle_idx"),
            # Partial: nearly every prospect has no referrer, and SQLite's statistics count
            # those NULLs as one value, so a full index looked useless to its planner and the
            # 360 page's "referred customers" scanned every prospect (issue 13).
            models.Index(
                fields=["referrer"],
                name="prospect_referrer_idx",
                condition=Q(referrer__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_amount__gte=0) | Q(expected_amount__isnull=True),
                name="prospect_expected_amount",
            )
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.stage_id} {self.grade}"


class FollowUp(models.Model):
    """A follow-up record (跟进记录, INT-5)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")
        EMAIL = "email", _("E-mail")
        SHOWROOM = "showroom", _("Showroom")

    customer = customer_fk("followups", db_index=False)
    user = user_stamp(related_name="followups", db_index=False)
    department = optional_fk(Department, db_index=False)
    at = models.DateTimeField(_("time"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    content = models.TextField(_("content"), max_length=4000)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    effective = models.BooleanField(_("effective contact"), default=False)
    stage_before = optional_fk(Stage, on_delete=models.PROTECT)
    stage_after = optional_fk(Stage, on_delete=models.PROTECT)
    grade_before = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    grade_after = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    next_contact_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The API's Idempotency-Key and what was sent with it: a retry answers the first one.
    # Defaults in the database too, for the demo's bulk writer that names its columns.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", db_default="")

    objects = ByUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-at"], name="followup_customer_idx"),
            # A user's follow-ups by time; with the stage after and the customer it also
            # answers "distinct customers followed today" (work list) from the index alone.
            models.Index(
                fields=["user", "-at", "stage_after", "customer"], name="followup_user_cover_idx"
            ),
            models.Index(fields=["department", "-at"], name="followup_dept_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="followup_content"),
            idempotency_key_unique("followup", per="user"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.at:%Y-%m-%d}"


class StageMove(models.Model):
    """Every stage change, for the funnel's conversion rates and days per stage (ACQ-4)."""

    customer = customer_fk("+", db_index=False)
    user = user_stamp(db_index=False)
    department = optional_fk(Department)
    source = optional_fk(Source)
    from_stage = optional_fk(Stage, on_delete=models.PROTECT)
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    days_in_previous = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField()

    objects = ByUserQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"], name="stagemove_at_idx"),
            models.Index(fields=["user", "at"], name="stagemove_user_idx"),
            # a customer's moves by time; with the stage carried, the funnel's grouped pass
            # per customer over a period reads this index alone (index-only, issue 13)
            models.Index(
                fields=["customer", "at"], include=["to_stage"], name="stagemove_cust_stage_idx"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.from_stage_id} → {self.to_stage_id}"


# Ladder orders (s0 … s4) whose last reach a StageReach row carries; the funnel reads the
# rows only while every ladder stage's order is below this.
REACH_LEVELS = 5


class StageReach(models.Model):
    """For one stage move, when its customer last reached each stage before it (issue 13).

    `before_<k>`: the time of the customer's latest earlier move to ladder order k or higher
    (NULL: none, or the move is below k); `before_same`: of the latest earlier move to the
    same stage (the refusal rows). "Earlier" is by (at, id). A move reached k in a period
    for the first time there exactly when `before_<k>` is before the period, so the company
    funnel counts distinct customers with one filtered COUNT instead of grouping the moves
    per customer. Written by `prospects.services.stage_reach_refresh` for every writer of
    moves (the stage-move service, the bulk seed, the migration that filled it)."""

    move = models.OneToOneField(
        StageMove, primary_key=True, on_delete=models.CASCADE, related_name="reach"
    )
    # indexed with the time below (stagereach_cust_idx)
    customer = customer_fk("+", db_index=False)
    at = models.DateTimeField()
    level = models.SmallIntegerField()  # the order of the move's stage (refused < 0)
    before_0 = models.DateTimeField(null=True)
    before_1 = models.DateTimeField(null=True)
    before_2 = models.DateTimeField(null=True)
    before_3 = models.DateTimeField(null=True)
    before_4 = models.DateTimeField(null=True)
    before_same = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            # the funnel's period; covering, so a short period is read from the index alone
            models.Index(
                fields=["at"],
                include=[
                    "level",
                    "before_0",
                    "before_1",
                    "before_2",
                    "before_3",
                    "before_4",
                    "before_same",
                ],
                name="stagereach_at_idx",
            ),
            # a customer's rows: refreshed per customer; the funnel's amounts join on it
            models.Index(fields=["customer", "at"], name="stagereach_cust_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} @ {self.at}: {self.level}"


class TeamQuota(models.Model):
    """Tracked-pool quotas per stage group for a department (INT-3; defaults 20 / 40 / 10)."""

    department = models.OneToOneField(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE
    )  # null = the company default
    stage0 = models.PositiveSmallIntegerField(_("stage 0"), default=20)
    stage12 = models.PositiveSmallIntegerField(_("stages 1–2"), default=40)
    stage34 = models.PositiveSmallIntegerField(_("stages 3–4"), default=10)
    daily_target = models.PositiveSmallIntegerField(
        _("intention customers to follow per day"), default=3
    )
    # Seed 002: "1个月联系至少2次" — at least this many contacts in every calendar month.
    signed_per_month = models.PositiveSmallIntegerField(
        _("contacts per month with signed customers"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("tracking quota")
        verbose_name_plural = _("tracking quotas")

    def __str__(self):
        return f"{self.department or '*'}: {self.stage0}/{self.stage12}/{self.stage34}"


class Objection(models.Model):
    """An objection raised on a follow-up (异议, SRV-1)."""

    class Type(models.TextChoices):
        PRICE = "price", _("Price")
        QUALITY = "quality", _("Quality")
        NEED = "need", _("Need")
        TIMING = "timing", _("Timing")
        TRUST = "trust", _("Trust")
        COMPETITOR = "competitor", _("Competitor")
        AUTHORITY = "authority", _("Authority")
        OTHER = "other", _("Other")

    class Temperament(models.TextChoices):
        UNKNOWN = "", _("Not judged")
        RATIONAL = "rational", _("Rational")
        EMOTIONAL = "emotional", _("Emotional")
        HESITANT = "hesitant", _("Hesitant")

    class Method(models.TextChoices):
        UNKNOWN = "", _("Not stated")
        DIRECT = "direct", _("Direct denial")
        INDIRECT = "indirect", _("Indirect denial (yes, but)")
        COMPENSATION = "compensation", _("Compensation")
        QUESTION = "question", _("Questioning")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Still open")
        RESOLVED = "resolved", _("Resolved")
        LOST = "lost", _("Lost the customer")

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="objections")
    customer = customer_fk("+")
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    is_excuse = models.BooleanField(_("an excuse (借口)"), default=False)
    real_objection = models.CharField(_("the real objection behind it"), max_length=200, blank=True)
    temperament = models.CharField(
        _("temperament"), max_length=10, choices=Temperament.choices, blank=True
    )
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    script = models.ForeignKey(
        "pipeline.Script", null=True, blank=True, on_delete=models.SET_NULL, related_name="uses"
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["type"], name="objection_type_idx")]

    def __str__(self):
        return self.get_type_display()


class Script(models.Model):
    """An answer in the script library (话术库, SRV-2)."""

    objection_type = models.CharField(
        _("objection type"), max_length=12, choices=Objection.Type.choices, blank=True
    )
    stage = optional_fk(Stage, related_name=None)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("script"), max_length=4000)
    use_count = models.PositiveIntegerField(default=0)
    # Counted from the votes (ScriptVote) by scripts.services.script_vote, never incremented:
    # one vote per user, so a user changing or withdrawing a vote cannot skew them.
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = user_stamp()
    created_at = models.DateTimeField(auto_now_add=True)

    # The reader's own vote (True, False or None), not stored here: set by the selectors and
    # services that answer a script to one user (scripts.selectors.script_votes_for_user).
    my_vote: bool | None = None

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = [
            (models.F("helpful_count") - models.F("unhelpful_count")).desc(),
            "-use_count",
            "id",
        ]
        indexes = [models.Index(fields=["objection_type", "stage"], name="script_type_idx")]

    def __str__(self):
        return self.title

    @property
    def score(self) -> int:
        """Helpful votes minus not-helpful votes: what the library is sorted by."""
        return self.helpful_count - self.unhelpful_count


class ScriptVote(models.Model):
    """One user's vote on a script (SRV-2): helpful or not helpful. One per user and script,
    enforced by the database; changing the vote updates the row, withdrawing deletes it."""

    # indexed by the unique (script, user) below (scriptvote_one_per_user)
    script = models.ForeignKey(
        Script, on_delete=models.CASCADE, related_name="votes", db_index=False
    )
    user = user_fk("+")
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("script vote")
        verbose_name_plural = _("script votes")
        constraints = [
            models.UniqueConstraint(fields=["script", "user"], name="scriptvote_one_per_user")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.script_id}: {'+' if self.helpful else '-'}"


class PublicPool(models.Model):
    """A public pool (公海, INT-7): its members, admins, recycling and claiming rules."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="pools", verbose_name=_("member users")
    )
    member_departments = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="pools",
        verbose_name=_("member departments"),
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_pools",
        verbose_name=_("pool admins"),
    )
    departments_recycled = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="recycling_pools",
        verbose_name=_("recycles customers of these departments"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Recycling (nightly). Day counts per stage code or grade, e.g. {"s0": 30, "A": 7};
    # "*" is the default; a missing or empty rule never recycles.
    no_followup_days = models.JSONField(
        _("recycle after N days without follow-up"), default=dict, blank=True
    )
    no_progress_days = models.JSONField(
        _("recycle after N days without stage progress"), default=dict, blank=True
    )
    no_progress_contacts = models.PositiveSmallIntegerField(
        _("or after K contacts without progress"), null=True, blank=True
    )
    no_deal_days = models.PositiveSmallIntegerField(
        _("recycle after N days without a deal"), null=True, blank=True
    )
    exempt_dealt = models.BooleanField(_("customers with a deal are never recycled"), default=True)
    warn_days = models.PositiveSmallIntegerField(_("warn the owner D days before"), default=3)
    # Claiming.
    daily_claim_cap = models.PositiveSmallIntegerField(_("claims per user per day"), default=10)
    cooldown_days = models.PositiveSmallIntegerField(
        _("days before the previous owner may claim again"), default=7
    )
    max_owned = models.PositiveIntegerField(
        _("most customers a user may own"), null=True, blank=True
    )
    max_locked = models.PositiveIntegerField(
        _("most locked customers a user may have"), null=True, blank=True
    )
    # The same quotas for a department: its members together (the claimer's, or the owner's,
    # own department; not its sub-departments). Empty = no department quota.
    max_owned_per_department = models.PositiveIntegerField(
        _("most customers a department's members may own together"), null=True, blank=True
    )
    max_locked_per_department = models.PositiveIntegerField(
        _("most locked customers a department's members may have together"),
        null=True,
        blank=True,
    )
    count_dealt = models.BooleanField(
        _("customers with a deal count towards the quota"), default=False
    )
    masks_phones = models.BooleanField(_("phones masked until claimed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public pool")
        verbose_name_plural = _("public pools")
        ordering = ["id"]

    def __str__(self):
        return self.name


class PoolEntry(models.Model):
    """A customer sitting in a public pool (no owner). One row per customer: the unique
    customer column is what lets exactly one of two simultaneous claims win."""

    class Reason(models.TextChoices):
        # seed 002 踢出原则, plus the automatic recycling rules
        NO_PROGRESS = "no_progress", _("Many contacts, no progress, reason unknown")
        NO_DECISION_MAKER = "no_decision_maker", _("Decision maker never reached")
        LOST_TRUST = "lost_trust", _("A serious mistake lost the customer's trust")
        PUSHED_TOO_HARD = "pushed_too_hard", _("Customer pushed too hard")
        AUTO_NO_FOLLOWUP = "auto_no_followup", _("Recycled: no follow-up in time")
        AUTO_NO_PROGRESS = "auto_no_progress", _("Recycled: no stage progress in time")
        AUTO_NO_DEAL = "auto_no_deal", _("Recycled: no deal in time")
        OTHER = "other", _("Other")

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="pool_entry"
    )
    pool = models.ForeignKey(
        PublicPool, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    previous_owner = optional_fk(User)
    released_by = optional_fk(User)
    released_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pool entry")
        verbose_name_plural = _("pool entries")
        indexes = [models.Index(fields=["pool", "-released_at"], name="poolentry_pool_idx")]

    def __str__(self):
        return f"{self.pool_id}: {self.customer_id}"


class Claim(models.Model):
    """A claim from a pool, for the daily cap and the previous owner's cool-down."""

    customer = customer_fk("+")
    pool = models.ForeignKey(PublicPool, on_delete=models.CASCADE, related_name="claims")
    user = user_fk("+", db_index=False)
    at = models.DateTimeField()
    local_date = models.DateField()  # the claimer's calendar day, for the daily cap

    class Meta:
        indexes = [models.Index(fields=["user", "local_date"], name="claim_user_day_idx")]

    def __str__(self):
        return f"{self.user_id} ← {self.customer_id}"


def on_the_globe(prefix: str) -> list[models.BaseConstraint]:
    """A stored place's latitude within ±90° and longitude within ±180° (locations, check-ins)."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__gte=-90, latitude__lte=90), name=f"{prefix}_lat"
        ),
        models.CheckConstraint(
            condition=Q(longitude__gte=-180, longitude__lte=180), name=f"{prefix}_lon"
        ),
    ]


class CustomerLocation(models.Model):
    """Where a customer is, as coordinates (WGS-84 degrees) someone entered (INTG-5): what a
    field check-in is measured against. Optional; the archive itself keeps only addresses,
    and nothing is looked up from a map service."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="location"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    updated_by = user_stamp()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer location")
        verbose_name_plural = _("customer locations")
        constraints = on_the_globe("customerlocation")

    def __str__(self):
        return f"{self.customer_id}: {self.latitude}, {self.longitude}"


def checkin_photo_path(instance, filename: str) -> str:
    """Photos under checkins/<year>/<month>/ with a random name (never the phone's)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"checkins/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class CheckIn(models.Model):
    """A field check-in (外勤签到, INTG-5): the place a consultant stood when they logged a
    visit, with an optional photo. Its follow-up (channel visit) is the record on the
    timeline; the distance to the customer's recorded location is kept, and a check-in too
    far away is flagged for the manager."""

    followup = models.OneToOneField(FollowUp, on_delete=models.CASCADE, related_name="checkin")
    customer = customer_fk("checkins", db_index=False)
    user = user_stamp(related_name="checkins", db_index=False)
    department = optional_fk(Department, db_index=False)
    at = models.DateTimeField(_("time"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=checkin_photo_path, blank=True, max_length=200)
    # metres to the customer's recorded location; None: no location on record
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    far = models.BooleanField(_("far from the customer"), default=False)

    objects = ByUserQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            *scope_indexes("checkin", "-at", owner="user"),
            models.Index(fields=["at"], name="checkin_at_idx"),
            models.Index(fields=["customer", "-at"], name="checkin_customer_idx"),
        ]
        constraints = on_the_globe("checkin")

    def __str__(self):
        return f"{self.user_id} @ {self.customer_id} {self.at:%Y-%m-%d %H:%M}"
