"""Who sees which 回访 (CARE-1): the scope of the assignee and the department, per role."""

import pytest

from guanxi.care.models import CareTask
from guanxi.care.visits import selectors
from tests.care.factories import CareTaskRowFactory
from tests.sales.support import api

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


# who sees the customer (sales1a's) reads all its 回访 on its record, as on its timeline
SEE_THE_CUSTOMER = {"sales1a", "manager", "relations", "agent", "marketing", "admin"}


@pytest.mark.parametrize(("viewer", "expected"), sorted(SEES.items()))
def test_one_visit_reads_with_the_customer_else_404(org, tasks, viewer, expected):
    client = api(org[viewer])
    for name, task in tasks.items():
        response = client.get(f"/api/v1/care/visits/{task.pk}")
        readable = name in expected or viewer in SEE_THE_CUSTOMER
        assert response.status_code == (200 if readable else 404)


def test_a_spot_check_is_not_read_through_the_customer(org, tasks):
    task = tasks["relations"]
    CareTask.objects.filter(pk=task.pk).update(kind=CareTask.Kind.SPOT_CHECK)
    assert api(org["sales1a"]).get(f"/api/v1/care/visits/{task.pk}").status_code == 404
    assert api(org["relations"]).get(f"/api/v1/care/visits/{task.pk}").status_code == 200
