"""The home page of each role (issue 12 §1, RPT-1): the sections each kind of work gets,
data scope on every section, the figures they show, and bounded queries."""

import datetime as dt
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.services import token_create
from guanxi.core.dates import month_bounds
from guanxi.customers.models import Source
from guanxi.pipeline.models import FollowUp, Prospect, Stage
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts.services import contract_create, contract_submit
from guanxi.sales.models import Contract, SalesTarget

pytestmark = pytest.mark.django_db

SECTIONS = {
    "sales1a": {"home-month", "home-today", "home-instalments", "home-my-pipeline", "home-targets"},
    "manager": {
        "home-approvals",
        "home-idle",
        "home-team",
        "home-team-pipeline",
        "home-overdue-team",
    },
    "relations": {"home-lookup", "home-signed-recently"},
    "agent": {"home-lookup"},
    "marketing": {"home-lookup", "home-sources"},
    "admin": {"home-admin"},
}
ALL_SECTIONS = set().union(*SECTIONS.values())


def _ids(html: str) -> set[str]:
    return {name for name in ALL_SECTIONS if f'id="{name}"' in html}


@pytest.mark.parametrize("username", sorted(SECTIONS))
def test_each_role_gets_its_own_sections(username, org, client_for, django_assert_max_num_queries):
    client = client_for(org[username])
    with django_assert_max_num_queries(30):
        response = client.get("/")
    assert response.status_code == 200
    assert _ids(response.content.decode()) == SECTIONS[username]


