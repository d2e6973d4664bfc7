"""Products, price lists and quotes (ORD-1): every write, and the price a customer gets.

Keyword-only, one transaction each, the rows changed are locked. Products and price lists
need the `sales.catalog` permission; quotes follow the contract scope (the quote belongs to
the customer's owner and department, like the contract it may become)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.dataclass_values import dataclass_values
from guanxi.core.dates import clean_date
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed, found
from guanxi.core.pagination import parse_id
from guanxi.core.unique_save import unique_or_invalid
from guanxi.customers.archive.services import timeline_add
from guanxi.customers.archive.validation import UNSET, Unset
from guanxi.customers.models import Contact, Customer, CustomerTag, Tag
from guanxi.sales.common import hooks, money, numbers
from guanxi.sales.common.lines import CleanedLine, LineInput, RawNumber
from guanxi.sales.common.permissions import EDIT_OTHERS, MANAGE_CATALOG
from guanxi.sales.common.scope import customer_locked_for_sale
from guanxi.sales.models import ContractItem, PriceList, PriceListItem, Product, Quote, QuoteItem

FieldErrors = dict[str, list[str]]

MAX_QUOTE_LINES = 100
MAX_QUANTITY = Decimal("999999999.999")  # DecimalField(max_digits=12, decimal_places=3)

# Quote statuses and the moves allowed between them (conversion to a contract is
# contracts.services.quote_convert's).
QUOTE_MOVES = {
    Quote.Status.DRAFT: {Quote.Status.SENT},
    Quote.Status.SENT: {Quote.Status.ACCEPTED, Quote.Status.REJECTED, Quote.Status.DRAFT},
    Quote.Status.ACCEPTED: set(),
    Quote.Status.REJECTED: set(),
    Quote.Status.CONVERTED: set(),
}


# ---------------------------------------------------------------- prices


def price_list_for(*, customer: Customer, on: dt.date | None = None) -> PriceList | None:
    """The price list that applies to the customer: the first active list valid on the day
    (lowest priority, then name) whose customer group (tag) the customer carries; a list
    without a tag is the default list and applies to everyone."""
    on = on or timezone.localdate()
    tag_ids = CustomerTag.objects.filter(customer_id=customer.pk).values("tag_id")
    return (
        PriceList.objects.filter(active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .filter(Q(customer_tag__isnull=True) | Q(customer_tag_id__in=tag_ids))
        .order_by("priority", "name", "id")
        .first()
    )


def prices_for(
    *,
    products: Iterable[Product | None],
    customer: Customer,
    price_list: PriceList | None = None,
    on: dt.date | None = None,
) -> dict[int, Decimal]:
    """{product id: price} for several products at once (two queries whatever the number)."""
    given = [p for p in products if p is not None]
    if price_list is None:
        price_list = price_list_for(customer=customer, on=on)
    listed: dict[int, Decimal] = {}
    if price_list is not None and given:
        listed = dict(
            PriceListItem.objects.filter(
                price_list_id=price_list.pk, product_id__in=[p.pk for p in given]
            ).values_list("product_id", "price")
        )
    return {p.pk: money.fen(listed.get(p.pk, p.list_price)) for p in given}


def price_for(*, product: Product | int, customer: Customer) -> Decimal:
    """The tax-inclusive unit price of `product` for `customer` today: its price on the
    customer's price list (see price_list_for), else the product's list price."""
    if not isinstance(product, Product):
        product = Product.objects.get(pk=product)
    return prices_for(products=[product], customer=customer)[product.pk]


# ---------------------------------------------------------------- validation helpers


def _require_catalog(actor: User) -> None:
    if not user_can(user=actor, permission=MANAGE_CATALOG):
        raise PermissionDenied(_("You may not manage products and price lists."))


def _text(
    data: Mapping[str, Any],
    key: str,
    *,
    errors: FieldErrors,
    required: bool = False,
    max_length: int = 200,
) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[key] = [
            _("Use at most %(n)d characters.") % {"n": max_length},
        ]
    return value


def _amount(
    value: object, *, key: str, errors: FieldErrors, required: bool = True, allow_zero: bool = True
) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[key] = [_("This field is required.")]
        return None
    try:
        raw = money.to_decimal(value)
    except (TypeError, ValueError):
        errors[key] = [_("Enter a number.")]
        return None
    if raw != money.fen(raw):
        errors[key] = [_("Use at most two decimal places.")]
        return None
    amount = money.fen(raw)
    if amount < 0 or (amount == 0 and not allow_zero):
        errors[key] = [_("Enter an amount greater than zero.")]
        return None
    if amount > money.MAX_AMOUNT:
        errors[key] = [_("This amount is too large.")]
        return None
    return amount


def _rate(
    value: object,
    *,
    key: str,
    errors: FieldErrors,
    default: Decimal = money.ZERO,
    upper_inclusive: bool = True,
) -> Decimal:
    """A rate as a fraction (0.13). Accepts a percentage with a % sign ("13%")."""
    if value in (None, ""):
        return default
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        rate = money.to_decimal(text.rstrip("%").strip())
    except (TypeError, ValueError):
        errors[key] = [_("Enter a rate such as 0.13 or 13%.")]
        return default
    if percent:
        rate = rate / 100
    too_big = rate > 1 if upper_inclusive else rate >= 1
    if rate < 0 or too_big or rate != rate.quantize(Decimal("0.0001")):
        errors[key] = [_("Enter a rate between 0 and 100% with at most two decimals in %.")]
        return default
    return rate.quantize(Decimal("0.0001"))


def _unique_or_refused(
    cleaned: dict[str, Any],
    errors: FieldErrors,
    *,
    key: str,
    clash: QuerySet,
    instance: Model | None,
    message: str,
) -> dict[str, Any]:
    """`cleaned`, or ValidationFailed with every field error. The value under `key` must stay
    unique: another row than `instance` in `clash` adds `message` under `key`, because saying
    so per field beats the database's IntegrityError."""
    if cleaned[key] and key not in errors:
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors[key] = [message]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def _product_used(product: Product) -> bool:
    return (
        QuoteItem.objects.filter(product_id=product.pk).exists()
        or ContractItem.objects.filter(product_id=product.pk).exists()
    )


