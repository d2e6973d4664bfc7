"""The pipeline pages' edit forms, opened and saved unchanged as a browser does it
(tests/postback.py): the page takes them and nothing changes."""

import datetime as dt

import pytest
from django.urls import reverse

from guanxi.accounts.models import Department
from guanxi.pipeline.models import Prospect, PublicPool, Script, Stage, TeamQuota
from guanxi.pipeline.prospects import services as prospects
from guanxi.pipeline.scripts.services import script_create
from tests.customers.factories import CustomerFactory
from tests.pipeline.factories import PoolFactory
from tests.postback import LANGUAGES, EditPage, save_unchanged

pytestmark = pytest.mark.django_db


def pool(org) -> EditPage:
    team = Department.objects.get(name="销售一部")
    stages = list(Stage.objects.order_by("order"))
    made = PoolFactory(
        name="华东公海",
        department=team,
        is_active=True,
        no_followup_days={"*": 30, stages[0].code: 15, "A": 7},
        no_progress_days={"*": 60, stages[-1].code: 90, "D": 120},
        no_progress_contacts=8,
        no_deal_days=180,
        exempt_dealt=False,
        warn_days=5,
        daily_claim_cap=20,
        cooldown_days=14,
        max_owned=300,
        max_locked=0,
        max_owned_per_department=2000,
        max_locked_per_department=50,
        count_dealt=True,
        masks_phones=False,
        member_users=[org["sales2a"]],
        admins=[org["manager"]],
    )

    def members():
        fresh = PublicPool.objects.get(pk=made.pk)
        return {
            name: sorted(getattr(fresh, name).values_list("pk", flat=True))
            for name in ("member_users", "member_departments", "admins", "departments_recycled")
        }

    return EditPage(
        user=org["admin"],
        url=reverse("pipeline:pool_edit", args=[made.pk]),
        records=[made, members],
    )


def script(org) -> EditPage:
    made = script_create(
        actor=org["manager"],
        data={
            "title": "价格太贵怎么办",
            "body": "先认同客户的感受。\n再讲清楚价值：\n1. 质保\n2. 服务",
            "objection_type": "price",
            "stage": Stage.objects.order_by("order").last(),
        },
    )
    return EditPage(
        user=org["manager"],
        url=reverse("pipeline:script_edit", args=[made.pk]),
        records=[Script.objects.get(pk=made.pk)],
    )


def team_quota(org) -> EditPage:
    team = Department.objects.get(name="销售一部")
    prospects.quota_set(
        actor=org["manager"],
        department=team,
        stage0=25,
        stage12=40,
        stage34=12,
        daily_target=6,
        signed_per_month=3,
    )
    return EditPage(
        user=org["manager"],
        url=reverse("pipeline:team_quotas"),
        form={"holding": ("department", str(team.pk))},
        records=[TeamQuota.objects.filter(department=team)],
    )


def _prospect(org):
    """A customer with every intention field set (stage, grade, MAN, quality, referrer)."""
    sales = org["sales1a"]
    referrer = CustomerFactory(owner=sales, name="老客户介绍人")
    customer = CustomerFactory(owner=sales, name="意向客户")
    prospects.prospect_set_stage(
        actor=sales, customer=customer, stage=Stage.objects.order_by("order")[2]
    )
    prospects.prospect_set_grade(actor=sales, customer=customer, grade="B")
    prospects.man_assess(actor=sales, customer=customer, money=True, authority=False, need=None)
    prospects.quality_assess(
        actor=sales,
        customer=customer,
        traits={"demand": True, "loyalty": True},
        risks=["financial", "churn"],
    )
    prospects.referral_set(actor=sales, customer=customer, referrer=referrer)
    return customer


def _intention_form(action: str):
    def make(org) -> EditPage:
        customer = _prospect(org)
        return EditPage(
            user=org["sales1a"],
            url=reverse("pipeline:panel_prospect", args=[customer.pk]),
            form={"action": reverse(f"pipeline:{action}", args=[customer.pk])},
            records=[Prospect.objects.get(pk=customer.pk)],
            panel=True,
        )

    make.__name__ = f"intention_{action.removeprefix('panel_')}"
    return make


def board_expectation(org) -> EditPage:
    """The expected amount and close date, edited on the board's card (htmx)."""
    customer = _prospect(org)
    prospects.prospect_set_expectation(
        actor=org["sales1a"],
        customer=customer,
        expected_amount="128000.50",
        expected_close_on=dt.date(2027, 3, 31),
    )
    url = reverse("pipeline:board_card_expectation", args=[customer.pk])
    return EditPage(
        user=org["sales1a"],
        url=url,
        records=[Prospect.objects.get(pk=customer.pk)],
        panel=True,
    )


PAGES = [
    pool,
    script,
    team_quota,
    board_expectation,
    *(
        _intention_form(f"panel_{part}")
        for part in ("stage", "grade", "man", "quality", "referrer")
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("make_page", PAGES, ids=lambda make: make.__name__)
def test_an_edit_page_saved_unchanged_changes_nothing(org, make_page, language):
    save_unchanged(make_page(org), language=language)
