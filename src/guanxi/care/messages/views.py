"""Message pages (CARE-4): the send log, templates with a live preview, the consent and
send-by-hand panel of the customer's 360 page, notifications, the one-click unsubscribe page
and the inbound-SMS endpoint. Thin: parse, call a service or selector, render."""

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.decorators import permission_required as _permission_required
from guanxi.accounts.http import request_user
from guanxi.accounts.selectors import user_can
from guanxi.care.common import permissions
from guanxi.care.messages import selectors, services
from guanxi.care.messages.consent import reason_text
from guanxi.care.messages.forms import ConsentForm, SendForm, TemplateForm
from guanxi.care.messages.sandbox import (
    VARIABLES,
    template_problems,
    template_render,
    template_values,
)
from guanxi.care.messages.sending import unsubscribe_read
from guanxi.care.models import Channel, ConsentEvent, Message, MessageTemplate
from guanxi.core.errors import SHOWN_ON_FORM, ValidationFailed, found
from guanxi.core.forms import form_add_errors
from guanxi.core.http import is_htmx, next_page_url, save_form
from guanxi.core.pagination import parse_id
from guanxi.customers.archive.panel_views import customer_panel, visible_customer
from guanxi.customers.models import Customer

View = Callable[..., HttpResponse]


def permission_required(code: str) -> Callable[[View], View]:
    decorator: Callable[[View], View] = _permission_required(code)  # type: ignore[no-untyped-call]
    return decorator


# ---------------------------------------------------------------- send log


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    try:
        filters = selectors.MessageFilters(
            status=request.GET.get("status", ""),
            channel=request.GET.get("channel", ""),
            customer_id=parse_id(request.GET.get("customer", "")),
        )
        page = selectors.message_page(
            user=request_user(request), filters=filters, cursor=request.GET.get("after", "")
        )
    except ValidationFailed as exc:
        flash.error(request, " ".join(str(m) for ms in exc.field_errors.values() for m in ms))
        filters = selectors.MessageFilters()
        page = selectors.message_page(user=request_user(request), filters=filters)
    params = {
        k: v
        for k, v in {
            "status": filters.status,
            "channel": filters.channel,
            "customer": filters.customer_id or "",
        }.items()
        if v
    }
    next_url = next_page_url(params, page.next_cursor)
    return render(
        request,
        "care/messages/message_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Message.Status.choices,
            "channels": Channel.choices,
            "next_url": next_url,
            "reason_text": reason_text,
            "rows": [(m, reason_text(m.reason) if m.reason else "") for m in page.items],
        },
    )


@login_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.message_for_user(user=request_user(request), message_id=pk)
    events = [
        (event, reason_text(event.reason) if event.reason else "")
        for event in selectors.message_events(message=message)
    ]
    return render(
        request,
        "care/messages/message_detail.html",
        {"message": message, "events": events, "reason": reason_text(message.reason)},
    )


# ---------------------------------------------------------------- templates


@permission_required(permissions.MANAGE_TEMPLATES)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    page = selectors.template_page(cursor=request.GET.get("after", ""))
    next_url = next_page_url({}, page.next_cursor)
    return render(request, "care/messages/template_list.html", {"page": page, "next_url": next_url})


def _sample_values(request: HttpRequest) -> dict[str, str]:
    """A made-up customer of the user's: the preview shows no real customer's data."""
    user = request_user(request)
    sample = Customer(name="张三", gender=Customer.Gender.MALE, kind=Customer.Kind.PERSON)
    sample.owner = user
    return template_values(customer=sample, sender=user)


def _preview(request: HttpRequest, subject: str, body: str) -> dict[str, object]:
    problems = template_problems(subject) + template_problems(body)
    values = _sample_values(request)
    return {
        "problems": problems,
        "subject": "" if problems else template_render(subject, values),
        "body": "" if problems else template_render(body, values),
    }


@permission_required(permissions.MANAGE_TEMPLATES)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = found(MessageTemplate.objects.filter(pk=pk).first()) if pk else None
    if request.method == "POST":
        form = TemplateForm(request.POST)
    else:
        form = TemplateForm.of(template) if template else TemplateForm()
    saved, status = save_form(
        form,
        lambda: services.template_save(
            actor=request_user(request),
            template=template,
            data=services.TemplateData(**form.cleaned_data),
        ),
    )
    if saved is not None:
        flash.success(request, _("The template has been saved."))
        return redirect("care:message_template", pk=saved.pk)
    if form.is_bound:
        preview = _preview(request, request.POST.get("subject", ""), request.POST.get("body", ""))
    else:
        preview = _preview(request, template.subject, template.body) if template else {}
    return render(
        request,
        "care/messages/template_form.html",
        {"form": form, "template": template, "preview": preview, "variables": VARIABLES},
        status=status,
    )


@permission_required(permissions.MANAGE_TEMPLATES)
@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """The live preview (htmx, on each change of the form)."""
    preview = _preview(request, request.POST.get("subject", ""), request.POST.get("body", ""))
    return render(request, "care/messages/_preview.html", {"preview": preview})


# ---------------------------------------------------------------- the customer's panel