# ---------------------------------------------------------------- products


@dataclass(frozen=True, kw_only=True)
class ProductInput:
    """A product's fields as given (form text or JSON values). A field left UNSET is not
    given: a new product leaves it empty or at its default, a change keeps the stored value."""

    code: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    name_en: str | Unset | None = UNSET
    unit: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    list_price: Decimal | str | Unset | None = UNSET
    tax_rate: Decimal | str | Unset | None = UNSET  # a fraction (0.13) or a percentage ("13%")
    active: bool | Unset = UNSET  # a change only: a new product is active


def _given(data: "ProductInput | PriceListInput | QuoteHeaderInput") -> dict[str, Any]:
    """The fields of an input that were given (not UNSET)."""
    return {name: value for name, value in dataclass_values(data).items() if value is not UNSET}


_PRODUCT_FIELDS = ("code", "name", "name_en", "unit", "description", "list_price", "tax_rate")


def _clean_product(data: Mapping[str, Any], *, product: Product | None) -> dict[str, Any]:
    errors: FieldErrors = {}
    cleaned: dict[str, Any] = {
        "code": _text(data, "code", errors=errors, required=True, max_length=40),
        "name": _text(data, "name", errors=errors, required=True, max_length=120),
        "name_en": _text(data, "name_en", errors=errors, max_length=120),
        "unit": _text(data, "unit", errors=errors, required=True, max_length=10),
        "description": _text(data, "description", errors=errors, max_length=5000),
        "list_price": _amount(data.get("list_price"), key="list_price", errors=errors),
        "tax_rate": _rate(
            data.get("tax_rate"),
            key="tax_rate",
            errors=errors,
            default=Decimal("0.1300"),
            upper_inclusive=False,
        ),
    }
    return _unique_or_refused(
        cleaned,
        errors,
        key="code",
        clash=Product.objects.filter(code__iexact=cleaned["code"]),
        instance=product,
        message=_("Another product already has this code."),
    )


