"""What a signed-in customer sees of their complaints and surveys (CMP-1..3 on the portal,
INTG-4): every read filters by the one customer; another customer's id is not found."""

from dataclasses import dataclass

from django.db.models import QuerySet

from guanxi.core.errors import found
from guanxi.customers.models import Customer
from guanxi.satisfaction.models import SurveyLink
from guanxi.satisfaction.surveys.selectors import open_links_of_customer
from guanxi.service.models import Complaint, ComplaintCategory

LIST_LIMIT = 50  # a customer's complaints are few; the bound keeps the page bounded


def _complaints(customer: Customer) -> QuerySet[Complaint]:
    return Complaint.objects.filter(customer_id=customer.pk).select_related("category")


def portal_complaints(*, customer: Customer) -> list[Complaint]:
    return list(_complaints(customer).order_by("-created_at", "-id")[:LIST_LIMIT])


def portal_complaint_get(*, customer: Customer, complaint_id: int) -> Complaint:
    return found(_complaints(customer).filter(pk=complaint_id).first())


def portal_categories() -> list[ComplaintCategory]:
    return list(ComplaintCategory.objects.filter(parent__isnull=True, active=True))


@dataclass(frozen=True)
class PortalService:
    complaints: list[Complaint]
    surveys: list[SurveyLink]


def portal_service(*, customer: Customer) -> PortalService:
    return PortalService(
        complaints=portal_complaints(customer=customer),
        surveys=open_links_of_customer(customer_id=customer.pk),
    )
