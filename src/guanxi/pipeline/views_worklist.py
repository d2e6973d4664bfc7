"""The work list (INT-4) and the stage/grade/MAN panel on the customer 360 page (INT-1/2,
ACQ-1 … ACQ-3). Thin: parse, call one service or selector, render."""

import importlib
import importlib.util

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import DomainError, ValidationFailed
from guanxi.customers.forms import service_errors_to_form
from guanxi.customers.models import Customer
from guanxi.customers.scope import editable_customers, visible_customers
from guanxi.pipeline import selectors, services
from guanxi.pipeline.forms import FollowUpForm, ManForm, objection_forms, objections_from
from guanxi.pipeline.models import Prospect, Stage
from guanxi.pipeline.pools import prospect_lock
from guanxi.pipeline.worklist_hooks import sections_html


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def script_suggester():
    """P4's pipeline.scripts.script_suggest, if that module exists (feature check)."""
    if importlib.util.find_spec("guanxi.pipeline.scripts") is None:
        return None
    module = importlib.import_module("guanxi.pipeline.scripts")
    return getattr(module, "script_suggest", None)


def _visible_customer(request, customer_id):
    customer = visible_customers(request.user).filter(pk=customer_id).first()
    if customer is None:
        raise Http404(_("Not found, or you may not see it."))
    return customer


def _error_text(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.field_errors.values() for m in msgs]
    if details and isinstance(exc, ValidationFailed):
        return " ".join(details)
    return str(exc.message)


def _back_to_360(customer_id):
    return redirect(reverse("customers:detail", args=[customer_id]))


# ---------------------------------------------------------------- the work list


def _target_user(request):
    raw = request.GET.get("user") or ""
    if not raw or raw == str(request.user.pk):
        return request.user
    if not raw.isdigit():
        raise Http404()
    target = selectors.worklist_users(request.user).filter(pk=int(raw)).first()
    if target is None:
        raise Http404(_("Not found, or you may not see it."))
    return target


def _counter_context(user) -> dict:
    return {
        "followed": selectors.followed_today(user),
        "daily_target": selectors.daily_target(user),
    }


@login_required
@require_GET
def worklist(request):
    target = _target_user(request)
    read_only = target.pk != request.user.pk
    consultants = list(selectors.worklist_users(request.user)[:500])
    rows = selectors.tracked_rows(target)
    context = {
        "target": target,
        "read_only": read_only,
        "sections": selectors.worklist_for_user(target, rows=rows),
        "counts": selectors.tracked_counts(target, rows=rows),
        "consultants": consultants if len(consultants) > 1 else [],
        "extra_sections": sections_html(request, target),
        **_counter_context(target),
    }
    return render(request, "pipeline/worklist.html", context)


@login_required
@require_GET
def worklist_more(request, section):
    """The next rows of one section (htmx "more"), keyset by (due, id)."""
    if section not in selectors.SECTIONS:
        raise Http404()
    target = _target_user(request)
    try:
        rows, cursor = selectors.worklist_section(target, section, cursor=request.GET.get("after"))
    except ValidationFailed:
        rows, cursor = [], None
    return render(
        request,
        "pipeline/worklist_rows.html",
        {
            "rows": rows,
            "cursor": cursor,
            "section": section,
            "target": target,
            "read_only": target.pk != request.user.pk,
        },
    )


def _followup_forms(request, customer, data=None):
    prefix = f"c{customer.pk}"
    return (
        FollowUpForm(data, prefix=prefix),
        objection_forms(data, prefix=f"{prefix}-"),
    )


def _followup_context(request, customer, form, objections, *, origin):
    prospect = Prospect.objects.select_related("stage").filter(pk=customer.pk).first()
    return {
        "customer": customer,
        "prospect": prospect,
        "form": form,
        "objections": objections,
        "origin": origin,
        "scripts_available": script_suggester() is not None,
    }


@login_required
@require_GET
def followup_form(request, customer_id):
    customer = _visible_customer(request, customer_id)
    form, objections = _followup_forms(request, customer)
    return render(
        request,
        "pipeline/worklist_followup.html",
        _followup_context(request, customer, form, objections, origin="worklist"),
    )


