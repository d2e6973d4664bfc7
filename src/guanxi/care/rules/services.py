"""Writes of care plans (CARE-2): touches recorded from events, the nightly evaluation of the
date triggers, the runner that performs due touches, and the rules' edits.

A touch is one (rule, customer, occurrence): the unique key makes every path idempotent — an
event fired twice, the nightly run repeated, a worker that died mid-run and ran again."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.care.messages.services import MessageNew, message_queue
from guanxi.care.models import CareRule, CareTask, CareTouch, ContactPreference, Trigger
from guanxi.care.rules import dates, schedule
from guanxi.care.rules.selectors import rules_permission_check
from guanxi.care.rules.validation import RuleInput, rule_clean
from guanxi.care.visits.services import CareTaskNew, care_task_create
from guanxi.core.audit import audit_record
from guanxi.core.errors import ValidationFailed, invalid_field
from guanxi.customers.models import Customer

# A touch that a negative offset puts this far in the past when its event arrives (a delivery
# planned for tomorrow and its 72 h reminder) is recorded as skipped, not sent late.
TOO_LATE = dt.timedelta(hours=1)
RUN_BATCH = 200


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class CareEvent:
    """One occurrence of an event trigger for one customer. `facts` are what the rules'
    params may filter on (the follow-up's channel, the new stage's code)."""

    trigger: str
    customer_id: int
    occurrence: str
    at: dt.datetime
    facts: dict[str, Any] = field(default_factory=dict)


def _matches(rule: CareRule, event: CareEvent, category: str | None) -> bool:
    params = rule.params or {}
    stages = params.get("stages")
    if stages and event.facts.get("stage") not in stages:
        return False
    channels = params.get("channels")
    if channels and event.facts.get("channel") not in channels:
        return False
    categories = params.get("categories")
    return not (categories and category not in categories)


def touches_record(*, event: CareEvent) -> int:
    """Record the touches of the switched-on rules of `event.trigger` (in the caller's
    transaction: the lower app's service). Nothing is sent here: the runner acts when due."""
    return touches_record_all(events=[event])


def touches_record_all(*, events: list[CareEvent]) -> int:
    """The touches of several events of one customer at once (a follow-up that is a visit
    and a price objection): one read of the rules, one insert."""
    if not events:
        return 0
    triggers = {event.trigger for event in events}
    rules = list(CareRule.objects.filter(trigger__in=triggers, enabled=True))
    if not rules:
        return 0
    # the customer's category when a rule filters on it: from the event when the caller had
    # the customer at hand, else read
    categories: dict[int, str | None] = {
        event.customer_id: event.facts["category"] for event in events if "category" in event.facts
    }
    missing = {event.customer_id for event in events} - set(categories)
    if missing and any((rule.params or {}).get("categories") for rule in rules):
        categories.update(Customer.objects.filter(pk__in=missing).values_list("pk", "category"))
    now = timezone.now()
    touches = []
    for event in events:
        for rule in rules:
            if rule.trigger != event.trigger:
                continue
            if not _matches(rule, event, categories.get(event.customer_id)):
                continue
            due = schedule.touch_due_at(rule=rule, moment=event.at)
            late = due < now - TOO_LATE
            touches.append(
                CareTouch(
                    rule=rule,
                    customer_id=event.customer_id,
                    occurrence=event.occurrence[:60],
                    due_at=due,
                    status=CareTouch.Status.SKIPPED if late else CareTouch.Status.SCHEDULED,
                    reason=_("The event came too late for this touch.") if late else "",
                )
            )
    CareTouch.objects.bulk_create(touches, ignore_conflicts=True)
    return len(touches)


def care_event_fire(*, trigger: str, customer: Customer, occurrence: str, at: dt.datetime) -> int:
    """The event hook of the apps above care (a complaint closed, a survey answered): record
    the touches of `trigger` for the customer's `occurrence` (e.g. "complaint:17")."""
    if trigger not in Trigger.event_triggers():
        raise invalid_field("trigger", _("Choose an event trigger."))
    if not occurrence.strip():
        raise invalid_field("occurrence", _("Name the occurrence of the event."))
    return touches_record(
        event=CareEvent(trigger=trigger, customer_id=customer.pk, occurrence=occurrence, at=at)
    )


def weather_fire(
    *, actor: User, customers: QuerySet[Customer] | Iterable[Customer] | None, at: dt.datetime
) -> int:
    """The bad-weather notice, issued by hand for chosen customers or (None) every customer
    the actor may see; one notice per minute of issue, so a double click sends it once."""
    rules_permission_check(user=actor)
    rules = list(CareRule.objects.filter(trigger=Trigger.WEATHER, enabled=True))
    if not rules:
        raise ValidationFailed(_("No bad-weather rule is switched on."))
    occurrence = f"weather:{at.astimezone(dt.UTC):%Y%m%d%H%M}"
    visible = Customer.objects.visible_to(actor).filter(deleted_at__isnull=True)
    if isinstance(customers, QuerySet):
        visible = visible.filter(pk__in=cast(Any, customers.values("pk")))
    elif customers is not None:
        visible = visible.filter(pk__in=[customer.pk for customer in customers])
    created = 0
    with transaction.atomic():
        for rule in rules:
            created += dates.touches_insert(
                rule=rule,
                rows=dates.customer_rows(
                    rule=rule,
                    customers=visible,
                    occurrence=occurrence,
                    due=schedule.touch_due_at(rule=rule, moment=at),
                ),
            )
        audit_record(
            actor=actor,
            action="care.weather",
            summary=occurrence,
            detail={"touches": created, "chosen": customers is not None},
        )
    return created


# ---------------------------------------------------------------- running touches


def _active_users() -> Any:
    return User.objects.filter(is_active=True, left_at__isnull=True)


def _least_loaded(role_id: int, department_id: int | None = None) -> User | None:
    users = _active_users().filter(roles__id=role_id)
    if department_id is not None:
        users = users.filter(department_id=department_id)
    least: User | None = (
        users.annotate(
            open_tasks=Count("care_tasks", filter=Q(care_tasks__status=CareTask.Status.OPEN))
        )
        .order_by("open_tasks", "id")
        .first()
    )
    return least


def _supervisor(rule: CareRule, assignee: User | None, customer: Customer) -> User | None:
    if rule.supervisor_role_id is None:
        return None
    department_id = assignee.department_id if assignee else customer.department_id
    users = _active_users().filter(roles__id=rule.supervisor_role_id).order_by("id")
    supervisor: User | None = users.filter(department_id=department_id).first() or users.first()
    return supervisor


def _assignee(rule: CareRule, customer: Customer) -> tuple[User | None, int | None]:
    """Who does the task: (user, department queue)."""
    kind = rule.assignee
    if kind == CareRule.Assignee.USER and rule.assignee_user_id is not None:
        user = _active_users().filter(pk=rule.assignee_user_id).first()
        if user is not None:
            return user, None
    if kind == CareRule.Assignee.DEPARTMENT and rule.assignee_department_id is not None:
        return None, rule.assignee_department_id
    if kind == CareRule.Assignee.ROLE and rule.assignee_role_id is not None:
        user = _least_loaded(rule.assignee_role_id)
        if user is not None:
            return user, None
    if kind == CareRule.Assignee.OWNER and customer.owner_id is not None:
        user = _active_users().filter(pk=customer.owner_id).first()
        if user is not None:
            return user, None
    # nobody as named: the implementer role's least loaded user, else the customer's department
    if rule.implementer_role_id is not None:
        user = _least_loaded(rule.implementer_role_id)
        if user is not None:
            return user, None
    return None, customer.department_id


def _quiet_until(touch: CareTouch, now: dt.datetime) -> dt.datetime | None:
    """The end of the customer's quiet hours when a message falls in them now."""
    preference = ContactPreference.objects.filter(customer_id=touch.customer_id).first()
    quiet_from = preference.quiet_from if preference else None
    quiet_until = preference.quiet_until if preference else None
    moment = schedule.out_of_quiet_hours(now, quiet_from=quiet_from, quiet_until=quiet_until)
    return moment.astimezone(dt.UTC) if moment != now else None


def _task_title(rule: CareRule) -> str:
    if rule.topic is not None:
        return rule.topic.name
    return rule.name


def touch_perform(*, touch_id: int, now: dt.datetime) -> str:
    """Perform one due touch, in one transaction with marking it: the touch is done with its
    task or message, or nothing happened at all. Returns what became of it."""
    with transaction.atomic():
        touch = (
            CareTouch.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("rule", "rule__template", "rule__topic", "customer")
            .filter(pk=touch_id, status=CareTouch.Status.SCHEDULED, due_at__lte=now)
            .first()
        )
        if touch is None:
            return "gone"
        rule, customer = touch.rule, touch.customer
        if customer.deleted_at is not None or not rule.enabled:
            reason = (
                _("The customer was deleted.")
                if customer.deleted_at is not None
                else _("The rule was switched off.")
            )
            _finish(touch, status=CareTouch.Status.SKIPPED, reason=reason)
            return "skipped"
        if rule.action == CareRule.Action.MESSAGE:
            deferred = _quiet_until(touch, now)
            if deferred is not None:
                CareTouch.objects.filter(pk=touch.pk).update(
                    due_at=deferred, reason=_("Deferred to the end of the quiet hours.")
                )
                return "deferred"
            if rule.template is None or not rule.template.active:
                _finish(
                    touch,
                    status=CareTouch.Status.SKIPPED,
                    reason=_("The rule's message template is missing or inactive."),
                )
                return "skipped"
            message = message_queue(
                new=MessageNew(
                    customer=customer,
                    template=rule.template,
                    send_after=max(touch.due_at, now),
                    dedup_key=f"touch:{touch.pk}",
                )
            )
            touch.message = message
            _finish(touch, status=CareTouch.Status.DONE, fields=["message"])
            return "message"
        assignee, department_id = _assignee(rule, customer)
        if assignee is None and department_id is None:
            _finish(
                touch,
                status=CareTouch.Status.SKIPPED,
                reason=_("Nobody to assign the task to."),
            )
            return "skipped"
        within = int((rule.params or {}).get("within_hours") or 0)
        task = care_task_create(
            new=CareTaskNew(
                customer=customer,
                title=_task_title(rule),
                due_at=max(touch.due_at, now) + dt.timedelta(hours=within),
                kind=rule.task_kind or CareTask.Kind.VISIT,
                channel=rule.channel or CareTask.Channel.PHONE,
                assignee=assignee,
                department_id=department_id,
                supervisor=_supervisor(rule, assignee, customer),
                topic=rule.topic,
                origin=CareTask.Origin.RULE,
                rule=rule,
            )
        )
        touch.task = task
        _finish(touch, status=CareTouch.Status.DONE, fields=["task"])
        return "task"


def _finish(touch: CareTouch, *, status: str, reason: str = "", fields: Iterable[str] = ()) -> None:
    touch.status = status
    touch.reason = reason[:200]
    touch.save(update_fields=["status", "reason", *fields])


def touches_run(*, now: dt.datetime | None = None, limit: int = 2000) -> dict[str, int]:
    """Perform the touches due by `now`, in batches; each in its own transaction, so a
    worker that dies mid-run leaves the others done and the rest for the next run."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    done = 0
    last_id = 0
    while done < limit:
        ids = list(
            CareTouch.objects.filter(
                status=CareTouch.Status.SCHEDULED, due_at__lte=now, pk__gt=last_id
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:RUN_BATCH]
        )
        if not ids:
            break
        for touch_id in ids:
            outcome = touch_perform(touch_id=touch_id, now=now)
            counts[outcome] = counts.get(outcome, 0) + 1
            done += 1
        last_id = ids[-1]
    return counts


# ---------------------------------------------------------------- nightly date triggers


def date_rules_evaluate(*, today: dt.date | None = None) -> dict[str, int]:
    """Record the touches the date rules owe today (set-based: one INSERT … SELECT per rule,
    the unique key drops what an earlier run recorded). Runs every night; a second run the
    same day records nothing."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    rules = CareRule.objects.filter(enabled=True).exclude(trigger__in=Trigger.event_triggers())
    for rule in rules:
        with transaction.atomic():
            counts[rule.code or str(rule.pk)] = dates.rule_evaluate(rule=rule, today=today)
    return counts


# ---------------------------------------------------------------- editing rules


def _audit_rule(
    *, actor: User, rule: CareRule, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Audit a rule saved: the fields `after` changed from `before` (rows by their ids); a new
    rule's `before` is empty."""
    changes = {
        name: (_plain(before.get(name)), _plain(value))
        for name, value in after.items()
        if _plain(before.get(name)) != _plain(value)
    }
    audit_record(
        actor=actor, action="care.rule_update", target=rule, summary=rule.name, changes=changes
    )


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def rule_update(*, actor: User, rule: CareRule, data: RuleInput) -> CareRule:
    """Save the fields `data` gives (a partial change, cleaned here), audited."""
    rules_permission_check(user=actor)
    with transaction.atomic():
        locked = CareRule.objects.select_for_update().get(pk=rule.pk)
        cleaned = rule_clean(data=data, rule=locked)
        before = {name: getattr(locked, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        _audit_rule(actor=actor, rule=locked, before=before, after=cleaned)
    return locked


def rule_create(*, actor: User, data: RuleInput) -> CareRule:
    """A new rule (switched off unless `data` says otherwise), audited."""
    rules_permission_check(user=actor)
    blank = CareRule(name="", trigger="", action="", channel="")
    cleaned = rule_clean(data=data, rule=blank)
    with transaction.atomic():
        rule = CareRule(**cleaned)
        rule.sort_order = (
            CareRule.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
            or 0
        ) + 10
        rule.save()
        _audit_rule(actor=actor, rule=rule, before={}, after=cleaned)
    return rule


def rule_set_enabled(*, actor: User, rule: CareRule, enabled: bool) -> CareRule:
    return rule_update(actor=actor, rule=rule, data=RuleInput(enabled=enabled))
