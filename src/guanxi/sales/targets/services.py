"""Setting sales targets (业绩目标, ORD-8).

A user with `sales.targets` sets targets for the users and departments in their data scope:
one value per user or department, period (month, quarter, year), period start and measure
(signed amount, collected amount, new customers). Setting again updates the value; the
period start is normalised to the first day of the period. Values are ≥ 0; money to the
fen, new customers a whole number. Every change is audited.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import departments_in_scope, user_can, users_in_scope
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.sales.common import money
from guanxi.sales.common.permissions import SET_TARGETS
from guanxi.sales.models import SalesTarget
from guanxi.sales.targets.selectors import period_start

AUDIT_SET = "sales.target_set"
AUDIT_CLEAR = "sales.target_clear"

Period = SalesTarget.Period
Metric = SalesTarget.Metric


def _check_actor(actor: User, *, user: User | None, department: Department | None) -> None:
    if not user_can(user=actor, permission=SET_TARGETS):
        raise PermissionDenied(_("You may not set sales targets."))
    if (user is None) == (department is None):
        raise ValidationFailed(
            field_errors={"subject": [_("Choose either a user or a department.")]}
        )
    if user is not None and not users_in_scope(user=actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("You may only set targets for users in your data scope."))
    if (
        department is not None
        and not departments_in_scope(user=actor).filter(pk=department.pk).exists()
    ):
        raise PermissionDenied(_("You may only set targets for departments in your data scope."))


def _clean_period(period: str, starts_on: dt.date | str | None) -> tuple[str, dt.date]:
    errors: dict[str, list[str]] = {}
    if period not in Period.values:
        errors["period"] = [_("Choose month, quarter or year.")]
    if isinstance(starts_on, str):
        try:
            starts_on = dt.date.fromisoformat(starts_on)
        except ValueError:
            starts_on = None
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = [_("Enter a valid date.")]
    if errors or not isinstance(starts_on, dt.date):
        raise ValidationFailed(field_errors=errors)
    return period, period_start(period=period, day=starts_on)


def _clean_value(metric: str, value: object, *, field: str = "value") -> Decimal:
    if metric not in Metric.values:
        raise ValidationFailed(field_errors={"metric": [_("Choose a valid measure.")]})
    if isinstance(value, float):
        value = repr(value)  # the API's JSON numbers; parsed as text, never float arithmetic
    try:
        number = money.to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(field_errors={field: [_("Enter a number.")]}) from None
    if number < 0:
        raise ValidationFailed(field_errors={field: [_("A target must not be negative.")]})
    if number > money.MAX_AMOUNT:
        raise ValidationFailed(field_errors={field: [_("This number is too large.")]})
    if metric == Metric.NEW_CUSTOMERS:
        if number != number.to_integral_value():
            raise ValidationFailed(field_errors={field: [_("Enter a whole number of customers.")]})
        return number.quantize(Decimal("1")).quantize(money.FEN)
    if number != money.fen(number):
        raise ValidationFailed(field_errors={field: [_("Enter an amount to the fen (0.01).")]})
    return money.fen(number)


def _slot(
    *, user: User | None, department: Department | None, period: str, starts_on: dt.date
) -> dict[str, Any]:
    """Whose targets and for which period; with a measure added, what names one target."""
    subject = {"user": user} if user is not None else {"department": department}
    return {"period": period, "starts_on": starts_on, **subject}


def _audit_detail(target: SalesTarget, **values: str | None) -> dict[str, Any]:
    """What the audit log keeps of a target set or cleared: whose, when, which measure."""
    return {
        "user": target.user_id,
        "department": target.department_id,
        "period": target.period,
        "starts_on": target.starts_on.isoformat(),
        "metric": target.metric,
        **values,
    }


def _write(*, actor: User, key: Mapping[str, Any], value: Decimal) -> SalesTarget:
    existing = SalesTarget.objects.select_for_update().filter(**key).first()
    before = str(existing.value) if existing is not None else None
    if existing is None:
        target = SalesTarget.objects.create(**key, value=value, set_by=actor)
    else:
        target = existing
        if target.value == value:
            return target
        target.value = value
        target.set_by = actor
        target.save(update_fields=["value", "set_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AUDIT_SET,
        target=target,
        changes={"value": (before, value)},
        detail=_audit_detail(target, before=before, after=str(value)),
    )
    return target


@transaction.atomic
def target_set(
    *,
    actor: User,
    period: str,
    starts_on: dt.date | str | None,
    metric: str,
    value: Decimal | str | int | float | None,
    user: User | None = None,
    department: Department | None = None,
) -> SalesTarget:
    """Create or update one target; returns it."""
    _check_actor(actor, user=user, department=department)
    period, starts_on = _clean_period(period, starts_on)
    cleaned = _clean_value(metric, value)
    slot = _slot(user=user, department=department, period=period, starts_on=starts_on)
    return _write(actor=actor, key={**slot, "metric": metric}, value=cleaned)


@transaction.atomic
def target_clear(*, actor: User, target: SalesTarget) -> None:
    """Remove a target (no target for that measure and period any more)."""
    _check_actor(actor, user=target.user, department=target.department)
    SalesTarget.objects.filter(pk=target.pk).delete()
    audit_record(
        actor=actor,
        action=AUDIT_CLEAR,
        target=target,
        changes={"value": (target.value, None)},
        detail=_audit_detail(target, before=str(target.value)),
    )


@transaction.atomic
def targets_save(
    *,
    actor: User,
    period: str,
    starts_on: dt.date | str | None,
    values: Mapping[Metric, Decimal | str | int | float | None],
    user: User | None = None,
    department: Department | None = None,
) -> list[SalesTarget]:
    """Set the three measures of one user or department for one period at once (the targets
    page). `values` maps metric → value; a blank value removes that target. Every value is
    checked before anything is written."""
    _check_actor(actor, user=user, department=department)
    period, starts_on = _clean_period(period, starts_on)
    cleaned: dict[Metric, Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    for metric, value in values.items():
        if metric not in Metric.values:
            errors[metric] = [_("Choose a valid measure.")]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[metric] = None
            continue
        try:
            cleaned[metric] = _clean_value(metric, value, field=metric)
        except ValidationFailed as error:
            errors.update(error.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    slot = _slot(user=user, department=department, period=period, starts_on=starts_on)
    saved = []
    for metric, value in cleaned.items():
        key = {**slot, "metric": metric}
        if value is None:
            existing = SalesTarget.objects.filter(**key).first()
            if existing is not None:
                target_clear(actor=actor, target=existing)
            continue
        saved.append(_write(actor=actor, key=key, value=value))
    return saved
