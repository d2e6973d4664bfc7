"""Pages of the catalogue (products, price lists) and of quotes (ORD-1). Thin: parse, call
a service or selector, render. A quote outside the user's scope is a 404."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.selectors import user_can
from guanxi.core.errors import (
    SHOWN_ON_FORM,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from guanxi.core.http import query_without, render_form
from guanxi.core.pagination import parse_id
from guanxi.customers.archive.selectors import (
    CustomerFilters,
    customer_get_for_user,
    customer_list_for_user,
)
from guanxi.sales.catalog import selectors as selectors_catalog
from guanxi.sales.catalog import services as services_catalog
from guanxi.sales.catalog.forms import (
    PriceListForm,
    ProductForm,
    QuoteFilterForm,
    QuoteHeaderForm,
    pricelist_items_from_post,
    quote_lines_from_post,
)
from guanxi.sales.common import document_text
from guanxi.sales.common.lines import LineInput
from guanxi.sales.common.notices import first_message
from guanxi.sales.common.permissions import MANAGE_CATALOG
from guanxi.sales.models import Product, Quote

BLANK_LINES = 3


def _apply_errors(form, exc: DomainError) -> list[str]:
    """Put field errors on the form; return the messages that belong to no form field
    (e.g. the quote lines, "items.0.quantity")."""
    other = []
    for name, field_messages in (exc.field_errors or {}).items():
        for message in field_messages:
            if name in form.fields:
                form.add_error(name, str(message))
            else:
                other.append(_line_message(name, str(message)))
    if not exc.field_errors:
        other.append(str(exc.message))
    return other


def _line_message(name: str, message: str) -> str:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
        return _("Line %(n)d: %(message)s") % {"n": int(parts[1]) + 1, "message": message}
    return message


def _require_catalog(request):
    if not user_can(user=request.user, permission=MANAGE_CATALOG):
        raise PermissionDenied()


# ---------------------------------------------------------------- products


@login_required
@require_GET
def product_list(request):
    q = request.GET.get("q", "")[: selectors_catalog.QUERY_MAX]
    show_inactive = request.GET.get("inactive") == "1"
    rows = selectors_catalog.product_list(q=q, active=None if show_inactive else True)
    for product in rows:
        product.tax_percent = document_text.percent_text(product.tax_rate)
    return render(
        request,
        "sales/catalog/product_list.html",
        {
            "products": rows,
            "q": q,
            "show_inactive": show_inactive,
            "can_manage": user_can(user=request.user, permission=MANAGE_CATALOG),
        },
    )


def _product_page(request, form, product=None):
    return render_form(request, "sales/catalog/product_form.html", {"product": product}, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request):
    _require_catalog(request)
    if request.method == "GET":
        return _product_page(request, ProductForm(initial={"unit": "件", "tax_rate": 13}))
    form = ProductForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            product = services_catalog.product_create(actor=request.user, data=form.to_input())
        except ValidationFailed as exc:
            errors = _apply_errors(form, exc)
        else:
            messages.success(request, _("Product %(code)s added.") % {"code": product.code})
            return redirect("sales:product_list")
    for message in errors:
        form.add_error(None, message)
    return _product_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, product_id: int):
    _require_catalog(request)
    product = selectors_catalog.product_get(product_id=product_id)
    if request.method == "GET":
        initial = {
            field: getattr(product, field)
            for field in ("code", "name", "name_en", "unit", "list_price", "description")
        }
        # in plain digits: Decimal's normalize() writes ten per cent as 1E+1
        initial["tax_rate"] = Decimal(_percent_number(product.tax_rate))
        return _product_page(request, ProductForm(initial=initial), product)
    form = ProductForm(request.POST)
    if form.is_valid():
        data = form.to_input(active=request.POST.get("active") == "on")
        try:
            services_catalog.product_update(actor=request.user, product=product, data=data)
        except ValidationFailed as exc:
            for message in _apply_errors(form, exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Product %(code)s saved.") % {"code": data.code})
            return redirect("sales:product_list")
    return _product_page(request, form, product)


@login_required
@require_POST
def product_remove(request, product_id: int):
    _require_catalog(request)
    product = selectors_catalog.product_get(product_id=product_id)
    kept = services_catalog.product_remove(actor=request.user, product=product)
    if kept is None:
        messages.success(request, _("Product %(code)s deleted.") % {"code": product.code})
    else:
        messages.info(
            request,
            _("Product %(code)s is used on quotes or contracts, so it was deactivated.")
            % {"code": product.code},
        )
    return redirect("sales:product_list")


# ---------------------------------------------------------------- price lists


@login_required
@require_GET
def pricelist_list(request):
    return render(
        request,
        "sales/catalog/pricelist_list.html",
        {
            "price_lists": selectors_catalog.pricelist_list(),
            "can_manage": user_can(user=request.user, permission=MANAGE_CATALOG),
        },
    )


def _pricelist_page(request, *, form, price_list=None, prices=None, errors=(), status=200):
    products = selectors_catalog.product_list(active=None, limit=1000)
    rows = [
        {"product": product, "price": (prices or {}).get(product.pk, "")}
        for product in products
        if product.active or product.pk in (prices or {})
    ]
    return render(
        request,
        "sales/catalog/pricelist_form.html",
        {"form": form, "price_list": price_list, "rows": rows, "errors": errors},
        status=status,
    )


def _posted_prices(request, products) -> dict:
    return {
        product.pk: request.POST.get(f"price_{product.pk}", "").strip()
        for product in products
        if request.POST.get(f"price_{product.pk}", "").strip()
    }


@login_required
@require_http_methods(["GET", "POST"])
def pricelist_create(request):
    _require_catalog(request)
    if request.method == "GET":
        return _pricelist_page(request, form=PriceListForm())
    return _pricelist_save(request, price_list=None)


@login_required
@require_http_methods(["GET", "POST"])
def pricelist_edit(request, price_list_id: int):
    _require_catalog(request)
    price_list = selectors_catalog.pricelist_get(price_list_id=price_list_id)
    if request.method == "GET":
        form = PriceListForm(
            initial={
                "name": price_list.name,
                "customer_tag": price_list.customer_tag_id,
                "priority": price_list.priority,
                "valid_from": price_list.valid_from,
                "valid_until": price_list.valid_until,
                "active": price_list.active,
            }
        )
        prices = {
            item.product_id: item.price
            for item in selectors_catalog.pricelist_items(price_list=price_list)
        }
        return _pricelist_page(request, form=form, price_list=price_list, prices=prices)
    return _pricelist_save(request, price_list=price_list)


def _pricelist_save(request, *, price_list):
    form = PriceListForm(request.POST)
    products = selectors_catalog.product_list(active=None, limit=1000)
    items = pricelist_items_from_post(request.POST, products)
    errors: list[str] = []
    if form.is_valid():
        data = services_catalog.PriceListInput(**form.cleaned_data)
        try:
            if price_list is None:
                price_list = services_catalog.pricelist_create(
                    actor=request.user, data=data, items=items
                )
            else:
                price_list = services_catalog.pricelist_update(
                    actor=request.user, price_list=price_list, data=data, items=items
                )
        except ValidationFailed as exc:
            names = {str(p.pk): p.code for p in products}
            for name, field_messages in (exc.field_errors or {}).items():
                for message in field_messages:
                    if name in form.fields:
                        form.add_error(name, str(message))
                    else:
                        errors.append(_price_message(name, str(message), items, names))
        else:
            messages.success(request, _("Price list %(name)s saved.") % {"name": price_list.name})
            return redirect("sales:pricelist_list")
    return _pricelist_page(
        request,
        form=form,
        price_list=price_list,
        prices=_posted_prices(request, products),
        errors=errors,
        status=422,
    )


def _price_message(
    name: str, message: str, items: list[services_catalog.PriceListItemInput], codes: dict
) -> str:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
        index = int(parts[1])
        if index < len(items):
            code = codes.get(str(items[index].product), "")
            return f"{code}: {message}"
    return message


# ---------------------------------------------------------------- quotes


@login_required
@require_GET
def quote_list(request):
    form = QuoteFilterForm(request.GET or None)
    filters = selectors_catalog.QuoteFilters()
    if form.is_bound and form.is_valid():
        filters.q = form.cleaned_data["q"]
        filters.status = form.cleaned_data["status"]
    filters.customer_id = parse_id(request.GET.get("customer"))
    try:
        page = selectors_catalog.quote_list_for_user(
            user=request.user, filters=filters, cursor=request.GET.get("cursor", "")
        )
    except ValidationFailed:
        page = selectors_catalog.quote_list_for_user(user=request.user, filters=filters)
    query = query_without(request, "cursor")
    context = {"form": form, "page": page, "query": query}
    template = "sales/catalog/quote_list.html"
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == (
        "quote-results"
    ):
        template = "sales/catalog/quote_list.html#results"
    return render(request, template, context)


def _product_options(customer, *, price_list, include=()):
    """Active products (and any already on the quote) with the customer's price each."""
    products = selectors_catalog.product_list(active=True, limit=1000)
    have = {p.pk for p in products}
    extra = [p for p in Product.objects.filter(pk__in=set(include) - have)]
    products = products + extra
    prices = services_catalog.prices_for(
        products=products, customer=customer, price_list=price_list
    )
    return [
        {"product": p, "price": prices[p.pk], "tax_percent": _percent_number(p.tax_rate)}
        for p in products
    ]


