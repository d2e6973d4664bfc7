"""Survey templates as data (SAT-1), one-time links, and the answers (SAT-1, SAT-2).

A template has versions; a version has factors (seed 003 §3: 开始购车经历, 交易过程, 交车过程)
and each factor questions. Editing a template makes a new version: a response keeps the version
it was answered on, so old answers keep their questions. Each question is scored for the
customer's expectation and the performance they got (1..scale); a question that does not ask
for the expectation is scored against its factor's expectation baseline. Satisfaction is
performance − expectation (客户满意度=工作表现-客户期望)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Department, User
from guanxi.core.i18n import bilingual
from guanxi.core.model_parts import optional_fk
from guanxi.core.scope import ScopedQuerySet
from guanxi.customers.models import Customer, customer_fk
from guanxi.satisfaction.models.external import ExternalImport
from guanxi.service.models import Complaint


class SurveyTemplate(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["id"]

    def __str__(self) -> str:
        return bilingual(self.name, self.name_en)


class SurveyVersion(models.Model):
    # indexed by the unique (template, number) below (sat_version_unique)
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(_("version"))
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    # an overall score below this opens a recovery task for the consultant's manager at once
    low_threshold = models.PositiveSmallIntegerField(_("low-score threshold"), default=6)
    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    intro_en = models.CharField(_("English introduction"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = optional_fk(User)

    class Meta:
        verbose_name = _("survey version")
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="sat_version_unique"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=100), name="sat_version_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class Factor(models.Model):
    # indexed by the unique (version, code) below (sat_factor_unique)
    version = models.ForeignKey(
        SurveyVersion, on_delete=models.CASCADE, related_name="factors", db_index=False
    )
    # stable across versions: the report and the action plans follow a factor by its code
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    baseline = models.PositiveSmallIntegerField(_("expectation baseline"), default=8)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("factor")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="sat_factor_unique"),
        ]

    def __str__(self) -> str:
        return bilingual(self.name, self.name_en)


class Question(models.Model):
    factor = models.ForeignKey(Factor, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=200)
    text_en = models.CharField(_("English question"), max_length=200, blank=True)
    asks_expectation = models.BooleanField(_("asks for the expectation"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return bilingual(self.text, self.text_en)


class ResponseQuerySet(ScopedQuerySet["SurveyResponse"]):
    """Responses in the scope of their consultant and the consultant's department."""

    scope_owner_field = "consultant"


class Source(models.TextChoices):
    INTERNAL = "internal", _("Internal (own survey)")
    EXTERNAL = "external", _("External (imported)")


class SurveyResponse(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", _("Survey link")
        STAFF = "staff", _("Filled in by staff")
        THIRD_PARTY = "third_party", _("Third-party survey")
        HEAD_OFFICE = "head_office", _("Head-office survey")
        MYSTERY = "mystery", _("Mystery shopping (暗访)")

    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    customer = optional_fk(Customer, db_index=False)
    consultant = optional_fk(User, db_index=False)
    department = optional_fk(Department, db_index=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    answered_at = models.DateTimeField(_("answered"))
    month = models.DateField(_("month"))  # the first day of the answer's month, Asia/Shanghai
    overall = models.PositiveSmallIntegerField(_("overall score"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("would recommend (0–10)"), null=True, blank=True)
    satisfaction = models.DecimalField(
        _("satisfaction"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    recorded_by = optional_fk(User)
    import_batch = optional_fk(ExternalImport, related_name="responses")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        ordering = ["-answered_at", "-id"]
        indexes = [
            models.Index(fields=["consultant", "-answered_at"], name="sat_resp_consultant"),
            models.Index(fields=["department", "-answered_at"], name="sat_resp_department"),
            models.Index(fields=["customer", "-answered_at"], name="sat_resp_customer"),
            models.Index(fields=["-answered_at", "-id"], name="sat_resp_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(nps__lte=10), name="sat_resp_nps_range"),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.answered_at:%Y-%m-%d}"


class AnswerItem(models.Model):
    """One scored question of a response (or one factor's score of an imported result), with
    the columns the report groups by copied from its response so that the report reads one
    table: satisfaction = performance − expectation."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="items")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="+")
    factor_code = models.SlugField(max_length=40)
    question = optional_fk(Question, on_delete=models.PROTECT)
    expectation = models.SmallIntegerField(_("expectation"))
    performance = models.SmallIntegerField(_("performance"))
    gap = models.SmallIntegerField(_("satisfaction"))  # performance − expectation
    consultant = optional_fk(User, db_index=False)
    department = optional_fk(Department, db_index=False)
    month = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("answer")
        indexes = [
            # covering the report's one grouped query: an index-only scan, in group order
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
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(gap=models.F("performance") - models.F("expectation")),
                name="sat_item_gap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor_code}: {self.performance} − {self.expectation}"


class SurveyLink(models.Model):
    """A one-time link to a survey: only the SHA-256 of its random token is stored, so the
    table alone opens nothing. It is spent when answered and refused after `expires_at`."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="+")
    customer = customer_fk("+", db_index=False)
    consultant = optional_fk(User)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = optional_fk(User)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response = models.OneToOneField(
        SurveyResponse, on_delete=models.SET_NULL, null=True, blank=True, related_name="link"
    )
    message_id = models.BigIntegerField(null=True, blank=True)
    # the closed complaint the customer is asked to confirm (CMP-3); None for other surveys
    complaint = optional_fk(Complaint, _("complaint"))

    class Meta:
        verbose_name = _("survey link")
        indexes = [models.Index(fields=["customer", "-created_at"], name="sat_link_customer")]

    def __str__(self) -> str:
        return f"{self.version} → {self.customer_id}"
