"""The operations on a contract's own records (orders, stock-outs, payments, invoices) under
`/contracts/{id}/<records>`: the list, newest first, and the recording of one. The areas
that own such records declare them through these factories, so that every contract's
records page and answer alike: a contract outside the caller's scope is a 404 before any
row is read or written."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from ninja import Query, Router, Schema, Status

from guanxi.core.api_endpoints import endpoint_view, service_arguments
from guanxi.core.schemas import PageQuery
from guanxi.sales.contracts.selectors import contract_for_user, contract_rows_page


def contract_records_list(
    router: Router,
    records: str,
    *,
    name: str,
    module: str,
    rows: Callable[[], QuerySet],
    response: type[Schema],
    summary: str,
) -> None:
    """`GET /contracts/{id}/<records>`, the view `name` of the api module `module`: a page
    of the contract's `rows()`, newest first."""

    def view(request: Any, contract_id: int, query: Query[PageQuery]) -> Any:
        return contract_rows_page(
            user=request.auth, contract_id=contract_id, rows=rows(), page=query
        )

    router.get(f"/contracts/{{int:contract_id}}/{records}", response=response, summary=summary)(
        endpoint_view(view, name=name, module=module)
    )


def contract_record_create(
    router: Router,
    records: str,
    *,
    name: str,
    module: str,
    body: type[Schema],
    service: Callable[..., Model],
    rows: Callable[[], QuerySet],
    response: type[Schema],
    summary: str,
) -> None:
    """`POST /contracts/{id}/<records>`, the view `name` of the api module `module`: the
    body's fields go to `service` as its arguments (`core.api_endpoints.service_arguments`)
    and the answer, 201, is the new record as `rows()` reads it."""

    def view(request: Any, contract_id: int, payload: Schema) -> Any:
        contract = contract_for_user(user=request.auth, contract_id=contract_id)
        record = service(actor=request.auth, contract=contract, **service_arguments(payload))
        return Status(201, rows().get(pk=record.pk))

    router.post(
        f"/contracts/{{int:contract_id}}/{records}", response={201: response}, summary=summary
    )(endpoint_view(view, name=name, module=module, payload=body))
