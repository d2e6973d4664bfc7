"""An objection's outcome is updated after it was logged, and open objections are listed per
consultant (issue 12 §4, SRV-1)."""

import pytest
from django.urls import reverse

from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import TimelineEvent
from guanxi.pipeline.models import Objection
from guanxi.pipeline.prospects import selectors, services
from tests.pipeline.support import page_360

pytestmark = pytest.mark.django_db


def _objection(owner, customer, *, type="price", real=""):
    services.followup_log(
        actor=owner,
        customer=customer,
        data=services.FollowUpInput(
            channel="phone",
            content="客户提出异议",
            objections=[{"type": type, "real_objection": real}],
        ),
    )
    return Objection.objects.filter(customer=customer).latest("id")


def test_owner_resolves_an_objection_on_the_timeline(sales1a, make_customer):
    customer = make_customer(sales1a)
    objection = _objection(sales1a, customer)
    assert objection.outcome == Objection.Outcome.OPEN
    services.objection_set_outcome(
        actor=sales1a, objection=objection, outcome="resolved", note="送了试用装"
    )
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.RESOLVED
    event = TimelineEvent.objects.filter(customer=customer, kind="objection").get()
    assert event.body == "送了试用装" and event.actor == sales1a
    assert event.data == {"objection": objection.pk, "outcome": "resolved"}
    # the same outcome again without a note changes nothing
    services.objection_set_outcome(actor=sales1a, objection=objection, outcome="resolved")
    assert TimelineEvent.objects.filter(customer=customer, kind="objection").count() == 1


@pytest.mark.parametrize(
    ("outcome", "note", "field"), [("gone", "", "outcome"), ("lost", "x" * 1001, "note")]
)
def test_bad_input_is_refused_and_nothing_changes(sales1a, make_customer, outcome, note, field):
    objection = _objection(sales1a, make_customer(sales1a))
    with pytest.raises(ValidationFailed) as error:
        services.objection_set_outcome(
            actor=sales1a, objection=objection, outcome=outcome, note=note
        )
    assert field in error.value.field_errors
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.OPEN
    assert not TimelineEvent.objects.filter(kind="objection").exists()


def test_others_may_not_change_it(sales1a, sales1b, relations, manager, make_customer):
    objection = _objection(sales1a, make_customer(sales1a))
    with pytest.raises(NotFound):
        selectors.objection_get_for_user(user=sales1b, objection_id=objection.pk)
    # customer relations sees the customer but does not log follow-ups on others' customers
    seen = selectors.objection_get_for_user(user=relations, objection_id=objection.pk)
    with pytest.raises(PermissionDenied):
        services.objection_set_outcome(actor=relations, objection=seen, outcome="lost")
    services.objection_set_outcome(actor=manager, objection=seen, outcome="lost")
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.LOST


def test_the_360_panel_lists_objections_with_an_outcome_form(client_for, sales1a, make_customer):
    customer = make_customer(sales1a)
    objection = _objection(sales1a, customer, real="预算要等下季度")
    client = client_for(sales1a)
    page = page_360(client, customer)
    action = reverse("pipeline:objection_outcome", args=[objection.pk])
    assert "预算要等下季度" in page and action in page
    response = client.post(
        action, {"outcome": "resolved", "note": "", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    objection.refresh_from_db()
    assert objection.outcome == Objection.Outcome.RESOLVED


def test_open_objections_per_consultant(client_for, sales1a, sales1b, manager, make_customer):
    mine = _objection(sales1a, make_customer(sales1a, name="甲客户"), real="太贵了")
    done = _objection(sales1a, make_customer(sales1a, name="乙客户"), real="已解决的")
    services.objection_set_outcome(actor=sales1a, objection=done, outcome="resolved")
    theirs = _objection(sales1b, make_customer(sales1b, name="丙客户"), real="要问老板")
    url = reverse("pipeline:objections")

    page = client_for(sales1a).get(url).content.decode()
    assert "太贵了" in page and "已解决的" not in page and "要问老板" not in page

    page = client_for(manager).get(url).content.decode()
    assert "太贵了" in page and "要问老板" in page and 'name="owner"' in page
    page = client_for(manager).get(url, {"owner": sales1b.pk}).content.decode()
    assert "要问老板" in page and "太贵了" not in page
    # a consultant filters by nobody else
    assert client_for(sales1a).get(url, {"owner": sales1b.pk}).status_code == 404
    assert client_for(sales1a).get(url, {"owner": "x"}).status_code == 404

    # updating from the list goes back to the list
    response = client_for(manager).post(
        reverse("pipeline:objection_outcome", args=[theirs.pk]),
        {"outcome": "lost", "note": "", "next": f"{url}?owner={sales1b.pk}"},
    )
    assert response["Location"] == f"{url}?owner={sales1b.pk}"
    assert mine.pk in {o.pk for o in selectors.objections_open(user=manager).items}
    assert theirs.pk not in {o.pk for o in selectors.objections_open(user=manager).items}