def _percent_number(rate) -> str:
    return document_text.percent_text(rate).rstrip("%")


def _items(quote) -> list:
    items = selectors_catalog.quote_items(quote=quote)
    for item in items:
        item.discount_percent = document_text.percent_text(item.discount_rate)
        item.tax_percent = document_text.percent_text(item.tax_rate)
    return items


def _lines_for_form(lines: list[dict]) -> list[dict]:
    return [*lines, *({} for _n in range(BLANK_LINES))]


def _quote_form_page(
    request, *, customer, header, lines, quote=None, errors=(), status=200, price_list=None
):
    include = [parse_id(line.get("product")) for line in lines if parse_id(line.get("product"))]
    return render(
        request,
        "sales/catalog/quote_form.html",
        {
            "customer": customer,
            "quote": quote,
            "form": header,
            "lines": _lines_for_form(lines),
            "options": _product_options(customer, price_list=price_list, include=include),
            "price_list": price_list,
            "errors": errors,
        },
        status=status,
    )


def _posted_lines_for_form(posted: list[LineInput]) -> list[dict]:
    """Posted lines back into the form's shape (percentages as typed)."""
    return [
        {
            "product": line.product,
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": str(line.discount_rate).rstrip("%"),
            "tax": str(line.tax_rate).rstrip("%"),
        }
        for line in posted
    ]