@transaction.atomic
def product_create(*, actor: User, data: ProductInput) -> Product:
    _require_catalog(actor)
    cleaned = _clean_product(_given(data), product=None)
    with unique_or_invalid("code", _("Another product already has this code.")):
        product = Product.objects.create(**cleaned)
    audit_record(
        actor=actor,
        action="sales.product_create",
        target=product,
        summary=f"{product.code} {product.name}",
        detail={"list_price": str(product.list_price)},
    )
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, data: ProductInput) -> Product:
    """Change a product. Quotes and contracts keep the prices and names they were made
    with (their lines are copies), so a change never rewrites a signed document."""
    _require_catalog(actor)
    locked = found(Product.objects.select_for_update().filter(pk=product.pk).first())
    given = _given(data)
    merged = {field: given.get(field, getattr(locked, field)) for field in _PRODUCT_FIELDS}
    cleaned = _clean_product(merged, product=locked)
    changes: dict[str, list[Any]] = {
        field: [str(getattr(locked, field)), str(value)]
        for field, value in cleaned.items()
        if getattr(locked, field) != value
    }
    if not isinstance(data.active, Unset) and data.active != locked.active:
        changes["active"] = [locked.active, data.active]
        locked.active = data.active
    if not changes:
        return locked
    for field, value in cleaned.items():
        setattr(locked, field, value)
    with unique_or_invalid("code", _("Another product already has this code.")):
        locked.save()
    audit_record(
        actor=actor,
        action="sales.product_update",
        target=locked,
        summary=f"{locked.code} {locked.name}",
        detail={"changes": changes},
    )
    return locked


@transaction.atomic
def product_remove(*, actor: User, product: Product) -> Product | None:
    """Delete a product nobody has used yet; a product on a quote or contract is only
    deactivated (it stays on those documents, and can no longer be chosen). Returns the
    deactivated product, or None when it was deleted."""
    _require_catalog(actor)
    locked = found(Product.objects.select_for_update().filter(pk=product.pk).first())
    summary = f"{locked.code} {locked.name}"
    if _product_used(locked):
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active", "updated_at"])
            audit_record(
                actor=actor, action="sales.product_deactivate", target=locked, summary=summary
            )
        return locked
    audit_record(actor=actor, action="sales.product_delete", target=locked, summary=summary)
    locked.delete()
    return None


# ---------------------------------------------------------------- price lists


@dataclass(frozen=True, kw_only=True)
class PriceListInput:
    """A price list's header as given (form values or JSON). A field left UNSET is not given:
    a new list takes the default, a change keeps the stored value. A customer group (tag) of
    None makes the list the default one, for everyone."""

    name: str | Unset = UNSET
    customer_tag: Tag | int | str | Unset | None = UNSET
    priority: int | str | Unset | None = UNSET
    valid_from: dt.date | str | Unset | None = UNSET
    valid_until: dt.date | str | Unset | None = UNSET
    active: bool | Unset = UNSET


