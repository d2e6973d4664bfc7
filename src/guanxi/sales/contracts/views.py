"""Contract pages (ORD-2, ORD-3): list, create/edit a draft, detail with the status actions,
amendment, PDF, and the panel on the customer 360 page. Thin: parse, call one service or
selector, render."""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.selectors import departments_in_scope, user_can
from guanxi.core.errors import SHOWN_ON_FORM, DomainError, NotFound, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.http import is_htmx, panel_response
from guanxi.core.pagination import parse_id
from guanxi.customers.archive.selectors import customer_get_for_user
from guanxi.customers.models import Customer
from guanxi.sales.catalog.selectors import quote_get_for_user
from guanxi.sales.catalog.services import price_for
from guanxi.sales.common.notices import error_text, first_message
from guanxi.sales.common.permissions import AMEND_CONTRACT, TERMINATE_CONTRACT
from guanxi.sales.contracts import services
from guanxi.sales.contracts.forms import (
    AmendForm,
    ContractForm,
    TerminateForm,
    fraction_to_percent,
    instalment_rows_from_contract,
    instalment_rows_from_post,
    item_row_for_product,
    item_rows_from_contract,
    item_rows_from_post,
    items_for_service,
)
from guanxi.sales.contracts.selectors import (
    ContractFilters,
    contract_amendments,
    contract_can_edit,
    contract_document,
    contract_get_for_user,
    contract_items,
    contract_list_for_user,
    customer_contracts_for_user,
    customer_for_new_contract,
    customer_may_get_contract,
    customer_visible,
    document_changes,
)
from guanxi.sales.models import Contract, Product

S = Contract.Status
STATUS_COLOURS = {
    S.DRAFT: "secondary",
    S.IN_APPROVAL: "yellow",
    S.SIGNED: "blue",
    S.EXECUTING: "cyan",
    S.COMPLETED: "green",
    S.TERMINATED: "red",
}
BLANK_ROWS = 1


def _with_colours(contracts):
    for contract in contracts:
        contract.status_colour = STATUS_COLOURS.get(contract.status, "secondary")
    return contracts


def _with_percents(items):
    for item in items:
        item.discount_percent = fraction_to_percent(item.discount_rate)
        item.tax_percent = fraction_to_percent(item.tax_rate)
    return items


def _products(*, rows: Iterable[dict] = ()):
    """The products a row may choose: those on sale, and those the rows have already (a
    product taken off the catalogue stays the one of the lines that were written with it)."""
    kept = {pk for row in rows if (pk := parse_id(row.get("product")))}
    return list(
        Product.objects.filter(Q(active=True) | Q(pk__in=kept))
        .only("id", "code", "name")
        .order_by("code")
    )


def _items_error(exc: ValidationFailed) -> list[str]:
    return [str(m) for m in exc.field_errors.get("items", [])]


# Item and plan errors are shown by their rows, not on the form.
ROW_ERRORS = ("items", "instalments", "plan")


def _blank_rows(rows: list[dict]) -> list[dict]:
    return rows + [{}] * (BLANK_ROWS if len(rows) else 3)


# ---------------------------------------------------------------- customer 360 panel


@login_required
@require_GET
def customer_contracts_panel(request, customer_id):
    """The customer's contracts on the 360 page, loaded after it (customers.panels.LazyPanel);
    nothing when the customer has none the user may see and the user may not start one."""
    user = request.user
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    contracts = _with_colours(customer_contracts_for_user(user=user, customer=customer))
    can_create = customer_may_get_contract(user=user, customer=customer)
    if not contracts and not can_create and is_htmx(request):
        return HttpResponse("")
    return panel_response(
        request,
        "sales/contracts/customer_panel.html",
        {"customer": customer, "contracts": contracts, "can_create": can_create},
        title=_("Contracts"),
        back_url=reverse("customers:detail", args=[customer.pk]),
    )


# ---------------------------------------------------------------- on the approval page


def _document_lines(lines: list[dict]) -> list[dict]:
    return [
        {
            **line,
            "discount_percent": fraction_to_percent(line.get("discount_rate")),
            "tax_percent": fraction_to_percent(line.get("tax_rate")),
        }
        for line in lines
    ]


def _discount_percent(totals: dict) -> str:
    gross = Decimal(totals.get("gross") or 0)
    if not gross:
        return "0"
    percent = (Decimal(totals.get("discount") or 0) / gross * 100).quantize(Decimal("0.01"))
    return format(percent.normalize(), "f")


