"""The stage/grade/MAN/quality panel on the customer 360 page (INT-1/2, ACQ-1 … ACQ-3) and
the fragments of the follow-up form (stage guidance, script suggestions). Thin: parse, call
one service or selector, render; a refusal becomes a message on the 360 page."""

from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import Conflict, NotFound, ValidationFailed, found, invalid_field
from guanxi.core.forms import moment_text
from guanxi.customers.archive.panel_views import visible_customer
from guanxi.customers.models import Customer
from guanxi.customers.querysets import customer_editable
from guanxi.pipeline.errors import error_text
from guanxi.pipeline.models import Objection, Prospect, Stage
from guanxi.pipeline.permissions import FOLLOW_UP_OTHERS, SET_STAGE
from guanxi.pipeline.pools.selectors import may_release
from guanxi.pipeline.pools.services import prospect_lock
from guanxi.pipeline.prospects import selectors, services
from guanxi.pipeline.prospects.forms import (
    ManForm,
    ObjectionOutcomeForm,
    followup_forms,
    followup_stage_choices,
)
from guanxi.pipeline.scripts.selectors import script_suggest

# ---------------------------------------------------------------- follow-up form fragments


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
    objection_type = next(
        (v for k, v in request.GET.items() if k == "type" or k.endswith("-type")), ""
    )
    stage_code = request.GET.get("stage_code") or ""
    stage = Stage.objects.filter(code=stage_code).first() if stage_code else None
    scripts = (
        script_suggest(objection_type=objection_type, stage=stage)[:5] if objection_type else []
    )
    return render(
        request,
        "pipeline/panel_scripts.html",
        {"scripts": scripts, "target": request.GET.get("target", "")},
    )


# ---------------------------------------------------------------- the 360 panel


def prospect_panel_placeholder_html(request, customer) -> str:
    """What the 360 page carries in place of the intention panel: htmx loads the panel as soon
    as the page is shown (issue 13: the panel is a third of the page's time, and the
    follow-up form above it is what the page is opened for). Without JavaScript, a link."""
    return render_to_string(
        "pipeline/panel_prospect_loading.html",
        {"url": reverse("pipeline:panel_prospect", args=[customer.pk])},
        request=request,
    )


@login_required
@require_GET
def panel_prospect(request, customer_id):
    """The intention panel of the 360 page on its own (loaded by its placeholder)."""
    customer = visible_customer(request, customer_id)
    return HttpResponse(prospect_panel_html(request, customer))


def prospect_panel_html(request, customer) -> str:
    """The stage/grade/MAN/quality panel on the customer 360 page (customers.panels hook)."""
    prospect = Prospect.objects.select_related("stage", "referrer").filter(pk=customer.pk).first()
    if prospect is None:
        prospect = Prospect(customer=customer)
    all_stages = selectors.stages()
    following = None
    if prospect.stage is not None:
        following = next((s for s in all_stages if s.order > prospect.stage.order), None)
    can_edit = customer_editable(request.user, customer, action=SET_STAGE)
    can_follow_up = customer_editable(request.user, customer, action=FOLLOW_UP_OTHERS)
    quality = prospect.quality or {}
    context = {
        "customer": customer,
        "prospect": prospect,
        "stages": all_stages,
        "next_stage": following,
        "can_edit": can_edit,
        "can_follow_up": can_follow_up,
        "can_lock": may_release(user=request.user, customer=customer),
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
        "referrals": selectors.referrals_of(user=request.user, customer=customer),
        "customer_objections": selectors.objections_of_customer(customer=customer),
        "outcomes": Objection.Outcome.choices,
        "grades": list(Prospect._meta.get_field("grade").choices or []),
        "today": timezone.localdate(),
    }
    return render_to_string("pipeline/panel_prospect.html", context, request=request)


RECENT_FOLLOWUPS = 5


_BLANK_FIELDS: dict[tuple, str] = {}
_BLANK_FIELDS_KEPT = 64
_ANY_CUSTOMER = SimpleNamespace(pk="__gx_customer__")


def _blank_followup_fields(request: HttpRequest, customer: Customer, prospect) -> SafeString:
    """The blank follow-up form's fields (`followup_fields.html`, 27 widgets: about two thirds
    of the panel's time, issue 13) for `customer`. They read the same for every customer but
    for the prefix of their names and ids, so they are rendered once per language, time zone,
    minute (the next contact's `min`), stage list and the customer's stage (the objection
    rows' script link), and the customer's prefix is put in."""
    stages = followup_stage_choices()
    key = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        moment_text(timezone.now()),
        prospect.stage.code if prospect is not None and prospect.stage is not None else "",
        tuple((code, str(label)) for code, label in stages),
    )
    html = _BLANK_FIELDS.get(key)
    if html is None:
        form, objections = followup_forms(_ANY_CUSTOMER, stages=stages)
        html = render_to_string(
            "pipeline/followup_fields.html",
            {"form": form, "objections": objections, "prospect": prospect},
            request=request,
        )
        if len(_BLANK_FIELDS) >= _BLANK_FIELDS_KEPT:
            _BLANK_FIELDS.clear()
        _BLANK_FIELDS[key] = html
    prefix = f"c{_ANY_CUSTOMER.pk}"
    return SafeString(html.replace(prefix, f"c{int(customer.pk)}"))


