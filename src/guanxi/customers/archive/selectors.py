"""Reads of the customer archive, always through the data-scope filter."""

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Field,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Value,
)

from guanxi.accounts.models import User
from guanxi.accounts.permissions import DELETE, EDIT_OTHERS
from guanxi.core.errors import found
from guanxi.core.newest_first import newest_first
from guanxi.core.pagination import (
    COUNT_CAP,
    PAGE_SIZE,
    CursorKind,
    Page,
    capped_count,
    cursor_decode,
    cursor_encode,
    keyset_after,
    page_by_keys,
    parse_id,
)
from guanxi.core.phones import phone_search_digits
from guanxi.customers import name_index, phone_index
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import (
    Attachment,
    Contact,
    Customer,
    CustomerShare,
    CustomerTag,
    Tag,
    TimelineEvent,
)
from guanxi.customers.querysets import CustomerQuerySet, customer_editable, customer_seen_by

# sort key → the keys the list is ordered by (the last one unique), all descending or not
SORTS: dict[str, tuple[tuple[tuple[str, CursorKind], ...], bool]] = {
    "-id": ((("id", int),), True),
    "id": ((("id", int),), False),
    "-updated": ((("updated_at", dt.datetime), ("id", int)), True),
    "name": ((("name_pinyin", str), ("id", int)), False),
}


@dataclass
class CustomerFilters:
    q: str = ""
    kind: str = ""
    category: str = ""
    owner: int | None = None
    department: int | None = None
    tag: int | None = None
    source: int | None = None
    industry: int | None = None
    level: str = ""
    province: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    sort: str = "-id"
    extra: dict = field(default_factory=dict)


def search_condition(*, text: str) -> Q | None:
    """One search box (ARC-7): name, full pinyin, pinyin initials, phone in any format,
    organisation, e-mail, credit code and tag."""
    text = unicodedata.normalize("NFKC", text or "").strip()[:100]
    if not text:
        return None
    digits = phone_search_digits(text)
    if digits:
        condition = Q(mobile__contains=digits)
        columns: tuple[str, ...] = ("mobile",)
        if len(digits) >= 7:
            condition |= Q(office_phone__endswith=digits) | Q(home_phone__endswith=digits)
            columns = phone_index.COLUMNS
        if connection.vendor == "sqlite":
            # LIKE '%…%' reads every row on SQLite: the trigram index finds the candidates
            # (PostgreSQL's trigram GIN indexes serve the LIKE itself).
            condition &= Q(pk__in=phone_index.ids_with_phone(digits, columns=columns))
        return condition
    lowered = text.lower()
    pinyin_like = lowered.isascii() and lowered.replace(" ", "").isalpha()
    if pinyin_like:
        # Letters are pinyin or the start of a Latin name; a substring scan would only find
        # Latin words inside names, at the price of reading every row.
        letters = lowered.replace(" ", "")
        condition = (
            _prefix("name", text)
            | _prefix("name_initials", letters)
            | _prefix("name_pinyin", letters)
        )
    elif len(text) >= 2 and connection.vendor == "sqlite":
        # A name that starts with the text contains it: one indexed test on SQLite (the
        # bigram table), where an OR with the prefix range would read every row.
        condition = _name_contains(text)
    elif len(text) >= 2:
        condition = _prefix("name", text) | _name_contains(text)
    else:
        condition = _prefix("name", text)
    if "@" in text:
        condition |= Q(email=lowered)
    if len(text) == 18 and text.isalnum():
        condition |= Q(credit_code=text.upper())
    tag_ids = list(Tag.objects.filter(name=text).values_list("id", flat=True)[:1])
    if tag_ids:
        condition |= Q(
            Exists(CustomerTag.objects.filter(customer_id=OuterRef("pk"), tag_id=tag_ids[0]))
        )
    return condition


