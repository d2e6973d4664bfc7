"""Survey pages (SAT-1, SAT-2): templates and their versions (customer relations), the public
one-time survey page a customer opens (no login, 390 px), the staff form on a customer, sending
a link, and the customer's 360 panel. Thin: parse, call a service or selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.archive.panel_views import customer_panel, visible_customer
from guanxi.customers.models import Customer
from guanxi.satisfaction.common import permissions
from guanxi.satisfaction.models import SurveyVersion
from guanxi.satisfaction.surveys import selectors, services
from guanxi.satisfaction.surveys.forms import (
    SendForm,
    answers_from_post,
    draft_from_post,
    editor_rows,
    error_lines,
    question_rows,
    score_options,
)


def _english() -> bool:
    return translation.get_language() == "en"


def _require(request: HttpRequest, permission: str) -> None:
    if not user_can(user=request.user, permission=permission):
        raise PermissionDenied()


# ---------------------------------------------------------------- templates


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    _require(request, permissions.MANAGE_SURVEYS)
    return render(
        request, "satisfaction/surveys/templates.html", {"templates": selectors.templates()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version as a form; saving publishes the next version."""
    _require(request, permissions.MANAGE_SURVEYS)
    template = selectors.template_by_id(pk)
    version = selectors.version_of(template)
    errors: list[str] = []
    if request.method == "POST":
        draft = draft_from_post(request.POST)
        try:
            new = services.survey_version_publish(
                actor=request_user(request), template_id=template.pk, draft=draft
            )
        except ValidationFailed as exc:
            errors = error_lines(exc.field_errors) or [str(exc.message)]
            rows = editor_rows((f, f.questions) for f in draft.factors)
            settings = draft
        else:
            messages.success(
                request, _("Version %(number)s is published.") % {"number": new.number}
            )
            return redirect("satisfaction:template_version", pk=template.pk, number=new.number)
    else:
        rows = editor_rows((g.factor, g.questions) for g in selectors.structure(version))
        settings = version  # type: ignore[assignment]
    return render(
        request,
        "satisfaction/surveys/template_edit.html",
        {"template": template, "version": version, "rows": rows, "s": settings, "errors": errors},
        status=422 if errors else 200,
    )


@login_required
@require_GET
def template_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    _require(request, permissions.MANAGE_SURVEYS)
    template = selectors.template_by_id(pk)
    version = selectors.version_of(template, number)
    return render(
        request,
        "satisfaction/surveys/version.html",
        {
            "template": template,
            "version": version,
            "groups": selectors.structure(version),
            "numbers": selectors.version_numbers(template),
            "english": _english(),
        },
    )


# ---------------------------------------------------------------- the public page


def _refusal_page(request: HttpRequest, reason: str) -> HttpResponse:
    status = 404 if reason == "invalid" else 410
    return render(
        request, "satisfaction/surveys/public_refused.html", {"reason": reason}, status=status
    )


def _answer_page(
    request: HttpRequest,
    page: str,
    version: SurveyVersion,
    refused: tuple[services.AnswerInput, ValidationFailed] | None,
    **extra: Any,
) -> HttpResponse:
    """The survey to answer, the customer's page or staff's: when the service refused the
    answers, they are shown again with the errors next to them (422)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if refused:
        answers, exc = refused
        errors = {k: [str(m) for m in v] for k, v in exc.field_errors.items()}
        values = {**answers.scores, "comment": answers.comment}
    scores = range(1, version.scale_max + 1)
    context = {
        **extra,
        "version": version,
        "rows": question_rows(
            selectors.structure(version),
            values=values,
            errors=errors,
            english=_english(),
            scores=scores,
        ),
        "overall_options": score_options(scores, values.get("overall")),
        "nps_options": score_options(range(0, 11), values.get("nps")),
        "errors": errors,
        "values": values,
        "english": _english(),
    }
    return render(request, page, context, status=422 if errors else 200)


@csrf_exempt  # opened from an SMS or e-mail without a session; the one-time token is the proof
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The survey a customer opens from the link: once, before it expires, no login."""
    link = selectors.link_by_token(token)
    reason = services.link_refusal(link, timezone.now())
    if reason or link is None:
        return _refusal_page(request, reason or "invalid")
    refused = None
    if request.method == "POST":
        answers = answers_from_post(request.POST)
        try:
            services.survey_link_answer(token=token, answers=answers)
        except services.LinkRefused as exc:
            return _refusal_page(request, exc.code)
        except ValidationFailed as exc:
            refused = (answers, exc)
        else:
            return render(request, "satisfaction/surveys/public_thanks.html", {})
    consultant = link.consultant
    return _answer_page(
        request,
        "satisfaction/surveys/public_answer.html",
        link.version,
        refused,
        greeting=services.greeting_name(link.customer),
        consultant_name=(consultant.display_name or consultant.username) if consultant else "",
    )