def contract_approval_document_html(request, *, approval, previous) -> str:
    """The contract under approval as it was submitted (the approval's snapshot; the live
    contract for rounds submitted before snapshots were kept), and what changed since the
    previous round. The approvals page has already checked that the user may see it:
    within the contract's scope or one of its approvers or submitters."""
    document = approval.snapshot or contract_document(contract_id=approval.target_id)
    if not document:
        return ""
    customer = document.get("customer") or {}
    totals = document.get("totals") or {}
    changes = document_changes(before=previous.snapshot, after=document) if previous else None
    labels = {
        "customer": _("Customer"),
        **{key: str(value) for key, value in _field_labels().items()},
        "gross": _("Amount before discount"),
        "discount": _("Discount"),
        "net": _("Amount without tax"),
        "tax": _("Tax"),
        "total": _("Total (tax incl.)"),
        "quantity": _("Quantity"),
        "unit_price": _("Unit price"),
        "discount_rate": _("Discount"),
        "tax_rate": _("Tax rate"),
    }
    return render_to_string(
        "sales/contracts/approval_document.html",
        {
            "document": document,
            "submitted_at": approval.submitted_at,
            "customer_url": reverse("customers:detail", args=[customer["id"]])
            if customer.get("id")
            and customer_visible(user=request.user, customer_id=customer["id"])
            else "",
            "items": _document_lines(document.get("items") or []),
            "totals": totals,
            "discount_percent": _discount_percent(totals),
            "plan": document.get("plan") or [],
            "previous": previous,
            "changes": changes,
            "labels": labels,
            "changed_lines": [
                (before, after, [str(labels.get(key, key)) for key in keys])
                for before, after, keys in (changes.changed if changes else [])
            ],
            "field_changes": [
                (str(labels.get(key, key)), before, after)
                for key, before, after in (changes.fields if changes else [])
            ],
            "total_changes": [
                (str(labels.get(key, key)), before, after)
                for key, before, after in (changes.totals if changes else [])
            ],
        },
        request=request,
    )


# ---------------------------------------------------------------- list


