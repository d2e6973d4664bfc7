"""Every write to the pipeline state of a customer (INT-1 … INT-5, ACQ-1 … ACQ-3, SRV-1).

Keyword-only, one transaction each. On a customer owned by someone else the actor needs the
permission of the action too (pipeline.permissions; Customer.objects.editable_by)."""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import (
    departments_in_scope,
    scope_for_user,
    user_can,
    users_in_scope,
)
from guanxi.core.audit import audit_record
from guanxi.core.audit_text import money_text
from guanxi.core.errors import PermissionDenied, ValidationFailed, invalid_field
from guanxi.core.idempotency import idempotency_key_clean, idempotency_replay
from guanxi.core.sql import SlotStatement
from guanxi.customers.archive.services import customer_refresh_category, timeline_add
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.customers.querysets import customer_editable
from guanxi.pipeline import audit_actions, hooks
from guanxi.pipeline.models import (
    FollowUp,
    Grade,
    ManVerdict,
    Objection,
    Prospect,
    Script,
    Stage,
    StageMove,
    StageReach,
    TeamQuota,
)
from guanxi.pipeline.permissions import FOLLOW_UP_OTHERS, MANAGE_QUOTAS, SET_STAGE
from guanxi.pipeline.prospects import cadence
from guanxi.pipeline.prospects.reach import stage_reach_statements, stage_reach_write
from guanxi.pipeline.prospects.selectors import quota_for, quota_group_of, quota_limit

# seed 000 §5.1.2: the traits of a good customer, and the risks of big customers.
QUALITY_TRAITS = {
    "demand": gettext_lazy("Real demand for the product"),
    "profitability": gettext_lazy("Profitable to serve"),
    "price_insensitive": gettext_lazy("Not very price-sensitive"),
    "prompt_payment": gettext_lazy("Pays promptly"),
    "low_service_cost": gettext_lazy("Low cost of service"),
    "loyalty": gettext_lazy("Loyal"),
    "growth": gettext_lazy("Growing"),
}
BIG_CUSTOMER_RISKS = {
    "financial": gettext_lazy("Financial risk (large receivables, credit)"),
    "profit": gettext_lazy("Profit risk (squeezed margins)"),
    "management": gettext_lazy("Management risk (dependence, service burden)"),
    "churn": gettext_lazy("Churn risk (may leave for a competitor)"),
}
NEXT_CONTACT_GRACE = dt.timedelta(minutes=5)
# Prospect.expected_amount: 14 digits, 2 of them fen.
EXPECTED_AMOUNT_MAX = Decimal("999999999999.99")


# ---------------------------------------------------------------- helpers


def prospect_for(*, customer: Customer) -> Prospect:
    """The customer's prospect row, created on first use (owner/department copied)."""
    prospect, _created = Prospect.objects.get_or_create(
        customer_id=customer.pk,
        defaults={"owner_id": customer.owner_id, "department_id": customer.department_id},
    )
    prospect.customer = customer
    return prospect


def _lock(*, actor: User, customer: Customer, action: str) -> tuple[Customer, Prospect]:
    # the row is locked first and the scope decided on it in Python (customer_editable):
    # the same answer as a locking query filtered by editable_by, without compiling the scope
    locked = Customer.objects.alive().select_for_update().filter(pk=customer.pk).first()
    if locked is None:
        raise CustomerNotFound()
    if not customer_editable(actor, locked, action=action):
        if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
            raise CustomerNotFound()
        raise PermissionDenied(_("You may not change this customer."))
    rows = Prospect.objects.select_for_update(of=("self",)).select_related("stage")
    prospect = rows.filter(customer_id=locked.pk).first()
    if prospect is None:
        prospect_for(customer=locked)
        prospect = rows.get(customer_id=locked.pk)
    prospect.customer = locked
    return locked, prospect


def _stage(code: str | None) -> Stage:
    stage = Stage.objects.filter(code=str(code or "")).first() if code else None
    if stage is None:
        raise invalid_field("stage", _("Choose a valid stage."))
    return stage


def _grade(value: str | None) -> str:
    value = str(value or "")
    if value not in Grade.values:
        raise invalid_field("grade", _("Choose a valid grade."))
    return value


def _refresh_due(prospect: Prospect, *, actor: User, now: dt.datetime) -> None:
    prospect.next_due_at = cadence.next_due(prospect, now=now, tz=cadence.zone_for(actor))


