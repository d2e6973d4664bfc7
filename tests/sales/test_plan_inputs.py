"""Payment plans, order plan lines and target values reach the sales services as typed values
(issue 10 §3): the API's request rows and the page forms carry exactly the fields the
services take, and a loose mapping is refused row by row with the message a malformed row
always had, instead of being read key by key."""

import dataclasses

import pytest
from django.http import QueryDict
from django.utils import timezone, translation

from guanxi.core.errors import ValidationFailed
from guanxi.sales.contracts.forms import instalment_rows_from_post
from guanxi.sales.contracts.schemas import AmendedInstalmentIn
from guanxi.sales.contracts.services import InstalmentInput
from guanxi.sales.fulfilment import services as fulfilment
from guanxi.sales.fulfilment.schemas import DeliveryPlanIn
from guanxi.sales.models import SalesTarget
from guanxi.sales.receivables import services as receivables
from guanxi.sales.receivables.forms import plan_rows_from_post
from guanxi.sales.receivables.schemas import InstalmentIn
from guanxi.sales.reports.forms import TargetValuesForm
from tests.sales.factories import make_contract, make_signed_contract
from tests.sales.support import fulfilment_state, items_of, money_state


def _fields(input_type: type) -> set[str]:
    return {field.name for field in dataclasses.fields(input_type)}


# The API handlers build the service's value from a request row field by field (`**`), so
# the two must name the same fields.
@pytest.mark.parametrize("schema", [InstalmentIn, AmendedInstalmentIn])
def test_an_api_instalment_row_has_the_fields_of_the_services_instalment(schema):
    assert set(schema.model_fields) == _fields(InstalmentInput)


def test_an_api_plan_line_has_the_fields_of_the_services_plan_line():
    api_fields = {name.removesuffix("_id") for name in DeliveryPlanIn.model_fields}
    assert api_fields == _fields(fulfilment.DeliveryPlanInput)


def test_the_plan_editors_give_instalments_as_typed():
    receivables_post = QueryDict(mutable=True)
    receivables_post.setlist("due_on", ["2026-03-31", " ", "2026-04-30"])
    receivables_post.setlist("amount", [" 1000 ", "", "500"])
    receivables_post.setlist("notes", ["首付", "", ""])
    assert plan_rows_from_post(receivables_post) == [
        InstalmentInput(due_on="2026-03-31", amount="1000", notes="首付"),
        InstalmentInput(due_on="2026-04-30", amount="500", notes=""),
    ]
    amendment_post = QueryDict("inst-0-due_on=2026-03-31&inst-0-amount=1000&inst-1-notes=x")
    assert instalment_rows_from_post(amendment_post) == [
        InstalmentInput(due_on="2026-03-31", amount="1000", notes="")
    ]


def test_the_targets_page_gives_every_measure():
    assert set(TargetValuesForm.METRIC_FIELDS) == set(SalesTarget.Metric)


@pytest.mark.django_db
def test_a_plan_row_given_as_a_mapping_is_refused(sales1a, make_customer):
    contract = make_contract(sales1a, make_customer(sales1a), sign=False)
    before = money_state(contract)
    row = {"due_on": timezone.localdate(), "amount": "9000.00"}
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        receivables.instalments_set(actor=sales1a, contract=contract, plan=[row])
    assert refused.value.field_errors == {"plan.0": ["Each instalment needs a date."]}
    assert money_state(contract) == before


@pytest.mark.django_db
def test_an_order_line_given_as_a_mapping_is_refused(sales1a, make_customer):
    contract = make_signed_contract(sales1a, make_customer(sales1a))
    before = fulfilment_state(contract)
    line = {"contract_item": items_of(contract)[0], "quantity": "1", "planned_on": "2099-01-01"}
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        fulfilment.order_create(
            actor=sales1a,
            contract=contract,
            ordered_on=timezone.localdate(),
            plans=[line],
        )
    assert refused.value.field_errors == {"plans.0": ["Each line must be an object."]}
    assert fulfilment_state(contract) == before
