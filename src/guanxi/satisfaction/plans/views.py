"""Improvement action plan pages (SAT-4) and the owner's work-list section. Thin."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import PermissionDenied
from guanxi.core.http import redirect_to_saved
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import ActionPlan, Factor, SurveyTemplate
from guanxi.satisfaction.plans import selectors, services
from guanxi.satisfaction.plans.forms import PlanForm


def _template() -> SurveyTemplate | None:
    return SurveyTemplate.objects.filter(active=True).order_by("id").first()


def _factors(template: SurveyTemplate | None) -> list[tuple[str, str]]:
    if template is None:
        return []
    english = translation.get_language() == "en"
    seen: dict[str, str] = {}
    for code, name, name_en in (
        Factor.objects.filter(version__template=template)
        .order_by("-version__number", "sort_order")
        .values_list("code", "name", "name_en")
    ):
        seen.setdefault(code, (name_en or name) if english else name)
    return list(seen.items())


def _users(*, plan: ActionPlan | None = None) -> list[User]:
    """Who may own or supervise a plan; a plan's own people too once they have left, so that
    its form shows them (the service then asks for someone still here) rather than handing
    the plan to whoever comes first in the list."""
    people = list(User.objects.filter(is_active=True).order_by("username")[:500])
    if plan is not None:
        shown = {user.pk for user in people}
        named = (plan.owner_id, plan.supervisor_id)
        kept = {pk for pk in named if pk is not None and pk not in shown}
        people += list(User.objects.filter(pk__in=kept).order_by("username"))
    return people


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    return render(
        request,
        "satisfaction/plans/list.html",
        {
            "rows": selectors.plan_rows(user=request.user, status=status),
            "status": status,
            "statuses": ActionPlan.Status.choices,
            "can_create": user_can(user=request.user, permission=permissions.PLANS),
            "today": timezone.localdate(),
        },
    )


def _data(form: PlanForm, template: SurveyTemplate) -> services.PlanData:
    d = form.cleaned_data
    return services.PlanData(
        template_id=template.pk,
        factor_code=d["factor_code"],
        item=d["item"],
        period=d["period"],
        last_score=d["last_score"],
        target=d["target"],
        cause=d["cause"],
        measure=d["measure"],
        owner_id=d["owner_id"],
        supervisor_id=d["supervisor_id"],
        due_date=d["due_date"],
        status=d["status"],
    )


def _plan_saved(
    request: HttpRequest, form: PlanForm, save: Callable[[dict[str, Any]], ActionPlan]
) -> HttpResponse | None:
    """Both plan forms go on to the saved plan's page."""
    return redirect_to_saved(
        request,
        form,
        save,
        done=_("The action plan is saved."),
        detail="satisfaction:plan_edit",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    if not user_can(user=request.user, permission=permissions.PLANS):
        raise PermissionDenied()
    template = _template()
    factors = _factors(template)
    form = PlanForm(
        request.POST or None,
        factors=factors,
        users=_users(),
        initial={
            "factor_code": request.GET.get("factor", ""),
            "last_score": request.GET.get("score", ""),
            "period": request.GET.get("period", ""),
            "item": request.GET.get("item", ""),
        },
    )
    if template is not None:
        saved = _plan_saved(
            request,
            form,
            lambda data: services.action_plan_create(
                actor=request_user(request), data=_data(form, template)
            ),
        )
        if saved is not None:
            return saved
    status = 422 if request.method == "POST" else 200
    return render(
        request, "satisfaction/plans/form.html", {"form": form, "plan": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for_user(user=request.user, plan_id=pk)
    can_change = (
        ActionPlan.objects.editable_by(request.user, action=permissions.PLANS)
        .filter(pk=plan.pk)
        .exists()
    )
    initial = {
        "factor_code": plan.factor_code,
        "item": plan.item,
        "period": plan.period,
        "last_score": plan.last_score,
        "target": plan.target,
        "cause": plan.cause,
        "measure": plan.measure,
        "owner_id": plan.owner_id,
        "supervisor_id": plan.supervisor_id,
        "due_date": plan.due_date,
        "status": plan.status,
    }
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        factors=_factors(plan.template),
        users=_users(plan=plan),
        initial=initial,
    )
    if request.method == "POST" and not can_change:
        raise PermissionDenied()
    saved = _plan_saved(
        request,
        form,
        lambda data: services.action_plan_update(
            actor=request_user(request), plan_id=plan.pk, data=_data(form, plan.template)
        ),
    )
    if saved is not None:
        return saved
    row = selectors.plan_rows_for(plans=[plan])[0]
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "satisfaction/plans/form.html",
        {"form": form, "plan": plan, "row": row, "can_change": can_change},
        status=status,
    )


def worklist_section(*, request: HttpRequest, user: Any, **kwargs: Any) -> SafeString | str:
    """The person's open action plans due within a week, on their work list."""
    plans = selectors.due_for_owner(user=user)
    if not plans:
        return ""
    return render_to_string(
        "satisfaction/plans/worklist.html",
        {"plans": plans, "today": timezone.localdate()},
        request=request,
    )
