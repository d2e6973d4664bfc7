"""The complaint set-up pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.service.complaints import setup
from guanxi.service.models import ComplaintCategory, ComplaintSettings, SlaTarget
from tests.postback import LANGUAGES, EditPage, save_unchanged

pytestmark = pytest.mark.django_db


def _category_page(org, category) -> EditPage:
    return EditPage(
        user=org["admin"],
        url=reverse("service:complaint_setup_category_edit", args=[category.pk]),
        records=[ComplaintCategory.objects.get(pk=category.pk)],
    )


def category(org) -> EditPage:
    made = setup.category_save(
        actor=org["admin"],
        data=setup.CategoryInput(
            name="送货延误", name_en="Late delivery", code="late_delivery", sort_order=40
        ),
    )
    return _category_page(org, made)


def sub_item(org) -> EditPage:
    parent = ComplaintCategory.objects.filter(parent=None).order_by("pk").first()
    made = setup.category_save(
        actor=org["admin"],
        data=setup.CategoryInput(
            name="安装师傅迟到",
            name_en="Fitter late",
            code="fitter_late",
            parent_id=parent.pk,
            active=False,
            sort_order=7,
        ),
    )
    return _category_page(org, made)


def sla_target(org) -> EditPage:
    top = ComplaintCategory.objects.filter(parent=None, active=True).order_by("pk").first()
    setup.sla_target_set(
        actor=org["admin"],
        category_id=top.pk,
        severity="high",
        respond_minutes=90,
        resolve_minutes=3 * 24 * 60 + 45,
    )
    return EditPage(
        user=org["admin"],
        url=f"{reverse('service:complaint_setup_sla')}?category={top.pk}&severity=high",
        form={"action": reverse("service:complaint_setup_sla")},
        records=[SlaTarget.objects.filter(category=top, severity="high")],
    )


def complaint_settings(org) -> EditPage:
    setup.settings_update(
        actor=org["admin"],
        route_minutes=45,
        next_level_minutes=8 * 60 + 30,
        compensation_approval_above=Decimal("1500.50"),
    )
    return EditPage(
        user=org["admin"],
        url=reverse("service:complaint_setup_settings"),
        records=[ComplaintSettings.objects.get(pk=1)],
    )


PAGES = [category, sub_item, sla_target, complaint_settings]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_complaint_category_saved_unchanged_changes_nothing(org, language):
    for shipped in ComplaintCategory.objects.order_by("pk"):
        save_unchanged(_category_page(org, shipped), language=language)
