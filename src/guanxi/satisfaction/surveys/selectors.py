"""Reads of survey templates, links and responses (SAT-1, SAT-2), responses in the reader's
data scope (the consultant's and the department's)."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.crypto import token_digest
from guanxi.core.errors import found
from guanxi.customers.models import Customer
from guanxi.satisfaction.models import (
    Factor,
    Question,
    SurveyLink,
    SurveyResponse,
    SurveyTemplate,
    SurveyVersion,
)
from guanxi.satisfaction.surveys.services import version_questions


@dataclass(frozen=True)
class FactorQuestions:
    factor: Factor
    questions: list[Question]


def templates() -> list[SurveyTemplate]:
    return list(
        SurveyTemplate.objects.annotate(last_version=Max("versions__number")).order_by("id")
    )


def active_templates() -> list[SurveyTemplate]:
    return list(SurveyTemplate.objects.filter(active=True).order_by("id"))


def template_by_id(*, template_id: int) -> SurveyTemplate:
    return found(SurveyTemplate.objects.filter(pk=template_id).first())


def version_of(*, template: SurveyTemplate, number: int | None = None) -> SurveyVersion:
    versions = SurveyVersion.objects.filter(template=template)
    if number is not None:
        versions = versions.filter(number=number)
    return found(versions.order_by("-number").first())


def version_numbers(*, template: SurveyTemplate) -> list[int]:
    return list(
        SurveyVersion.objects.filter(template=template)
        .order_by("-number")
        .values_list("number", flat=True)
    )


def structure(*, version: SurveyVersion) -> list[FactorQuestions]:
    """The version's factors with their questions: one query."""
    groups: dict[int, FactorQuestions] = {}
    for question in version_questions(version=version):
        group = groups.get(question.factor_id)
        if group is None:
            group = groups[question.factor_id] = FactorQuestions(question.factor, [])
        group.questions.append(question)
    return list(groups.values())


def link_by_token(*, token: str) -> SurveyLink | None:
    """The link of a token with what its page shows (one query), or None."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyLink.objects.select_related("version", "version__template", "customer", "consultant")
        .filter(token_hash=token_digest(token))
        .first()
    )


def customer_responses(
    *, user: User | AnonymousUser, customer: Customer, limit: int = 10
) -> list[SurveyResponse]:
    """The customer's answers for their 360 page: who sees the customer sees them."""
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        return []
    return list(
        SurveyResponse.objects.filter(customer=customer)
        .select_related("version", "version__template", "consultant")
        .order_by("-answered_at", "-id")[:limit]
    )


def response_for_user(*, user: User | AnonymousUser, response_id: int) -> SurveyResponse:
    response: SurveyResponse = found(
        SurveyResponse.objects.visible_to(user)
        .select_related("customer", "consultant", "version", "version__template")
        .filter(pk=response_id)
        .first()
    )
    return response


def complaint_confirmations(*, complaint_id: int, limit: int = 5) -> list[SurveyLink]:
    """The confirmation links sent for a complaint (CMP-3), newest first, with their answers;
    the caller shows them on the complaint's page, which is scoped already."""
    return list(
        SurveyLink.objects.filter(complaint_id=complaint_id)
        .select_related("response", "version")
        .order_by("-created_at", "-id")[:limit]
    )


def open_links_of_customer(*, customer_id: int, limit: int = 20) -> list[SurveyLink]:
    """The customer's own unanswered, unexpired survey links (the portal lists them)."""
    return list(
        SurveyLink.objects.filter(
            customer_id=customer_id, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("version__template")
        .order_by("-created_at", "-id")[:limit]
    )
