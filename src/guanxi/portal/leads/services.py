"""Web-to-lead (INTG-4): a submission of an embedded form becomes a customer with source
网络表单 and its campaign tags, assigned round-robin within the form's team or put into its
public pool. 查重 is the archive's own (the duplicate rules of `customer_create`): a known
customer gets a follow-up task on their consultant's work list instead of a duplicate, and
nothing the anonymous submitter wrote changes the existing record.

Spam: a honeypot field no person fills in, and a limit of submissions per client address."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import user_can
from guanxi.care.models import CareTask
from guanxi.care.visits.services import CareTaskNew, care_task_create
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.customers.archive.services import customer_create, timeline_add
from guanxi.customers.archive.validation import CustomerInput
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import Customer, Source
from guanxi.pipeline.models import PoolEntry, PublicPool
from guanxi.pipeline.pools.services import pool_release
from guanxi.portal.common import audit_actions, permissions
from guanxi.portal.models import LeadField, LeadForm, LeadSubmission

SOURCE_CODE = "web_form"  # 网络表单, shipped by the customers app
PER_IP_PER_HOUR = 5
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TAG_LIMIT = 30  # Tag.name


# ---------------------------------------------------------------- form set-up (admin)


@dataclass(frozen=True)
class LeadFormData:
    name: str
    fields: list[str]
    required: list[str]
    department_id: int | None
    pool_id: int | None
    campaign: str = ""
    allowed_origins: str = ""
    thank_you: str = ""
    is_active: bool = True


_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$", re.IGNORECASE)


def _form_errors(data: LeadFormData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Give the form a name.")]
    elif len(data.name.strip()) > 80:
        errors["name"] = [_("At most 80 characters.")]
    unknown = [f for f in data.fields if f not in LeadField.values]
    if unknown:
        errors["fields"] = [_("Unknown field: %(name)s.") % {"name": unknown[0]}]
    if any(f not in data.fields for f in data.required):
        errors["required"] = [_("A required field must be on the form.")]
    if (data.department_id is None) == (data.pool_id is None):
        errors["department"] = [_("Choose either a team (round-robin) or a public pool.")]
    elif (
        data.department_id is not None
        and not Department.objects.filter(pk=data.department_id).exists()
    ):
        errors["department"] = [_("Choose a team.")]
    elif (
        data.pool_id is not None
        and not PublicPool.objects.filter(pk=data.pool_id, is_active=True).exists()
    ):
        errors["pool"] = [_("Choose an open public pool.")]
    if len(data.campaign.strip()) > TAG_LIMIT:
        errors["campaign"] = [_("At most %(count)d characters.") % {"count": TAG_LIMIT}]
    bad = [o for o in data.allowed_origins.split() if not _ORIGIN.match(o)]
    if bad:
        errors["allowed_origins"] = [
            _("“%(value)s” is not a site address like https://www.example.com.") % {"value": bad[0]}
        ]
    if len(data.thank_you) > 300:
        errors["thank_you"] = [_("At most 300 characters.")]
    return errors


@transaction.atomic
def lead_form_save(*, actor: User, data: LeadFormData, form: LeadForm | None = None) -> LeadForm:
    """A new form, or `form` changed."""
    if not user_can(user=actor, permission=permissions.MANAGE_FORMS):
        raise PermissionDenied()
    errors = _form_errors(data)
    if errors:
        raise ValidationFailed(field_errors=errors)
    if form is None:
        form = LeadForm(created_by=actor)
    form.name = data.name.strip()
    form.fields = [f for f in LeadField.values if f in data.fields]
    form.required = [f for f in LeadField.values if f in data.required]
    form.department_id = data.department_id
    form.pool_id = data.pool_id
    form.campaign = data.campaign.strip()
    form.allowed_origins = "\n".join(data.allowed_origins.split())
    form.thank_you = data.thank_you.strip()
    form.is_active = data.is_active
    form.save()
    audit_record(
        actor=actor,
        action=audit_actions.FORM_SAVE,
        target=form,
        summary=form.name,
        detail={"fields": form.fields, "department": form.department_id, "pool": form.pool_id},
    )
    return form


# ---------------------------------------------------------------- submissions (public)


@dataclass(frozen=True)
class LeadInput:
    name: str
    mobile: str
    extra: dict[str, str] = field(default_factory=dict)  # LeadField value -> text
    honeypot: str = ""
    utm: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LeadResult:
    submission: LeadSubmission
    customer: Customer | None
    assignee: User | None


def _next_member(form: LeadForm) -> User:
    """Round-robin over the team's active members in id order, after the last one served;
    the form's creator when the team has nobody. The caller holds the form's row lock."""
    if form.department_id is None:
        return form.created_by
    members = list(
        User.objects.filter(department_id=form.department_id, is_active=True, left_at=None)
        .order_by("id")
        .only("id", "department_id", "username", "display_name")
    )
    if not members:
        return form.created_by
    after = [m for m in members if form.last_assignee_id and m.pk > form.last_assignee_id]
    chosen = after[0] if after else members[0]
    form.last_assignee = chosen
    form.save(update_fields=["last_assignee", "updated_at"])
    return chosen


def _clean_extra(form: LeadForm, data: LeadInput) -> dict[str, str]:
    extra = {f: (data.extra.get(f) or "").strip() for f in form.fields}
    errors = {f: [_("This field is required.")] for f in form.required if not extra.get(f)}
    if not data.name.strip():
        errors["name"] = [_("This field is required.")]
    if not data.mobile.strip():
        errors["mobile"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return extra


def _lead_text(form: LeadForm, extra: dict[str, str], utm: dict[str, str]) -> str:
    labels = dict(LeadField.choices)
    lines = [f"{labels[f]}: {value}" for f, value in extra.items() if value]
    lines += [f"{key}: {value}" for key, value in utm.items()]
    return "\n".join([_("Web form: %(form)s") % {"form": form.name}, *lines])


def _tags(form: LeadForm, utm: dict[str, str]) -> list[str]:
    tags = [form.campaign] if form.campaign else []
    if utm.get("utm_campaign"):
        tags.append(f"utm:{utm['utm_campaign']}"[:TAG_LIMIT])
    return list(dict.fromkeys(tags))


def _known_customer(
    *, form: LeadForm, match_id: int, text: str, utm: dict[str, str]
) -> tuple[Customer, User]:
    """A follow-up task for the consultant of the customer the lead matched (the next team
    member, or the form's creator for a pool form, when nobody owns it)."""
    customer = Customer.objects.select_related("owner").get(pk=match_id)
    if customer.owner is not None and customer.owner.is_active:
        assignee = customer.owner
    elif form.department_id is not None:
        assignee = _next_member(form)
    else:
        assignee = form.created_by
    care_task_create(
        new=CareTaskNew(
            customer=customer,
            title=_("Web form enquiry from a known customer: follow up"),
            due_at=timezone.now(),
            kind=CareTask.Kind.ACTION,
            channel=CareTask.Channel.WEB,
            assignee=assignee,
            notes=text,
        )
    )
    timeline_add(
        customer=customer,
        kind="web_lead",
        title=_("Enquiry through the web form %(form)s") % {"form": form.name},
        body=text,
        data=utm,
    )
    return customer, assignee


def _new_customer(
    *, form: LeadForm, data: LeadInput, extra: dict[str, str], text: str
) -> tuple[Customer, User | None]:
    assignee = _next_member(form) if form.department_id is not None else form.created_by
    customer = customer_create(
        actor=assignee,
        owner=assignee,
        data=CustomerInput(
            name=data.name.strip(),
            mobile=data.mobile.strip(),
            email=extra.get(LeadField.EMAIL, ""),
            province=extra.get(LeadField.PROVINCE, ""),
            city=extra.get(LeadField.CITY, ""),
            needs=extra.get(LeadField.NEEDS, ""),
            notes=text,
            source=Source.objects.filter(code=SOURCE_CODE).first(),
            first_contact_at=timezone.now(),
            first_contact_channel=Customer.Channel.WEB,
        ),
        tags=_tags(form, data.utm),
    )
    timeline_add(
        customer=customer,
        kind="web_lead",
        title=_("Came in through the web form %(form)s") % {"form": form.name},
        body=text,
        data=data.utm,
    )
    if form.pool_id is not None:
        pool_release(
            actor=assignee,
            customer=customer,
            pool=form.pool,
            reason=PoolEntry.Reason.OTHER,
            note=_("Web form lead"),
        )
        return customer, None
    return customer, assignee


def lead_submit(*, form: LeadForm, data: LeadInput, ip: str | None) -> LeadResult:
    """One submission of a public form. The honeypot filled in: recorded as spam, nothing
    else (the sender sees the same thank-you). Over the per-address limit or with bad input:
    ValidationFailed, nothing written but what counts for the limit."""
    utm = {k: str(v)[:100] for k, v in data.utm.items() if k in UTM_KEYS and v}
    now = timezone.now()
    if ip and (
        LeadSubmission.objects.filter(ip=ip, created_at__gte=now - dt.timedelta(hours=1)).count()
        >= PER_IP_PER_HOUR
    ):
        raise ValidationFailed(_("Too many submissions from your network. Try again later."))
    if data.honeypot.strip():
        spam = LeadSubmission.objects.create(
            form=form, outcome=LeadSubmission.Outcome.SPAM, ip=ip, utm=utm
        )
        return LeadResult(submission=spam, customer=None, assignee=None)
    extra = _clean_extra(form, data)
    text = _lead_text(form, extra, utm)
    with transaction.atomic():
        # the form's row lock serialises the round-robin cursor
        form = (
            LeadForm.objects.select_for_update(of=("self",))
            .select_related("created_by", "pool")
            .get(pk=form.pk)
        )
        try:
            with transaction.atomic():
                customer, assignee = _new_customer(form=form, data=data, extra=extra, text=text)
            outcome = LeadSubmission.Outcome.CREATED
        except CustomerDuplicate as duplicate:
            customer, assignee = _known_customer(
                form=form, match_id=duplicate.match_id, text=text, utm=utm
            )
            outcome = LeadSubmission.Outcome.KNOWN
        submission = LeadSubmission.objects.create(
            form=form, customer=customer, assignee=assignee, outcome=outcome, ip=ip, utm=utm
        )
    return LeadResult(submission=submission, customer=customer, assignee=assignee)
