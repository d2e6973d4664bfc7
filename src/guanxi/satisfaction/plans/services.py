"""Writes of improvement action plans (SAT-4, seed 003 §3.2.2): create with the seed table's
columns, change (status included). Creating needs the plans permission; the owner of a plan
may change it (their own record), others need the permission too."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, ValidationFailed, found
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import ActionPlan, Factor, SurveyTemplate

TEXT_LIMIT = 2000


@dataclass(frozen=True)
class PlanData:
    template_id: int
    factor_code: str
    item: str
    period: dt.date | None
    last_score: Any
    target: Any
    cause: str
    measure: str
    owner_id: int | None
    supervisor_id: int | None
    due_date: dt.date | None
    status: str = ActionPlan.Status.OPEN


def _decimal(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[name] = [_("A number, please.")]
        return None
    if not number.is_finite() or not Decimal("-100") <= number <= Decimal("100"):
        errors[name] = [_("Between -100 and 100.")]
        return None
    return number.quantize(Decimal("0.01"))


def _user(
    user_id: int | None, name: str, errors: dict[str, list[str]], *, required: bool
) -> User | None:
    if user_id is None:
        if required:
            errors[name] = [_("Choose a person.")]
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        errors[name] = [_("Choose an active user.")]
    return user


def _clean(data: PlanData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    template = SurveyTemplate.objects.filter(pk=data.template_id).first()
    if template is None:
        errors["template_id"] = [_("Choose a survey template.")]
    elif not Factor.objects.filter(version__template=template, code=data.factor_code).exists():
        errors["factor_code"] = [_("Choose a factor of the template.")]
    item = data.item.strip()
    if not item or len(item) > 200:
        errors["item"] = [_("Name the item (at most 200 characters).")]
    for name in ("cause", "measure"):
        text = getattr(data, name).strip()
        if not text:
            errors[name] = [_("This field is required.")]
        elif len(text) > TEXT_LIMIT:
            errors[name] = [_("At most 2,000 characters.")]
    if data.period is None:
        errors["period"] = [_("Give the month of the last score.")]
    if data.due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if data.status not in ActionPlan.Status.values:
        errors["status"] = [_("Choose a status.")]
    last_score = _decimal(data.last_score, "last_score", errors)
    target = _decimal(data.target, "target", errors)
    owner = _user(data.owner_id, "owner_id", errors, required=True)
    supervisor = _user(data.supervisor_id, "supervisor_id", errors, required=False)
    if errors:
        raise ValidationFailed(field_errors=errors)
    if owner is None or data.period is None:  # refused above
        raise ValidationFailed(field_errors=errors)
    return {
        "template": template,
        "factor_code": data.factor_code,
        "item": item,
        "period": data.period.replace(day=1),
        "last_score": last_score,
        "target": target,
        "cause": data.cause.strip(),
        "measure": data.measure.strip(),
        "owner": owner,
        "supervisor": supervisor,
        "department_id": owner.department_id,
        "due_date": data.due_date,
        "status": data.status,
    }


def action_plan_create(*, actor: User, data: PlanData) -> ActionPlan:
    if not user_can(user=actor, permission=permissions.PLANS):
        raise PermissionDenied()
    values = _clean(data)
    with transaction.atomic():
        plan = ActionPlan.objects.create(created_by=actor, **values)
        audit_record(actor=actor, action="satisfaction.plan_update", target=plan, summary=plan.item)
    return plan


def action_plan_update(*, actor: User, plan_id: int, data: PlanData) -> ActionPlan:
    with transaction.atomic():
        visible = ActionPlan.objects.visible_to(actor).filter(pk=plan_id)
        found(visible.first())
        plan: ActionPlan | None = (
            ActionPlan.objects.editable_by(actor, action=permissions.PLANS)
            .select_for_update()
            .filter(pk=plan_id)
            .first()
        )
        if plan is None:
            raise PermissionDenied()
        values = _clean(data)
        if values["owner"].pk != plan.owner_id and not user_can(
            user=actor, permission=permissions.PLANS
        ):
            raise ValidationFailed(
                field_errors={"owner_id": [_("Only who plans improvements may hand a plan on.")]}
            )
        changes = {
            name: (getattr(plan, name), value)
            for name, value in values.items()
            if getattr(plan, name) != value
        }
        for name, value in values.items():
            setattr(plan, name, value)
        plan.save()
        audit_record(
            actor=actor,
            action="satisfaction.plan_update",
            target=plan,
            summary=plan.item,
            changes={
                k: v for k, v in changes.items() if k not in ("template", "owner", "supervisor")
            },
        )
    return plan