def _panel_context(
    request: HttpRequest,
    customer: Customer,
    *,
    consent_form: ConsentForm | None = None,
    send_form: SendForm | None = None,
) -> dict[str, object]:
    user = request_user(request)
    pref = services.contact_preference_of(customer)
    state = services.consent_state(pref)
    return {
        "customer": customer,
        "pref": pref,
        "can_consent": user_can(user=user, permission=permissions.CONSENT),
        "can_send": user_can(user=user, permission=permissions.SEND),
        "consent_form": consent_form or ConsentForm(initial=dataclasses.asdict(state)),
        "send_form": send_form or SendForm(),
        "messages_rows": [
            (m, reason_text(m.reason) if m.reason else "")
            for m in selectors.customer_messages(user=user, customer=customer)
        ],
        "consent_events": selectors.consent_events(customer=customer, limit=5),
    }


@login_required
@require_GET
def customer_messages(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer's messages and consent (the 360 page's panel)."""
    return customer_panel(
        request,
        customer_id,
        "care/messages/panel.html",
        lambda user, customer: _panel_context(request, customer),
        title=_("Messages and consent"),
    )


def _panel_answer(
    request: HttpRequest, customer: Customer, *, status: int = 200, **forms: object
) -> HttpResponse:
    if is_htmx(request):
        return render(
            request,
            "care/messages/panel.html",
            _panel_context(request, customer, **forms),  # type: ignore[arg-type]
            status=status,
        )
    return redirect("customers:detail", customer_id=customer.pk)


def _panel_post(
    request: HttpRequest,
    customer: Customer,
    form: ConsentForm | SendForm,
    form_name: str,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A form of the panel: the panel again, with the form and its errors (the service's
    status) when it is refused, with `done` as a message when the service did it."""
    if not form.is_valid():
        return _panel_answer(request, customer, status=422, **{form_name: form})
    try:
        action(form.cleaned_data)
    except SHOWN_ON_FORM as exc:
        form_add_errors(form, exc)
        return _panel_answer(request, customer, status=exc.status_code, **{form_name: form})
    flash.success(request, done)
    return _panel_answer(request, customer)


@permission_required(permissions.CONSENT)
@require_POST
def consent_save(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = visible_customer(request, customer_id)
    return _panel_post(
        request,
        customer,
        ConsentForm(request.POST),
        "consent_form",
        lambda data: services.contact_preference_set(
            actor=request_user(request), customer=customer, state=services.ConsentState(**data)
        ),
        _("The customer's consent has been recorded."),
    )


@permission_required(permissions.SEND)
@require_POST
def message_send(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = visible_customer(request, customer_id)
    return _panel_post(
        request,
        customer,
        SendForm(request.POST),
        "send_form",
        lambda data: services.message_send_by_hand(
            actor=request_user(request), customer=customer, **data
        ),
        _("The message is queued; the send log shows what became of it."),
    )


# ---------------------------------------------------------------- notifications


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = selectors.notification_page(
        user=request_user(request), unread_only=unread_only, cursor=request.GET.get("after", "")
    )
    params = {"unread": "1"} if unread_only else {}
    next_url = next_page_url(params, page.next_cursor)
    return render(
        request,
        "care/messages/notification_list.html",
        {"page": page, "unread_only": unread_only, "next_url": next_url},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one (`id`) or all of the user's notifications read; to its link when it has one."""
    raw_id = request.POST.get("id")
    if raw_id:
        notification_id = parse_id(raw_id)
        if notification_id is None:
            return HttpResponse(status=400)
        services.notifications_mark_read(user=request_user(request), ids=[notification_id])
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    else:
        services.notifications_mark_read(user=request_user(request))
    return redirect("care:notifications")


# ---------------------------------------------------------------- unsubscribe, inbound SMS


@csrf_exempt  # reached from an e-mail without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (link scanners open links, people press buttons); POST —
    the button, or a mail program's one-click List-Unsubscribe-Post — unsubscribes."""
    claims = unsubscribe_read(token)
    customer = Customer.objects.filter(pk=claims[1]).first() if claims is not None else None
    if claims is None or customer is None or claims[2] not in (Channel.EMAIL, Channel.SMS):
        return render(request, "care/messages/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.channel_unsubscribe(
            customer=customer,
            channel=claims[2],
            source=ConsentEvent.Source.UNSUBSCRIBE_LINK,
            note=f"message {claims[0]}",
        )
        done = True
    return render(
        request,
        "care/messages/unsubscribe.html",
        {"done": done, "channel": Channel(claims[2]).label},
    )


def inbound_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@csrf_exempt  # called by the SMS provider's gateway, authenticated by the shared secret
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """An SMS reply forwarded by the provider: JSON {"phone": …, "text": …}, signed with
    header X-Guanxi-Signature = hex HMAC-SHA256 of the body under GUANXI_SMS_INBOUND_SECRET.
    Without the secret set, or with a wrong signature: 403 and nothing changes."""
    secret = settings.GUANXI_SMS_INBOUND_SECRET
    given = request.headers.get("X-Guanxi-Signature", "")
    if not secret or not hmac.compare_digest(inbound_signature(request.body, secret), given):
        return JsonResponse({"detail": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body)
        phone, text = str(payload["phone"])[:40], str(payload["text"])[:500]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "expected JSON with phone and text"}, status=400)
    count = services.sms_reply_handle(phone=phone, text=text)
    return JsonResponse({"unsubscribed": count})