def _move_stage(
    *, prospect: Prospect, stage: Stage, actor: User | None, now: dt.datetime
) -> StageMove | None:
    """Record the move; returns None if the stage is unchanged."""
    old = prospect.stage
    if old is not None and old.pk == stage.pk:
        return None
    since = prospect.stage_changed_at or prospect.customer.created_at
    days = max(0, (now - since).days) if (old is not None and since) else None
    move = StageMove.objects.create(
        customer_id=prospect.customer_id,
        user=actor,
        department_id=prospect.department_id,
        source_id=prospect.customer.source_id,
        from_stage=old,
        to_stage=stage,
        days_in_previous=days,
        at=now,
    )
    stage_reach_refresh(customer_ids=[prospect.customer_id])
    hooks.stage_changed.call_all(
        customer_id=prospect.customer_id, from_stage=old, to_stage=stage, actor=actor, at=now
    )
    if old is None or stage.order > old.order:
        prospect.last_progress_at = now
        prospect.contacts_since_progress = 0
    prospect.stage = stage
    prospect.stage_changed_at = now
    return move


def stage_reach_refresh(*, customer_ids: Iterable[int] | None = None) -> int:
    """Rewrite the `StageReach` rows of these customers' stage moves (all customers: None)
    from their moves: every writer of stage moves calls it after writing (the funnel counts
    from these rows). Two statements whatever the number of customers; returns the rows
    written."""
    ids = None if customer_ids is None else list(customer_ids)
    if ids is not None and len(ids) == 1:
        delete, insert = _one_customer_reach(connection.vendor)
        delete.run(customer=ids[0])
        return insert.run(customer=ids[0])
    return stage_reach_write(move_model=StageMove, reach_model=StageReach, customer_ids=ids)


@functools.cache
def _one_customer_reach(vendor: str) -> tuple[SlotStatement, SlotStatement]:
    """The statements of one customer's reach, compiled once per process and database."""
    return stage_reach_statements(move_model=StageMove, reach_model=StageReach)


def _stage_label(stage: Stage | None) -> str:
    return str(stage) if stage is not None else _("no stage")


def _stage_event(
    customer: Customer,
    *,
    old: Stage | None,
    new: Stage,
    note: str,
    actor: User,
    **data: Any,
) -> None:
    """The timeline entry of a stage move."""
    timeline_add(
        customer=customer,
        kind="stage",
        title=_("Stage: %(old)s → %(new)s") % {"old": _stage_label(old), "new": new},
        body=(note or "")[:1000],
        actor=actor,
        data={"from": old.code if old else None, "to": new.code, **data},
    )


# ---------------------------------------------------------------- stage and grade


@transaction.atomic
def prospect_set_stage(
    *, actor: User, customer: Customer, stage: Stage | str, note: str = ""
) -> Prospect:
    stage = stage if isinstance(stage, Stage) else _stage(stage)
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    now = timezone.now()
    old = prospect.stage
    if _move_stage(prospect=prospect, stage=stage, actor=actor, now=now) is None:
        return prospect
    _refresh_due(prospect, actor=actor, now=now)
    prospect.save()
    _stage_event(locked, old=old, new=stage, note=note, actor=actor)
    customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


@transaction.atomic
def prospect_set_grade(*, actor: User, customer: Customer, grade: str) -> Prospect:
    grade = _grade(grade)
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    if prospect.grade == grade:
        return prospect
    old = prospect.grade
    prospect.grade = grade
    if grade == Grade.E:
        prospect.dealt = True
    _refresh_due(prospect, actor=actor, now=timezone.now())
    prospect.save()
    timeline_add(
        customer=locked,
        kind="grade",
        title=_("Grade: %(old)s → %(new)s") % {"old": old or "—", "new": grade or "—"},
        actor=actor,
        data={"from": old, "to": grade},
    )
    customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


