"""Web-to-lead pages (INTG-4): the public form (framed on other sites), its thank-you page and
the script that embeds it; the admin's list, editor and embed code. Thin: parse, call one
service or selector, render."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.accounts.http import request_user
from guanxi.core.audit import client_ip
from guanxi.core.errors import DomainError, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.http import redirect_to_saved
from guanxi.portal.leads import selectors, services
from guanxi.portal.leads.forms import HONEYPOT, LeadFormConfigForm, public_form
from guanxi.portal.models import LeadForm


def _framable(response: HttpResponse, form: LeadForm) -> HttpResponse:
    """This page alone may be shown in a frame: by the form's sites, or any site when it
    names none (CSP frame-ancestors; X-Frame-Options left off, it cannot name sites)."""
    response._csp_replace = {"frame-ancestors": form.origins or ["*"]}  # type: ignore[attr-defined]
    return response


# The form is posted from inside a frame on another site, where the browser withholds the
# (SameSite) CSRF cookie; it changes no signed-in state, so CSRF does not apply. The honeypot
# and the per-address limit stand against spam.
@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def lead_form(request: HttpRequest, key: str) -> HttpResponse:
    form_config = selectors.lead_form_public(key=key)
    form = public_form(form_config, request.POST if request.method == "POST" else None)
    utm = {k: request.GET.get(k, "") for k in services.UTM_KEYS if request.GET.get(k)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.lead_submit(
                    form=form_config,
                    data=services.LeadInput(
                        name=data["name"],
                        mobile=data["mobile"],
                        extra={f: str(data.get(f) or "") for f in form_config.fields},
                        honeypot=data.get(HONEYPOT) or "",
                        utm=utm,
                    ),
                    ip=client_ip(request),
                )
            except ValidationFailed as error:
                form_add_errors(form, error)
            except DomainError:
                form.add_error(None, _("The form could not be sent. Try again later."))
            else:
                thanks = reverse("portal:lead_thanks", args=[form_config.key])
                return redirect(thanks)
        status = 422
    return _framable(
        render(
            request,
            "portal/leads/public_form.html",
            {"config": form_config, "form": form, "honeypot": form[HONEYPOT]},
            status=status,
        ),
        form_config,
    )


@xframe_options_exempt
@require_GET
def lead_thanks(request: HttpRequest, key: str) -> HttpResponse:
    form_config = selectors.lead_form_public(key=key)
    return _framable(
        render(request, "portal/leads/thanks.html", {"config": form_config}), form_config
    )


_EMBED_JS = """(function () {
  var script = document.currentScript;
  var query = new URLSearchParams(window.location.search);
  var utm = new URLSearchParams();
  ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].forEach(function (k) {
    if (query.get(k)) { utm.set(k, query.get(k)); }
  });
  var frame = document.createElement("iframe");
  var url = %(url)s;
  frame.src = utm.toString() ? url + "?" + utm.toString() : url;
  frame.title = %(title)s;
  frame.style.width = "100%%";
  frame.style.maxWidth = "480px";
  frame.style.height = "560px";
  frame.style.border = "0";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
"""


@require_GET
def lead_embed_js(request: HttpRequest, key: str) -> HttpResponse:
    """The script-tag way to embed: it puts the form's frame right after itself, passing the
    host page's UTM parameters on."""
    form_config = selectors.lead_form_public(key=key)
    body = _EMBED_JS % {
        "url": json.dumps(selectors.embed_urls(form=form_config).form_url),
        "title": json.dumps(form_config.name),
    }
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


# ---------------------------------------------------------------- admin


def _config_data(form: LeadFormConfigForm) -> services.LeadFormData:
    data = form.cleaned_data
    return services.LeadFormData(
        name=data["name"],
        fields=list(data["shown"]),
        required=list(data["required"]),
        department_id=data["department"].pk if data["department"] else None,
        pool_id=data["pool"].pk if data["pool"] else None,
        campaign=data["campaign"],
        allowed_origins=data["allowed_origins"],
        thank_you=data["thank_you"],
        is_active=data["is_active"],
    )


@login_required
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    forms = selectors.lead_form_list(user=request_user(request))
    return render(request, "portal/leads/list.html", {"forms": forms})


def _editor(request: HttpRequest, instance: LeadForm | None) -> HttpResponse:
    user = request_user(request)
    initial = (
        {
            "name": instance.name,
            "shown": instance.fields,
            "required": instance.required,
            "department": instance.department_id,
            "pool": instance.pool_id,
            "campaign": instance.campaign,
            "allowed_origins": instance.allowed_origins,
            "thank_you": instance.thank_you,
            "is_active": instance.is_active,
        }
        if instance
        else None
    )
    form = LeadFormConfigForm(request.POST or None, initial=initial, editing=instance)
    saved = redirect_to_saved(
        request,
        form,
        lambda data: services.lead_form_save(actor=user, data=_config_data(form), form=instance),
        done=_("The form is saved."),
        detail="portal:form_detail",
        refused=(ValidationFailed,),
    )
    if saved is not None:
        return saved
    title = _("Change the web form") if instance else _("New web form")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "submit": _("Save"),
            "cancel_url": reverse("portal:form_list"),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_create(request: HttpRequest) -> HttpResponse:
    selectors.may_manage_forms(user=request_user(request))
    return _editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, selectors.lead_form_get(user=request_user(request), form_id=pk))


@login_required
@require_GET
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    form = selectors.lead_form_get(user=user, form_id=pk)
    urls = selectors.embed_urls(form=form)
    url = urls.form_url
    return render(
        request,
        "portal/leads/detail.html",
        {
            "config": form,
            "public_url": url,
            "iframe_code": (
                f'<iframe src="{url}" title="{escape(form.name)}" '
                'style="width:100%;max-width:480px;height:560px;border:0"></iframe>'
            ),
            "script_code": urls.script_tag,
            "submissions": selectors.lead_submissions_recent(user=user, form=form),
        },
    )