def _clean_price_list(data: Mapping[str, Any], *, price_list: PriceList | None) -> dict[str, Any]:
    errors: FieldErrors = {}
    cleaned: dict[str, Any] = {
        "name": _text(data, "name", errors=errors, required=True, max_length=80),
        "valid_from": clean_date(data.get("valid_from"), field="valid_from", errors=errors),
        "valid_until": clean_date(data.get("valid_until"), field="valid_until", errors=errors),
        "active": bool(data.get("active", True)),
    }
    tag = data.get("customer_tag")
    if isinstance(tag, Tag):
        cleaned["customer_tag"] = tag
    elif tag in (None, ""):
        cleaned["customer_tag"] = None
    else:
        group = Tag.objects.filter(pk=tag).first() if str(tag).isdigit() else None
        if group is None:
            errors["customer_tag"] = [_("Choose a valid customer group.")]
        cleaned["customer_tag"] = group
    raw_priority = data.get("priority", 100)
    try:
        priority = int(raw_priority if raw_priority not in (None, "") else 100)
        if not 0 <= priority <= 32767:
            raise ValueError
    except (TypeError, ValueError):
        errors["priority"] = [_("Enter a whole number between 0 and 32767.")]
        priority = 100
    cleaned["priority"] = priority
    if (
        cleaned["valid_from"]
        and cleaned["valid_until"]
        and cleaned["valid_until"] < cleaned["valid_from"]
    ):
        errors["valid_until"] = [_("The end of validity must not be before its start.")]
    return _unique_or_refused(
        cleaned,
        errors,
        key="name",
        clash=PriceList.objects.filter(name=cleaned["name"]),
        instance=price_list,
        message=_("Another price list already has this name."),
    )


@dataclass(frozen=True, kw_only=True)
class PriceListItemInput:
    """One product's price on a price list, as given (form text or a number)."""

    product: Product | int | str | None
    price: RawNumber


def _product_id(product: Product | int | str | None) -> int | None:
    """The id of the product a line names (a Product or its id); None when it names none."""
    return parse_id(product.pk if isinstance(product, Product) else product)