def _text(value: Decimal | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@transaction.atomic
def prospect_set_expectation(
    *,
    actor: User,
    customer: Customer,
    expected_amount: Decimal | str | None,
    expected_close_on: dt.date | str | None,
) -> Prospect:
    """Set what the deal is expected to bring and when (the board card, the API): both as
    given, so an empty value clears it (the follow-up form only ever fills them in)."""
    errors: dict[str, list] = {}
    amount = _clean_amount(expected_amount, errors=errors)
    close_on = _clean_date(expected_close_on, field="expected_close_on", errors=errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    old = (prospect.expected_amount, prospect.expected_close_on)
    if old == (amount, close_on):
        return prospect
    prospect.expected_amount, prospect.expected_close_on = amount, close_on
    prospect.save(update_fields=["expected_amount", "expected_close_on"])
    timeline_add(
        customer=locked,
        kind="expectation",
        title=_("Expected: %(amount)s, closing %(day)s")
        % {
            "amount": money_text(amount) if amount is not None else "—",
            "day": close_on.isoformat() if close_on else "—",
        },
        actor=actor,
        data={
            "amount": [_text(old[0]), _text(amount)],
            "close_on": [_text(old[1]), _text(close_on)],
        },
    )
    return prospect


@transaction.atomic
def prospect_mark_won(*, customer: Customer, actor: User, note: str = "") -> Prospect:
    """A contract was signed (ORD-7): grade E and dealt, without the editability check —
    signing is a system step (the approver need not be able to edit the customer). A
    customer signed below stage 4 (确定可以成交) is moved there, so the funnel counts every
    deal; the move is the owner's (the approver only confirmed it)."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    prospect_for(customer=locked)
    prospect = (
        Prospect.objects.select_for_update(of=("self",))
        .select_related("stage")
        .get(customer_id=locked.pk)
    )
    prospect.customer = locked
    top = Stage.objects.order_by("-order").first()
    below_top = top is not None and (prospect.stage is None or prospect.stage.order < top.order)
    if prospect.grade == Grade.E and prospect.dealt and not below_top:
        customer_refresh_category(customer=locked, prospect=prospect)
        return prospect
    now = timezone.now()
    old_stage = prospect.stage
    moved = (
        _move_stage(prospect=prospect, stage=top, actor=prospect.owner or actor, now=now)
        if top is not None and below_top
        else None
    )
    old = prospect.grade
    prospect.grade = Grade.E
    prospect.dealt = True
    _refresh_due(prospect, actor=actor, now=now)
    prospect.save()
    if moved is not None and top is not None:
        _stage_event(locked, old=old_stage, new=top, note=note, actor=actor, won=True)
    if old != Grade.E:
        timeline_add(
            customer=locked,
            kind="grade",
            title=_("Grade: %(old)s → %(new)s") % {"old": old or "—", "new": Grade.E},
            body=(note or "")[:1000],
            actor=actor,
            data={"from": old, "to": Grade.E, "won": True},
        )
    customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


# ---------------------------------------------------------------- follow-ups (INT-5)


def _clean_datetime(
    value: object, *, field: str, errors: dict[str, list], tz: dt.tzinfo
) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None:
            errors[field] = [_("Enter a valid date and time.")]
            return None
        value = parsed
    if not isinstance(value, dt.datetime):
        errors[field] = [_("Enter a valid date and time.")]
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=tz)
    return value.astimezone(dt.UTC)


def _clean_amount(value: object, *, errors: dict[str, list]) -> Decimal | None:
    """An expected amount in yuan: a decimal of at most two places, from 0 up."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        errors["expected_amount"] = [_("Enter an amount in yuan, e.g. 12000.00.")]
        return None
    if amount < 0:
        errors["expected_amount"] = [_("The expected amount cannot be negative.")]
    elif amount > EXPECTED_AMOUNT_MAX:
        errors["expected_amount"] = [_("The expected amount is too large.")]
    elif amount != amount.quantize(Decimal("0.01")):
        errors["expected_amount"] = [_("At most two decimal places (fen).")]
    return amount.quantize(Decimal("0.01")) if "expected_amount" not in errors else None


def _clean_date(value: object, *, field: str, errors: dict[str, list]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        errors[field] = [_("Enter a valid date.")]
        return None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            errors[field] = [_("Enter a valid date.")]
        return parsed
    if not isinstance(value, dt.date):
        errors[field] = [_("Enter a valid date.")]
        return None
    return value


def _clean_objections(raw: object, errors: dict[str, list]) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        errors["objections"] = [_("Objections must be a list.")]
        return []
    cleaned = []
    script_ids = set()
    for item in raw:
        if not isinstance(item, dict):
            errors["objections"] = [_("Each objection needs a type.")]
            return []
        row: dict[str, Any] = {
            "type": str(item.get("type") or ""),
            "is_excuse": bool(item.get("is_excuse")),
            "real_objection": str(item.get("real_objection") or "").strip(),
            "temperament": str(item.get("temperament") or ""),
            "method": str(item.get("method") or ""),
            "outcome": str(item.get("outcome") or Objection.Outcome.OPEN),
            "script_id": item.get("script_id") or None,
        }
        if row["type"] not in Objection.Type.values:
            errors["objections"] = [_("Choose a valid objection type.")]
        elif row["temperament"] not in Objection.Temperament.values:
            errors["objections"] = [_("Choose a valid temperament.")]
        elif row["method"] not in Objection.Method.values:
            errors["objections"] = [_("Choose a valid method.")]
        elif row["outcome"] not in Objection.Outcome.values:
            errors["objections"] = [_("Choose a valid objection outcome.")]
        elif len(row["real_objection"]) > 200:
            errors["objections"] = [_("The real objection may have at most 200 characters.")]
        if row["script_id"] is not None:
            try:
                row["script_id"] = int(row["script_id"])
            except (TypeError, ValueError):
                errors["objections"] = [_("Choose a valid script.")]
            else:
                script_ids.add(row["script_id"])
        cleaned.append(row)
    if len(cleaned) > 10:
        errors["objections"] = [_("At most 10 objections per follow-up.")]
    if script_ids and "objections" not in errors:
        found = set(Script.objects.filter(pk__in=script_ids).values_list("pk", flat=True))
        if found != script_ids:
            errors["objections"] = [_("Choose a valid script.")]
    return cleaned


@dataclass(frozen=True)
class FollowUpInput:
    """What a follow-up says, as the form or the API received it; `followup_log` checks it.
    `stage` is a code or a Stage (none: unchanged); `next_contact_at` a datetime or ISO text;
    each objection a mapping with type, is_excuse, real_objection, temperament, method,
    outcome and script_id. `expected_amount` (yuan) and `expected_close_on` (a date or ISO
    text): none leaves them unchanged."""

    channel: str
    content: str
    outcome: str = ""
    effective: bool = False
    stage: Stage | str | None = None
    grade: str | None = None
    next_contact_at: dt.datetime | str | None = None
    objections: Sequence[Mapping[str, Any]] = ()
    expected_amount: Decimal | str | None = None
    expected_close_on: dt.date | str | None = None


@dataclass(frozen=True)
class _CleanFollowUp:
    channel: str
    content: str
    outcome: str
    effective: bool
    stage: Stage | None
    grade: str | None
    next_contact_at: dt.datetime | None
    objections: list[dict[str, Any]]
    expected_amount: Decimal | None
    expected_close_on: dt.date | None


def _clean_followup(
    data: FollowUpInput, *, actor: User, now: dt.datetime, at: dt.datetime | None = None
) -> _CleanFollowUp:
    errors: dict[str, list] = {}
    tz = cadence.zone_for(actor)
    channel = str(data.channel or "")
    if channel not in FollowUp.Channel.values:
        errors["channel"] = [_("Choose a valid channel.")]
    content = str(data.content or "").strip()
    if not content:
        errors["content"] = [_("Describe what happened.")]
    elif len(content) > 4000:
        errors["content"] = [_("At most %(limit)d characters.") % {"limit": 4000}]
    outcome = str(data.outcome or "").strip()
    if len(outcome) > 200:
        errors["outcome"] = [_("At most %(limit)d characters.") % {"limit": 200}]
    stage: Stage | None = None
    if isinstance(data.stage, Stage):
        stage = data.stage
    elif data.stage:
        stage = Stage.objects.filter(code=str(data.stage)).first()
        if stage is None:
            errors["stage"] = [_("Choose a valid stage.")]
    grade = None if data.grade is None or data.grade == "" else str(data.grade)
    if grade is not None and grade not in Grade.values:
        errors["grade"] = [_("Choose a valid grade.")]
    next_contact = _clean_datetime(
        data.next_contact_at, field="next_contact_at", errors=errors, tz=tz
    )
    if at is not None:
        # a record of the past: its next contact was planned then, and may be past now
        if at > now + NEXT_CONTACT_GRACE:
            errors["at"] = [_("A follow-up cannot lie in the future.")]
        if next_contact is not None and next_contact < at:
            errors["next_contact_at"] = [_("The next contact cannot be before the follow-up.")]
        if stage is not None or grade is not None:
            errors["stage"] = [_("A follow-up of the past cannot change the stage or grade.")]
    elif next_contact is not None and next_contact < now - NEXT_CONTACT_GRACE:
        errors["next_contact_at"] = [_("The next contact cannot be in the past.")]
    objections = _clean_objections(data.objections, errors)
    expected_amount = _clean_amount(data.expected_amount, errors=errors)
    expected_close_on = _clean_date(
        data.expected_close_on, field="expected_close_on", errors=errors
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    return _CleanFollowUp(
        channel=channel,
        content=content,
        outcome=outcome,
        effective=bool(data.effective),
        stage=stage,
        grade=grade,
        next_contact_at=next_contact,
        objections=objections,
        expected_amount=expected_amount,
        expected_close_on=expected_close_on,
    )


@dataclass(frozen=True)
class FollowUpLogged:
    """A logged follow-up and the customer's prospect as the follow-up left it (saved, with
    its stage and customer loaded), so the page that shows the result need not read it."""

    followup: FollowUp
    prospect: Prospect
    replayed: bool = False  # the same idempotency key and request were logged before


def _followup_fingerprint(customer: Customer, data: FollowUpInput) -> str:
    """Every input of the request, so a key reused for another follow-up is refused."""
    stage = data.stage.code if isinstance(data.stage, Stage) else data.stage
    raw = json.dumps(
        [customer.pk, {**data.__dict__, "stage": stage, "objections": list(data.objections)}],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


def _followup_replay(*, actor: User, key: str, fingerprint: str) -> FollowUpLogged | None:
    first = idempotency_replay(
        FollowUp.objects.filter(user_id=actor.pk, idempotency_key=key).first(),
        fingerprint=fingerprint,
        reused=_(
            "This idempotency key was already used for a different follow-up; "
            "use a new key for a new follow-up."
        ),
    )
    if first is None:
        return None
    prospect = Prospect.objects.select_related("stage").get(customer_id=first.customer_id)
    return FollowUpLogged(followup=first, prospect=prospect, replayed=True)


def followup_log(
    *,
    actor: User,
    customer: Customer,
    data: FollowUpInput,
    idempotency_key: str | None = None,
    at: dt.datetime | None = None,
    by: User | None = None,
) -> FollowUpLogged:
    """Log a follow-up. With an `idempotency_key` (the API's header), the same key and
    request again return the first follow-up (`replayed`) and the same key with another
    request is refused (409): a retry after a lost answer logs nothing twice.

    `at` records a follow-up of the past (the import of follow-up history, INTG-1): the
    follow-up and its timeline entry carry that time; its next contact may be past (not
    before `at`); it changes no stage or grade; the prospect's last follow-up, next contact
    (when still ahead) and contact count move only when it is the customer's newest; and
    the `followup_logged` hook is not called — its listeners (care touches after a visit,
    the webhook event) announce a follow-up logged now, not one from years ago.
    `by` is the user who made the follow-up when the actor records it for them (default:
    the actor): the actor themself or a user in the actor's scope; the actor's rights on the
    customer apply."""
    if by is not None and by.pk != actor.pk and not users_in_scope(user=actor).filter(pk=by.pk):
        raise PermissionDenied(_("You may not record follow-ups for this user."))
    key = idempotency_key_clean(idempotency_key, field="Idempotency-Key")
    if key is None:
        return _followup_log(
            actor=actor, customer=customer, data=data, key=None, fingerprint="", at=at, by=by
        )
    fingerprint = _followup_fingerprint(customer, data)
    replayed = _followup_replay(actor=actor, key=key, fingerprint=fingerprint)
    if replayed is not None:
        return replayed
    try:
        return _followup_log(
            actor=actor,
            customer=customer,
            data=data,
            key=key,
            fingerprint=fingerprint,
            at=at,
            by=by,
        )
    except IntegrityError:
        # a concurrent retry with the same key won the race; answer what it logged
        replayed = _followup_replay(actor=actor, key=key, fingerprint=fingerprint)
        if replayed is None:
            raise
        return replayed


@transaction.atomic
def _followup_log(
    *,
    actor: User,
    customer: Customer,
    data: FollowUpInput,
    key: str | None,
    fingerprint: str,
    at: dt.datetime | None = None,
    by: User | None = None,
) -> FollowUpLogged:
    now = timezone.now()
    cleaned = _clean_followup(data, actor=actor, now=now, at=at)
    author = by or actor
    happened = at or now
    locked, prospect = _lock(actor=actor, customer=customer, action=FOLLOW_UP_OTHERS)
    moves = (cleaned.stage is not None and cleaned.stage != prospect.stage) or (
        cleaned.grade is not None and cleaned.grade != prospect.grade
    )
    expects = (
        cleaned.expected_amount is not None and cleaned.expected_amount != prospect.expected_amount
    ) or (
        cleaned.expected_close_on is not None
        and cleaned.expected_close_on != prospect.expected_close_on
    )
    if (moves or expects) and not (customer_editable(actor, locked, action=SET_STAGE)):
        if moves:
            raise PermissionDenied(_("You may not change the stage or grade of this customer."))
        raise PermissionDenied(
            _("You may not change the expected amount or close date of this customer.")
        )
    expected_before = (prospect.expected_amount, prospect.expected_close_on)
    stage_before, grade_before = prospect.stage, prospect.grade
    followup = FollowUp.objects.create(
        idempotency_key=key,
        request_fingerprint=fingerprint,
        customer=locked,
        user=author,
        department_id=author.department_id,
        at=happened,
        channel=cleaned.channel,
        content=cleaned.content,
        outcome=cleaned.outcome,
        effective=cleaned.effective,
        stage_before=stage_before,
        grade_before=grade_before,
        stage_after=cleaned.stage or stage_before,
        grade_after=cleaned.grade if cleaned.grade is not None else grade_before,
        next_contact_at=cleaned.next_contact_at,
    )
    if cleaned.objections:
        Objection.objects.bulk_create(
            [
                # a cleaned row names exactly the objection's own fields
                Objection(followup=followup, customer=locked, **row)
                for row in cleaned.objections
            ]
        )
        used = [row["script_id"] for row in cleaned.objections if row["script_id"]]
        if used:
            Script.objects.filter(pk__in=used).update(use_count=F("use_count") + 1)
    progressed = False
    moved = None
    if cleaned.stage is not None:
        before_progress = prospect.last_progress_at
        moved = _move_stage(prospect=prospect, stage=cleaned.stage, actor=actor, now=now)
        progressed = moved is not None and prospect.last_progress_at != before_progress
    newest = at is None or prospect.last_followup_at is None or at >= prospect.last_followup_at
    if at is not None and prospect.last_progress_at is not None:
        progressed = at <= prospect.last_progress_at  # a contact before the progress
    if not progressed and newest:
        prospect.contacts_since_progress += 1
    if cleaned.grade is not None and cleaned.grade != prospect.grade:
        prospect.grade = cleaned.grade
        if prospect.grade == Grade.E:
            prospect.dealt = True
    if cleaned.expected_amount is not None:
        prospect.expected_amount = cleaned.expected_amount
    if cleaned.expected_close_on is not None:
        prospect.expected_close_on = cleaned.expected_close_on
    if newest:
        prospect.last_followup_at = happened
        ahead = cleaned.next_contact_at
        if at is None or (ahead is not None and ahead >= now - NEXT_CONTACT_GRACE):
            prospect.next_contact_at = ahead
    _refresh_due(prospect, actor=actor, now=now)
    prospect.save()
    summary = cleaned.outcome or cleaned.content
    title = f"{followup.get_channel_display()}: {summary}"
    if moved is not None:
        title = _("%(title)s (stage %(old)s → %(new)s)") % {
            "title": title[:120],
            "old": _stage_label(stage_before),
            "new": prospect.stage,
        }
    timeline_add(
        customer=locked,
        kind="followup",
        title=title,
        body=cleaned.content,
        actor=author,
        occurred_at=happened,
        ref=followup,
        data={
            "channel": followup.channel,
            "effective": followup.effective,
            "stage_from": stage_before.code if stage_before else None,
            "stage_to": prospect.stage.code if prospect.stage else None,
            "grade_from": grade_before,
            "grade_to": prospect.grade,
            **_expectation_data(expected_before, prospect),
        },
    )
    if moved is not None or prospect.grade != grade_before:
        customer_refresh_category(customer=locked, prospect=prospect)
    if at is None:
        hooks.followup_logged.call_all(
            followup=followup, customer=locked, objections=cleaned.objections, actor=actor
        )
    return FollowUpLogged(followup=followup, prospect=prospect)


@transaction.atomic
def followups_remove_recorded(*, actor: User, followup_ids: Sequence[int]) -> int:
    """Remove follow-ups recorded in error by the actor (an import rolled back, INTG-1):
    those on customers the actor may follow up, with their objections and timeline
    entries; each customer's last follow-up is recomputed from the ones that remain.
    Returns how many were removed."""
    editable = Customer.objects.editable_by(actor, action=FOLLOW_UP_OTHERS)
    rows = FollowUp.objects.filter(pk__in=list(followup_ids), customer__in=editable)
    found = list(rows.values_list("pk", "customer_id"))
    if not found:
        return 0
    ids = [pk for pk, _customer in found]
    customer_ids = sorted({customer for _pk, customer in found})
    Objection.objects.filter(followup_id__in=ids).delete()
    TimelineEvent.objects.filter(
        ref_type=FollowUp._meta.label_lower, ref_id__in=[str(pk) for pk in ids]
    ).delete()
    FollowUp.objects.filter(pk__in=ids).delete()
    latest = dict(
        FollowUp.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(last=Max("at"))
        .values_list("customer_id", "last")
    )
    for prospect in Prospect.objects.select_for_update().filter(customer_id__in=customer_ids):
        last = latest.get(prospect.customer_id)
        if prospect.last_followup_at != last:
            prospect.last_followup_at = last
            prospect.save(update_fields=["last_followup_at"])
    return len(ids)


def _expectation_data(
    before: tuple[Decimal | None, dt.date | None], prospect: Prospect
) -> dict[str, str | None]:
    """The expected amount and close date in the timeline entry, when the follow-up changed
    them (as text: the timeline stores JSON)."""
    after = (prospect.expected_amount, prospect.expected_close_on)
    if after == before:
        return {}
    amount, close_on = after
    return {
        "expected_amount": str(amount) if amount is not None else None,
        "expected_close_on": close_on.isoformat() if close_on is not None else None,
    }


@transaction.atomic
def prospect_expect_from_quote(*, customer: Customer, amount: Decimal) -> bool:
    """A quote was made or sent for the customer (sales' quote_priced hook): a prospect
    without an expected amount takes the quote's total. A system step, like signing: the
    quote's own service checked who may quote. Returns whether the amount was filled."""
    if amount is None or amount < 0 or amount > EXPECTED_AMOUNT_MAX:
        return False
    prospect_for(customer=customer)
    return bool(
        Prospect.objects.filter(customer_id=customer.pk, expected_amount__isnull=True).update(
            expected_amount=Decimal(amount).quantize(Decimal("0.01"))
        )
    )


# ---------------------------------------------------------------- MAN, quality, referral


def man_verdict(*, money: bool | None, authority: bool | None, need: bool | None) -> str:
    if money is None or authority is None or need is None:
        return ManVerdict.UNKNOWN
    return ("M" if money else "m") + ("A" if authority else "a") + ("N" if need else "n")


def _tristate(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


@transaction.atomic
def man_assess(
    *,
    actor: User,
    customer: Customer,
    money: bool | str | None,
    authority: bool | str | None,
    need: bool | str | None,
) -> Prospect:
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    money, authority, need = _tristate(money), _tristate(authority), _tristate(need)
    verdict = man_verdict(money=money, authority=authority, need=need)
    changed = verdict != prospect.man_verdict
    prospect.man_money, prospect.man_authority, prospect.man_need = money, authority, need
    prospect.man_verdict = verdict
    prospect.save(update_fields=["man_money", "man_authority", "man_need", "man_verdict"])
    if changed:
        timeline_add(
            customer=locked,
            kind="man",
            title=_("MAN: %(verdict)s") % {"verdict": prospect.get_man_verdict_display()},
            actor=actor,
            data={"verdict": verdict},
        )
        customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


@transaction.atomic
def quality_assess(
    *, actor: User, customer: Customer, traits: Mapping[str, bool], risks: Iterable[str]
) -> Prospect:
    unknown = set(traits or {}) - set(QUALITY_TRAITS)
    bad_risks = set(risks or []) - set(BIG_CUSTOMER_RISKS)
    if unknown or bad_risks:
        raise invalid_field("quality", _("Unknown trait or risk."))
    _locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    prospect.quality = {key: bool((traits or {}).get(key)) for key in QUALITY_TRAITS}
    prospect.quality_score = sum(prospect.quality.values())
    prospect.risks = [risk for risk in BIG_CUSTOMER_RISKS if risk in set(risks or [])]
    prospect.save(update_fields=["quality", "quality_score", "risks"])
    return prospect


@transaction.atomic
def referral_set(*, actor: User, customer: Customer, referrer: Customer | None) -> Prospect:
    if referrer is not None:
        if referrer.pk == customer.pk:
            raise invalid_field("referrer", _("A customer cannot refer themselves."))
        if not Customer.objects.visible_to(actor).filter(pk=referrer.pk).exists():
            raise invalid_field("referrer", _("Choose a customer you can see."))
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    if prospect.referrer_id == (referrer.pk if referrer else None):
        return prospect
    prospect.referrer = referrer
    prospect.save(update_fields=["referrer"])
    timeline_add(
        customer=locked,
        kind="referral",
        title=_("Referred by %(name)s") % {"name": referrer.name}
        if referrer
        else _("Referrer removed"),
        actor=actor,
        data={"referrer": referrer.pk if referrer else None},
    )
    return prospect


# ---------------------------------------------------------------- tracking and quotas (INT-3)


@transaction.atomic
def tracking_add(*, actor: User, customer: Customer) -> Prospect:
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    if prospect.tracked:
        return prospect
    if prospect.owner_id is None:
        raise ValidationFailed(_("A customer without an owner cannot be tracked."))
    group = quota_group_of(stage=prospect.stage)
    # Serialise adds for the same owner so two at once cannot both squeeze under the quota.
    owner = User.objects.select_for_update().get(pk=prospect.owner_id)
    quota = quota_for(department_id=owner.department_id)
    limit = quota_limit(quota=quota, group=group)
    group_codes = [s.code for s in Stage.objects.all() if quota_group_of(stage=s) == group]
    tracked = Prospect.objects.filter(owner_id=owner.pk, tracked=True)
    if group == "s0":
        tracked = tracked.filter(stage__code__in=group_codes) | tracked.filter(stage__isnull=True)
    else:
        tracked = tracked.filter(stage__code__in=group_codes)
    if tracked.count() >= limit:
        labels = {"s0": _("stage 0"), "s12": _("stages 1–2"), "s34": _("stages 3–4")}
        raise ValidationFailed(
            _(
                "The tracked customers in %(group)s are full (%(limit)d). Remove one before "
                "adding another."
            )
            % {"group": labels[group], "limit": limit},
            code="quota_full",
        )
    prospect.tracked = True
    _refresh_due(prospect, actor=actor, now=timezone.now())
    prospect.save(update_fields=["tracked", "next_due_at"])
    timeline_add(
        customer=locked, kind="tracking", title=_("Added to tracked customers"), actor=actor
    )
    customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


@transaction.atomic
def tracking_remove(*, actor: User, customer: Customer) -> Prospect:
    locked, prospect = _lock(actor=actor, customer=customer, action=SET_STAGE)
    if not prospect.tracked:
        return prospect
    prospect.tracked = False
    prospect.save(update_fields=["tracked"])
    timeline_add(
        customer=locked, kind="tracking", title=_("Removed from tracked customers"), actor=actor
    )
    customer_refresh_category(customer=locked, prospect=prospect)
    return prospect


SIGNED_PER_MONTH_MAX = 10


QUOTA_VALUES = ("stage0", "stage12", "stage34", "daily_target", "signed_per_month")


@transaction.atomic
def quota_set(
    *,
    actor: User,
    department: Department | None,
    stage0: int | str | None,
    stage12: int | str | None,
    stage34: int | str | None,
    daily_target: int | str | None,
    signed_per_month: int | str | None = None,
) -> TeamQuota:
    """Set a team's quota of tracked customers (or, with department None, the company
    default) and how often its signed customers are contacted a month (None: unchanged);
    audited with the values before and after. A team that follows the company default keeps
    following it when the values given are the default's (its page saved unchanged)."""
    _quota_permission_check(actor=actor, department=department)
    errors = {}
    values = {}
    for name, value in (
        ("stage0", stage0),
        ("stage12", stage12),
        ("stage34", stage34),
        ("daily_target", daily_target),
    ):
        try:
            number = int(value) if isinstance(value, int | str) else -1
        except ValueError:
            number = -1
        if not 0 <= number <= 1000:
            errors[name] = [_("Enter a whole number from 0 to 1000.")]
        values[name] = number
    if signed_per_month is not None:
        try:
            number = int(signed_per_month) if isinstance(signed_per_month, int | str) else 0
        except ValueError:
            number = 0
        if not 1 <= number <= SIGNED_PER_MONTH_MAX:
            errors["signed_per_month"] = [
                _("Enter a whole number from 1 to %(max)d.") % {"max": SIGNED_PER_MONTH_MAX}
            ]
        values["signed_per_month"] = number
    if errors:
        raise ValidationFailed(field_errors=errors)
    before = (
        TeamQuota.objects.select_for_update().filter(department=department).values(*values).first()
    )
    if before is None and department is not None:
        default = quota_for(department_id=None)
        if all(getattr(default, name) == value for name, value in values.items()):
            return default
    quota, _created = TeamQuota.objects.update_or_create(department=department, defaults=values)
    if before != values:
        audit_record(
            actor=actor,
            action=audit_actions.QUOTA_SET,
            target=department,
            summary=str(department) if department is not None else str(_("Company default")),
            detail={"before": before, "after": values},
        )
    return quota


@transaction.atomic
def quota_follow_default(*, actor: User, department: Department) -> None:
    """The team drops its own quota and follows the company default again; audited."""
    _quota_permission_check(actor=actor, department=department)
    own = TeamQuota.objects.select_for_update().filter(department=department)
    before = own.values(*QUOTA_VALUES).first()
    if before is None:
        return
    own.delete()
    audit_record(
        actor=actor,
        action=audit_actions.QUOTA_SET,
        target=department,
        summary=str(department),
        detail={"before": before, "after": None},
    )


def _quota_permission_check(*, actor: User, department: Department | None) -> None:
    if not user_can(user=actor, permission=MANAGE_QUOTAS):
        raise PermissionDenied(_("You may not set the quotas of teams."))
    if department is None:
        if not user_can(user=actor, permission=MANAGE_USERS):
            raise PermissionDenied(_("Only administrators may set the company default quota."))
        return
    scope = scope_for_user(user=actor)
    manages = scope.sees_all or bool(scope.department_ids)
    if not manages or not departments_in_scope(user=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(_("You may only set quotas for teams you manage."))


# ---------------------------------------------------------------- objections

OBJECTION_NOTE_LIMIT = 1000


@transaction.atomic
def objection_set_outcome(
    *, actor: User, objection: Objection, outcome: str, note: str = ""
) -> Objection:
    """Update an objection's outcome after it was logged (resolved later, or the customer
    lost over it). Who may log follow-ups on the customer may do it: the owner in scope, or
    with pipeline.follow_up_others. On the customer's timeline with the note."""
    locked, _prospect = _lock(actor=actor, customer=objection.customer, action=FOLLOW_UP_OTHERS)
    outcome = str(outcome or "")
    if outcome not in Objection.Outcome.values:
        raise invalid_field("outcome", _("Choose a valid objection outcome."))
    note = (note or "").strip()
    if len(note) > OBJECTION_NOTE_LIMIT:
        raise invalid_field(
            "note",
            _("At most %(limit)d characters.") % {"limit": OBJECTION_NOTE_LIMIT},
        )
    current = Objection.objects.select_for_update().get(pk=objection.pk)
    if current.outcome == outcome and not note:
        return current
    before = current.get_outcome_display()
    current.outcome = outcome
    current.save(update_fields=["outcome"])
    timeline_add(
        customer=locked,
        kind="objection",
        title=_("Objection “%(type)s”: %(before)s → %(after)s")
        % {
            "type": current.get_type_display(),
            "before": before,
            "after": current.get_outcome_display(),
        },
        body=note,
        actor=actor,
        ref=current,
        data={"objection": current.pk, "outcome": outcome},
    )
    return current
