"""Writes of 回访 and care tasks (CARE-1) and of spot checks (CARE-3). Other areas create tasks
only through `care_task_create`, so every task lands on the timeline and the assignee's work
list alike.

A 回访 is prepared (its page), done (`care_visit_do`: the outcome, the answers to the topic's
questions, a score where the topic asks for one, notes; it is then closed), closed without a
call (`care_task_close`: an action done, or anything cancelled with a reason) and tracked
(`care_visit_track`: an ACTION child with an owner and a date, when the customer raised
something). Every change is on the customer's timeline; bad input changes nothing."""

import datetime as dt
import random
from dataclasses import dataclass, field, fields
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import RoleCode, User
from guanxi.accounts.selectors import user_can
from guanxi.care import hooks as care_hooks
from guanxi.care.common import permissions
from guanxi.care.models import CareRule, CareTask, CareTopic, SpotCheck, SpotCheckSettings
from guanxi.core.audit import audit_record
from guanxi.core.dataclass_values import dataclass_values
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, invalid_field
from guanxi.core.field_errors import field_errors_into
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp

# How far from now a due date may lie: a typo of a year is refused, not scheduled.
DUE_WINDOW = dt.timedelta(days=366)
NOTES_LIMIT = 4000
ANSWER_LIMIT = 1000
# The kinds whose outcome is a call's: they close through care_visit_do or a spot-check result.
CALL_KINDS = (CareTask.Kind.VISIT, CareTask.Kind.CALL)


@dataclass(frozen=True)
class CareTaskNew:
    """What a new care task needs; `assignee` None with a `department` is a department's queue."""

    customer: Customer
    title: str
    due_at: dt.datetime
    kind: str = CareTask.Kind.VISIT
    channel: str = CareTask.Channel.PHONE
    assignee: User | None = None
    department_id: int | None = None
    supervisor: User | None = None
    topic: CareTopic | None = None
    origin: str = CareTask.Origin.MANUAL
    rule: CareRule | None = None
    parent: CareTask | None = None
    notes: str = ""


