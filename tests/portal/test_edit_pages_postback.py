"""The web-to-lead form's settings, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

from dataclasses import replace

import pytest
from django.urls import reverse

from guanxi.accounts.models import Department
from guanxi.pipeline.models import PublicPool
from guanxi.portal.models import LeadField, LeadForm
from tests.pipeline.factories import PoolFactory
from tests.portal.factories import lead_form
from tests.postback import LANGUAGES, EditPage, save_unchanged

pytestmark = pytest.mark.django_db


def _page(org, form) -> EditPage:
    return EditPage(
        user=org["admin"],
        url=reverse("portal:form_edit", args=[form.pk]),
        records=[LeadForm.objects.get(pk=form.pk)],
    )


def lead_form_to_a_team(org) -> EditPage:
    made = lead_form(
        org["admin"],
        department=Department.objects.get(name="销售一部"),
        fields=[LeadField.EMAIL, LeadField.CITY, LeadField.NEEDS],
        required=[LeadField.CITY, LeadField.NEEDS],
        allowed_origins="https://www.example.com\nhttps://shop.example.cn:8443",
        thank_you="感谢您的咨询！\n我们会在一个工作日内联系您。",
    )
    return _page(org, made)


def lead_form_to_a_pool(org) -> EditPage:
    pool = PoolFactory(name="官网公海", department=Department.objects.get(name="销售二部"))
    return _page(org, lead_form(org["admin"], pool=pool, is_active=False))


def lead_form_to_a_pool_switched_off(org) -> EditPage:
    """The pool was switched off after the form was set to fill it: the page shows that pool
    and asks for an open one, rather than showing none and asking for a team or a pool."""
    page = lead_form_to_a_pool(org)
    PublicPool.objects.update(is_active=False)
    return replace(page, refusal="Choose an open public pool.")


PAGES = [lead_form_to_a_team, lead_form_to_a_pool, lead_form_to_a_pool_switched_off]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)