def followup_panel_html(request, customer) -> str | None:
    """The follow-up form, open, and the latest follow-ups at the top of the customer 360 page
    for whoever may log follow-ups on the customer (the daily action comes first)."""
    if not customer_editable(request.user, customer, action=FOLLOW_UP_OTHERS):
        return None
    prospect = Prospect.objects.select_related("stage").filter(pk=customer.pk).first()
    recent = selectors.followup_page(customer=customer, cursor="", limit=RECENT_FOLLOWUPS)
    context = {
        "customer": customer,
        "prospect": prospect,
        "fields": _blank_followup_fields(request, customer, prospect),
        "origin": "panel",
        "recent": recent.items,
        "more": recent.next_cursor is not None,
    }
    return render_to_string("pipeline/panel_followups.html", context, request=request)


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


def _panel_action(action: Callable[[HttpRequest, Customer], object]):
    """A view that posts one change from the 360 panel: the customer must be visible; the
    outcome, a refused input or state too, is a message on the 360 page. A missing permission
    is a 403 like everywhere (the panel offers only what the user may do)."""

    @login_required
    @require_POST
    @wraps(action)
    def view(request, customer_id):
        customer = visible_customer(request, customer_id)
        try:
            action(request, customer)
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Saved."))
        return redirect("customers:detail", customer_id=customer.pk)

    return view


@_panel_action
def panel_stage(request, customer):
    services.prospect_set_stage(
        actor=request.user,
        customer=customer,
        stage=request.POST.get("stage", ""),
        note=request.POST.get("note", "")[:1000],
    )


@_panel_action
def panel_grade(request, customer):
    services.prospect_set_grade(
        actor=request.user, customer=customer, grade=request.POST.get("grade", "")
    )


@_panel_action
def panel_man(request, customer):
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


@_panel_action
def panel_quality(request, customer):
    traits = request.POST.getlist("trait")
    services.quality_assess(
        actor=request.user,
        customer=customer,
        traits={k: True for k in traits if k in services.QUALITY_TRAITS},
        risks=[r for r in request.POST.getlist("risk") if r in services.BIG_CUSTOMER_RISKS],
    )


@_panel_action
def panel_referrer(request, customer):
    raw = (request.POST.get("referrer") or "").strip().lstrip("#")
    referrer = None
    if raw:
        if not raw.isdigit():
            raise invalid_field("referrer", _("Enter the number of a customer."))
        referrer = Customer.objects.visible_to(request.user).filter(pk=int(raw)).first()
        if referrer is None:
            raise invalid_field("referrer", _("Choose a customer you can see."))
    services.referral_set(actor=request.user, customer=customer, referrer=referrer)


@_panel_action
def panel_tracking(request, customer):
    if request.POST.get("tracked") == "1":
        services.tracking_add(actor=request.user, customer=customer)
    else:
        services.tracking_remove(actor=request.user, customer=customer)


@_panel_action
def panel_lock(request, customer):
    prospect_lock(actor=request.user, customer=customer, locked=request.POST.get("locked") == "1")


# ---------------------------------------------------------------- objections


@login_required
@require_POST
def objection_outcome(request, pk):
    """Update one objection's outcome, from the 360 panel or the open-objections page (back
    to where it was posted from, with the outcome as a message)."""
    objection = selectors.objection_get_for_user(user=request.user, objection_id=pk)
    form = ObjectionOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid objection outcome."))
    else:
        try:
            services.objection_set_outcome(
                actor=request.user, objection=objection, **form.cleaned_data
            )
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Saved."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("customers:detail", args=[objection.customer_id])
    return redirect(target)


@login_required
@require_GET
def objections_open(request):
    """Open objections per consultant: one's own customers, a manager's team (data scope)
    with a consultant filter."""
    consultants = list(users_in_scope(user=request.user).order_by("department__path", "username"))
    raw = request.GET.get("owner", "")
    owner = None
    if raw:
        owner = found(next((u for u in consultants if str(u.pk) == raw), None))
    try:
        page = selectors.objections_open(
            user=request.user,
            owner_id=owner.pk if owner else None,
            cursor=request.GET.get("after"),
        )
    except ValidationFailed as exc:
        raise NotFound() from exc
    editable = set(
        Customer.objects.editable_by(request.user, action=FOLLOW_UP_OTHERS)
        .filter(pk__in={o.customer_id for o in page.items})
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "pipeline/objections.html",
        {
            "page": page,
            "rows": [(o, o.customer_id in editable) for o in page.items],
            "consultants": consultants if len(consultants) > 1 else [],
            "owner": owner,
            "outcomes": Objection.Outcome.choices,
        },
    )