def _quote_form_post(
    request,
    *,
    customer,
    quote: Quote | None,
    price_list,
    save: Callable[[dict, list[LineInput]], Quote],
    done: str,
) -> HttpResponse:
    """The quote form's POST, new or edit: `save` the header and posted lines, or show the form
    again (422) with what was typed and the errors, so a refused quote loses nothing. Only the
    service differs between new and edit, and `done` says which happened."""
    header = QuoteHeaderForm(request.POST, customer=customer)
    posted = quote_lines_from_post(request.POST)
    errors: list[str] = []
    if header.is_valid():
        try:
            saved = save(header.cleaned_data, posted)
        except ValidationFailed as exc:
            errors = _apply_errors(header, exc)
        except SHOWN_ON_FORM as exc:
            errors = [str(exc.message)]
        else:
            messages.success(request, done % {"number": saved.number})
            return redirect("sales:quote_detail", saved.pk)
    return _quote_form_page(
        request,
        customer=customer,
        header=header,
        lines=_posted_lines_for_form(posted),
        quote=quote,
        errors=errors,
        price_list=price_list,
        status=422,
    )


def _customer_choice(request):
    """The quote's customer from ?customer= (or the posted field), in the user's scope."""
    raw = request.POST.get("customer") or request.GET.get("customer") or ""
    if not raw.isdigit():
        return None
    return customer_get_for_user(user=request.user, customer_id=raw)


@login_required
@require_http_methods(["GET", "POST"])
def quote_create(request):
    customer = _customer_choice(request)
    if customer is None:
        return _customer_picker(request)
    price_list = services_catalog.price_list_for(customer=customer)
    if request.method == "GET":
        return _quote_form_page(
            request,
            customer=customer,
            header=QuoteHeaderForm(customer=customer),
            lines=[],
            price_list=price_list,
        )
    return _quote_form_post(
        request,
        customer=customer,
        quote=None,
        price_list=price_list,
        save=lambda data, items: services_catalog.quote_create(
            actor=request.user, customer=customer, items=items, **data
        ),
        done=_("Quote %(number)s created."),
    )


