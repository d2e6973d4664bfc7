"""/api/v1 for web-to-lead forms (INTG-4): list, read, create and change form configs; the
submissions come in through the public form page. Thin: parse, call a service or selector."""

from django.http import HttpRequest
from ninja import Router, Status

from guanxi.accounts.http import request_user
from guanxi.portal.leads import selectors, services
from guanxi.portal.leads.schemas import LeadFormIn, LeadFormOut
from guanxi.portal.models import LeadForm

router = Router(tags=["web forms"])


def _out(form: LeadForm) -> LeadForm:
    urls = selectors.embed_urls(form=form)
    form.form_url = urls.form_url  # type: ignore[attr-defined]
    form.script_tag = urls.script_tag  # type: ignore[attr-defined]
    return form


def _data(payload: LeadFormIn) -> services.LeadFormData:
    return services.LeadFormData(
        name=payload.name,
        fields=list(payload.fields),
        required=list(payload.required),
        department_id=payload.department_id,
        pool_id=payload.pool_id,
        campaign=payload.campaign,
        allowed_origins="\n".join(payload.allowed_origins),
        thank_you=payload.thank_you,
        is_active=payload.is_active,
    )


@router.get("/portal/forms", response=list[LeadFormOut], summary="Web-to-lead forms")
def form_list(request: HttpRequest) -> list[LeadForm]:
    return [_out(f) for f in selectors.lead_form_list(user=request_user(request))]


@router.get("/portal/forms/{int:form_id}", response=LeadFormOut, summary="A web-to-lead form")
def form_get(request: HttpRequest, form_id: int) -> LeadForm:
    return _out(selectors.lead_form_get(user=request_user(request), form_id=form_id))


@router.post("/portal/forms", response={201: LeadFormOut}, summary="Set up a web-to-lead form")
def form_create(request: HttpRequest, payload: LeadFormIn) -> Status[LeadForm]:
    form = services.lead_form_save(actor=request_user(request), data=_data(payload))
    return Status(201, _out(form))


@router.put("/portal/forms/{int:form_id}", response=LeadFormOut, summary="Change a web form")
def form_update(request: HttpRequest, form_id: int, payload: LeadFormIn) -> LeadForm:
    user = request_user(request)
    form = selectors.lead_form_get(user=user, form_id=form_id)
    return _out(services.lead_form_save(actor=user, data=_data(payload), form=form))
