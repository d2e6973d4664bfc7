"""/api/v1 for products, price lists and quotes (ORD-1). Thin: parse, call a service or a
selector, render. A quote or customer outside the caller's scope answers 404; catalogue
writes without the sales.catalog permission answer 403; bad input 422, nothing written."""

from typing import Annotated

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from guanxi.accounts.selectors import user_can
from guanxi.core.api_endpoints import service_arguments
from guanxi.core.errors import PermissionDenied
from guanxi.core.schemas import ErrorOut, IdCursor, QueryId
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.sales.catalog import selectors as selectors_catalog
from guanxi.sales.catalog import services as services_catalog
from guanxi.sales.catalog.schemas import (
    PriceListOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    QuoteIn,
    QuoteOut,
    QuotePageOut,
    QuoteStatusIn,
)
from guanxi.sales.common.lines import LineInput
from guanxi.sales.common.permissions import MANAGE_CATALOG
from guanxi.sales.models import Quote

router = Router(tags=["sales"])


# ---------------------------------------------------------------- products


class ProductQuery(Schema):
    q: Annotated[str, Field(max_length=60)] = ""
    include_inactive: bool = False


@router.get("/products", response=list[ProductOut], summary="Products (by code)")
def product_list(request, query: Query[ProductQuery]):
    return selectors_catalog.product_list(
        q=query.q, active=None if query.include_inactive else True, limit=1000
    )


@router.post("/products", response={201: ProductOut}, summary="Add a product (sales.catalog)")
def product_create(request, payload: ProductIn):
    product = services_catalog.product_create(
        actor=request.auth, data=services_catalog.ProductInput(**payload.model_dump())
    )
    return Status(201, product)


@router.patch(
    "/products/{int:product_id}", response=ProductOut, summary="Change a product (sales.catalog)"
)
def product_update(request, product_id: int, payload: ProductPatch):
    if not user_can(user=request.auth, permission=MANAGE_CATALOG):
        raise PermissionDenied(_("You may not manage products and price lists."))
    product = selectors_catalog.product_get(product_id=product_id)
    data = services_catalog.ProductInput(**payload.model_dump(exclude_none=True))
    return services_catalog.product_update(actor=request.auth, product=product, data=data)


# ---------------------------------------------------------------- price lists


@router.get("/price-lists", response=list[PriceListOut], summary="Price lists with their prices")
def pricelist_list(request):
    rows = selectors_catalog.pricelist_list()
    prefetch_related_objects(rows, "items")
    return rows


# ---------------------------------------------------------------- quotes


class QuoteQuery(Schema):
    status: Annotated[str, Field(max_length=12)] = ""
    customer_id: QueryId | None = None
    q: Annotated[str, Field(max_length=60)] = ""
    cursor: IdCursor = ""
    limit: int = Field(25, ge=1, le=100)


def _quote_out(user, quote_id) -> Quote:
    quote = selectors_catalog.quote_get_for_user(user=user, quote_id=quote_id)
    quote.item_rows = selectors_catalog.quote_items(quote=quote)
    quote.contract_ids = [c.pk for c in selectors_catalog.quote_contracts(user=user, quote=quote)]
    return quote


@router.get("/quotes", response=QuotePageOut, summary="My visible quotes, newest first")
def quote_list(request, query: Query[QuoteQuery]):
    filters = selectors_catalog.QuoteFilters(
        status=query.status, customer_id=query.customer_id, q=query.q
    )
    page = selectors_catalog.quote_list_for_user(
        user=request.auth, filters=filters, cursor=query.cursor, limit=query.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


# 404: the customer does not exist or is outside the caller's scope.
@router.post(
    "/quotes",
    response={201: QuoteOut, 404: ErrorOut},
    summary="Make a draft quote for a customer",
)
def quote_create(request, payload: QuoteIn):
    customer = customer_get_for_user(user=request.auth, customer_id=payload.customer_id)
    quote = services_catalog.quote_create(
        actor=request.auth,
        customer=customer,
        items=[LineInput(**service_arguments(line)) for line in payload.items],
        contact=payload.contact_id,
        valid_until=payload.valid_until,
        notes=payload.notes,
    )
    return Status(201, _quote_out(request.auth, quote.pk))


@router.get("/quotes/{int:quote_id}", response=QuoteOut, summary="A quote with its lines")
def quote_detail(request, quote_id: int):
    return _quote_out(request.auth, quote_id)


@router.get("/quotes/{int:quote_id}/pdf", summary="The quote as a PDF")
def quote_pdf(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.auth, quote_id=quote_id)
    # reportlab (the PDF renderer) is imported by the PDF views only: not in every worker.
    from guanxi.sales.common import pdf

    response = HttpResponse(pdf.quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response


@router.post(
    "/quotes/{int:quote_id}/status",
    response=QuoteOut,
    summary="Move a quote: draft → sent → accepted / rejected (sent → draft)",
)
def quote_status(request, quote_id: int, payload: QuoteStatusIn):
    quote = selectors_catalog.quote_get_for_user(user=request.auth, quote_id=quote_id)
    services_catalog.quote_set_status(actor=request.auth, quote=quote, status=payload.status)
    return _quote_out(request.auth, quote_id)
