"""What the api modules share (core.api_endpoints): views made by a factory, bodies handed
to services, records a request names by id (issue 10)."""

import inspect

import pytest
from ninja import Schema

from guanxi.accounts.models import Department
from guanxi.core.api_endpoints import endpoint_view, referenced, service_arguments
from guanxi.core.errors import NotFound, ValidationFailed


class _NoteIn(Schema):
    note: str


def test_endpoint_view_takes_the_name_module_and_body_it_stands_for():
    def view(request, record_id: int, payload: Schema):
        return payload

    made = endpoint_view(view, name="record_note", payload=_NoteIn, module="guanxi.x.api")
    assert made is view
    assert (made.__name__, made.__qualname__, made.__module__) == (
        "record_note",
        "record_note",
        "guanxi.x.api",
    )
    assert inspect.signature(made).parameters["payload"].annotation is _NoteIn


class _LineIn(Schema):
    product_id: int | None
    contract_item_id: int
    quantity: int


def test_service_arguments_name_referenced_records_as_the_services_do():
    line = _LineIn(product_id=None, contract_item_id=3, quantity=2)
    assert service_arguments(line) == {"product": None, "contract_item": 3, "quantity": 2}


@pytest.mark.django_db
def test_referenced_is_the_named_record_or_an_error_on_its_field():
    department = Department.objects.create(name="销售一部")
    assert referenced(Department.objects, None, field="department", message="no") is None
    assert referenced(Department.objects, department.pk, field="x", message="no") == department
    with pytest.raises(ValidationFailed) as refused:
        referenced(Department.objects, department.pk + 1, field="department_id", message="no")
    assert refused.value.field_errors == {"department_id": ["no"]}
    with pytest.raises(NotFound):
        referenced(
            Department.objects.exclude(pk=department.pk),
            department.pk,
            field="department",
            message="no",
            error=NotFound,
        )
