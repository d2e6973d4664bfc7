"""Reads of care plans (CARE-2): the rules as the seed's touch-point table, and the preview of
what a rule would do in the next seven days, scoped to the customers the user may see."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.care.common.permissions import MANAGE_RULES
from guanxi.care.models import CareRule, CareTouch, Trigger
from guanxi.care.rules import dates
from guanxi.core.errors import PermissionDenied, found
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Objection, StageMove
from guanxi.sales.models import Contract, Delivery, DeliveryPlan, Payment

PREVIEW_DAYS = 7
SAMPLE_SIZE = 10


def rules_permission_check(*, user: User | AnonymousUser) -> None:
    if not user_can(user=user, permission=MANAGE_RULES):
        raise PermissionDenied()


def rules_list(*, user: User | AnonymousUser) -> QuerySet[CareRule]:
    rules_permission_check(user=user)
    return CareRule.objects.select_related(
        "template", "topic", "implementer_role", "supervisor_role", "assignee_role"
    ).order_by("sort_order", "id")


def rule_for_user(*, user: User | AnonymousUser, rule_id: int) -> CareRule:
    return found(rules_list(user=user).filter(pk=rule_id).first())


@dataclass
class PreviewDay:
    day: dt.date
    count: int


@dataclass
class RulePreview:
    """What a rule would do in the next days: touches per day (date rules: the customers the
    nightly run would pick; event rules: those already scheduled plus, as an estimate, how
    often the event happened in the last seven days) and a sample of the customers."""

    rule: CareRule
    days: list[PreviewDay] = field(default_factory=list)
    total: int = 0
    scheduled: int = 0
    estimate_last_week: int | None = None
    sample: list[Customer] = field(default_factory=list)


def _event_count(trigger: str, since: dt.datetime, visible: QuerySet[Customer]) -> int | None:
    """How often the event happened for visible customers since `since` (None: unknown, the
    event comes from an app above care or by hand)."""
    ids = visible.values("pk")
    if trigger == Trigger.CUSTOMER_CREATED:
        return visible.filter(created_at__gte=since).count()
    if trigger == Trigger.VISIT_LOGGED:
        return FollowUp.objects.filter(
            customer__in=ids,
            at__gte=since,
            channel__in=[FollowUp.Channel.VISIT, FollowUp.Channel.SHOWROOM],
        ).count()
    if trigger == Trigger.STAGE_CHANGED:
        return StageMove.objects.filter(customer__in=ids, at__gte=since).count()
    if trigger == Trigger.QUOTE_REFUSED:
        return (
            Objection.objects.filter(
                customer__in=ids,
                type=Objection.Type.PRICE,
                followup__at__gte=since,
                followup__next_contact_at__isnull=False,
            )
            .values("followup_id")
            .distinct()
            .count()
        )
    if trigger == Trigger.CONTRACT_SIGNED:
        return Contract.objects.filter(
            customer__in=ids, signed_on__gte=since.date(), status__in=dates.SIGNED
        ).count()
    if trigger == Trigger.DELIVERY_PLANNED:
        return (
            DeliveryPlan.objects.filter(
                order__contract__customer__in=ids, order__created_at__gte=since
            )
            .values("order_id")
            .distinct()
            .count()
        )
    if trigger == Trigger.DELIVERY_DONE:
        return Delivery.objects.filter(
            plan__order__contract__customer__in=ids, created_at__gte=since
        ).count()
    if trigger == Trigger.PAYMENT_RECEIVED:
        return Payment.objects.filter(
            customer__in=ids, created_at__gte=since, status=Payment.Status.CONFIRMED
        ).count()
    return None


def rule_preview(
    *,
    user: User | AnonymousUser,
    rule: CareRule,
    today: dt.date | None = None,
    days: int = PREVIEW_DAYS,
) -> RulePreview:
    """The preview of `rule` as it stands (saved or not: the form previews unsaved values)."""
    rules_permission_check(user=user)
    today = today or timezone.localdate()
    visible = Customer.objects.visible_to(user).filter(deleted_at__isnull=True)
    preview = RulePreview(rule=rule)
    sample_ids: list[int] = []
    window_end = timezone.now() + dt.timedelta(days=days)
    if rule.pk:
        scheduled = CareTouch.objects.filter(
            rule_id=rule.pk,
            status=CareTouch.Status.SCHEDULED,
            due_at__lte=window_end,
            customer__in=visible.values("pk"),
        )
        preview.scheduled = scheduled.count()
        sample_ids.extend(scheduled.values_list("customer_id", flat=True)[:SAMPLE_SIZE])
    if rule.trigger in Trigger.event_triggers():
        since = timezone.now() - dt.timedelta(days=days)
        preview.estimate_last_week = _event_count(rule.trigger, since, visible)
        preview.total = preview.scheduled
    else:
        seen: set[tuple[int, str]] = set()
        for offset in range(days):
            day = today + dt.timedelta(days=offset)
            count = 0
            for rows in dates.rule_rows(rule=rule, today=day):
                picked = rows.filter(t_customer__in=visible.values("pk"))
                keys = list(picked.values_list("t_customer", "t_occurrence")[:50_000])
                fresh = [key for key in keys if key not in seen]
                if rule.pk:
                    # what an earlier run recorded is not done again
                    done = set(
                        CareTouch.objects.filter(
                            rule_id=rule.pk,
                            customer_id__in=[customer for customer, _o in fresh],
                        ).values_list("customer_id", "occurrence")
                    )
                    fresh = [key for key in fresh if key not in done]
                seen.update(fresh)
                count += len(fresh)
                sample_ids.extend(customer for customer, _o in fresh[:SAMPLE_SIZE])
            preview.days.append(PreviewDay(day=day, count=count))
        preview.total = sum(day.count for day in preview.days) + preview.scheduled
    unique = list(dict.fromkeys(sample_ids))[:SAMPLE_SIZE]
    by_id = {customer.pk: customer for customer in visible.filter(pk__in=unique)}
    preview.sample = [by_id[pk] for pk in unique if pk in by_id]
    return preview


def customer_touches(*, customer: Customer, limit: int = 20) -> list[CareTouch]:
    """A customer's latest touches (the 360 page's care panel)."""
    return list(
        CareTouch.objects.filter(customer=customer)
        .select_related("rule")
        .order_by("-due_at", "-id")[:limit]
    )


def rule_when(rule: CareRule) -> str:
    """The rule's offset in words: "72 hours before", "1 day after", "at once"."""
    count = abs(rule.offset)
    if count == 0:
        text = _("at once")
    elif rule.offset_unit == CareRule.Unit.DAYS:
        text = (
            ngettext("%(count)d day before", "%(count)d days before", count)
            if rule.offset < 0
            else ngettext("%(count)d day after", "%(count)d days after", count)
        ) % {"count": count}
    else:
        text = (
            ngettext("%(count)d hour before", "%(count)d hours before", count)
            if rule.offset < 0
            else ngettext("%(count)d hour after", "%(count)d hours after", count)
        ) % {"count": count}
    if rule.business_hours:
        text = _("%(when)s, in business hours") % {"when": text}
    return str(text)
