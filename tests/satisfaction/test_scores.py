"""The satisfaction report (SAT-3): scope per role, the formula by factor, month and
consultant, the weakest factor first, internal beside external, its query count."""

from decimal import Decimal

import pytest

from guanxi.core.errors import ValidationFailed
from guanxi.satisfaction.models import AnswerItem, SurveyResponse
from guanxi.satisfaction.scores import selectors
from guanxi.satisfaction.scores.selectors import ReportFilters
from tests.sales.support import api
from tests.satisfaction.factories import answer

pytestmark = pytest.mark.django_db

# answers about customers of sales1a and sales2a (two teams of the manager)
SEES = {
    "sales1a": {"sales1a"},
    "sales1b": set(),
    "sales2a": {"sales2a"},
    "manager": {"sales1a", "sales2a"},
    "relations": {"sales1a", "sales2a"},
    "agent": {"sales1a", "sales2a"},
    "marketing": {"sales1a", "sales2a"},
    "admin": {"sales1a", "sales2a"},
}


@pytest.fixture
def answered(org, make_customer):
    relations = org["relations"]
    for name, performance in (("sales1a", 9), ("sales2a", 5)):
        customer = make_customer(org[name], name=f"{name}的客户")
        answer(relations, customer, expectation=8, performance=performance)
    return org


@pytest.mark.parametrize(("viewer", "expected"), sorted(SEES.items()))
def test_each_role_sees_its_scope(answered, viewer, expected):
    user = answered[viewer]
    report = selectors.report(user=user, filters=ReportFilters.last_months(3))
    assert {p.name for p in report.consultants} == {answered[n].display_name or n for n in expected}
    seen = {r.consultant.username for r in SurveyResponse.objects.visible_to(user)}
    assert seen == expected
    body = api(user).get("/api/v1/satisfaction/answers").json()
    assert len(body["items"]) == len(expected)


def test_the_report_by_factor_month_and_consultant(answered):
    report = selectors.report(user=answered["admin"], filters=ReportFilters.last_months(2))
    # sales1a +1 on 15 items, sales2a −3 on 15 items: overall −1.00
    assert report.total.internal.satisfaction == Decimal("-1.00")
    assert report.total.internal.count == 30
    assert report.total.external.count == 0
    assert [m.split.internal.satisfaction for m in report.months] == [None, Decimal("-1.00")]
    by_name = {p.name: p.split.internal.satisfaction for p in report.consultants}
    a, b = answered["sales1a"], answered["sales2a"]
    assert by_name == {
        a.display_name or "sales1a": Decimal("1.00"),
        b.display_name or "sales2a": Decimal("-3.00"),
    }
    assert report.consultants[0].user_id == b.pk  # the weakest first
    assert {f.code for f in report.factors} == {"buying", "transaction", "delivery"}
    assert report.months[-1].responses == 2


def test_the_weakest_factor_comes_first(org, make_customer):
    customer = make_customer(org["sales1a"])
    response = answer(org["relations"], customer, expectation=8, performance=8)
    AnswerItem.objects.filter(response=response, factor_code="delivery").update(
        performance=4, gap=-4
    )
    report = selectors.report(user=org["admin"], filters=ReportFilters.last_months(1))
    assert report.factors[0].code == "delivery"
    assert report.factors[0].split.internal.satisfaction == Decimal("-4.00")


def test_the_report_page_draws_in_few_queries(answered, client_for, django_assert_max_num_queries):
    client = client_for(answered["manager"])
    client.get("/satisfaction/")
    with django_assert_max_num_queries(14):
        response = client.get("/satisfaction/?radar=" + str(answered["sales1a"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "gx-sat-data" in html and "交易过程" in html


def test_the_selector_is_a_fixed_number_of_queries(answered, django_assert_num_queries):
    with django_assert_num_queries(
        6
    ):  # scope, the grouped rows, NPS, factor, user, department names
        selectors.report(user=answered["admin"], filters=ReportFilters.last_months(6))


def test_bad_filters_are_field_errors():
    with pytest.raises(ValidationFailed) as exc:
        ReportFilters.from_params({"from": "2026-13", "to": "nope"})
    assert set(exc.value.field_errors) == {"from", "to"}


def test_the_scores_api_answers_json_and_field_errors(answered):
    client = api(answered["manager"])
    body = client.get("/api/v1/satisfaction/scores").json()
    assert body["total"]["internal"]["satisfaction"] == "-1.00"
    assert client.get("/api/v1/satisfaction/scores?from=2026-99").status_code == 422


def test_the_home_of_relations_and_managers_loads_the_satisfaction_section(answered, client_for):
    for name in ("relations", "manager"):
        home = client_for(answered[name]).get("/").content.decode()
        assert 'id="gx-home-satisfaction"' in home and "/satisfaction/home-panel/" in home
    assert "gx-home-satisfaction" not in client_for(answered["sales1a"]).get("/").content.decode()
    panel = client_for(answered["manager"]).get(
        "/satisfaction/home-panel/", headers={"HX-Request": "true"}
    )
    assert panel.status_code == 200 and "-1.00" in panel.content.decode()
