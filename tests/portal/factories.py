"""Portal test data: a customer with every kind of document the portal shows (made through
the sales services), a signed-in portal client, and web forms through their service."""

import datetime as dt
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from guanxi.portal.access.http import COOKIE, cookie_set
from guanxi.portal.access.services import SESSION_TTL, digest
from guanxi.portal.leads.services import LeadFormData, lead_form_save
from guanxi.portal.models import LeadField, PortalSession
from guanxi.sales.fulfilment.services import delivery_record
from tests.sales.factories import (
    InvoiceRowFactory,
    draft_for,
    make_contract,
    pay,
    place_order,
)


@dataclass
class Documents:
    contract: object
    draft: object
    payment: object
    invoice: object
    delivery: object


def documents_for(owner, customer, *, tag: str) -> Documents:
    """A signed contract with a three-part plan, a payment, an invoice and a delivery; and a
    draft (never shown to the customer). `tag` marks what belongs to whom in the pages."""
    contract = make_contract(owner, customer, total="9000.00")
    payment = pay(owner, contract, "3000.00", reference=f"PAY-{tag}")
    invoice = InvoiceRowFactory(
        contract=contract,
        number=f"INV-{tag}",
        amount="3000.00",
        issued_on=timezone.localdate(),
        recorded_by=owner,
    )
    item = contract.items.first()
    order = place_order(owner, contract, (item, "1"))
    plan = order.plans.first()
    delivery = delivery_record(
        actor=owner,
        plan=plan,
        quantity="1",
        delivered_on=timezone.localdate(),
        receiver=f"收货人{tag}",
    )
    draft = draft_for(owner, customer, title=f"草稿合同{tag}")
    return Documents(contract, draft, payment, invoice, delivery)


def portal_client(customer) -> Client:
    """A client signed in to the portal as `customer` (a session as the code sign-in makes
    it; the code flow itself is tested in test_access)."""
    token = f"test-token-{customer.pk}-{timezone.now().timestamp()}"
    PortalSession.objects.create(
        customer=customer,
        token_digest=digest("session", token),
        expires_at=timezone.now() + SESSION_TTL,
    )
    response = HttpResponse()
    cookie_set(response, token)
    client = Client()
    client.cookies[COOKIE] = response.cookies[COOKIE].value
    client.cookies[COOKIE]["path"] = "/portal/"
    return client


def lead_form(actor, *, department=None, pool=None, **overrides):
    data = {
        "name": "官网咨询",
        "fields": [LeadField.EMAIL, LeadField.CITY, LeadField.NEEDS],
        "required": [LeadField.CITY],
        "department_id": department.pk if department else None,
        "pool_id": pool.pk if pool else None,
        "campaign": "春季活动",
    }
    data.update(overrides)
    return lead_form_save(actor=actor, data=LeadFormData(**data))


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)