# ---------------------------------------------------------------- staff: on a customer


@login_required
@require_http_methods(["GET", "POST"])
def customer_answer(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Staff fill in the survey with the customer on a 回访 or a visit (internal)."""
    _require(request, permissions.COLLECT)
    customer = visible_customer(request, customer_id)
    templates = selectors.active_templates()
    if not templates:
        raise NotFound()
    chosen = next(
        (
            t
            for t in templates
            if str(t.pk) == (request.POST.get("template") or request.GET.get("template"))
        ),
        templates[0],
    )
    version = selectors.version_of(chosen)
    refused = None
    if request.method == "POST":
        answers = answers_from_post(request.POST)
        try:
            services.response_record(
                actor=request_user(request),
                customer_id=customer.pk,
                template_id=chosen.pk,
                answers=answers,
            )
        except ValidationFailed as exc:
            refused = (answers, exc)
        else:
            messages.success(request, _("The answers are recorded."))
            return redirect("customers:detail", customer_id=customer.pk)
    return _answer_page(
        request,
        "satisfaction/surveys/staff_answer.html",
        version,
        refused,
        customer=customer,
        template=chosen,
        templates=templates,
    )


@login_required
@require_POST
def customer_send(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Queue a one-time survey link to the customer through care's messages."""
    _require(request, permissions.COLLECT)
    customer = visible_customer(request, customer_id)
    form = SendForm(request.POST, templates=selectors.active_templates())
    if not form.is_valid():
        messages.error(request, _("Choose a survey and a channel."))
        return redirect("customers:detail", customer_id=customer.pk)
    try:
        services.survey_link_send(
            actor=request_user(request),
            customer_id=customer.pk,
            template_id=form.cleaned_data["template"],
            channel=form.cleaned_data["channel"],
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(error_lines(exc.field_errors)) or str(exc.message))
    else:
        messages.success(
            request,
            _("The survey link is queued; consent and quiet hours apply when it is sent."),
        )
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_GET
def customer_surveys(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's satisfaction answers, with fill-in and send for who may (the 360 page's
    panel)."""

    def read(user: User, customer: Customer) -> dict[str, Any]:
        can_collect = user_can(user=user, permission=permissions.COLLECT)
        templates = selectors.active_templates() if can_collect else []
        return {
            "responses": selectors.customer_responses(user=user, customer=customer),
            "can_collect": can_collect and bool(templates),
            "send_form": SendForm(templates=templates),
        }

    return customer_panel(
        request, customer_id, "satisfaction/surveys/panel.html", read, title=_("Satisfaction")
    )


def complaint_section(*, request: HttpRequest, complaint: Any, **kwargs: Any) -> str:
    """The customer's confirmation on the complaint's page (CMP-3): the survey link sent when
    it was closed and, once answered, the customer's scores. The page is scoped already."""
    links = selectors.complaint_confirmations(complaint_id=complaint.pk)
    if not links:
        return ""
    return render_to_string(
        "satisfaction/surveys/complaint_section.html",
        {"links": links, "now": timezone.now()},
        request=request,
    )
