"""Reads of web-to-lead forms: the public form by its key, the admin's list and a form's
recent submissions."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import PermissionDenied, found
from guanxi.customers.models import Customer
from guanxi.portal.common import permissions
from guanxi.portal.models import LeadForm, LeadSubmission

RECENT = 20


@dataclass(frozen=True)
class EmbedUrls:
    form_url: str  # the page to frame
    script_url: str  # the script that frames it

    @property
    def script_tag(self) -> str:
        return f'<script src="{self.script_url}"></script>'


def embed_urls(form: LeadForm) -> EmbedUrls:
    """The absolute addresses another site embeds (GUANXI_SITE_URL in front)."""
    site = settings.GUANXI_SITE_URL
    return EmbedUrls(
        form_url=f"{site}{reverse('portal:lead_form', args=[form.key])}",
        script_url=f"{site}{reverse('portal:lead_embed_js', args=[form.key])}",
    )


def lead_form_public(*, key: str) -> LeadForm:
    """The active form of the key, else 404."""
    return found(LeadForm.objects.filter(key=key, is_active=True).first())


def may_manage_forms(user: User) -> None:
    """Refuses (403) who may not set up web forms."""
    if not user_can(user=user, permission=permissions.MANAGE_FORMS):
        raise PermissionDenied()


def lead_form_list(*, user: User) -> list[LeadForm]:
    may_manage_forms(user)
    return list(LeadForm.objects.select_related("department", "pool").order_by("-id")[:200])


def lead_form_get(*, user: User, form_id: int) -> LeadForm:
    may_manage_forms(user)
    return found(LeadForm.objects.select_related("department", "pool").filter(pk=form_id).first())


@dataclass(frozen=True)
class SubmissionRow:
    submission: LeadSubmission
    # the customer as the reader may see it: None when outside their data scope
    customer: Customer | None


def lead_submissions_recent(*, user: User, form: LeadForm) -> list[SubmissionRow]:
    may_manage_forms(user)
    rows = list(
        LeadSubmission.objects.filter(form=form)
        .select_related("customer", "assignee")
        .order_by("-id")[:RECENT]
    )
    ids = {row.customer_id for row in rows if row.customer_id}
    visible = set(Customer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [
        SubmissionRow(row, row.customer if row.customer_id in visible else None) for row in rows
    ]
