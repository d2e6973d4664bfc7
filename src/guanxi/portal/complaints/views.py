"""The signed-in customer's complaints and surveys (CMP-1..3, INTG-4): file a complaint (it
goes through the complaint service and its routing like any other), follow its state, and
answer the surveys waiting for them. Thin: parse, call, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import ValidationFailed
from guanxi.core.http import redirect_to_saved, render_form
from guanxi.customers.models import Customer
from guanxi.portal.access.http import portal_login_required
from guanxi.portal.complaints import selectors
from guanxi.portal.complaints.forms import PortalComplaintForm
from guanxi.satisfaction.surveys.services import survey_link_renew
from guanxi.service.complaints.services import STEPS, NewComplaint, complaint_file
from guanxi.service.models import Complaint, ComplaintEvent


@require_http_methods(["GET", "POST"])
@portal_login_required
def service_home(request: HttpRequest, customer: Customer) -> HttpResponse:
    form = PortalComplaintForm(
        request.POST if request.method == "POST" else None,
        categories=selectors.portal_categories(),
    )
    filed = redirect_to_saved(
        request,
        form,
        lambda data: complaint_file(
            customer=customer,
            new=NewComplaint(
                customer_id=customer.pk,
                channel=Complaint.Channel.WEB,
                category_id=data["category"],
                title=data["title"],
                description=data["description"],
            ),
        ),
        done=_("Thank you. We have your complaint and answer soon."),
        detail="portal:complaint",
        refused=(ValidationFailed,),
    )
    if filed is not None:
        return filed
    context = {"customer": customer, "overview": selectors.portal_service(customer=customer)}
    return render_form(request, "portal/complaints/home.html", context, form=form)


@require_GET
@portal_login_required
def complaint_detail(request: HttpRequest, customer: Customer, pk: int) -> HttpResponse:
    complaint = selectors.portal_complaint_get(customer=customer, complaint_id=pk)
    steps = [
        {"label": ComplaintEvent.Kind(kind).label, "done": complaint.step >= index}
        for index, kind in enumerate(STEPS, start=1)
    ]
    return render(
        request,
        "portal/complaints/detail.html",
        {"customer": customer, "complaint": complaint, "steps": steps},
    )


@require_POST
@portal_login_required
def survey_open(request: HttpRequest, customer: Customer, pk: int) -> HttpResponse:
    """One of the customer's open survey links, on a fresh token: to the survey page."""
    new = survey_link_renew(customer_id=customer.pk, link_id=pk)
    return redirect(new.url)