def _prefix(field: str, text: str) -> Q:
    """`field` starts with `text`, in a form each database can answer from a B-tree: SQLite's
    LIKE is case-insensitive and cannot use a plain index, a range can."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})
    return Q(**{f"{field}__startswith": text})


class _BigramsContain(Func):
    """`gx_bigrams(<column>) @> gx_bigrams(<text>)` (PostgreSQL, migration 0004). An expression
    rather than raw SQL, so the column is named with the alias of whatever query it ends up in
    (the list's page is chosen in a subquery)."""

    arg_joiner = ") @> gx_bigrams("
    template = "(gx_bigrams(%(expressions)s))"
    output_field = BooleanField()


def _name_contains(text: str) -> Q:
    """`name LIKE '%text%'`, with the bigram index test that finds its candidates: on
    PostgreSQL the GIN index of migration 0004 (trigrams cannot serve the usual
    two-character Chinese search), on SQLite the bigram table (`name_index`, migration 0010)."""
    condition = Q(name__contains=text)
    if connection.vendor == "postgresql" and not text.isascii():
        condition &= Q(_BigramsContain(F("name"), Value(text)))
    if connection.vendor == "sqlite":
        condition &= Q(pk__in=name_index.ids_with_name(text))
    return condition


def _filtered(user: User | AnonymousUser, filters: CustomerFilters) -> CustomerQuerySet:
    queryset = Customer.objects.visible_to(user)
    condition = search_condition(text=filters.q)
    if condition is not None:
        queryset = queryset.filter(condition)
    for attribute in ("kind", "category", "level", "province"):
        value = getattr(filters, attribute)
        if value:
            queryset = queryset.filter(**{attribute: value})
    for attribute in ("owner", "department", "source", "industry"):
        value = getattr(filters, attribute)
        if value:
            queryset = queryset.filter(**{f"{attribute}_id": value})
    if filters.tag:
        # IN (…) rather than EXISTS: the planners start from the tag's rows (custtag_tag_idx)
        # instead of testing every customer; the capped count got 1.4-4x faster (bench/).
        tagged = CustomerTag.objects.filter(tag_id=filters.tag).values("customer_id")
        queryset = queryset.filter(id__in=tagged)
    if filters.created_from:
        queryset = queryset.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        queryset = queryset.filter(created_at__date__lte=filters.created_to)
    return queryset


def customer_list_for_user(
    *,
    user: User | AnonymousUser,
    filters: CustomerFilters,
    cursor: str = "",
    page_size: int = PAGE_SIZE,
    count: bool = True,
) -> Page[Customer]:
    """A page of the list as whole customers (the API's rows); ValidationFailed on `cursor`
    if the cursor is not one we made."""

    def fetch(rows: CustomerQuerySet) -> list[Customer]:
        # industry: the API's rows name it (one query per organisation row without it)
        return list(
            rows.select_related("owner", "department", "source", "industry").prefetch_related(
                Prefetch("tags", queryset=Tag.objects.only("id", "name", "color"))
            )
        )

    return _keyset_page(user, filters, cursor, page_size, count, fetch)


@dataclass(frozen=True)
class TagLabel:
    name: str
    color: str


@dataclass(frozen=True)
class CustomerListRow:
    """A row of the customer list page: the columns it shows, and the customer's tags."""

    customer: Customer
    tags: list[TagLabel]

    @property
    def pk(self) -> int:
        return self.customer.pk


# What the list page shows of a customer, its owner, department and source: reading the
# whole rows and the tags as model instances cost more than every query of the page (issue 13).
LIST_PAGE_COLUMNS = (
    "id",
    "name",
    "kind",
    "province",
    "city",
    "mobile",
    "category",
    "created_at",
    "owner__id",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "department__id",
    "department__name",
    "source__id",
    "source__name",
    "source__name_en",
)


def customer_list_rows_for_user(
    *,
    user: User | AnonymousUser,
    filters: CustomerFilters,
    cursor: str = "",
    page_size: int = PAGE_SIZE,
    count: bool = True,
) -> Page[CustomerListRow]:
    """The same page as `customer_list_for_user`, with only what the list page shows."""
    sort_fields = [name for name, _kind in SORTS.get(filters.sort, SORTS["-id"])[0]]

    def fetch(rows: CustomerQuerySet) -> list[Customer]:
        columns = dict.fromkeys([*LIST_PAGE_COLUMNS, *sort_fields])
        return list(rows.select_related("owner", "department", "source").only(*columns))

    page = _keyset_page(user, filters, cursor, page_size, count, fetch)
    tags: dict[int, list[TagLabel]] = {}
    links = CustomerTag.objects.filter(customer_id__in=[c.pk for c in page.items])
    for customer_id, name, color in links.order_by("tag__name").values_list(
        "customer_id", "tag__name", "tag__color"
    ):
        tags.setdefault(customer_id, []).append(TagLabel(name=name, color=color))
    rows = [CustomerListRow(customer=c, tags=tags.get(c.pk, [])) for c in page.items]
    return Page(
        items=rows,
        next_cursor=page.next_cursor,
        total=page.total,
        total_capped=page.total_capped,
    )


def _keyset_page(
    user: User | AnonymousUser,
    filters: CustomerFilters,
    cursor: str,
    page_size: int,
    count: bool,
    fetch: Callable[[CustomerQuerySet], list[Customer]],
) -> Page[Customer]:
    keys, descending = SORTS.get(filters.sort, SORTS["-id"])
    fields = [name for name, _kind in keys]
    queryset = _filtered(user, filters)
    page_query = queryset
    if cursor:
        after = cursor_decode(cursor, [kind for _name, kind in keys])
        page_query = page_query.filter(keyset_after(fields, after, descending=descending))
    ordering = [f"-{name}" if descending else name for name in fields]
    # The page's rows are chosen in a subquery and only they are joined to their owner,
    # department and source: with the joins in the same query, PostgreSQL joined every match
    # of a search (2,000+ for 王秀 at 1M customers) before keeping 26, half of the query's time.
    page_ids = page_query.order_by(*ordering).values("pk")[: page_size + 1]
    rows = fetch(Customer.objects.filter(pk__in=page_ids).order_by(*ordering))
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = cursor_encode([getattr(rows[-1], name) for name in fields])
    total: int | None
    if not cursor and next_cursor is None:
        total, capped = len(rows), False  # the whole selection is on this page
    elif count:
        total, capped = capped_count(queryset)
    else:
        total, capped = None, False
    return Page(items=rows, next_cursor=next_cursor, total=total, total_capped=capped)


def customer_count_for_user(
    *, user: User | AnonymousUser, filters: CustomerFilters, cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """Up to COUNT_CAP: "1,000+" on a page instead of an exact COUNT(*) over millions
    (counting 10,001 filtered rows cost 100+ ms at 1M, bench/README.md); a background export
    asks for a higher cap (its progress bar)."""
    return capped_count(_filtered(user, filters), cap)


def customer_iter_for_export(
    *, user: User | AnonymousUser, filters: CustomerFilters, batch: int = 2000
) -> Iterator[Customer]:
    """All customers matching the filters in the user's scope, streamed by keyset batches."""
    queryset = _filtered(user, filters).select_related("owner", "department", "source", "industry")
    return newest_first(queryset, batch=batch)


def customer_values_for_export(
    *,
    user: User | AnonymousUser,
    filters: CustomerFilters,
    fields: Sequence[str],
    batch: int = 5000,
) -> Iterator[tuple]:
    """The same customers as `customer_iter_for_export`, as tuples of `fields` (id first),
    without building model instances: the background export of a million rows (RPT-2,
    bench/export_customers.py), where instantiating five models a row cost most of the time."""
    queryset = _filtered(user, filters).values_list("id", *fields)
    return newest_first(queryset, batch=batch, id_of=itemgetter(0))


def customer_get_for_user(
    *, user: User | AnonymousUser, customer_id: int | str, include_deleted: bool = False
) -> Customer:
    """The customer if the user may see it; CustomerNotFound (a 404) else, also for an id
    that is not one."""
    pk = parse_id(customer_id)
    if pk is None:
        raise CustomerNotFound()
    rows = Customer.objects.all() if include_deleted else Customer.objects.alive()
    customer = (
        rows.select_related("owner", "department", "source", "industry", "created_by")
        .filter(pk=pk)
        .first()
    )
    if customer is None or not customer_seen_by(user, customer, include_deleted=include_deleted):
        raise CustomerNotFound()
    return customer


def customer_can_edit(*, user: User | AnonymousUser, customer: Customer) -> bool:
    """Whether the user may change the customer's archive (fields, contacts, tags, files)."""
    return customer_editable(user, customer, action=EDIT_OTHERS)


def customer_contacts(*, customer: Customer) -> list[Contact]:
    return list(Contact.objects.filter(customer=customer))


def customer_tags(*, customer: Customer) -> list[Tag]:
    return list(Tag.objects.filter(customertag__customer=customer).order_by("name"))


def customer_shares(*, customer: Customer) -> list[CustomerShare]:
    return list(CustomerShare.objects.filter(customer=customer).select_related("user"))


def customer_attachments(*, customer: Customer) -> list[Attachment]:
    return list(Attachment.objects.filter(customer=customer).select_related("uploaded_by"))


def customer_timeline(
    *, customer: Customer, before: str = "", limit: int = 30
) -> tuple[list[TimelineEvent], str | None]:
    """Events newest first after `before` ("<moment>_<id>"; one we did not make is ignored)."""
    events = TimelineEvent.objects.filter(customer=customer).select_related("actor")
    if before:
        try:
            moment, event_id = before.split("_", 1)
            events = events.filter(
                Q(occurred_at__lt=dt.datetime.fromisoformat(moment))
                | Q(occurred_at=dt.datetime.fromisoformat(moment), id__lt=int(event_id))
            )
        except ValueError:
            pass
    rows = list(events.order_by("-occurred_at", "-id")[: limit + 1])
    more = None
    if len(rows) > limit:
        rows = rows[:limit]
        more = f"{rows[-1].occurred_at.isoformat()}_{rows[-1].pk}"
    return rows, more


HIDDEN_HISTORY_FIELDS = {"id_number_encrypted", "custom_data", "updated_at", "deleted_by"}


HistoryLine = tuple[str, Any, Any]


def customer_history(
    *, customer: Customer, limit: int = 100
) -> list[tuple[Any, list[HistoryLine]]]:
    """Change records, newest first: [(record, [(field label, old, new), …])] (ARC-4).
    ID numbers are shown masked; the encrypted column never leaves the database."""
    records = list(
        customer.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    changes: list[tuple[Any, list[HistoryLine]]] = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if older is None:
            changes.append((newer, []))
            continue
        delta = newer.diff_against(older)
        lines: list[HistoryLine] = []
        for change in delta.changes:
            if change.field in HIDDEN_HISTORY_FIELDS:
                continue
            field_object = Customer._meta.get_field(change.field)
            if not isinstance(field_object, Field):
                continue  # history rows copy concrete fields only
            lines.append(
                (
                    str(field_object.verbose_name),
                    _display(field_object, change.old),
                    _display(field_object, change.new),
                )
            )
        if lines or newer.history_type != "~":
            changes.append((newer, lines))
    return changes[:limit]


def _display(field_object: Any, value: Any) -> Any:
    if value in (None, ""):
        return "—"
    if field_object.choices:
        return dict(field_object.flatchoices).get(value, value)
    if field_object.is_relation:
        related = field_object.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    return str(value)


def recycle_bin_for_user(
    *, user: User | AnonymousUser, cursor: str = "", page_size: int = PAGE_SIZE
) -> Page[Customer]:
    """Deleted customers the user may change, most recently deleted first."""
    queryset = (
        Customer.objects.editable_by(user, action=DELETE, include_deleted=True)
        .filter(deleted_at__isnull=False)
        .select_related("owner", "deleted_by", "merged_into")
    )
    return page_by_keys(
        queryset,
        keys=[("deleted_at", dt.datetime), ("id", int)],
        descending=True,
        cursor=cursor,
        limit=page_size,
    )


def duplicate_candidates_for_user(
    *, user: User | AnonymousUser, customer: Customer, limit: int = 10
) -> list[Customer]:
    """Customers in scope that look like this one (same phone, e-mail, credit code or name key)."""
    condition = Q(pk__in=[])
    if customer.mobile:
        condition |= Q(mobile=customer.mobile)
    if customer.email:
        condition |= Q(email=customer.email)
    if customer.credit_code:
        condition |= Q(credit_code=customer.credit_code)
    if customer.name_key:
        condition |= Q(name_key=customer.name_key)
    if customer.id_number_index:
        condition |= Q(id_number_index=customer.id_number_index)
    condition |= Q(name=customer.name, kind=customer.kind)
    return list(
        Customer.objects.visible_to(user)
        .filter(condition)
        .exclude(pk=customer.pk)
        .select_related("owner")[:limit]
    )


def contact_get_for_user(*, user: User | AnonymousUser, contact_id: int) -> Contact:
    """A contact whose customer the user may see (API: /contacts/{id}); else NotFound."""
    contact = found(
        Contact.objects.select_related("customer")
        .filter(pk=contact_id, customer__in=Customer.objects.visible_to(user))
        .first()
    )
    return contact


def customers_newest_for_user(*, user: User | AnonymousUser, limit: int = 8) -> list[Customer]:
    """The newest customers in the user's scope (the home page of service and relations)."""
    page = customer_list_for_user(
        user=user, filters=CustomerFilters(), page_size=limit, count=False
    )
    return page.items