@login_required
@require_POST
def followup_log(request, customer_id):
    # The service locks the customer through the user's editable scope; the row itself is
    # read here only when the form has to be shown again (one round trip less per save).
    customer = Customer(pk=customer_id)
    origin = request.POST.get("origin", "worklist")
    stages = list(Stage.objects.order_by("order"))
    form = FollowUpForm(
        request.POST,
        prefix=f"c{customer_id}",
        stage_choices=[("", _("unchanged")), *((s.code, str(s)) for s in stages)],
    )
    objections = objection_forms(request.POST, prefix=f"c{customer_id}-")
    rows, objections_ok = objections_from(objections)
    followup = None
    if form.is_valid() and objections_ok:
        data = form.to_data(rows)
        data["stage"] = next((s for s in stages if s.code == data["stage"]), data["stage"])
        try:
            followup = services.followup_log(actor=request.user, customer=customer, data=data)
        except DomainError as exc:
            if isinstance(exc, ValidationFailed):
                service_errors_to_form(form, exc)
            else:
                form.add_error(None, str(exc.message))
    if followup is None:
        customer = _visible_customer(request, customer_id)  # 404 outside the user's scope
    if origin == "panel":
        if followup is not None:
            messages.success(request, _("Follow-up saved."))
        else:
            errors = [str(e) for errs in form.errors.values() for e in errs] or [
                _("Please correct the errors below.")
            ]
            messages.error(request, " ".join(errors))
        return _back_to_360(customer.pk)
    if followup is None:
        return render(
            request,
            "pipeline/worklist_followup.html",
            _followup_context(request, customer, form, objections, origin=origin),
        )
    # The service saved the locked prospect (stage loaded, customer attached): no reload.
    prospect = getattr(followup.customer, "_pipeline_prospect", None)
    if prospect is None:
        prospect = (
            Prospect.objects.select_related("customer", "stage").filter(pk=customer.pk).first()
        )
    html = render_to_string(
        "pipeline/worklist_saved.html",
        {"prospect": prospect, "followup": followup, **_counter_context(request.user)},
        request=request,
    )
    return HttpResponse(html)


@login_required
@require_GET
def stage_guidance(request):
    code = next((v for k, v in request.GET.items() if k == "stage" or k.endswith("-stage")), "")
    stage = Stage.objects.filter(code=code).first() if code else None
    following = (
        Stage.objects.filter(order__gt=stage.order).order_by("order").first() if stage else None
    )
    return render(
        request, "pipeline/panel_guidance.html", {"stage": stage, "next_stage": following}
    )


@login_required
@require_GET
def script_suggestions(request):
    suggest = script_suggester()
    if suggest is None:
        raise Http404()
    objection_type = next(
        (v for k, v in request.GET.items() if k == "type" or k.endswith("-type")), ""
    )
    stage_code = request.GET.get("stage_code") or ""
    stage = Stage.objects.filter(code=stage_code).first() if stage_code else None
    scripts = list(suggest(objection_type, stage))[:5] if objection_type else []
    return render(
        request,
        "pipeline/panel_scripts.html",
        {"scripts": scripts, "target": request.GET.get("target", "")},
    )


# ---------------------------------------------------------------- the 360 panel


def prospect_panel_html(request, customer) -> str:
    """The stage/grade/MAN/quality panel on the customer 360 page (customers.panels hook)."""
    prospect = Prospect.objects.select_related("stage", "referrer").filter(pk=customer.pk).first()
    if prospect is None:
        prospect = Prospect(customer=customer)
    all_stages = selectors.stages()
    following = None
    if prospect.stage is not None:
        following = next((s for s in all_stages if s.order > prospect.stage.order), None)
    can_edit = editable_customers(request.user).filter(pk=customer.pk).exists()
    form, objections = _followup_forms(request, customer)
    quality = prospect.quality or {}
    context = {
        "customer": customer,
        "prospect": prospect,
        "stages": all_stages,
        "next_stage": following,
        "can_edit": can_edit,
        "form": form,
        "objections": objections,
        "origin": "panel",
        "scripts_available": script_suggester() is not None,
        "man_fields": [
            ("money", _("Money"), prospect.man_money),
            ("authority", _("Authority"), prospect.man_authority),
            ("need", _("Need"), prospect.man_need),
        ],
        "man_next_step": MAN_NEXT_STEPS.get(prospect.man_verdict, ""),
        "traits": [
            (k, label, bool(quality.get(k))) for k, label in services.QUALITY_TRAITS.items()
        ],
        "risks": [
            (k, label, k in (prospect.risks or []))
            for k, label in services.BIG_CUSTOMER_RISKS.items()
        ],
        "referrals": selectors.referrals_of(request.user, customer),
        "grades": list(Prospect._meta.get_field("grade").choices),
    }
    return render_to_string("pipeline/panel_prospect.html", context, request=request)


