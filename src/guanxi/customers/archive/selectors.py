"""Reads of the customer archive, always through the data-scope filter."""

import base64
import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Prefetch, Q, Value
from django.utils.translation import gettext as _

from guanxi.core.errors import ValidationFailed
from guanxi.core.phones import digits_only
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

PAGE_SIZE = 25
COUNT_CAP = 1_000  # "1,000+": counting 10,001 filtered rows cost 100+ ms at 1M (bench/README.md)

# sort key → (model fields in order, all descending or not)
SORTS = {
    "-id": (("id",), True),
    "id": (("id",), False),
    "-updated": (("updated_at", "id"), True),
    "name": (("name_pinyin", "id"), False),
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


def search_condition(text: str) -> Q | None:
    """One search box (ARC-7): name, full pinyin, pinyin initials, phone in any format,
    organisation, e-mail, credit code and tag."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text or "").strip()[:100]
    if not text:
        return None
    digits = digits_only(text)
    stripped = text.replace(" ", "").replace("-", "").lstrip("+")
    if digits and len(digits) >= 3 and stripped.isdigit():
        if digits.startswith("86") and len(digits) == 13:
            digits = digits[2:]
        condition = Q(mobile__contains=digits)
        if len(digits) >= 7:
            condition |= Q(office_phone__endswith=digits) | Q(home_phone__endswith=digits)
        return condition
    lowered = text.lower()
    condition = _prefix("name", text)
    pinyin_like = lowered.isascii() and lowered.replace(" ", "").isalpha()
    if pinyin_like:
        # Letters are pinyin or the start of a Latin name; a substring scan would only find
        # Latin words inside names, at the price of reading every row.
        letters = lowered.replace(" ", "")
        condition |= _prefix("name_initials", letters) | _prefix("name_pinyin", letters)
    elif len(text) >= 2:
        condition |= _name_contains(text)
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
    """`name LIKE '%text%'`; on PostgreSQL also the bigram index test (migration 0004), as
    trigrams cannot serve the usual two-character Chinese search."""
    condition = Q(name__contains=text)
    if connection.vendor == "postgresql" and not text.isascii():
        condition &= Q(_BigramsContain(F("name"), Value(text)))
    return condition


def _filtered(user, filters: CustomerFilters):
    queryset = Customer.objects.visible_to(user)
    condition = search_condition(filters.q)
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


def encode_cursor(values) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        fields, _descending = SORTS[sort]
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError
        decoded = []
        for name, value in zip(fields, values, strict=True):
            if name == "updated_at":
                decoded.append(dt.datetime.fromisoformat(value))
            elif name == "id":
                decoded.append(int(value))
                if not 0 <= decoded[-1] < 2**63:  # SQLite cannot bind a larger integer
                    raise ValueError
            else:
                decoded.append(str(value))
                if "\x00" in decoded[-1]:  # PostgreSQL refuses NUL in text
                    raise ValueError
        return decoded
    except (ValueError, TypeError, KeyError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            field_errors={"cursor": [_("This page link is no longer valid.")]}
        ) from exc


def _after(fields, values, descending) -> Q:
    """Keyset condition: rows strictly after `values` in the (fields) ordering."""
    op = "lt" if descending else "gt"
    condition = Q()
    for index in range(len(fields)):
        step = Q(**{f"{fields[i]}": values[i] for i in range(index)})
        step &= Q(**{f"{fields[index]}__{op}": values[index]})
        condition |= step
    return condition


@dataclass
class CustomerPage:
    items: list
    next_cursor: str | None
    total: int | None  # None: not counted yet (the page loads the count afterwards)
    total_capped: bool


def customer_list_for_user(
    user,
    filters: CustomerFilters,
    *,
    cursor: str = "",
    page_size: int = PAGE_SIZE,
    count: bool = True,
) -> CustomerPage:
    sort = filters.sort if filters.sort in SORTS else "-id"
    fields, descending = SORTS[sort]
    queryset = _filtered(user, filters)
    page_query = queryset
    if cursor:
        page_query = page_query.filter(_after(fields, decode_cursor(cursor, sort), descending))
    ordering = [f"-{f}" if descending else f for f in fields]
    # The page's rows are chosen in a subquery and only they are joined to their owner,
    # department and source: with the joins in the same query, PostgreSQL joined every match
    # of a search (2,000+ for 王秀 at 1M customers) before keeping 26, half of the query's time.
    page_ids = page_query.order_by(*ordering).values("pk")[: page_size + 1]
    rows = list(
        Customer.objects.filter(pk__in=page_ids)
        .order_by(*ordering)
        .select_related("owner", "department", "source")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "color")))
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, f) for f in fields])
    if not cursor and next_cursor is None:
        total, capped = len(rows), False  # the whole selection is on this page
    elif count:
        total, capped = capped_count(queryset)
    else:
        total, capped = None, False
    return CustomerPage(items=rows, next_cursor=next_cursor, total=total, total_capped=capped)


def customer_count_for_user(user, filters: CustomerFilters) -> tuple[int, bool]:
    return capped_count(_filtered(user, filters))


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to `cap` rows: "1,000+" on a page instead of an exact COUNT(*) over millions."""
    count = queryset.order_by().values("pk")[: cap + 1].count()
    return min(count, cap), count > cap


def customer_iter_for_export(user, filters: CustomerFilters, *, batch: int = 2000):
    """All customers matching the filters in the user's scope, streamed by keyset batches."""
    queryset = _filtered(user, filters).select_related("owner", "department", "source", "industry")
    last_id = None
    while True:
        chunk = queryset.order_by("-id")
        if last_id is not None:
            chunk = chunk.filter(id__lt=last_id)
        rows = list(chunk[:batch])
        if not rows:
            return
        yield from rows
        last_id = rows[-1].pk


def customer_get_for_user(user, customer_id, *, include_deleted: bool = False) -> Customer:
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        raise CustomerNotFound() from None
    customer = (
        Customer.objects.visible_to(user, include_deleted=include_deleted)
        .select_related("owner", "department", "source", "industry", "created_by")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise CustomerNotFound()
    return customer


def customer_can_edit(user, customer) -> bool:
    return Customer.objects.editable_by(user).filter(pk=customer.pk).exists()


def customer_contacts(customer):
    return list(Contact.objects.filter(customer=customer))


def customer_tags(customer):
    return list(Tag.objects.filter(customertag__customer=customer).order_by("name"))


def customer_shares(customer):
    return list(CustomerShare.objects.filter(customer=customer).select_related("user"))


def customer_attachments(customer):
    return list(Attachment.objects.filter(customer=customer).select_related("uploaded_by"))


def customer_timeline(customer, *, before: str = "", limit: int = 30):
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


def customer_history(customer, *, limit: int = 100):
    """Change records, newest first: [(record, [(field label, old, new), …])] (ARC-4).
    ID numbers are shown masked; the encrypted column never leaves the database."""
    records = list(
        customer.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if older is None:
            changes.append((newer, []))
            continue
        delta = newer.diff_against(older)
        lines = []
        for change in delta.changes:
            if change.field in HIDDEN_HISTORY_FIELDS:
                continue
            field_object = Customer._meta.get_field(change.field)
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


def _display(field_object, value):
    if value in (None, ""):
        return "—"
    if field_object.choices:
        return dict(field_object.flatchoices).get(value, value)
    if field_object.is_relation:
        related = field_object.related_model._base_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    return str(value)


def recycle_bin_for_user(user, *, cursor: str = "", page_size: int = PAGE_SIZE):
    queryset = (
        Customer.objects.editable_by(user, include_deleted=True)
        .filter(deleted_at__isnull=False)
        .select_related("owner", "deleted_by", "merged_into")
        .order_by("-deleted_at", "-id")
    )
    if cursor:
        with contextlib.suppress(ValueError):
            queryset = queryset.filter(id__lt=int(cursor))
    return list(queryset[:page_size])


def duplicate_candidates_for_user(user, customer, *, limit: int = 10):
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


def contact_get_for_user(user, contact_id) -> Contact:
    """A contact whose customer the user may see (API: /contacts/{id}); else NotFound."""
    from guanxi.core.errors import NotFound

    contact = (
        Contact.objects.select_related("customer")
        .filter(pk=contact_id, customer__in=Customer.objects.visible_to(user))
        .first()
    )
    if contact is None:
        raise NotFound()
    return contact


def tag_list():
    """Every tag, by name (tags are shared labels, not customer data)."""
    return list(Tag.objects.order_by("name"))
