"""Pages of care plans (CARE-2): the rules as the seed's touch-point table, the rule form
with its preview (what the rule would do in the next 7 days, shown before a change is saved
or a rule switched on), and the bad-weather notice issued by hand. Thin: parse, call a
service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.care.models import CareRule, Trigger
from guanxi.care.rules import selectors, services
from guanxi.care.rules.forms import RuleForm
from guanxi.care.rules.validation import RuleInput, rule_clean
from guanxi.core.errors import ValidationFailed
from guanxi.core.http import notice_text
from guanxi.customers.models import Customer


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(selectors.rules_list(user=request.user))
    for rule in rules:
        rule.when = selectors.rule_when(rule)  # type: ignore[attr-defined]
    weather_on = any(rule.trigger == Trigger.WEATHER and rule.enabled for rule in rules)
    return render(request, "care/rules/list.html", {"rules": rules, "weather_on": weather_on})


def _draft(rule: CareRule | None, data: RuleInput) -> CareRule:
    """The rule as the form would save it, unsaved (for the preview)."""
    base = rule or CareRule(name="", trigger="", action="", channel="")
    cleaned = rule_clean(data=data, rule=base)
    draft = CareRule(pk=base.pk) if base.pk else CareRule()
    for name in ("code", "sort_order"):
        setattr(draft, name, getattr(base, name))
    for name, value in cleaned.items():
        setattr(draft, name, value)
    return draft


def _rule_form(request: HttpRequest, rule: CareRule | None) -> HttpResponse:
    if rule is None:
        selectors.rules_permission_check(user=request.user)
    preview = None
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST)
        step = request.POST.get("step", "preview")
        if form.is_valid():
            data = form.rule_input()
            try:
                if step == "save":
                    if rule is None:
                        saved = services.rule_create(actor=request_user(request), data=data)
                    else:
                        saved = services.rule_update(
                            actor=request_user(request), rule=rule, data=data
                        )
                    messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
                    return redirect("care:rule_list")
                preview = selectors.rule_preview(user=request.user, rule=_draft(rule, data))
            except ValidationFailed as exc:
                form.show_errors(exc.field_errors)
                if exc.message and not exc.field_errors:
                    form.add_error(None, str(exc.message))
                status = 422
        else:
            status = 422
    else:
        form = RuleForm(initial=RuleForm.initial_for(rule) if rule else {"enabled": False})
    return render(
        request,
        "care/rules/form.html",
        {"form": form, "rule": rule, "preview": preview},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, selectors.rule_for_user(user=request.user, rule_id=pk))


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_switch(request: HttpRequest, pk: int) -> HttpResponse:
    """Switching off is immediate; switching on shows the preview first (GET), then POST."""
    rule = selectors.rule_for_user(user=request.user, rule_id=pk)
    if request.method == "GET":
        preview = selectors.rule_preview(user=request.user, rule=rule)
        return render(request, "care/rules/switch_on.html", {"rule": rule, "preview": preview})
    enabled = request.POST.get("enabled") == "1"
    try:
        services.rule_set_enabled(actor=request_user(request), rule=rule, enabled=enabled)
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
        return redirect("care:rule_edit", pk=rule.pk)
    if enabled:
        messages.success(request, _("Rule “%(name)s” switched on.") % {"name": rule.display_name})
    else:
        messages.success(request, _("Rule “%(name)s” switched off.") % {"name": rule.display_name})
    return redirect("care:rule_list")


@login_required
@require_POST
def weather_issue(request: HttpRequest) -> HttpResponse:
    """The bad-weather notice for the customers of a city (or all) the user may see."""
    city = request.POST.get("city", "").strip()[:30]
    chosen = None
    if city:
        chosen = Customer.objects.visible_to(request.user).filter(city=city)
    try:
        count = services.weather_fire(
            actor=request_user(request), customers=chosen, at=timezone.now()
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        return redirect("care:rule_list")
    messages.success(
        request, _("Bad-weather notice issued to %(count)d customers.") % {"count": count}
    )
    return redirect("care:rule_list")