_NURTURE = gettext_lazy(
    "Keep in touch; observe and nurture them until they meet the missing condition."
)
MAN_NEXT_STEPS = {
    # seed 001: the eight MAN combinations and what to do
    "MAN": gettext_lazy("An ideal prospect: present the offer and work towards the close."),
    "MAn": gettext_lazy("Approach: with skilled selling there is a good chance."),
    "MaN": gettext_lazy("Approach, and find the person who decides."),
    "mAN": gettext_lazy("Approach; check their business, credit and financing."),
    "maN": _NURTURE,
    "mAn": _NURTURE,
    "Man": _NURTURE,
    "man": gettext_lazy("Not a customer: stop contacting."),
}


def _panel_action(request, customer_id, action):
    customer = _visible_customer(request, customer_id)
    try:
        action(customer)
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return _back_to_360(customer.pk)


@login_required
@require_POST
def panel_stage(request, customer_id):
    return _panel_action(
        request,
        customer_id,
        lambda c: services.prospect_set_stage(
            actor=request.user,
            customer=c,
            stage=request.POST.get("stage", ""),
            note=request.POST.get("note", "")[:1000],
        ),
    )


@login_required
@require_POST
def panel_grade(request, customer_id):
    return _panel_action(
        request,
        customer_id,
        lambda c: services.prospect_set_grade(
            actor=request.user, customer=c, grade=request.POST.get("grade", "")
        ),
    )


@login_required
@require_POST
def panel_man(request, customer_id):
    def act(customer):
        form = ManForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed(_("Choose yes, no or unknown."))
        services.man_assess(
            actor=request.user,
            customer=customer,
            money=ManForm.value(form.cleaned_data["money"]),
            authority=ManForm.value(form.cleaned_data["authority"]),
            need=ManForm.value(form.cleaned_data["need"]),
        )

    return _panel_action(request, customer_id, act)


@login_required
@require_POST
def panel_quality(request, customer_id):
    return _panel_action(
        request,
        customer_id,
        lambda c: services.quality_assess(
            actor=request.user,
            customer=c,
            traits={k: True for k in request.POST.getlist("trait") if k in services.QUALITY_TRAITS},
            risks=[r for r in request.POST.getlist("risk") if r in services.BIG_CUSTOMER_RISKS],
        ),
    )


@login_required
@require_POST
def panel_referrer(request, customer_id):
    def act(customer):
        raw = (request.POST.get("referrer") or "").strip().lstrip("#")
        referrer = None
        if raw:
            if not raw.isdigit():
                raise ValidationFailed(
                    field_errors={"referrer": [_("Enter the number of a customer.")]}
                )
            referrer = visible_customers(request.user).filter(pk=int(raw)).first()
            if referrer is None:
                raise ValidationFailed(
                    field_errors={"referrer": [_("Choose a customer you can see.")]}
                )
        services.referral_set(actor=request.user, customer=customer, referrer=referrer)

    return _panel_action(request, customer_id, act)


@login_required
@require_POST
def panel_tracking(request, customer_id):
    add = request.POST.get("tracked") == "1"
    service = services.tracking_add if add else services.tracking_remove
    return _panel_action(request, customer_id, lambda c: service(actor=request.user, customer=c))


@login_required
@require_POST
def panel_lock(request, customer_id):
    locked = request.POST.get("locked") == "1"
    return _panel_action(
        request, customer_id, lambda c: prospect_lock(actor=request.user, customer=c, locked=locked)
    )
