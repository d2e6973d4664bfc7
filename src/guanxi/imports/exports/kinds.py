"""The lists that export (RPT-2): for each, its columns and its rows, read through the list's
own selector with the list's own filters (parsed by the list's own filter class from the
query string the list page had), so an export holds exactly what the user sees, in scope.

Lists whose selector pages by a cursor are read page after page (keyset, bounded memory);
lists without a page of their own (follow-ups, orders, payments, invoices) read the model's
scoped queryset (`visible_to`), newest first, in keyset batches."""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import REVEAL_PII
from guanxi.accounts.selectors import user_can
from guanxi.care.visits.selectors import VisitFilters, filtered_tasks, visit_page
from guanxi.core.errors import NotFound
from guanxi.core.newest_first import newest_first
from guanxi.core.pagination import capped_count, parse_id
from guanxi.core.phones import display_phone, mask_phone
from guanxi.customers.archive.forms import CustomerFilterForm
from guanxi.customers.archive.selectors import customer_count_for_user, customer_values_for_export
from guanxi.customers.models import Customer, Industry, Source
from guanxi.pipeline.models import FollowUp
from guanxi.pipeline.pools.forms import PoolFilterForm
from guanxi.pipeline.pools.selectors import pool_customers_for_user, pool_get_for_user
from guanxi.sales.catalog.forms import QuoteFilterForm
from guanxi.sales.catalog.selectors import QuoteFilters, quote_list_for_user
from guanxi.sales.contracts.selectors import ContractFilters, contract_list_for_user
from guanxi.sales.fulfilment.selectors import delivery_schedule, parse_schedule_filters
from guanxi.sales.models import Contract, Invoice, Order, Payment
from guanxi.sales.receivables.instalment_sheet import instalment_columns
from guanxi.sales.receivables.selectors import (
    ReceivableFilters,
    open_instalment_iter,
    open_instalments,
)
from guanxi.service.calls.selectors import CallFilters, call_page, calls_visible
from guanxi.service.complaints.selectors import (
    ComplaintFilters,
    complaint_count,
    complaint_page,
)
from guanxi.service.models import ComplaintCategory

BATCH = 2000  # rows per query where the export reads a queryset itself
PAGE = 100  # rows per page where it reads a list's paged selector (their maximum)
EXPECT_CAP = 5_000_000  # the progress bar's count stops here

Row = list[Any]


@dataclass(frozen=True)
class Context:
    """What a row may depend on besides its record: who exports (phones masked unless the
    user may see them, ARC-6), and the labels already looked up in this export — a
    million rows name the same few owners, departments and choices, and Django's
    get_FOO_display() and str() of a related row translate lazily each time (the export's
    hot spot, bench/export_customers.py)."""

    reveal: bool
    zone: dt.tzinfo
    labels: dict[tuple[Any, ...], str] = field(default_factory=dict)

    def local(self, value: dt.datetime | None) -> str:
        """A time in the site's zone (Asia/Shanghai), as the lists show it."""
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def phone(self, value: str) -> str:
        if not value:
            return ""
        return display_phone(value) if self.reveal else mask_phone(value)

    def choice(self, record: Any, name: str) -> str:
        """The display label of a choice field (get_<name>_display), looked up once."""
        value = getattr(record, name)
        if value in (None, ""):
            return ""
        key = (type(record), name, value)
        label = self.labels.get(key)
        if label is None:
            label = self.labels[key] = str(getattr(record, f"get_{name}_display")())
        return label

    def choice_of(self, model: type[Model], name: str, value: Any) -> str:
        """The display label of a choice field's stored value (rows read as values)."""
        if value in (None, ""):
            return ""
        key = (model, name, value)
        label = self.labels.get(key)
        if label is None:
            choices = dict(getattr(model._meta.get_field(name), "flatchoices", ()))
            label = self.labels[key] = str(choices.get(value, value))
        return label

    def name_of(self, model: type[Model], pk: int | None) -> str:
        """str() of the row `pk` of `model`, read once per export (a million customers name
        a few dozen owners, departments, sources and industries)."""
        if pk is None:
            return ""
        key = (model, "pk", pk)
        label = self.labels.get(key)
        if label is None:
            row = model._default_manager.filter(pk=pk).first()
            label = self.labels[key] = "" if row is None else str(row)
        return label

    def name(self, record: Any, relation: str) -> str:
        """str() of a related row (select_related), looked up once per row id."""
        related_id = getattr(record, f"{relation}_id")
        if related_id is None:
            return ""
        key = (type(record), relation, related_id)
        label = self.labels.get(key)
        if label is None:
            label = self.labels[key] = str(getattr(record, relation))
        return label


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: Promise
    columns: Callable[[], list[str]]
    records: Callable[[Any, QueryDict], Iterator[Any]]
    row: Callable[[Any, Context], Row]
    # rows to expect (capped), for the progress bar; None: the list has no count to ask
    count: Callable[[Any, QueryDict], int] | None = None


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _pages(fetch: Callable[[str | None], tuple[list[Any], str | None]]) -> Iterator[Any]:
    """Every record of a keyset-paged selector: `fetch(cursor)` answers (items, next)."""
    cursor: str | None = None
    while True:
        items, cursor = fetch(cursor)
        yield from items
        if not cursor:
            return


