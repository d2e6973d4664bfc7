"""The date triggers (CARE-2) as sets: for a rule and a day, the query of the customers it
owes a touch, with the occurrence of each. The nightly run inserts them in one
INSERT … SELECT … ON CONFLICT DO NOTHING per rule (no row travels through Python, so 1M
customers take seconds); the preview counts the same query for the next seven days.

The trigger's day is the day whose moment (10:00 local) plus the rule's offset falls on the
day evaluated: a reminder three days before the maintenance date looks at assets due three
days ahead."""

import calendar
import datetime as dt
from typing import Any

from django.db.models import CharField, DateTimeField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from guanxi.care.models import CareRule, CareTouch, InstalledAsset, Trigger
from guanxi.care.rules import schedule
from guanxi.core.sql import insert_select
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Grade, Prospect
from guanxi.sales.models import Contract

SIGNED = [Contract.Status.SIGNED, Contract.Status.EXECUTING, Contract.Status.COMPLETED]
DEFAULT_NO_CONTACT_DAYS = 30
DEFAULT_PER_MONTH = 2


def trigger_day(*, rule: CareRule, today: dt.date) -> dt.date:
    """The day of the trigger whose touch is due `today`."""
    moment = schedule.day_moment(today) - schedule.offset_delta(
        offset=rule.offset, unit=rule.offset_unit
    )
    return moment.astimezone(schedule.local_zone()).date()


