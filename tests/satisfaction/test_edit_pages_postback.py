"""The satisfaction pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

import pytest
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.satisfaction.models import ActionPlan, Factor, Question, SurveyTemplate
from guanxi.satisfaction.surveys.services import current_version
from tests.postback import LANGUAGES, EditPage, save_unchanged
from tests.satisfaction.factories import plan

pytestmark = pytest.mark.django_db


def action_plan(org) -> EditPage:
    made = plan(
        org["manager"],
        org["sales1a"],
        supervisor_id=org["manager"].pk,
        cause="报价单只写总价\n客户看不懂",
        status="in_progress",
    )
    return EditPage(
        user=org["manager"],
        url=reverse("satisfaction:plan_edit", args=[made.pk]),
        records=[ActionPlan.objects.get(pk=made.pk)],
    )


def action_plan_of_someone_who_left(org) -> EditPage:
    """Its owner left: the page shows them, and the save is refused until a user still here
    takes the plan on, instead of handing it to whoever comes first in the list."""
    page = action_plan(org)
    User.objects.filter(pk=org["sales1a"].pk).update(is_active=False)
    return EditPage(
        user=page.user,
        url=page.url,
        records=page.records,
        refusal="Choose an active user.",
    )


def survey_template(org) -> EditPage:
    """Saving publishes the next version: what it asks counts, not its number."""
    template = SurveyTemplate.objects.get(code="new_car")

    def current():
        version = current_version(template=template)
        factors = Factor.objects.filter(version=version).order_by("sort_order", "pk")
        return {
            "settings": [version.scale_max, version.low_threshold, version.intro, version.intro_en],
            "factors": [
                [
                    f.code,
                    f.name,
                    f.name_en,
                    f.baseline,
                    f.sort_order,
                    list(
                        Question.objects.filter(factor=f)
                        .order_by("sort_order", "pk")
                        .values_list("text", "text_en", "asks_expectation", "sort_order")
                    ),
                ]
                for f in factors
            ],
        }

    return EditPage(
        user=org["admin"],
        url=reverse("satisfaction:template_edit", args=[template.pk]),
        records=[template, current],
    )


PAGES = [action_plan, action_plan_of_someone_who_left, survey_template]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)
