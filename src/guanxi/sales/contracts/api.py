"""/api/v1 for contracts (ORD-2): list, create, read, edit a draft, and the status actions.

The API cannot set a status or skip approval: inputs forbid unknown fields (`status` → 422),
and the only ways forward are the actions below, which call the same services as the pages
(submit goes through approval when a flow matches). A contract outside the caller's scope
answers 404 like one that does not exist.
"""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from ninja import Field, Query, Router, Schema, Status

from guanxi.core.api_endpoints import endpoint_view
from guanxi.core.schemas import IdCursor, QueryId
from guanxi.sales.catalog.schemas import ContractRefOut, QuoteConvertIn
from guanxi.sales.catalog.selectors import quote_get_for_user
from guanxi.sales.common.lines import LineInput
from guanxi.sales.contracts import services
from guanxi.sales.contracts.schemas import (
    AmendIn,
    AmendmentOut,
    ContractIn,
    ContractOut,
    ContractPageOut,
    ContractPatch,
    TerminateIn,
)
from guanxi.sales.contracts.selectors import (
    ContractFilters,
    contract_get_for_user,
    contract_list_for_user,
)
from guanxi.sales.models import Contract, ContractAmendment

router = Router(tags=["contracts"])


class ContractQuery(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    status: Annotated[str, Field(max_length=12)] = ""
    owner: QueryId | None = None
    department: QueryId | None = None
    customer: QueryId | None = None
    signed_from: dt.date | None = None
    signed_to: dt.date | None = None
    cursor: IdCursor = ""
    limit: int = Field(25, ge=1, le=100)


def _arguments(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    """A body's fields as its service's arguments, its lines (when given) as LineInputs."""
    data = payload.model_dump(exclude_unset=exclude_unset)
    if data.get("items") is not None:
        data["items"] = [LineInput(**item) for item in data["items"]]
    return data


def _detail(user, contract_id):
    contract = contract_get_for_user(user=user, contract_id=contract_id)
    return contract


@router.get("/contracts", response=ContractPageOut, summary="Contracts in your scope, newest first")
def contract_list(request, query: Query[ContractQuery]):
    filters = ContractFilters.from_params(query.model_dump())
    page = contract_list_for_user(
        user=request.auth, filters=filters, cursor=query.cursor or None, limit=query.limit
    )
    return {
        "items": page.items,
        "next_cursor": page.next_cursor,
        "total": page.total,
        "total_capped": page.total_capped,
    }


@router.post("/contracts", response={201: ContractOut}, summary="Create a draft contract")
def contract_create(request, payload: ContractIn):
    data = _arguments(payload)
    contract = services.contract_create(
        actor=request.auth,
        customer=data.pop("customer"),
        title=data.pop("title"),
        items=data.pop("items"),
        **data,
    )
    return Status(201, _detail(request.auth, contract.pk))


@router.get("/contracts/{int:contract_id}", response=ContractOut, summary="One contract")
def contract_get(request, contract_id: int):
    return _detail(request.auth, contract_id)


@router.patch(
    "/contracts/{int:contract_id}", response=ContractOut, summary="Edit a draft (with version)"
)
def contract_update(request, contract_id: int, payload: ContractPatch):
    contract = _detail(request.auth, contract_id)
    data = _arguments(payload, exclude_unset=True)
    version = data.pop("version")
    items = data.pop("items", None)
    services.contract_update(
        actor=request.auth,
        contract=contract,
        version=version,
        data=services.ContractHead(**data),
        items=items,
    )
    return _detail(request.auth, contract_id)


def _status_action(action: str, service: Callable[..., Contract], summary: str) -> None:
    """`POST /contracts/{id}/<action>`, named after its service: the status actions without a
    body differ only in the service they call, and each answers the contract afterwards."""

    def view(request, contract_id: int):
        contract = _detail(request.auth, contract_id)
        service(actor=request.auth, contract=contract)
        return _detail(request.auth, contract_id)

    router.post(f"/contracts/{{int:contract_id}}/{action}", response=ContractOut, summary=summary)(
        endpoint_view(view, name=service.__name__)
    )


_status_action(
    "submit",
    services.contract_submit,
    "Submit: to approval if a flow matches, else signed at once",
)
_status_action("start", services.contract_start, "Start execution")
_status_action("complete", services.contract_complete, "Complete (executing and fully collected)")


@router.post(
    "/contracts/{int:contract_id}/terminate", response=ContractOut, summary="Terminate, with reason"
)
def contract_terminate(request, contract_id: int, payload: TerminateIn):
    contract = _detail(request.auth, contract_id)
    services.contract_terminate(actor=request.auth, contract=contract, reason=payload.reason)
    return _detail(request.auth, contract_id)


@router.post(
    "/contracts/{int:contract_id}/amend",
    response={201: AmendmentOut},
    summary="Amend a signed contract (permission sales.amend; audited)",
)
def contract_amend(request, contract_id: int, payload: AmendIn):
    contract = _detail(request.auth, contract_id)
    data = _arguments(payload, exclude_unset=True)
    reason = data.pop("reason")
    items = data.pop("items", None)
    instalments = data.pop("instalments", None)
    amendment = services.contract_amend(
        actor=request.auth,
        contract=contract,
        reason=reason,
        data=services.ContractHead(**data),
        items=items,
        instalments=(
            None
            if instalments is None
            else [services.InstalmentInput(**row) for row in instalments]
        ),
    )
    return Status(201, ContractAmendment.objects.select_related("created_by").get(pk=amendment.pk))


@router.get(
    "/contracts/{int:contract_id}/amendments",
    response=list[AmendmentOut],
    summary="A contract's amendments, newest first",
)
def contract_amendments(request, contract_id: int):
    contract = _detail(request.auth, contract_id)
    return list(
        ContractAmendment.objects.filter(contract_id=contract.pk)
        .select_related("created_by")
        .order_by("-number")
    )


@router.post(
    "/quotes/{int:quote_id}/convert",
    response={201: ContractRefOut},
    summary="Draft a contract from an accepted quote",
    tags=["sales"],
    operation_id="guanxi_sales_api_catalog_quote_convert",
)
def quote_convert(request, quote_id: int, payload: QuoteConvertIn):
    quote = quote_get_for_user(user=request.auth, quote_id=quote_id)
    contract = services.quote_convert(actor=request.auth, quote=quote, title=payload.title)
    return Status(201, contract)
