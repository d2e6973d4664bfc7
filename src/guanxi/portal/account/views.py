"""The signed-in customer's pages (INTG-4): everything of theirs on one page, a contract with
its instalments, payments, invoices and deliveries, and the contract as a PDF."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guanxi.customers.models import Customer
from guanxi.portal.access.http import portal_login_required
from guanxi.portal.account import selectors


@require_GET
@portal_login_required
def home(request: HttpRequest, customer: Customer) -> HttpResponse:
    overview = selectors.portal_overview(customer=customer)
    return render(request, "portal/account/home.html", {"customer": customer, "overview": overview})


@require_GET
@portal_login_required
def contract_detail(request: HttpRequest, customer: Customer, pk: int) -> HttpResponse:
    contract = selectors.portal_contract_get(customer=customer, contract_id=pk)
    overview = selectors.portal_overview(customer=customer, contract=contract)
    items = list(contract.items.order_by("position", "id"))
    return render(
        request,
        "portal/account/contract.html",
        {"customer": customer, "contract": contract, "items": items, "overview": overview},
    )


@require_GET
@portal_login_required
def contract_pdf(request: HttpRequest, customer: Customer, pk: int) -> HttpResponse:
    contract = selectors.portal_contract_get(customer=customer, contract_id=pk)
    # reportlab (the PDF renderer) is imported by the PDF views only, as sales does: not in
    # every worker.
    from guanxi.sales.common.pdf import contract_pdf as render_contract_pdf

    response = HttpResponse(render_contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.number}.pdf"'
    return response
