"""Who sees which 回访 (CARE-1): the scope of the assignee and the department, per role."""

import pytest

from guanxi.care.models import CareTask
from guanxi.care.visits import selectors
from tests.care.factories import CareTaskRowFactory

pytestmark = pytest.mark.django_db

# a 回访 of sales1a, one of sales2a (another team of the same manager), one of relations
SEES = {
    "sales1a": {"sales1a"},
    "sales1b": set(),
    "sales2a": {"sales2a"},
    "manager": {"sales1a", "sales2a"},
    "relations": {"sales1a", "sales2a", "relations"},
    "agent": {"sales1a", "sales2a", "relations"},  # the service agent's scope is all
    "marketing": {"sales1a", "sales2a", "relations"},
    "admin": {"sales1a", "sales2a", "relations"},
}


@pytest.fixture
def tasks(org, make_customer):
    customer = make_customer(org["sales1a"], name="范围客户")
    return {
        name: CareTaskRowFactory(customer=customer, assignee=org[name], title=f"回访 {name}")
        for name in ("sales1a", "sales2a", "relations")
    }


@pytest.mark.parametrize(("viewer", "expected"), sorted(SEES.items()))
def test_each_role_sees_its_scope(org, tasks, viewer, expected):
    user = org[viewer]
    seen = {
        t.assignee.username
        for t in selectors.visit_page(user=user, filters=selectors.VisitFilters()).items
    }
    assert seen == expected
    for name, task in tasks.items():
        assert CareTask.objects.visible_to(user).filter(pk=task.pk).exists() == (name in expected)


@pytest.mark.parametrize(("viewer", "expected"), sorted(SEES.items()))
def test_the_api_answers_404_out_of_scope(org, tasks, viewer, expected):
    from tests.sales.support import api

    client = api(org[viewer])
    for name, task in tasks.items():
        response = client.get(f"/api/v1/care/visits/{task.pk}")
        assert response.status_code == (200 if name in expected else 404)