def upkeep_window(*, day: dt.date, per_month: int) -> tuple[int, dt.date]:
    """The upkeep window (1-based) of `day` when a month is cut in `per_month` equal parts,
    and the window's first day."""
    days = calendar.monthrange(day.year, day.month)[1]
    per_month = max(1, min(per_month, days))
    index = (day.day - 1) * per_month // days
    first = next(d for d in range(1, days + 1) if (d - 1) * per_month // days == index)
    return index + 1, day.replace(day=first)


def _same_day(prefix: str, day: dt.date) -> Q:
    q = Q(**{f"{prefix}__month": day.month, f"{prefix}__day": day.day})
    # the 29th of February comes on the 28th in the other years
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        q |= Q(**{f"{prefix}__month": 2, f"{prefix}__day": 29})
    return q


def holiday_days(params: dict[str, Any]) -> list[tuple[int, int] | dt.date]:
    found: list[tuple[int, int] | dt.date] = []
    for text in params.get("dates") or []:
        text = str(text)
        if len(text) == 10:
            found.append(dt.date.fromisoformat(text))
        else:
            month, day = text.split("-")
            found.append((int(month), int(day)))
    return found


def _is_holiday(params: dict[str, Any], day: dt.date) -> bool:
    for holiday in holiday_days(params):
        if isinstance(holiday, dt.date):
            if holiday == day:
                return True
        elif holiday == (day.month, day.day):
            return True
    return False


def _customers(rule: CareRule) -> QuerySet[Customer]:
    customers = Customer.objects.filter(deleted_at__isnull=True)
    categories = (rule.params or {}).get("categories")
    if categories:
        customers = customers.filter(category__in=categories)
    return customers


def customer_rows(
    *, rule: CareRule, customers: QuerySet[Customer], occurrence: Any, due: dt.datetime
) -> QuerySet[Any]:
    """The touch rows of `customers` as a query: rule, customer, occurrence, due."""
    if isinstance(occurrence, str):
        occurrence = Value(occurrence, output_field=CharField())
    return customers.annotate(
        t_rule=Value(rule.pk, output_field=IntegerField()),
        t_customer=F("pk"),
        t_occurrence=occurrence,
        t_due=Value(due, output_field=DateTimeField()),
    )


def _asset_rows(
    *, rule: CareRule, assets: QuerySet[InstalledAsset], suffix: str, due: dt.datetime
) -> QuerySet[Any]:
    categories = (rule.params or {}).get("categories")
    assets = assets.filter(retired_on__isnull=True, customer__deleted_at__isnull=True)
    if categories:
        assets = assets.filter(customer__category__in=categories)
    return assets.annotate(
        t_rule=Value(rule.pk, output_field=IntegerField()),
        t_customer=F("customer_id"),
        t_occurrence=Concat(
            Value("asset:"), Cast("pk", CharField()), Value(suffix), output_field=CharField()
        ),
        t_due=Value(due, output_field=DateTimeField()),
    )


def rule_rows(*, rule: CareRule, today: dt.date) -> list[QuerySet[Any]]:
    """The row queries of a date rule for the touches due `today` (empty: none today)."""
    day = trigger_day(rule=rule, today=today)
    due = schedule.touch_due_at(rule=rule, moment=schedule.day_moment(day))
    params = rule.params or {}
    trigger = rule.trigger

    # every touch of one evaluation shares the rule and the due moment
    def customer_touches(customers: QuerySet[Customer], occurrence: Any) -> QuerySet[Any]:
        return customer_rows(rule=rule, customers=customers, occurrence=occurrence, due=due)

    def asset_touches(assets: QuerySet[InstalledAsset], suffix: str) -> QuerySet[Any]:
        return _asset_rows(rule=rule, assets=assets, suffix=suffix, due=due)

    if trigger == Trigger.BIRTHDAY:
        birthdays = _customers(rule).filter(_same_day("birth_date", day))
        return [customer_touches(birthdays, f"birthday:{day.year}")]
    if trigger == Trigger.PURCHASE_ANNIVERSARY:
        delivered = InstalledAsset.objects.filter(
            _same_day("delivered_on", day), delivered_on__year__lt=day.year, retired_on__isnull=True
        ).values("customer_id")
        signed = Contract.objects.filter(
            _same_day("signed_on", day), signed_on__year__lt=day.year, status__in=SIGNED
        ).values("customer_id")
        occurrence = f"anniversary:{day.year}"
        return [
            customer_touches(_customers(rule).filter(pk__in=delivered), occurrence),
            customer_touches(_customers(rule).filter(pk__in=signed), occurrence),
        ]
    if trigger == Trigger.HOLIDAY:
        if not _is_holiday(params, day):
            return []
        return [customer_touches(_customers(rule), f"holiday:{day.isoformat()}")]
    if trigger == Trigger.NO_CONTACT:
        days = int(params.get("days") or DEFAULT_NO_CONTACT_DAYS)
        since = schedule.day_moment(day) - dt.timedelta(days=days)
        last = Coalesce("prospect__last_followup_at", "created_at")
        silent = (
            _customers(rule)
            .annotate(t_last=last)
            .filter(t_last__lt=since)
            .annotate(t_since=TruncDate("t_last"))
        )
        since_day = Concat(Value("silent:"), Cast("t_since", CharField()), output_field=CharField())
        return [customer_touches(silent, since_day)]
    if trigger == Trigger.UPKEEP:
        per_month = int(params.get("per_month") or DEFAULT_PER_MONTH)
        index, first = upkeep_window(day=day, per_month=per_month)
        window_start = schedule.day_moment(first).replace(hour=0)
        # E class (成交客户, seed 002) not contacted yet in this part of the month
        contacted = Prospect.objects.filter(
            grade=Grade.E, last_followup_at__gte=window_start
        ).values("customer_id")
        e_class = Prospect.objects.filter(grade=Grade.E).values("customer_id")
        not_contacted = _customers(rule).filter(pk__in=e_class).exclude(pk__in=contacted)
        return [customer_touches(not_contacted, f"upkeep:{day:%Y-%m}#{index}")]
    if trigger == Trigger.MAINTENANCE_DUE:
        maintenance = InstalledAsset.objects.filter(next_maintenance_on=day)
        return [asset_touches(maintenance, f":maintenance:{day.isoformat()}")]
    if trigger == Trigger.WARRANTY_ENDING:
        return [asset_touches(InstalledAsset.objects.filter(warranty_ends_on=day), ":warranty")]
    return []


def touches_insert(*, rule: CareRule, rows: QuerySet[Any]) -> int:
    """INSERT … SELECT the rows, skipping those recorded before; the count inserted."""
    return insert_select(
        CareTouch,
        rows,
        {
            "rule": F("t_rule"),
            "customer": F("t_customer"),
            "occurrence": F("t_occurrence"),
            "due_at": F("t_due"),
            "status": Value(CareTouch.Status.SCHEDULED),
            "reason": Value(""),
            "created_at": Value(dt.datetime.now(dt.UTC), output_field=DateTimeField()),
        },
        ignore_conflicts=("rule", "customer", "occurrence"),
    )


def rule_evaluate(*, rule: CareRule, today: dt.date) -> int:
    return sum(touches_insert(rule=rule, rows=rows) for rows in rule_rows(rule=rule, today=today))
