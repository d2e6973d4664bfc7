"""The work list (INT-4) and the follow-up form it and the 360 panel share. Thin: parse, call
one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import NotFound, ValidationFailed, found
from guanxi.core.forms import form_add_errors, form_error_text
from guanxi.core.http import panel_response
from guanxi.customers.archive.panel_views import visible_customer
from guanxi.customers.models import Customer
from guanxi.pipeline.models import Prospect, Stage
from guanxi.pipeline.prospects import services as prospect_services
from guanxi.pipeline.prospects.forms import (
    FollowUpForm,
    followup_forms,
    objection_forms,
    objections_from,
)
from guanxi.pipeline.worklist import selectors
from guanxi.pipeline.worklist.hooks import sections_html


def _target_user(request):
    raw = request.GET.get("user") or ""
    if not raw or raw == str(request.user.pk):
        return request.user
    if not raw.isdigit():
        raise NotFound()
    target = found(selectors.worklist_users(user=request.user).filter(pk=int(raw)).first())
    return target


def _counter_context(user) -> dict:
    return {
        "followed": selectors.followed_today(user=user),
        "daily_target": selectors.daily_target(user=user),
    }


@login_required
@require_GET
def worklist(request):
    target = _target_user(request)
    read_only = target.pk != request.user.pk
    consultants = list(selectors.worklist_users(user=request.user)[:500])
    rows = selectors.tracked_rows(user=target)
    context = {
        "target": target,
        "read_only": read_only,
        "sections": selectors.worklist_for_user(user=target, rows=rows),
        "counts": selectors.tracked_counts(user=target, rows=rows),
        "consultants": consultants if len(consultants) > 1 else [],
        "extra_sections_url": _extra_sections_url(target, read_only=read_only),
        **_counter_context(target),
    }
    return render(request, "pipeline/worklist.html", context)


def _extra_sections_url(target, *, read_only: bool) -> str:
    url = reverse("pipeline:worklist_extra")
    return f"{url}?user={target.pk}" if read_only else url


@login_required
@require_GET
def worklist_extra(request):
    """The sections other apps add to the work list (overdue instalments, 回访, complaints …),
    loaded right after the page: each reads its own app's tables (issue 13)."""
    target = _target_user(request)
    return panel_response(
        request,
        "pipeline/worklist_extra.html",
        {"extra_sections": sections_html(request, target)},
        title=_("Work list"),
        back_url=reverse("pipeline:worklist"),
    )


@login_required
@require_GET
def worklist_more(request, section):
    """The next rows of one section (htmx "more"), keyset by (due, id)."""
    if section not in selectors.SECTIONS:
        raise NotFound()
    target = _target_user(request)
    try:
        rows, cursor = selectors.worklist_section(
            user=target, key=section, cursor=request.GET.get("after")
        )
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


def _followup_context(customer, form, objections, *, origin):
    prospect = Prospect.objects.select_related("stage").filter(pk=customer.pk).first()
    return {
        "customer": customer,
        "prospect": prospect,
        "form": form,
        "objections": objections,
        "origin": origin,
    }


@login_required
@require_GET
def followup_form(request, customer_id):
    customer = visible_customer(request, customer_id)
    form, objections = followup_forms(customer)
    return render(
        request,
        "pipeline/worklist_followup.html",
        _followup_context(customer, form, objections, origin="worklist"),
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
    logged = None
    if form.is_valid() and objections_ok:
        try:
            logged = prospect_services.followup_log(
                actor=request.user, customer=customer, data=form.to_input(rows, stages=stages)
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc)
    if logged is None:
        customer = visible_customer(request, customer_id)  # 404 outside the user's scope
    if origin == "panel":
        if logged is not None:
            messages.success(request, _("Follow-up saved."))
        else:
            messages.error(request, form_error_text(form))
        return redirect(reverse("customers:detail", args=[customer.pk]))
    if logged is None:
        return render(
            request,
            "pipeline/worklist_followup.html",
            _followup_context(customer, form, objections, origin=origin),
        )
    html = render_to_string(
        "pipeline/worklist_saved.html",
        {
            "saved_rows": [logged.prospect],
            "followup": logged.followup,
            **_counter_context(request.user),
        },
        request=request,
    )
    return HttpResponse(html)