def _customer_picker(request):
    """No customer given: search the user's customers to start a quote for one."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:60]  # PostgreSQL refuses NUL
    rows = []
    if q:
        rows = customer_list_for_user(
            user=request.user, filters=CustomerFilters(q=q), page_size=20, count=False
        ).items
    return render(request, "sales/catalog/quote_pick_customer.html", {"q": q, "customers": rows})


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.user, quote_id=quote_id)
    customer = quote.customer
    if quote.status != Quote.Status.DRAFT:
        messages.error(request, _("Only a draft quote can be changed."))
        return redirect("sales:quote_detail", quote.pk)
    if request.method == "GET":
        header = QuoteHeaderForm(
            customer=customer,
            initial={
                "contact": quote.contact_id or "",
                "valid_until": quote.valid_until,
                "notes": quote.notes,
            },
        )
        lines = [
            {
                "product": str(item.product_id or ""),
                "description": item.description,
                "unit": item.unit,
                "quantity": f"{item.quantity.normalize():f}",
                "unit_price": f"{item.unit_price:f}",
                "discount": f"{(item.discount_rate * 100).normalize():f}",
                "tax": f"{(item.tax_rate * 100).normalize():f}",
            }
            for item in selectors_catalog.quote_items(quote=quote)
        ]
        return _quote_form_page(
            request,
            customer=customer,
            header=header,
            lines=lines,
            quote=quote,
            price_list=quote.price_list,
        )
    return _quote_form_post(
        request,
        customer=customer,
        quote=quote,
        price_list=quote.price_list,
        save=lambda data, items: services_catalog.quote_update(
            actor=request.user,
            quote=quote,
            data=services_catalog.QuoteHeaderInput(**data),
            items=items,
        ),
        done=_("Quote %(number)s saved."),
    )


@login_required
@require_GET
def quote_line_row(request):
    """One blank quote line (htmx "add a line"), with the customer's prices."""
    customer = _customer_choice(request)
    if customer is None:
        raise Http404
    price_list = services_catalog.price_list_for(customer=customer)
    return render(
        request,
        "sales/catalog/_quote_line.html",
        {"line": {}, "options": _product_options(customer, price_list=price_list)},
    )


@login_required
@require_GET
def quote_detail(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.user, quote_id=quote_id)
    contracts = [
        {"contract": c, "url": reverse("sales:contract_detail", args=[c.pk])}
        for c in selectors_catalog.quote_contracts(user=request.user, quote=quote)
    ]
    # the buttons only for who may change the quote (its owner, or sales.edit_others)
    may_change = selectors_catalog.quote_can_change(user=request.user, quote=quote)
    moves = [
        (status, Quote.Status(status).label)
        for status in (Quote.Status.SENT, Quote.Status.ACCEPTED, Quote.Status.REJECTED)
        if may_change and status in services_catalog.QUOTE_MOVES[quote.status]
    ]
    return render(
        request,
        "sales/catalog/quote_detail.html",
        {
            "quote": quote,
            "items": _items(quote),
            "words": document_text.amount_in_words(quote.total_amount),
            "contracts": contracts,
            "moves": moves,
            "can_reopen": may_change
            and Quote.Status.DRAFT in services_catalog.QUOTE_MOVES[quote.status],
            "can_edit": may_change and quote.status == Quote.Status.DRAFT,
            "can_convert": may_change and quote.status == Quote.Status.ACCEPTED,
        },
    )


@login_required
@require_POST
def quote_status(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.user, quote_id=quote_id)
    try:
        quote = services_catalog.quote_set_status(
            actor=request.user, quote=quote, status=request.POST.get("status", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(
            request,
            _("Quote %(number)s is now “%(status)s”.")
            % {"number": quote.number, "status": quote.get_status_display()},
        )
    return redirect("sales:quote_detail", quote.pk)


@login_required
@require_GET
def quote_pdf(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.user, quote_id=quote_id)
    # reportlab (the PDF renderer) is imported by the PDF views only: not in every worker.
    from guanxi.sales.common import pdf

    response = HttpResponse(pdf.quote_pdf(quote), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{quote.number}.pdf"'
    return response


@login_required
@require_GET
def quote_print(request, quote_id: int):
    quote = selectors_catalog.quote_get_for_user(user=request.user, quote_id=quote_id)
    return render(
        request,
        "sales/catalog/quote_print.html",
        {
            "quote": quote,
            "items": _items(quote),
            "words": document_text.amount_in_words(quote.total_amount),
            "seller": document_text.seller_name(),
        },
    )
