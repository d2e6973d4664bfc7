"""The complaints' set-up as data (CMP-1, CMP-2): categories and sub-items, routing rules, SLA
targets and the settings row. Every change needs service.complaint_setup, is audited and
refuses bad input with field errors."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed, invalid_field
from guanxi.sales.models import Product
from guanxi.service.common import permissions
from guanxi.service.models import (
    ComplaintCategory,
    ComplaintRoute,
    ComplaintSettings,
    Severity,
    SlaTarget,
)

MAX_MINUTES = 60 * 24 * 365


def _check(actor: User) -> None:
    if not user_can(user=actor, permission=permissions.COMPLAINT_SETUP):
        raise PermissionDenied(_("You may not set up complaints."))


def _audit(actor: User, target: Any, summary: str) -> None:
    audit_record(actor=actor, action="service.complaint_setup", target=target, summary=summary)


def _set_active[R: ComplaintCategory | ComplaintRoute](
    actor: User, model: type[R], pk: int, active: bool, *, label: Callable[[R], str]
) -> R:
    """Switch a category or a routing rule on or off, audited as "<label>: on/off" when it
    changes."""
    _check(actor)
    record = cast(R | None, model.objects.select_for_update().filter(pk=pk).first())
    if record is None:
        raise NotFound()
    if record.active != active:
        record.active = active
        record.save(update_fields=["active"])
        _audit(actor, record, f"{label(record)}: {'on' if active else 'off'}")
    return record


def _minutes(value: int, field: str) -> int:
    if not 1 <= value <= MAX_MINUTES:
        raise invalid_field(field, _("Between 1 minute and one year."))
    return value


@dataclass(frozen=True)
class CategoryInput:
    name: str
    name_en: str = ""
    code: str = ""
    parent_id: int | None = None
    active: bool = True
    sort_order: int = 0


@transaction.atomic
def category_save(
    *, actor: User, data: CategoryInput, category_id: int | None = None
) -> ComplaintCategory:
    """A new category or sub-item, or changes to one (its code and parent stay)."""
    _check(actor)
    name = data.name.strip()
    if not name:
        raise invalid_field("name", _("Give it a name."))
    if category_id is not None:
        category = ComplaintCategory.objects.select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFound()
    else:
        parent = None
        if data.parent_id is not None:
            parent = ComplaintCategory.objects.filter(
                pk=data.parent_id, parent__isnull=True
            ).first()
            if parent is None:
                raise invalid_field("parent_id", _("Choose a category (not a sub-item)."))
        code = slugify(data.code.strip()).replace("-", "_")[:40]
        if not code:
            raise invalid_field("code", _("Give it a code of letters, digits and _."))
        if ComplaintCategory.objects.filter(code=code).exists():
            raise invalid_field("code", _("This code is taken."))
        category = ComplaintCategory(code=code, parent=parent)
    category.name = name[:80]
    category.name_en = data.name_en.strip()[:120]
    category.active = data.active
    category.sort_order = max(0, data.sort_order)
    category.save()
    _audit(actor, category, category.name)
    return category


@transaction.atomic
def category_set_active(*, actor: User, category_id: int, active: bool) -> ComplaintCategory:
    """Switch a category or sub-item off (new complaints cannot choose it; logged ones keep
    it) or on again."""
    return _set_active(
        actor, ComplaintCategory, category_id, active, label=lambda category: category.name
    )


@dataclass(frozen=True)
class RouteInput:
    to_user_id: int | None = None
    to_department_id: int | None = None
    category_id: int | None = None
    product_id: int | None = None
    customer_department_id: int | None = None
    priority: int = 100


@transaction.atomic
def route_create(*, actor: User, data: RouteInput) -> ComplaintRoute:
    _check(actor)
    errors: dict[str, list[str]] = {}
    if (data.to_user_id is None) == (data.to_department_id is None):
        errors["to_user_id"] = [_("Choose a user or a department's queue.")]
    if data.to_user_id and not User.objects.filter(pk=data.to_user_id, is_active=True).exists():
        errors["to_user_id"] = [_("Choose an active user.")]
    for field, model in (
        ("to_department_id", Department),
        ("customer_department_id", Department),
        ("product_id", Product),
    ):
        value = getattr(data, field)
        if value is not None and not model.objects.filter(pk=value).exists():
            errors[field] = [_("Not a valid choice.")]
    if (
        data.category_id is not None
        and not ComplaintCategory.objects.filter(pk=data.category_id, parent__isnull=True).exists()
    ):
        errors["category_id"] = [_("Choose a category.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    route = ComplaintRoute.objects.create(
        priority=max(0, min(data.priority, 32767)),
        category_id=data.category_id,
        product_id=data.product_id,
        customer_department_id=data.customer_department_id,
        to_user_id=data.to_user_id,
        to_department_id=data.to_department_id,
    )
    _audit(actor, route, str(route))
    return route


@transaction.atomic
def route_set_active(*, actor: User, route_id: int, active: bool) -> ComplaintRoute:
    """Switch a routing rule off (new complaints pass it by) or on again, keeping its place."""
    return _set_active(actor, ComplaintRoute, route_id, active, label=str)


@transaction.atomic
def route_delete(*, actor: User, route_id: int) -> None:
    _check(actor)
    route = ComplaintRoute.objects.filter(pk=route_id).first()
    if route is None:
        raise NotFound()
    _audit(actor, route, str(route))
    route.delete()


@transaction.atomic
def sla_target_set(
    *,
    actor: User,
    category_id: int | None,
    severity: str,
    respond_minutes: int,
    resolve_minutes: int,
) -> SlaTarget:
    """Set the targets of a category (None: any) and severity ("": any); new complaints use
    them, logged ones keep their deadlines."""
    _check(actor)
    if severity and severity not in Severity.values:
        raise invalid_field("severity", _("Not a valid choice."))
    if (
        category_id is not None
        and not ComplaintCategory.objects.filter(pk=category_id, parent__isnull=True).exists()
    ):
        raise invalid_field("category_id", _("Choose a category."))
    respond = _minutes(respond_minutes, "respond_minutes")
    resolve = _minutes(resolve_minutes, "resolve_minutes")
    if resolve < respond:
        raise invalid_field("resolve_minutes", _("Resolving cannot take less than responding."))
    try:
        target, _created = SlaTarget.objects.update_or_create(
            category_id=category_id,
            severity=severity,
            defaults={"respond_minutes": respond, "resolve_minutes": resolve},
        )
    except IntegrityError:  # a concurrent first save of the same pair
        raise invalid_field("severity", _("Saved by someone else just now; try again.")) from None
    _audit(actor, target, f"{respond}/{resolve}")
    return target


@transaction.atomic
def sla_target_clear(*, actor: User, category_id: int | None, severity: str) -> None:
    """Remove the target of a category and severity, so that the next more general one
    applies again. The default row (any category, any severity) stays: change it instead."""
    _check(actor)
    if category_id is None and not severity:
        raise invalid_field("severity", _("The default target stays; change it instead."))
    target = SlaTarget.objects.filter(category_id=category_id, severity=severity).first()
    if target is None:
        raise NotFound()
    _audit(actor, target, f"{target}: -")
    target.delete()


@transaction.atomic
def settings_update(
    *,
    actor: User,
    route_minutes: int | None = None,
    next_level_minutes: int | None = None,
    compensation_approval_above: Any = None,
) -> ComplaintSettings:
    _check(actor)
    row, _created = ComplaintSettings.objects.select_for_update().get_or_create(pk=1)
    if route_minutes is not None:
        row.route_minutes = _minutes(route_minutes, "route_minutes")
    if next_level_minutes is not None:
        row.next_level_minutes = _minutes(next_level_minutes, "next_level_minutes")
    if compensation_approval_above is not None:
        try:
            amount = Decimal(str(compensation_approval_above))
        except (InvalidOperation, ValueError):
            raise invalid_field(
                "compensation_approval_above", _("Enter an amount such as 300.00.")
            ) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise invalid_field("compensation_approval_above", _("Enter an amount above zero."))
        if amount != amount.quantize(Decimal("0.01")):
            raise invalid_field("compensation_approval_above", _("At most two decimal places."))
        row.compensation_approval_above = amount
    row.save()
    _audit(actor, row, f"{row.route_minutes}/{row.next_level_minutes}")
    return row