@transaction.atomic
def care_task_create(*, new: CareTaskNew, actor: User | None = None) -> CareTask:
    title = new.title.strip()
    if not title:
        raise invalid_field("title", _("Give the task a title."))
    if new.assignee is None and new.department_id is None:
        raise invalid_field("assignee", _("Choose who does the task, or a department's queue."))
    department_id = new.department_id
    if new.assignee is not None and department_id is None:
        department_id = new.assignee.department_id
    task = CareTask.objects.create(
        **dataclass_values(new, exclude=("title", "department_id", "notes")),
        title=title[:200],
        department_id=department_id,
        notes=new.notes[:NOTES_LIMIT],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    timeline_add(
        customer=new.customer,
        kind="care_task",
        title=title,
        actor=actor,
        ref=task,
        data={"kind": task.kind, "due_at": task.due_at.isoformat(), "status": task.status},
    )
    care_hooks.task_created.call_all(task=task, actor=actor)
    return task


# ---------------------------------------------------------------- checks shared by the writes


def _task_to_change(*, actor: User, task_id: int) -> CareTask:
    """The task, locked, when the actor may work on it: their own in scope, others' with
    care.task_others. One the actor may not see or change answers 404 like a missing one."""
    task = (
        CareTask.objects.editable_by(actor, action=permissions.TASK_OTHERS)
        .select_for_update(of=("self",))  # the task's row; its topic may be NULL
        .select_related("topic", "customer")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound()
    return cast(CareTask, task)


def _must_be_open(task: CareTask) -> None:
    if task.status != CareTask.Status.OPEN:
        raise Conflict(_("This task is already closed."))


def _due(value: dt.datetime | None, *, name: str = "due_at") -> dt.datetime:
    if value is None:
        raise invalid_field(name, _("Give a due date and time."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    now = timezone.now()
    if not now - DUE_WINDOW <= value <= now + DUE_WINDOW:
        raise invalid_field(name, _("The due time must lie within a year from now."))
    return value


def _active_user(user_id: int | None, *, name: str) -> User:
    user = (
        User.objects.filter(pk=user_id, is_active=True).select_related("department").first()
        if user_id
        else None
    )
    if user is None:
        raise invalid_field(name, _("Choose an active user."))
    return user


def _notes(text: str, *, name: str = "notes") -> str:
    text = (text or "").strip()
    if len(text) > NOTES_LIMIT:
        raise invalid_field(
            name, _("At most %(limit)d characters, please.") % {"limit": NOTES_LIMIT}
        )
    return text


def _outcome_label(outcome: str) -> str:
    return str(CareTask.Outcome(outcome).label) if outcome else ""


# ---------------------------------------------------------------- create by hand


@dataclass(frozen=True)
class VisitNew:
    """A 回访 made by hand (from the customer's 360 page or the API). `assignee_id` None: the
    actor does it."""

    customer_id: int
    due_at: dt.datetime | None
    topic_id: int | None = None
    channel: str = CareTask.Channel.PHONE
    assignee_id: int | None = None
    title: str = ""
    notes: str = ""


def care_visit_create(*, actor: User, new: VisitNew) -> CareTask:
    """A 回访 of the actor's own customer, or (with care.task_others) of any customer in
    scope, for the actor or (with care.task_others) for another active user."""
    errors: dict[str, list[Any]] = {}
    # one's own customers, or others' in scope with care.task_others
    customer = (
        Customer.objects.editable_by(actor, action=permissions.TASK_OTHERS)
        .alive()
        .filter(pk=new.customer_id)
        .first()
        if new.customer_id
        else None
    )
    if customer is None:
        errors["customer_id"] = [_("Choose a customer you may see.")]
    topic = None
    if new.topic_id is not None:
        topic = CareTopic.objects.filter(pk=new.topic_id, active=True).first()
        if topic is None:
            errors["topic_id"] = [_("Choose one of the active topics.")]
    if new.channel not in CareTask.Channel.values:
        errors["channel"] = [_("Choose phone, web or visit.")]
    with field_errors_into(errors):
        due_at = _due(new.due_at)
    assignee = actor
    if new.assignee_id is not None and new.assignee_id != actor.pk:
        if not user_can(user=actor, permission=permissions.TASK_OTHERS):
            errors["assignee_id"] = [_("You may only plan 回访 for yourself.")]
        else:
            with field_errors_into(errors):
                assignee = _active_user(new.assignee_id, name="assignee_id")
    title = (new.title or "").strip() or (topic.name if topic else _("回访"))
    if len(title) > 200:
        errors["title"] = [_("At most %(limit)d characters, please.") % {"limit": 200}]
    with field_errors_into(errors):
        notes = _notes(new.notes)
    if errors:
        raise ValidationFailed(field_errors=errors)
    assert customer is not None  # noqa: S101 - refused above when missing
    return care_task_create(
        new=CareTaskNew(
            customer=customer,
            title=title,
            due_at=due_at,
            kind=CareTask.Kind.VISIT,
            channel=new.channel,
            assignee=assignee,
            topic=topic,
            origin=CareTask.Origin.MANUAL,
            notes=notes,
        ),
        actor=actor,
    )


# ---------------------------------------------------------------- do


@dataclass(frozen=True)
class VisitRecord:
    """What the 回访 found. `answers` maps the topic's question keys to what the customer
    said; `retry_at` (only when the customer was not reached) plans the next attempt."""

    outcome: str
    answers: dict[str, str] = field(default_factory=dict)
    score: int | None = None
    notes: str = ""
    retry_at: dt.datetime | None = None


def _clean_answers(
    task: CareTask, record: VisitRecord, errors: dict[str, list[Any]]
) -> dict[str, str]:
    answers = {key: (value or "").strip() for key, value in (record.answers or {}).items()}
    answers = {key: value for key, value in answers.items() if value}
    if not answers:
        return {}
    if record.outcome != CareTask.Outcome.REACHED:
        errors["answers"] = [_("Answers are recorded only when the customer was reached.")]
        return {}
    known = {q.get("key") for q in (task.topic.questions if task.topic else [])}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors["answers"] = [
            _("Not a question of this topic: %(keys)s") % {"keys": ", ".join(unknown)}
        ]
    for key, value in answers.items():
        if len(value) > ANSWER_LIMIT:
            errors[f"answers.{key}"] = [
                _("At most %(limit)d characters, please.") % {"limit": ANSWER_LIMIT}
            ]
    return answers


def _clean_score(task: CareTask, record: VisitRecord, errors: dict[str, list[Any]]) -> int | None:
    scored = bool(task.topic and task.topic.scored)
    if record.score is None:
        if scored and record.outcome == CareTask.Outcome.REACHED:
            errors["score"] = [_("This topic asks for a satisfaction score from 1 to 10.")]
        return None
    if not scored:
        errors["score"] = [_("This topic asks for no satisfaction score.")]
    elif record.outcome != CareTask.Outcome.REACHED:
        errors["score"] = [_("A score is recorded only when the customer was reached.")]
    elif not 1 <= record.score <= 10:
        errors["score"] = [_("Give a score from 1 to 10.")]
    return record.score


@transaction.atomic
def care_visit_do(*, actor: User, task_id: int, record: VisitRecord) -> CareTask:
    """Record the outcome of a 回访 (or a call) and close it; unreachable with `retry_at`
    also plans the next attempt for the same assignee."""
    task = _task_to_change(actor=actor, task_id=task_id)
    _must_be_open(task)
    if task.kind not in CALL_KINDS:
        raise Conflict(_("Only a 回访 or a call has an outcome to record."))
    errors: dict[str, list[Any]] = {}
    if record.outcome not in CareTask.Outcome.values:
        errors["outcome"] = [_("Choose reached, unreachable, refused or wrong number.")]
    answers = _clean_answers(task, record, errors)
    score = _clean_score(task, record, errors)
    with field_errors_into(errors):
        notes = _notes(record.notes)
    retry_at = None
    if record.retry_at is not None:
        if record.outcome != CareTask.Outcome.UNREACHABLE:
            errors["retry_at"] = [_("A next attempt is planned only when nobody answered.")]
        else:
            with field_errors_into(errors):
                retry_at = _due(record.retry_at, name="retry_at")
    if errors:
        raise ValidationFailed(field_errors=errors)
    now = timezone.now()
    task.outcome = record.outcome
    task.answers = answers
    task.score = score
    task.notes = notes
    task.status = CareTask.Status.DONE
    task.done_at = now
    task.done_by = actor
    task.save(
        update_fields=["outcome", "answers", "score", "notes", "status", "done_at", "done_by"]
    )
    label = _outcome_label(task.outcome)
    timeline_add(
        customer=task.customer,
        kind="care_task_done",
        title=_("%(title)s: %(outcome)s") % {"title": task.title, "outcome": label},
        body=notes,
        actor=actor,
        ref=task,
        data={"outcome": task.outcome, "score": score, "status": task.status},
    )
    if retry_at is not None:
        # the same 回访 again, later: all of the task but its due time, parent and notes
        again = {
            spec.name: getattr(task, spec.name)
            for spec in fields(CareTaskNew)
            if spec.name not in ("due_at", "parent", "notes")
        }
        care_task_create(new=CareTaskNew(**again, due_at=retry_at), actor=actor)
    return task


# ---------------------------------------------------------------- close without a call


class Resolution:
    DONE = "done"  # a follow-up action carried out
    CANCELLED = "cancelled"  # not needed any more (with the reason)

    ALL = (DONE, CANCELLED)


@transaction.atomic
def care_task_close(*, actor: User, task_id: int, resolution: str, note: str = "") -> CareTask:
    """Close an open task without recording a call: a follow-up action is done, or any task
    is cancelled with the reason."""
    task = _task_to_change(actor=actor, task_id=task_id)
    _must_be_open(task)
    errors: dict[str, list[Any]] = {}
    if resolution not in Resolution.ALL:
        errors["resolution"] = [_("Choose done or cancelled.")]
    elif resolution == Resolution.DONE and task.kind != CareTask.Kind.ACTION:
        errors["resolution"] = [_("A 回访 is closed by recording its outcome.")]
    with field_errors_into(errors):
        note = _notes(note, name="note")
    if resolution == Resolution.CANCELLED and not note and "note" not in errors:
        errors["note"] = [_("Say why the task is cancelled.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    task.status = (
        CareTask.Status.DONE if resolution == Resolution.DONE else CareTask.Status.CANCELLED
    )
    task.done_at = timezone.now()
    task.done_by = actor
    if note:
        task.notes = "\n".join(part for part in (task.notes, note) if part)[:NOTES_LIMIT]
    task.save(update_fields=["status", "done_at", "done_by", "notes"])
    title = (
        _("Done: %(title)s") if resolution == Resolution.DONE else _("Cancelled: %(title)s")
    ) % {"title": task.title}
    timeline_add(
        customer=task.customer,
        kind="care_task_closed",
        title=title,
        body=note,
        actor=actor,
        ref=task,
        data={"status": task.status},
    )
    return task


# ---------------------------------------------------------------- track


@dataclass(frozen=True)
class TrackNew:
    """A follow-up action raised during a 回访: what to do, who does it, by when."""

    title: str
    assignee_id: int | None
    due_at: dt.datetime | None
    notes: str = ""


@transaction.atomic
def care_visit_track(*, actor: User, task_id: int, new: TrackNew) -> CareTask:
    """An ACTION task, child of a 回访 that reached the customer, for its owner and date."""
    parent = _task_to_change(actor=actor, task_id=task_id)
    errors: dict[str, list[Any]] = {}
    if parent.kind == CareTask.Kind.ACTION:
        raise Conflict(_("Follow-up actions are raised from a 回访, not from another action."))
    if parent.outcome != CareTask.Outcome.REACHED:
        raise Conflict(_("Record that the customer was reached before raising a follow-up."))
    title = (new.title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    elif len(title) > 200:
        errors["title"] = [_("At most %(limit)d characters, please.") % {"limit": 200}]
    owner = None
    with field_errors_into(errors):
        owner = _active_user(new.assignee_id, name="assignee_id")
    with field_errors_into(errors):
        due_at = _due(new.due_at)
    with field_errors_into(errors):
        notes = _notes(new.notes)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return care_task_create(
        new=CareTaskNew(
            customer=parent.customer,
            title=title,
            due_at=due_at,
            kind=CareTask.Kind.ACTION,
            channel=parent.channel,
            assignee=owner,
            supervisor=parent.assignee,
            topic=parent.topic,
            origin=CareTask.Origin.TRACK,
            parent=parent,
            notes=notes,
        ),
        actor=actor,
    )


# ---------------------------------------------------------------- reassign


@transaction.atomic
def care_task_reassign(
    *, actor: User, task_id: int, assignee_id: int | None, request: HttpRequest | None = None
) -> CareTask:
    """Give an open task to another active user (care.task_others), audited."""
    if not user_can(user=actor, permission=permissions.TASK_OTHERS):
        raise PermissionDenied(_("You may not reassign care tasks."))
    task = _task_to_change(actor=actor, task_id=task_id)
    _must_be_open(task)
    assignee = _active_user(assignee_id, name="assignee_id")
    if assignee.pk == task.assignee_id:
        raise invalid_field("assignee_id", _("The task is already theirs."))
    before = task.assignee
    task.assignee = assignee
    task.department_id = assignee.department_id
    task.save(update_fields=["assignee", "department"])
    audit_record(
        actor=actor,
        action="care.task_reassign",
        target=task,
        summary=f"{task.title}: {before or '—'} → {assignee}",
        changes={"assignee": (before.pk if before else None, assignee.pk)},
        request=request,
    )
    timeline_add(
        customer=task.customer,
        kind="care_task_reassigned",
        title=_("%(title)s now with %(name)s") % {"title": task.title, "name": assignee},
        actor=actor,
        ref=task,
        data={"assignee_id": assignee.pk},
    )
    return task


# ---------------------------------------------------------------- topics


@dataclass(frozen=True)
class TopicQuestion:
    text: str
    text_en: str = ""
    key: str = ""  # kept when editing, so recorded answers keep their question


@dataclass(frozen=True)
class TopicInput:
    code: str
    name: str
    name_en: str = ""
    scored: bool = False
    active: bool = True
    sort_order: int = 0
    questions: list[TopicQuestion] = field(default_factory=list)


MAX_QUESTIONS = 20


def _topic_questions(
    questions: list[TopicQuestion], errors: dict[str, list[Any]]
) -> list[dict[str, str]]:
    rows = [q for q in questions if (q.text or "").strip() or (q.text_en or "").strip()]
    if len(rows) > MAX_QUESTIONS:
        errors["questions"] = [_("At most %(limit)d questions.") % {"limit": MAX_QUESTIONS}]
        return []
    used = {q.key for q in rows if q.key}
    out: list[dict[str, str]] = []
    number = 1
    for index, q in enumerate(rows):
        text, text_en = q.text.strip(), (q.text_en or "").strip()
        if not text:
            errors[f"questions.{index}.text"] = [_("Write the question in Chinese.")]
        if len(text) > 300 or len(text_en) > 300:
            errors[f"questions.{index}.text"] = [
                _("At most %(limit)d characters, please.") % {"limit": 300}
            ]
        key = q.key
        if not key:
            while f"q{number}" in used:
                number += 1
            key = f"q{number}"
            used.add(key)
        elif not key.replace("_", "").isalnum() or len(key) > 40:
            errors[f"questions.{index}.key"] = [_("Not a question key.")]
        out.append({"key": key, "text": text, "text_en": text_en})
    if len({q["key"] for q in out}) != len(out):
        errors["questions"] = [_("Two questions have the same key.")]
    return out


@transaction.atomic
def care_topic_save(
    *,
    actor: User,
    data: TopicInput,
    topic_id: int | None = None,
    request: HttpRequest | None = None,
) -> CareTopic:
    """Create or change a 回访 topic and its questions (care.rules)."""
    if not user_can(user=actor, permission=permissions.MANAGE_RULES):
        raise PermissionDenied(_("You may not change 回访 topics."))
    topic = (
        CareTopic()
        if topic_id is None
        else CareTopic.objects.select_for_update().filter(pk=topic_id).first()
    )
    if topic is None:
        raise NotFound()
    errors: dict[str, list[Any]] = {}
    code = (data.code or "").strip().lower()
    if not code or len(code) > 40 or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = [_("Letters, digits, - and _ only, up to 40.")]
    elif CareTopic.objects.filter(code=code).exclude(pk=topic.pk).exists():
        errors["code"] = [_("Another topic has this code.")]
    name = (data.name or "").strip()
    if not name or len(name) > 80:
        errors["name"] = [_("Give the topic a name of up to 80 characters.")]
    name_en = (data.name_en or "").strip()
    if len(name_en) > 80:
        errors["name_en"] = [_("At most %(limit)d characters, please.") % {"limit": 80}]
    if not 0 <= data.sort_order <= 10000:
        errors["sort_order"] = [_("A number from 0 to 10,000.")]
    questions = _topic_questions(data.questions, errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    topic.code = code
    topic.name = name
    topic.name_en = name_en
    topic.scored = data.scored
    topic.active = data.active
    topic.sort_order = data.sort_order
    topic.questions = questions
    topic.save()
    audit_record(
        actor=actor,
        action="care.rule_update",
        target=topic,
        summary=f"{topic.code}: {topic.name}",
        request=request,
    )
    return topic


# ---------------------------------------------------------------- spot checks (CARE-3)

# Fortnights start on Mondays two weeks apart, counted from this Monday.
FORTNIGHT_EPOCH = dt.date(2024, 1, 1)


def fortnight_start(day: dt.date) -> dt.date:
    """The first day (a Monday) of the fortnight `day` falls in."""
    return day - dt.timedelta(days=(day - FORTNIGHT_EPOCH).days % 14)


def last_complete_fortnight(today: dt.date) -> dt.date:
    return fortnight_start(today) - dt.timedelta(days=14)


def spot_check_sample_size() -> int:
    settings_row, _created = SpotCheckSettings.objects.get_or_create(pk=1)
    return settings_row.sample_size


@transaction.atomic
def spot_check_settings_set(*, actor: User, sample_size: int | None) -> SpotCheckSettings:
    if not user_can(user=actor, permission=permissions.SPOT_CHECK):
        raise PermissionDenied(_("You may not change how spot checks are drawn."))
    if sample_size is None or not 1 <= sample_size <= 50:
        raise invalid_field("sample_size", _("A number from 1 to 50."))
    row, _created = SpotCheckSettings.objects.select_for_update().get_or_create(pk=1)
    row.sample_size = sample_size
    row.save(update_fields=["sample_size", "updated_at"])
    return row


@dataclass(frozen=True)
class DrawResult:
    period_start: dt.date
    created: int
    consultants: int  # consultants who got a sample in this run


def _checkers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, roles__code=RoleCode.CUSTOMER_RELATIONS)
        .distinct()
        .order_by("id")
    )


def _window(period_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period_start, dt.time.min))
    return start, start + dt.timedelta(days=14)


def spot_checks_draw(
    *,
    actor: User | None = None,
    period_start: dt.date | None = None,
    rng: random.Random | None = None,
) -> DrawResult:
    """Draw the fortnight's sample of each consultant's follow-ups (the last complete
    fortnight unless named) and give each to a customer-relations user, round-robin, as a
    SPOT_CHECK task. Once per (fortnight, consultant): a consultant who has spot checks of
    that fortnight is skipped, so the cron and the button may both run, and again."""
    if actor is not None and not user_can(user=actor, permission=permissions.SPOT_CHECK):
        raise PermissionDenied(_("You may not draw spot checks."))
    today = timezone.localdate()
    start = period_start or last_complete_fortnight(today)
    start = fortnight_start(start)
    if start > fortnight_start(today):
        raise invalid_field("period_start", _("That fortnight has not begun."))
    checkers = _checkers()
    if not checkers:
        raise ValidationFailed(
            _("There is no active customer-relations user to do the spot checks.")
        )
    size = spot_check_sample_size()
    since, until = _window(start)
    chooser = rng or random.SystemRandom()
    consultant_ids = list(
        FollowUp.objects.filter(
            at__gte=since,
            at__lt=until,
            user__is_active=True,
            user__roles__code=RoleCode.CONSULTANT,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    created = 0
    served = 0
    turn = SpotCheck.objects.filter(period_start=start).count()
    due_at = timezone.now() + dt.timedelta(days=2)
    for consultant_id in consultant_ids:
        with transaction.atomic():
            # one draw per consultant and fortnight, also when two runs meet
            consultant = User.objects.select_for_update().get(pk=consultant_id)
            if SpotCheck.objects.filter(period_start=start, consultant=consultant).exists():
                continue
            rows = list(
                FollowUp.objects.filter(
                    user=consultant, at__gte=since, at__lt=until, spot_check__isnull=True
                )
                .order_by("id")
                .values_list("id", "customer_id")
            )
            one_per_customer: dict[int, int] = {}
            for followup_id, customer_id in rows:
                one_per_customer.setdefault(customer_id, followup_id)
            picked = chooser.sample(
                sorted(one_per_customer.values()), min(size, len(one_per_customer))
            )
            if not picked:
                continue
            followups = FollowUp.objects.select_related("customer").filter(pk__in=picked)
            for followup in sorted(followups, key=lambda f: f.pk):
                checker = checkers[turn % len(checkers)]
                turn += 1
                # stored text: in the site's language, whoever (or whichever cron) draws
                with translation.override(settings.LANGUAGE_CODE):
                    title = _("Spot check: %(name)s's contact of %(day)s") % {
                        "name": consultant,
                        "day": timezone.localtime(followup.at).date().isoformat(),
                    }
                task = care_task_create(
                    new=CareTaskNew(
                        customer=followup.customer,
                        title=title,
                        due_at=due_at,
                        kind=CareTask.Kind.SPOT_CHECK,
                        channel=CareTask.Channel.PHONE,
                        assignee=checker,
                        origin=CareTask.Origin.SPOT_CHECK,
                    ),
                    actor=actor,
                )
                SpotCheck.objects.create(
                    period_start=start, consultant=consultant, followup=followup, task=task
                )
                created += 1
            served += 1
    return DrawResult(period_start=start, created=created, consultants=served)


SPOT_OUTCOMES = {
    SpotCheck.Result.MATCHES: CareTask.Outcome.REACHED,
    SpotCheck.Result.DIFFERS: CareTask.Outcome.REACHED,
    SpotCheck.Result.UNREACHABLE: CareTask.Outcome.UNREACHABLE,
}


@transaction.atomic
def spot_check_record(
    *, actor: User, spot_check_id: int, result: str, notes: str = ""
) -> SpotCheck:
    """The result of a spot-check call (care.spot_check): matches / differs from what the
    consultant logged, or the customer was not reached. Closes its task."""
    if not user_can(user=actor, permission=permissions.SPOT_CHECK):
        raise PermissionDenied(_("You may not record spot checks."))
    check = SpotCheck.objects.select_for_update().filter(pk=spot_check_id).first()
    if check is None:
        raise NotFound()
    task = _task_to_change(actor=actor, task_id=check.task_id)
    if check.result or task.status != CareTask.Status.OPEN:
        raise Conflict(_("This spot check already has its result."))
    errors: dict[str, list[Any]] = {}
    if result not in SpotCheck.Result.values:
        errors["result"] = [_("Choose matches, differs or not reached.")]
    with field_errors_into(errors):
        notes = _notes(notes)
    if result == SpotCheck.Result.DIFFERS and not notes and "notes" not in errors:
        errors["notes"] = [_("Say what the customer told that differs.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    check.result = result
    check.save(update_fields=["result"])
    task.outcome = SPOT_OUTCOMES[SpotCheck.Result(result)]
    task.notes = notes
    task.status = CareTask.Status.DONE
    task.done_at = timezone.now()
    task.done_by = actor
    task.save(update_fields=["outcome", "notes", "status", "done_at", "done_by"])
    timeline_add(
        customer=task.customer,
        kind="care_spot_check",
        title=_("%(title)s: %(result)s")
        % {"title": task.title, "result": SpotCheck.Result(result).label},
        body=notes,
        actor=actor,
        ref=task,
        data={"result": result},
    )
    return check
