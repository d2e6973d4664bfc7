"""Reads of products, price lists and quotes (ORD-1).

The catalogue (products, price lists) is the company's and every signed-in user may read
it; quotes are scoped like contracts (Quote.objects.visible_to). Lists are keyset-paged by id."""

from dataclasses import dataclass

from django.db.models import Count, Q

from guanxi.accounts.models import User
from guanxi.core.errors import found
from guanxi.core.pagination import Page, page_by_id
from guanxi.core.querysets import filter_given
from guanxi.sales.common.permissions import EDIT_OTHERS
from guanxi.sales.models import Contract, PriceList, PriceListItem, Product, Quote, QuoteItem

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
QUERY_MAX = 60


# ---------------------------------------------------------------- products


def product_list(*, q: str = "", active: bool | None = True, limit: int = 200) -> list[Product]:
    """Products by code, at most `limit` (the catalogue is small: hundreds, not millions)."""
    rows = Product.objects.all()
    if active is not None:
        rows = rows.filter(active=active)
    q = (q or "").replace("\x00", "").strip()[:QUERY_MAX]  # PostgreSQL refuses NUL in text
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return list(rows.order_by("code")[: max(1, min(limit, 1000))])


def product_get(*, product_id: int | str) -> Product:
    product = found(
        Product.objects.filter(pk=int(product_id)).first() if str(product_id).isdigit() else None
    )
    return product


# ---------------------------------------------------------------- price lists


def pricelist_list(*, active: bool | None = None) -> list[PriceList]:
    rows = PriceList.objects.select_related("customer_tag").annotate(item_count=Count("items"))
    if active is not None:
        rows = rows.filter(active=active)
    return list(rows.order_by("priority", "name", "id"))


def pricelist_get(*, price_list_id: int | str) -> PriceList:
    return found(
        PriceList.objects.select_related("customer_tag").filter(pk=int(price_list_id)).first()
        if str(price_list_id).isdigit()
        else None
    )


def pricelist_items(*, price_list: PriceList) -> list[PriceListItem]:
    return list(
        PriceListItem.objects.filter(price_list_id=price_list.pk)
        .select_related("product")
        .order_by("product__code")
    )


# ---------------------------------------------------------------- quotes


@dataclass
class QuoteFilters:
    status: str = ""
    customer_id: int | None = None
    owner_id: int | None = None
    q: str = ""  # number prefix or customer name


def quote_list_for_user(
    *,
    user: User,
    filters: QuoteFilters | None = None,
    cursor: str | int | None = None,
    limit: int = PAGE_SIZE,
) -> Page[Quote]:
    """The user's visible quotes, newest first, one keyset page."""
    filters = filters or QuoteFilters()
    rows = Quote.objects.visible_to(user).select_related("customer", "owner", "department")
    if filters.status in Quote.Status.values:
        rows = rows.filter(status=filters.status)
    rows = filter_given(rows, customer_id=filters.customer_id, owner_id=filters.owner_id)
    q = (filters.q or "").replace("\x00", "").strip()[:QUERY_MAX]  # PostgreSQL refuses NUL
    if q:
        rows = rows.filter(Q(number__istartswith=q) | Q(customer__name__icontains=q))
    return page_by_id(rows, cursor=cursor, limit=limit)


def quote_can_change(*, user: User, quote: Quote) -> bool:
    """Whether the user may edit or move the quote: its owner, or sales.edit_others."""
    return Quote.objects.editable_by(user, action=EDIT_OTHERS).filter(pk=quote.pk).exists()


def quote_get_for_user(*, user: User, quote_id: int | str) -> Quote:
    """A visible quote with its customer, contact and owner; NotFound outside the scope."""
    quote = found(
        Quote.objects.visible_to(user)
        .select_related("customer", "contact", "owner", "department", "price_list", "created_by")
        .filter(pk=int(quote_id))
        .first()
        if str(quote_id).isdigit()
        else None
    )
    return quote


def quote_items(*, quote: Quote) -> list[QuoteItem]:
    return list(quote.items.select_related("product").order_by("position", "id"))


def quote_contracts(*, user: User, quote: Quote) -> list[Contract]:
    """The contracts made from the quote that the user may see."""

    return list(Contract.objects.visible_to(user).filter(quote_id=quote.pk).order_by("id"))