@login_required
@require_GET
def contract_list(request):
    filters = ContractFilters.from_params(request.GET)
    cursor = request.GET.get("cursor") or None
    try:
        page = contract_list_for_user(user=request.user, filters=filters, cursor=cursor)
        _with_colours(page.items)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
        return redirect(reverse("sales:contract_list"))
    context = {
        "page": page,
        "filters": filters,
        "cursor": cursor,
        "statuses": S.choices,
        "departments": departments_in_scope(user=request.user).order_by("path"),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "contract-results":
        return render(request, "sales/contracts/list.html#results", context)
    return render(request, "sales/contracts/list.html", context)


# ---------------------------------------------------------------- create / edit a draft


def _form_page(request, *, form, rows, items_errors, customer=None, contract=None, **extra):
    """The contract form (a new draft for `customer`, or the edit or amendment of `contract`)
    with its item rows."""
    context = {
        "form": form,
        "customer": customer or contract.customer,
        "contract": contract,
        "rows": _blank_rows(rows),
        "products": _products(rows=rows),
        "items_errors": items_errors,
        **extra,
    }
    return render(request, "sales/contracts/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request):
    customer = customer_for_new_contract(
        user=request.user, customer_id=request.GET.get("customer") or request.POST.get("customer")
    )
    if customer is None:
        raise Http404(_("Choose a customer you may work on."))
    rows: list[dict] = []
    items_errors: list[str] = []
    if request.method == "POST":
        form = ContractForm(request.POST, customer=customer)
        rows = item_rows_from_post(request.POST)
        if form.is_valid():
            try:
                contract = services.contract_create(
                    actor=request.user,
                    customer=customer,
                    items=items_for_service(rows),
                    **form.header(),
                )
            except ValidationFailed as exc:
                form_add_errors(form, exc, elsewhere=ROW_ERRORS)
                items_errors = _items_error(exc)
            else:
                messages.success(
                    request, _("Contract %(number)s drafted.") % {"number": contract.number}
                )
                return redirect(reverse("sales:contract_detail", args=[contract.pk]))
    else:
        form = ContractForm(customer=customer, initial={"title": customer.name})
    return _form_page(request, form=form, rows=rows, items_errors=items_errors, customer=customer)


@login_required
@require_GET
def contract_item_row(request):
    """One item row (htmx: "add a row", or a product chosen → prefilled with its price)."""
    raw = parse_id(request.GET.get("customer"))
    customer = Customer.objects.visible_to(request.user).filter(pk=raw).first() if raw else None
    if customer is None:
        raise Http404()
    index = parse_id(request.GET.get("index"), minimum=0) or 0
    index = index if index < 1000 else 0
    product_raw = parse_id(request.GET.get(f"items-{index}-product") or request.GET.get("product"))
    product = Product.objects.filter(pk=product_raw, active=True).first() if product_raw else None
    row = {
        name: request.GET.get(f"items-{index}-{name}", "")
        for name in ("id", "quantity", "discount")
    }
    if product is not None:
        row = item_row_for_product(product, price_for(product=product, customer=customer), row=row)
    return render(
        request,
        "sales/contracts/item_row.html",
        {"row": row, "index": index, "products": _products(), "customer": customer},
    )


def _header_initial(contract) -> dict:
    """The contract's own fields as they are, to start the edit and amendment forms from."""
    return model_to_dict(
        contract, fields=["title", "signing_contact", "signed_on", "starts_on", "ends_on", "terms"]
    )


def _header_and_rows(request, contract, form_class) -> tuple:
    """The edit or amendment form of `contract` and its item rows: as posted, or the
    contract's own to start from."""
    if request.method == "POST":
        form = form_class(request.POST, customer=contract.customer)
        return form, item_rows_from_post(request.POST)
    form = form_class(customer=contract.customer, initial=_header_initial(contract))
    return form, item_rows_from_contract(contract)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = contract_get_for_user(user=request.user, contract_id=pk)
    if not contract_can_edit(user=request.user, contract=contract):
        raise Http404(_("Not found, or you may not see it."))
    if contract.status != S.DRAFT:
        messages.error(
            request, _("Only a draft can be edited. A signed contract changes by amendment.")
        )
        return redirect(reverse("sales:contract_detail", args=[contract.pk]))
    items_errors: list[str] = []
    form, rows = _header_and_rows(request, contract, ContractForm)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(
                actor=request.user,
                contract=contract,
                version=request.POST.get("version"),
                data=services.ContractHead(**form.header()),
                items=items_for_service(rows),
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc, elsewhere=ROW_ERRORS)
            items_errors = _items_error(exc)
        except DomainError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Contract saved."))
            return redirect(reverse("sales:contract_detail", args=[contract.pk]))
    return _form_page(request, form=form, rows=rows, items_errors=items_errors, contract=contract)


# ---------------------------------------------------------------- detail and actions


def _field_labels() -> dict:
    return {
        "title": pgettext("document", "Title"),
        "signing_contact": _("Signing contact"),
        "terms": _("Terms"),
        "signed_on": _("Signing date"),
        "starts_on": _("Start"),
        "ends_on": _("End"),
        "total_amount": _("Total"),
        "items": _("Items"),
        "instalments": _("Payment plan"),
    }


def _describe(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return "—" if value in (None, "") else str(value)


def _lines(rows, *, kind: str) -> str:
    if kind == "items":
        return "; ".join(
            "{} × {} @ {} = {}".format(
                r.get("description"), r.get("quantity"), r.get("unit_price"), r.get("total")
            )
            for r in rows
        )
    return "; ".join(f"{r.get('due_on')} {r.get('amount')}" for r in rows)


def _change_rows(amendment) -> list[tuple[str, str, str]]:
    labels = _field_labels()
    rows = []
    for key, value in (amendment.changes or {}).items():
        label = str(labels.get(key, key))
        if isinstance(value, dict) and "before" in value:
            rows.append(
                (
                    label,
                    _lines(value.get("before") or [], kind=key),
                    _lines(value.get("after") or [], kind=key),
                )
            )
        elif isinstance(value, list) and len(value) == 2:
            rows.append((label, _describe(value[0]), _describe(value[1])))
    return rows


def _actions(user, contract, can_edit: bool) -> dict:
    status = contract.status
    signed = status in (S.SIGNED, S.EXECUTING)
    return {
        "edit": can_edit and status == S.DRAFT,
        "submit": can_edit and status == S.DRAFT,
        "start": can_edit and status == S.SIGNED,
        "complete": can_edit
        and status == S.EXECUTING
        and contract.paid_amount >= contract.total_amount,
        "terminate": can_edit
        and (status == S.DRAFT or (signed and user_can(user=user, permission=TERMINATE_CONTRACT))),
        "amend": can_edit and signed and user_can(user=user, permission=AMEND_CONTRACT),
    }


@login_required
@require_GET
def contract_detail(request, pk):
    contract = contract_get_for_user(user=request.user, contract_id=pk)
    can_edit = contract_can_edit(user=request.user, contract=contract)
    amendments = contract_amendments(contract=contract)
    for amendment in amendments:
        amendment.change_rows = _change_rows(amendment)
    context = {
        "contract": contract,
        "items": _with_percents(contract_items(contract=contract)),
        "amendments": amendments,
        "actions": _actions(request.user, contract, can_edit),
        "terminate_form": TerminateForm(),
        "colour": STATUS_COLOURS.get(contract.status, "secondary"),
        "approval_url": reverse("sales:approval_panel", args=["contract", contract.pk]),
        "fulfilment_url": reverse("sales:contract_fulfilment", args=[contract.pk])
        if contract.status not in (S.DRAFT, S.IN_APPROVAL)
        else None,
        "receivables_url": reverse("sales:contract_receivables", args=[contract.pk]),
        "pdf_url": reverse("sales:contract_pdf", args=[contract.pk]),
    }
    return render(request, "sales/contracts/detail.html", context)


def _run_action(request, pk, action, success: str, **kwargs):
    contract = contract_get_for_user(user=request.user, contract_id=pk)
    try:
        result = action(actor=request.user, contract=contract, **kwargs)
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            success % {"number": contract.number, "status": result.get_status_display()},
        )
    return redirect(reverse("sales:contract_detail", args=[contract.pk]))


@login_required
@require_POST
def contract_submit(request, pk):
    return _run_action(request, pk, services.contract_submit, _("Contract %(number)s: %(status)s."))


@login_required
@require_POST
def contract_start(request, pk):
    return _run_action(request, pk, services.contract_start, _("Contract %(number)s: %(status)s."))


@login_required
@require_POST
def contract_complete(request, pk):
    return _run_action(
        request, pk, services.contract_complete, _("Contract %(number)s: %(status)s.")
    )


@login_required
@require_POST
def contract_terminate(request, pk):
    return _run_action(
        request,
        pk,
        services.contract_terminate,
        _("Contract %(number)s: %(status)s."),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_amend(request, pk):
    contract = contract_get_for_user(user=request.user, contract_id=pk)
    can_edit = contract_can_edit(user=request.user, contract=contract)
    if not _actions(request.user, contract, can_edit)["amend"]:
        messages.error(
            request,
            _("Only a signed or executing contract can be amended, with the permission."),
        )
        return redirect(reverse("sales:contract_detail", args=[contract.pk]))
    plan_before = instalment_rows_from_contract(contract)
    items_errors: list[str] = []
    plan_errors: list[str] = []
    form, rows = _header_and_rows(request, contract, AmendForm)
    plan = instalment_rows_from_post(request.POST) if request.method == "POST" else plan_before
    if request.method == "POST" and form.is_valid():
        header = form.header()
        reason = header.pop("reason")
        try:
            services.contract_amend(
                actor=request.user,
                contract=contract,
                reason=reason,
                data=services.ContractHead(**header),
                items=items_for_service(rows),
                instalments=plan if plan != plan_before else None,
            )
        except ValidationFailed as exc:
            form_add_errors(form, exc, elsewhere=ROW_ERRORS)
            items_errors = _items_error(exc)
            plan_errors = [str(m) for m in exc.field_errors.get("instalments", [])]
            plan_errors += [str(m) for m in exc.field_errors.get("plan", [])]
        except SHOWN_ON_FORM as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Amendment recorded."))
            return redirect(reverse("sales:contract_detail", args=[contract.pk]))
    return _form_page(
        request,
        form=form,
        rows=rows,
        items_errors=items_errors,
        contract=contract,
        amending=True,
        plan=[*plan, {}] if plan_before or plan else [],
        plan_errors=plan_errors,
    )


@login_required
@require_GET
def contract_pdf(request, pk):
    contract = contract_get_for_user(user=request.user, contract_id=pk)
    # reportlab (the PDF renderer) is imported by the PDF views only: not in every worker.
    from guanxi.sales.common.pdf import contract_pdf

    response = HttpResponse(contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract.number}.pdf"'
    return response


# ---------------------------------------------------------------- from a quote


@login_required
@require_POST
def quote_convert(request, quote_id: int):
    """The quote page's "draft a contract" button (its URL stays under catalog/quotes/)."""
    quote = quote_get_for_user(user=request.user, quote_id=quote_id)
    try:
        contract = services.quote_convert(
            actor=request.user, quote=quote, title=request.POST.get("title", "")[:200]
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, first_message(exc))
        return redirect("sales:quote_detail", quote.pk)
    messages.success(
        request,
        _("Contract %(number)s drafted from quote %(quote)s.")
        % {"number": contract.number, "quote": quote.number},
    )
    return redirect("sales:contract_detail", contract.pk)