def _selector_pages(selector: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """Every record of a list selector that answers a keyset `Page` (items, next_cursor)."""

    def fetch(cursor: str | None) -> tuple[list[Any], str | None]:
        page = selector(cursor=cursor, limit=PAGE, **kwargs)
        return page.items, page.next_cursor

    return _pages(fetch)


def _filtered_pages(
    selector: Callable[..., Any], parse: Callable[[QueryDict], Any]
) -> Callable[[Any, QueryDict], Iterator[Any]]:
    """The records of a list whose selector pages by keyset and takes the list's filters,
    parsed from the query string by `parse` (the list's own parser)."""
    return lambda user, params: _selector_pages(selector, user=user, filters=parse(params))


def _filtered_count(
    rows: Callable[..., QuerySet[Any]], parse: Callable[[QueryDict], Any]
) -> Callable[[Any, QueryDict], int]:
    """The rows to expect (capped) of a list whose queryset takes the list's filters."""
    return lambda user, params: capped_count(rows(user=user, filters=parse(params)), EXPECT_CAP)[0]


# ---------------------------------------------------------------- customers


def _as_stored(ctx: Context, value: Any) -> Any:
    return value


def _choice_of(name: str) -> Callable[[Context, Any], str]:
    return lambda ctx, value: ctx.choice_of(Customer, name, value)


def _name_of(model: type[Model]) -> Callable[[Context, Any], str]:
    return lambda ctx, pk: ctx.name_of(model, pk)


@dataclass(frozen=True)
class CustomerColumn:
    """A column of the customer export after the number: its header, the field it reads
    (customers are read as values, not as model instances, bench/export_customers.py) and
    how the field's value is written in its cell."""

    label: Promise
    field: str
    cell: Callable[[Context, Any], Any]


CUSTOMER_COLUMNS = (
    CustomerColumn(gettext_lazy("Name"), "name", _as_stored),
    CustomerColumn(gettext_lazy("Type"), "kind", _choice_of("kind")),
    CustomerColumn(gettext_lazy("Category"), "category", _choice_of("category")),
    CustomerColumn(gettext_lazy("Owner"), "owner_id", _name_of(User)),
    CustomerColumn(gettext_lazy("Department"), "department_id", _name_of(Department)),
    CustomerColumn(gettext_lazy("Mobile"), "mobile", Context.phone),
    CustomerColumn(gettext_lazy("Office phone"), "office_phone", Context.phone),
    CustomerColumn(gettext_lazy("E-mail"), "email", _as_stored),
    CustomerColumn(gettext_lazy("WeChat"), "wechat", _as_stored),
    CustomerColumn(gettext_lazy("ID number"), "id_number_masked", _as_stored),
    CustomerColumn(gettext_lazy("Province"), "province", _as_stored),
    CustomerColumn(gettext_lazy("City"), "city", _as_stored),
    CustomerColumn(gettext_lazy("Work address"), "work_address", _as_stored),
    CustomerColumn(gettext_lazy("Industry"), "industry_id", _name_of(Industry)),
    CustomerColumn(gettext_lazy("Source"), "source_id", _name_of(Source)),
    CustomerColumn(gettext_lazy("Customer level"), "level", _choice_of("level")),
    CustomerColumn(gettext_lazy("Created"), "created_at", Context.local),
)


def _customer_columns() -> list[str]:
    return [_("Number"), *(str(column.label) for column in CUSTOMER_COLUMNS)]


def _customers(user: Any, params: QueryDict) -> Iterator[Any]:
    filters = CustomerFilterForm(params or None, user=user, options=False).to_filters()  # type: ignore[no-untyped-call]
    return customer_values_for_export(
        user=user,
        filters=filters,
        fields=[column.field for column in CUSTOMER_COLUMNS],
        batch=BATCH,
    )


def _customer_row(values: tuple[Any, ...], ctx: Context) -> Row:
    pk, *fields = values
    cells = [
        column.cell(ctx, value) for column, value in zip(CUSTOMER_COLUMNS, fields, strict=True)
    ]
    return [pk, *cells]


# ---------------------------------------------------------------- follow-ups


def _followup_rows(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).select_related("customer", "user")


def _followup_columns() -> list[str]:
    return [
        _("Time"),
        _("Customer"),
        _("By"),
        _("Channel"),
        _("Content"),
        _("Outcome"),
        _("Effective contact"),
        _("Next contact"),
    ]


def _followup_row(followup: FollowUp, ctx: Context) -> Row:
    return [
        ctx.local(followup.at),
        followup.customer.name,
        ctx.name(followup, "user"),
        followup.get_channel_display(),
        followup.content,
        followup.outcome,
        _("Yes") if followup.effective else _("No"),
        ctx.local(followup.next_contact_at),
    ]


# ---------------------------------------------------------------- pools


def _pool_records(user: Any, params: QueryDict) -> Iterator[Any]:
    pool_id = parse_id(params.get("pool"))
    if pool_id is None:
        raise NotFound()
    pool = pool_get_for_user(user=user, pool_id=pool_id)
    filters = PoolFilterForm(params or None).filters()  # type: ignore[no-untyped-call]

    def fetch(cursor: str | None) -> tuple[list[Any], str | None]:
        page = pool_customers_for_user(
            user=user, pool=pool, cursor=cursor or "", limit=PAGE, **filters
        )
        return page.items, page.next_cursor

    return _pages(fetch)


def _pool_columns() -> list[str]:
    return [
        _("Number"),
        _("Name"),
        _("Mobile"),
        _("Stage"),
        _("Reason"),
        _("Previous owner"),
        _("Released"),
        _("Note"),
    ]


def _pool_row(entry: Any, ctx: Context) -> Row:
    customer = entry.customer
    prospect = getattr(customer, "prospect", None)
    return [
        customer.pk,
        customer.name,
        ctx.phone(customer.mobile),
        _text(prospect.stage) if prospect is not None and prospect.stage_id else "",
        entry.get_reason_display(),
        ctx.name(entry, "previous_owner"),
        ctx.local(entry.released_at),
        entry.note,
    ]


# ---------------------------------------------------------------- contracts and quotes


def _contract_columns() -> list[str]:
    return [
        _("Contract"),
        _("Title"),
        _("Customer"),
        _("Owner"),
        _("Department"),
        _("Status"),
        _("Signed"),
        _("Amount"),
        _("Collected"),
    ]


def _contract_row(contract: Any, ctx: Context) -> Row:
    return [
        contract.number,
        contract.title,
        contract.customer.name,
        ctx.name(contract, "owner"),
        ctx.name(contract, "department"),
        contract.get_status_display(),
        contract.signed_on,
        contract.total_amount,
        contract.paid_amount,
    ]


def _quote_records(user: Any, params: QueryDict) -> Iterator[Any]:
    form = QuoteFilterForm(params or None)
    filters = QuoteFilters()
    if form.is_bound and form.is_valid():
        filters.q = form.cleaned_data["q"]
        filters.status = form.cleaned_data["status"]
    filters.customer_id = parse_id(params.get("customer"))

    return _selector_pages(quote_list_for_user, user=user, filters=filters)


def _quote_columns() -> list[str]:
    return [
        _("Quote"),
        _("Customer"),
        _("Owner"),
        _("Status"),
        _("Valid until"),
        _("Total"),
    ]


def _quote_row(quote: Any, ctx: Context) -> Row:
    return [
        quote.number,
        quote.customer.name,
        ctx.name(quote, "owner"),
        quote.get_status_display(),
        quote.valid_until,
        quote.total_amount,
    ]


# ---------------------------------------------------------------- orders and deliveries


def _order_rows(user: Any) -> QuerySet[Order]:
    return Order.objects.filter(contract__in=Contract.objects.visible_to(user)).select_related(
        "contract", "contract__customer", "contract__owner"
    )


def _order_columns() -> list[str]:
    return [_("Order"), _("Contract"), _("Customer"), _("Owner"), _("Status"), _("Order date")]


def _order_row(order: Any, ctx: Context) -> Row:
    contract = order.contract
    return [
        order.number,
        contract.number,
        contract.customer.name,
        ctx.name(contract, "owner"),
        order.get_status_display(),
        order.ordered_on,
    ]


def _delivery_records(user: Any, params: QueryDict) -> Iterator[Any]:
    filters = parse_schedule_filters(params=params)

    def fetch(cursor: str | None) -> tuple[list[Any], str | None]:
        plans, after = delivery_schedule(user=user, filters=filters, cursor=cursor, limit=PAGE)
        return list(plans), after

    return _pages(fetch)


def _delivery_columns() -> list[str]:
    return [
        _("Planned date"),
        _("Order"),
        _("Contract"),
        _("Customer"),
        _("Owner"),
        _("Item"),
        _("Quantity"),
        _("Delivered"),
    ]


def _delivery_row(plan: Any, ctx: Context) -> Row:
    contract = plan.order.contract
    return [
        plan.planned_on,
        plan.order.number,
        contract.number,
        contract.customer.name,
        ctx.name(contract, "owner"),
        plan.contract_item.description,
        plan.quantity,
        plan.delivered_quantity,
    ]


# ---------------------------------------------------------------- receivables


def _instalment_records(user: Any, params: QueryDict) -> Iterator[Any]:
    filters = ReceivableFilters.from_params(params)
    return iter(open_instalment_iter(user=user, filters=filters))


def _instalment_row(inst: Any, ctx: Context) -> Row:
    return [
        inst.contract.number,
        inst.customer.name,
        ctx.name(inst, "owner"),
        ctx.name(inst, "department"),
        inst.sequence,
        inst.due_on,
        inst.amount,
        inst.paid_amount,
        inst.amount - inst.paid_amount,
    ]


def _payment_rows(user: Any) -> QuerySet[Payment]:
    return Payment.objects.visible_to(user).select_related("contract", "customer", "owner")


def _payment_columns() -> list[str]:
    return [
        _("Date received"),
        _("Contract"),
        _("Customer"),
        _("Owner"),
        _("Amount"),
        _("Method"),
        _("Reference"),
        _("Status"),
    ]


def _payment_row(payment: Any, ctx: Context) -> Row:
    return [
        payment.received_on,
        payment.contract.number,
        payment.customer.name,
        ctx.name(payment, "owner"),
        payment.amount,
        payment.get_method_display(),
        payment.reference,
        payment.get_status_display(),
    ]


def _invoice_rows(user: Any) -> QuerySet[Invoice]:
    return Invoice.objects.visible_to(user).select_related("contract", "contract__customer")


def _invoice_columns() -> list[str]:
    return [
        _("Date issued"),
        _("Invoice number"),
        _("Type"),
        _("Contract"),
        _("Customer"),
        _("Amount incl. tax"),
        _("Amount without tax"),
        _("Tax"),
        _("Status"),
    ]


def _invoice_row(invoice: Any, ctx: Context) -> Row:
    return [
        invoice.issued_on,
        invoice.number,
        invoice.get_kind_display(),
        invoice.contract.number,
        invoice.contract.customer.name,
        invoice.amount,
        invoice.net_amount,
        invoice.tax_amount,
        invoice.get_status_display(),
    ]


# ---------------------------------------------------------------- 回访


def _visit_columns() -> list[str]:
    return [_("Due"), _("Customer"), _("Title"), _("Type"), _("Channel"), _("Assignee")]


def _visit_row(task: Any, ctx: Context) -> Row:
    return [
        ctx.local(task.due_at),
        task.customer.name,
        task.title,
        task.get_kind_display(),
        task.get_channel_display(),
        ctx.name(task, "assignee"),
    ]


# ------------------------------------------------------ complaints and calls (CMP-4, SRV-3)


def _complaint_count(user: Any, params: QueryDict) -> int:
    return complaint_count(user=user, filters=ComplaintFilters.from_params(params))[0]


def _complaint_columns() -> list[str]:
    return [
        _("Number"),
        _("Received"),
        _("Customer"),
        _("Title"),
        _("Channel"),
        _("Complaint category"),
        _("Sub-item"),
        _("Severity"),
        _("Status"),
        _("Steps done"),
        _("Resolution"),
        _("Handler"),
        _("Queue"),
        _("Escalation level"),
        _("Times reopened"),
        _("Resolve by"),
        _("Closed"),
    ]


def _complaint_row(complaint: Any, ctx: Context) -> Row:
    return [
        complaint.pk,
        ctx.local(complaint.created_at),
        complaint.customer.name,
        complaint.title,
        ctx.choice(complaint, "channel"),
        ctx.name(complaint, "category"),
        ctx.name_of(ComplaintCategory, complaint.item_id),
        ctx.choice(complaint, "severity"),
        ctx.choice(complaint, "status"),
        complaint.step,
        ctx.choice(complaint, "resolution"),
        ctx.name(complaint, "owner"),
        ctx.name(complaint, "department"),
        complaint.escalation_level,
        complaint.reopened,
        ctx.local(complaint.resolve_due),
        ctx.local(complaint.closed_at),
    ]


def _call_columns() -> list[str]:
    return [
        _("Start"),
        _("Number"),
        _("Direction"),
        _("Call type"),
        _("Duration (seconds)"),
        _("Agent"),
        _("Customer"),
        _("Notes"),
    ]


def _call_row(call: Any, ctx: Context) -> Row:
    return [
        ctx.local(call.started_at),
        ctx.phone(call.number),
        ctx.choice(call, "direction"),
        ctx.choice(call, "type"),
        call.duration_seconds,
        ctx.name(call, "agent"),
        call.customer.name if call.customer_id else "",
        call.notes,
    ]


# ---------------------------------------------------------------- the registry


def _scoped(rows: Callable[[Any], QuerySet[Any]]) -> Callable[[Any, QueryDict], Iterator[Any]]:
    return lambda user, params: newest_first(rows(user), batch=BATCH)


def _scoped_count(rows: Callable[[Any], QuerySet[Any]]) -> Callable[[Any, QueryDict], int]:
    return lambda user, params: capped_count(rows(user), EXPECT_CAP)[0]


def _customer_count(user: Any, params: QueryDict) -> int:
    filters = CustomerFilterForm(params or None, user=user, options=False).to_filters()  # type: ignore[no-untyped-call]
    return customer_count_for_user(user=user, filters=filters, cap=EXPECT_CAP)[0]


KINDS: dict[str, ExportKind] = {
    kind.key: kind
    for kind in [
        ExportKind(
            "customers",
            gettext_lazy("Customers"),
            _customer_columns,
            _customers,
            _customer_row,
            _customer_count,
        ),
        ExportKind(
            "followups",
            gettext_lazy("Follow-ups"),
            _followup_columns,
            _scoped(_followup_rows),
            _followup_row,
            _scoped_count(_followup_rows),
        ),
        ExportKind("pool", gettext_lazy("Public pool"), _pool_columns, _pool_records, _pool_row),
        ExportKind(
            "contracts",
            gettext_lazy("Contracts"),
            _contract_columns,
            _filtered_pages(
                partial(contract_list_for_user, count=False), ContractFilters.from_params
            ),
            _contract_row,
        ),
        ExportKind("quotes", gettext_lazy("Quotes"), _quote_columns, _quote_records, _quote_row),
        ExportKind(
            "orders",
            gettext_lazy("Orders"),
            _order_columns,
            _scoped(_order_rows),
            _order_row,
            _scoped_count(_order_rows),
        ),
        ExportKind(
            "deliveries",
            gettext_lazy("Deliveries to make"),
            _delivery_columns,
            _delivery_records,
            _delivery_row,
        ),
        ExportKind(
            "instalments",
            gettext_lazy("Open instalments"),
            instalment_columns,
            _instalment_records,
            _instalment_row,
            _filtered_count(open_instalments, ReceivableFilters.from_params),
        ),
        ExportKind(
            "payments",
            gettext_lazy("Payments"),
            _payment_columns,
            _scoped(_payment_rows),
            _payment_row,
            _scoped_count(_payment_rows),
        ),
        ExportKind(
            "invoices",
            gettext_lazy("Invoices"),
            _invoice_columns,
            _scoped(_invoice_rows),
            _invoice_row,
            _scoped_count(_invoice_rows),
        ),
        ExportKind(
            "visits",
            gettext_lazy("回访 and care tasks"),
            _visit_columns,
            _filtered_pages(visit_page, VisitFilters.from_params),
            _visit_row,
            _filtered_count(filtered_tasks, VisitFilters.from_params),
        ),
        ExportKind(
            "complaints",
            gettext_lazy("Complaints"),
            _complaint_columns,
            _filtered_pages(complaint_page, ComplaintFilters.from_params),
            _complaint_row,
            _complaint_count,
        ),
        ExportKind(
            "calls",
            gettext_lazy("Call log"),
            _call_columns,
            _filtered_pages(call_page, CallFilters.from_query),
            _call_row,
            _scoped_count(lambda user: calls_visible(user=user)),
        ),
    ]
}

# Lists without a page of their own (and so without filters): started from "My exports".
UNFILTERED = ("followups", "orders", "payments", "invoices")


def context_for(user: Any) -> Context:
    return Context(
        reveal=user_can(user=user, permission=REVEAL_PII), zone=timezone.get_current_timezone()
    )


def params_query(params: Mapping[str, Any]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[str(key)] = str(value)
    return query