def test_login_lands_on_the_home_page_and_old_links_follow(client, org):
    response = client.post(
        reverse("accounts:login"), {"username": "manager", "password": "guanxi2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("sales:home"))["Location"] == "/"


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "login" in response["Location"]


def _prospect(customer, *, stage, amount=None, close_on=None, due=None, tracked=True):
    Prospect.objects.filter(customer=customer).update(
        stage=Stage.objects.get(code=stage),
        expected_amount=amount,
        expected_close_on=close_on,
        next_due_at=due,
        tracked=tracked,
    )


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</table>", start) if "<table" in html[start:] else None]


def test_consultant_sees_only_own_work_and_own_pipeline(
    sales1a, sales1b, make_customer, client_for
):
    now = timezone.now()
    today = timezone.localdate()
    late = make_customer(sales1a, name="逾期客户甲")
    _prospect(late, stage="s3", amount="10000", close_on=today, due=now - dt.timedelta(days=2))
    _prospect(make_customer(sales1a, name="阶段一客户"), stage="s1", amount="2000")
    other = make_customer(sales1b, name="别人的客户")
    _prospect(other, stage="s4", amount="99000", close_on=today, due=now - dt.timedelta(days=2))

    html = client_for(sales1a).get("/").content.decode()
    today_section = html[html.index('id="home-today"') : html.index('id="home-my-pipeline"')]
    assert "逾期客户甲" in today_section and "别人的客户" not in html
    assert 'data-count="overdue">1<' in today_section
    pipeline = html[html.index('id="home-my-pipeline"') :]
    pipeline = pipeline[: pipeline.index("</table>")]
    assert "¥12,000.00" in pipeline  # 10,000 + 2,000, not sales1b's 99,000
    # this month: 10,000 closing × 60 % at stage 3
    assert "data-closing>¥10,000.00" in pipeline and "data-forecast>¥6,000.00" in pipeline


def test_manager_sees_the_team_pipeline_targets_and_who_is_idle(
    manager, sales1a, sales1b, sales2a, make_customer, client_for
):
    today = timezone.localdate()
    _prospect(make_customer(sales1a), stage="s4", amount="10000", close_on=today)
    _prospect(make_customer(sales1b), stage="s2", amount="5000", close_on=today)
    _prospect(make_customer(sales2a), stage="s0", amount="300")
    SalesTarget.objects.create(
        user=sales1a,
        period=SalesTarget.Period.MONTH,
        starts_on=month_bounds(today)[0],
        metric=SalesTarget.Metric.SIGNED,
        value=Decimal("30000"),
    )
    # sales1a followed someone up today; the other two have not
    FollowUp.objects.filter(user=sales1b).delete()
    customer = make_customer(sales1a)
    FollowUp.objects.create(customer=customer, user=sales1a, content="电话沟通", at=timezone.now())

    html = client_for(manager).get("/").content.decode()
    pipeline = html[html.index('id="home-team-pipeline"') :]
    pipeline = pipeline[: pipeline.index("</table>")]
    assert "¥15,300.00" in pipeline  # every tracked amount of the team
    assert "data-forecast>¥10,500.00" in pipeline  # 10,000 × 90 % + 5,000 × 30 %
    assert "data-target>¥30,000.00" in pipeline
    idle = html[html.index('id="home-idle"') :]
    idle = idle[: idle.index("</div>\n</div>")]
    assert 'data-user="sales1b"' in idle and 'data-user="sales2a"' in idle
    assert 'data-user="sales1a"' not in idle
    team = html[html.index('id="home-team"') :]
    row = team[team.index('data-user="sales1a"') :]
    assert "¥30,000.00" in row[: row.index("</tr>")]


def test_consultant_has_no_team_sections_and_manager_sees_approvals(
    sales1a, manager, make_customer, client_for
):
    contract = contract_create(
        actor=sales1a,
        customer=make_customer(sales1a, name="审批客户"),
        title="首页审批合同",
        items=[
            LineInput(
                product=None,
                description="实施服务",
                unit="项",
                quantity="1",
                unit_price="150000.00",
                discount_rate="0",
                tax_rate="0.13",
            )
        ],
    )
    contract = contract_submit(actor=sales1a, contract=contract)
    assert contract.status == Contract.Status.IN_APPROVAL

    manager_html = client_for(manager).get("/").content.decode()
    approvals = manager_html[manager_html.index('id="home-approvals"') :]
    assert contract.number in approvals[: approvals.index("</div>\n</div>")]
    consultant_html = client_for(sales1a).get("/").content.decode()
    assert 'id="home-approvals"' not in consultant_html  # nothing waits for them
    assert 'id="home-team"' not in consultant_html


def test_marketing_sees_new_customers_by_source(marketing, sales1a, make_customer, client_for):
    source = Source.objects.create(code="expo", name="展会", name_en="Trade fair")
    for _ in range(3):
        make_customer(sales1a, source=source)
    html = client_for(marketing).get("/").content.decode()
    sources = html[html.index('id="home-sources"') :]
    row = sources[sources.index("展会") :]
    assert '<td class="text-end">3</td>' in row[: row.index("</tr>")]


def test_admin_sees_locked_users_and_the_latest_audit(admin_user, client_for, settings):

    AccessAttempt.objects.create(
        username="sales1b",
        ip_address="10.0.0.9",
        user_agent="test",
        failures_since_start=settings.GUANXI_LOGIN_MAX_FAILURES,
    )
    html = client_for(admin_user).get("/").content.decode()
    admin = html[html.index('id="home-admin"') :]
    assert "sales1b" in admin
    assert reverse("accounts:audit") in admin


def test_home_in_english(manager, client_for):
    manager.language = "en"
    manager.save(update_fields=["language"])
    html = client_for(manager).get("/").content.decode()
    assert "Waiting for your approval" in html and "pipeline in money" in html


def test_what_is_waiting_in_the_api(manager, sales1a, make_customer):
    customer = make_customer(sales1a, name="逾期客户")
    _prospect(customer, stage="s1", due=timezone.now() - dt.timedelta(days=3))
    _token, raw = token_create(user=sales1a, name="t")
    body = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/users/me/waiting")
    assert body.status_code == 200
    kinds = {item["kind"]: item for item in body.json()}
    assert kinds["overdue_followups"]["count"] == 1
    assert kinds["overdue_followups"]["url"] == "/pipeline/"
    _token, raw = token_create(user=manager, name="t")
    other = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/users/me/waiting")
    assert "overdue_followups" not in {item["kind"] for item in other.json()}