def _clean_price_items(items: Iterable[PriceListItemInput] | None) -> dict[int, Decimal]:
    """The items → {product id: price}; products must exist, one price each."""
    items = list(items or [])
    errors: FieldErrors = {}
    prices: dict[int, Decimal] = {}
    seen: set[int] = set()
    for index, item in enumerate(items):
        product_id = _product_id(item.product)
        if product_id is None:
            errors[f"items.{index}.product"] = [_("Choose a product.")]
            continue
        if product_id in seen:
            errors[f"items.{index}.product"] = [_("This product is listed twice.")]
            continue
        seen.add(product_id)
        price = _amount(item.price, key=f"items.{index}.price", errors=errors)
        if price is not None:
            prices[product_id] = price
    known = set(Product.objects.filter(pk__in=seen).values_list("pk", flat=True))
    for index, item in enumerate(items):
        product_id = _product_id(item.product)
        key = f"items.{index}.product"
        if product_id is not None and product_id not in known and key not in errors:
            errors[key] = [_("Choose a valid product.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return prices


def _clean_price_list_and_items(
    data: Mapping[str, Any],
    items: Iterable[PriceListItemInput] | None,
    *,
    price_list: PriceList | None,
) -> tuple[dict[str, Any], dict[int, Decimal] | None]:
    """Both validations, with every error at once; prices is None when items is None."""
    errors: FieldErrors = {}
    cleaned: dict[str, Any] = {}
    prices = None
    try:
        cleaned = _clean_price_list(data, price_list=price_list)
    except ValidationFailed as error:
        errors.update(error.field_errors)
    if items is not None:
        try:
            prices = _clean_price_items(items)
        except ValidationFailed as error:
            errors.update(error.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned, prices


def _write_price_items(price_list: PriceList, prices: dict[int, Decimal]) -> None:
    price_list.items.exclude(product_id__in=list(prices)).delete()
    existing = {item.product_id: item for item in price_list.items.all()}
    for product_id, price in prices.items():
        item = existing.get(product_id)
        if item is None:
            PriceListItem.objects.create(price_list=price_list, product_id=product_id, price=price)
        elif item.price != price:
            item.price = price
            item.save(update_fields=["price"])


@transaction.atomic
def pricelist_create(
    *,
    actor: User,
    data: PriceListInput,
    items: Iterable[PriceListItemInput] | None = None,
) -> PriceList:
    """A price list with its items (one price per product)."""
    _require_catalog(actor)
    cleaned, prices = _clean_price_list_and_items(_given(data), items or [], price_list=None)
    with unique_or_invalid("name", _("Another price list already has this name.")):
        price_list = PriceList.objects.create(**cleaned)
    _write_price_items(price_list, prices or {})
    audit_record(
        actor=actor,
        action="sales.pricelist_create",
        target=price_list,
        summary=price_list.name,
        detail={"items": {str(k): str(v) for k, v in (prices or {}).items()}},
    )
    return price_list


@transaction.atomic
def pricelist_update(
    *,
    actor: User,
    price_list: PriceList,
    data: PriceListInput,
    items: Iterable[PriceListItemInput] | None = None,
) -> PriceList:
    """Change a list's header; when `items` is given it replaces the list's prices."""
    _require_catalog(actor)
    locked = found(PriceList.objects.select_for_update().filter(pk=price_list.pk).first())
    stored = {
        "name": locked.name,
        "customer_tag": locked.customer_tag_id,
        "priority": locked.priority,
        "valid_from": locked.valid_from,
        "valid_until": locked.valid_until,
        "active": locked.active,
    }
    merged = stored | _given(data)
    cleaned, prices = _clean_price_list_and_items(merged, items, price_list=locked)
    for field, value in cleaned.items():
        setattr(locked, field, value)
    with unique_or_invalid("name", _("Another price list already has this name.")):
        locked.save()
    if prices is not None:
        _write_price_items(locked, prices)
    audit_record(
        actor=actor,
        action="sales.pricelist_update",
        target=locked,
        summary=locked.name,
        detail={
            "active": locked.active,
            "items": {str(k): str(v) for k, v in prices.items()} if prices is not None else None,
        },
    )
    return locked


# ---------------------------------------------------------------- quotes


def _clean_quote_lines(
    items: Iterable[LineInput] | None,
    *,
    customer: Customer,
    price_list: PriceList | None,
) -> list[CleanedLine]:
    """Validate quote lines and compute their amounts. A line without a unit price gets the
    customer's price (price_for); tax rate defaults to the product's."""
    errors: FieldErrors = {}
    items = list(items or [])
    if not items:
        raise ValidationFailed(field_errors={"items": [_("Add at least one line.")]})
    if len(items) > MAX_QUOTE_LINES:
        raise ValidationFailed(
            field_errors={"items": [_("At most %(n)d lines.") % {"n": MAX_QUOTE_LINES}]}
        )
    wanted = [product_id for item in items if (product_id := _product_id(item.product)) is not None]
    products = {p.pk: p for p in Product.objects.filter(pk__in=wanted)}
    prices = prices_for(products=products.values(), customer=customer, price_list=price_list)
    lines: list[CleanedLine] = []
    for index, item in enumerate(items):
        key = f"items.{index}"
        product = None
        if item.product not in (None, ""):
            product = products.get(_product_id(item.product) or 0)
            if product is None:
                errors[f"{key}.product"] = [_("Choose a valid product.")]
                continue
            if not product.active:
                errors[f"{key}.product"] = [
                    _("%(product)s is no longer sold.") % {"product": product.name}
                ]
                continue
        description = str(item.description or "").strip()
        if not description and product is not None:
            description = product.name
        if not description:
            errors[f"{key}.description"] = [_("Describe the line or choose a product.")]
        elif len(description) > 200:
            errors[f"{key}.description"] = [_("Use at most %(n)d characters.") % {"n": 200}]
        unit = str(item.unit or "").strip() or (product.unit if product else "")
        if len(unit) > 10:
            errors[f"{key}.unit"] = [_("Use at most %(n)d characters.") % {"n": 10}]
        quantity = None
        try:
            quantity = money.to_decimal(item.quantity)
            if quantity <= 0 or quantity > MAX_QUANTITY:
                raise ValueError
            if quantity != quantity.quantize(Decimal("0.001")):
                raise ValueError
        except (TypeError, ValueError):
            errors[f"{key}.quantity"] = [
                _("Enter a quantity greater than zero, with at most three decimals.")
            ]
            quantity = None
        price_given = item.unit_price
        if price_given in (None, "") and product is not None:
            price_given = prices[product.pk]
        unit_price = _amount(price_given, key=f"{key}.unit_price", errors=errors)
        discount_rate = _rate(item.discount_rate, key=f"{key}.discount_rate", errors=errors)
        tax_default = product.tax_rate if product is not None else money.ZERO
        tax_rate = _rate(
            item.tax_rate,
            key=f"{key}.tax_rate",
            errors=errors,
            default=tax_default,
            upper_inclusive=False,
        )
        if quantity is None or unit_price is None or any(k.startswith(key + ".") for k in errors):
            continue
        line = CleanedLine(
            position=index,
            product=product,
            description=description,
            unit=unit,
            quantity=quantity,
            unit_price=unit_price,
            discount_rate=discount_rate,
            tax_rate=tax_rate,
        )
        if line.amounts.total > money.MAX_AMOUNT:
            errors[f"{key}.quantity"] = [_("This amount is too large.")]
            continue
        lines.append(line)
    if errors:
        raise ValidationFailed(field_errors=errors)
    totals = money.document_totals(line.amounts for line in lines)
    if totals.total > money.MAX_AMOUNT:
        raise ValidationFailed(field_errors={"items": [_("This amount is too large.")]})
    return lines


def line_item_fields(*, line: CleanedLine) -> dict[str, Any]:
    """A cleaned quote or contract line (with its `amounts`) as the columns of a LineItem."""
    return {
        "position": line.position,
        "product": line.product,
        "description": line.description,
        "unit": line.unit,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "discount_rate": line.discount_rate,
        "tax_rate": line.tax_rate,
    } | money.amount_fields(line.amounts)


def _write_quote_lines(quote: Quote, lines: list[CleanedLine]) -> None:
    quote.items.all().delete()
    QuoteItem.objects.bulk_create(
        [QuoteItem(quote=quote, **line_item_fields(line=line)) for line in lines]
    )
    totals = money.document_totals(line.amounts for line in lines)
    for field, value in money.amount_fields(totals).items():
        setattr(quote, field, value)


def _clean_contact(
    contact: Contact | int | str | None, *, customer: Customer, errors: FieldErrors
) -> Contact | None:
    if contact in (None, ""):
        return None
    contact_id = parse_id(contact.pk if isinstance(contact, Contact) else contact)
    chosen = (
        Contact.objects.filter(pk=contact_id, customer_id=customer.pk).first()
        if contact_id is not None
        else None
    )
    if chosen is None:
        errors["contact"] = [_("Choose one of the customer's contacts.")]
    return chosen


def _clean_quote_header(data: Mapping[str, Any], *, customer: Customer) -> dict[str, Any]:
    errors: FieldErrors = {}
    cleaned = {
        "contact": _clean_contact(data.get("contact"), customer=customer, errors=errors),
        "valid_until": clean_date(data.get("valid_until"), field="valid_until", errors=errors),
        "notes": _text(data, "notes", errors=errors, max_length=5000),
    }
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


def quote_lock(*, actor: User, quote: Quote | int) -> Quote:
    """The quote locked for a change by `actor` (select_for_update); NotFound outside their
    scope."""
    quote_id = quote.pk if isinstance(quote, Quote) else quote
    locked = found(
        Quote.objects.editable_by(actor, action=EDIT_OTHERS)
        .select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=quote_id)
        .first()
    )
    return locked


@transaction.atomic
def quote_create(
    *,
    actor: User,
    customer: Customer,
    items: Iterable[LineInput],
    contact: Contact | int | str | None = None,
    valid_until: dt.date | str | None = None,
    notes: str = "",
) -> Quote:
    """A draft quote for a customer in the actor's own scope. A line's empty unit price is
    the customer's price (price_for), its empty tax rate the product's."""
    locked_customer = customer_locked_for_sale(actor=actor, customer=customer)
    if locked_customer is None:
        raise PermissionDenied(_("You may not make quotes for this customer."))
    customer = locked_customer
    header = _clean_quote_header(
        {"contact": contact, "valid_until": valid_until, "notes": notes}, customer=customer
    )
    price_list = price_list_for(customer=customer)
    lines = _clean_quote_lines(items, customer=customer, price_list=price_list)
    quote = Quote(
        number=numbers.next_number(numbers.QUOTE),
        customer=customer,
        owner_id=customer.owner_id,
        department_id=customer.department_id,
        price_list=price_list,
        created_by=actor,
        **header,
    )
    quote.save()
    _write_quote_lines(quote, lines)
    quote.save()
    audit_record(
        actor=actor,
        action="sales.quote_create",
        target=quote,
        summary=f"{quote.number} {customer.name}",
        values={"total_amount": quote.total_amount},
    )
    hooks.quote_priced.call_all(customer=customer, amount=quote.total_amount)
    return quote


@dataclass(frozen=True, kw_only=True)
class QuoteHeaderInput:
    """A draft quote's header as given; a field left UNSET keeps the stored value."""

    contact: Contact | int | str | Unset | None = UNSET
    valid_until: dt.date | str | Unset | None = UNSET
    notes: str | Unset = UNSET


@transaction.atomic
def quote_update(
    *,
    actor: User,
    quote: Quote,
    data: QuoteHeaderInput,
    items: Iterable[LineInput] | None = None,
) -> Quote:
    """Change a draft quote's header and, when `items` is given, its lines."""
    locked = quote_lock(actor=actor, quote=quote)
    if locked.status != Quote.Status.DRAFT:
        raise Conflict(_("Only a draft quote can be changed."))
    stored = {
        "contact": locked.contact_id,
        "valid_until": locked.valid_until,
        "notes": locked.notes,
    }
    merged = stored | _given(data)
    header = _clean_quote_header(merged, customer=locked.customer)
    lines = None
    if items is not None:
        lines = _clean_quote_lines(items, customer=locked.customer, price_list=locked.price_list)
    for field, value in header.items():
        setattr(locked, field, value)
    if lines is not None:
        _write_quote_lines(locked, lines)
    locked.save()
    audit_record(
        actor=actor,
        action="sales.quote_update",
        target=locked,
        summary=locked.number,
        values={"total_amount": locked.total_amount},
    )
    return locked


def _status_label(status: str) -> str:
    return str(Quote.Status(status).label)


@transaction.atomic
def quote_set_status(*, actor: User, quote: Quote, status: str) -> Quote:
    """Move a quote: draft → sent → accepted / rejected (sent → draft to rework it).
    Conversion to a contract is contracts.services.quote_convert's."""
    locked = quote_lock(actor=actor, quote=quote)
    if status not in Quote.Status.values or status == Quote.Status.CONVERTED:
        raise ValidationFailed(field_errors={"status": [_("Choose a valid status.")]})
    if status not in QUOTE_MOVES[Quote.Status(locked.status)]:
        raise Conflict(
            _("A quote that is “%(current)s” cannot become “%(new)s”.")
            % {"current": _status_label(locked.status), "new": _status_label(status)}
        )
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="sales.quote_status",
        target=locked,
        summary=locked.number,
        changes={"status": (old, status)},
    )
    if status in (Quote.Status.SENT, Quote.Status.ACCEPTED, Quote.Status.REJECTED):
        timeline_add(
            customer=locked.customer,
            kind="quote",
            title=_("Quote %(number)s: %(status)s")
            % {"number": locked.number, "status": _status_label(status)},
            actor=actor,
            ref=locked,
            data={"quote": locked.pk, "status": status, "total": str(locked.total_amount)},
        )
    if status == Quote.Status.SENT:
        hooks.quote_priced.call_all(customer=locked.customer, amount=locked.total_amount)
    return locked
