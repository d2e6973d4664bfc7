"""One chunk of spreadsheet rows judged as the archive judges a customer (INTG-1): mapped,
converted from spreadsheet notation, validated by customers.archive.validation, checked
against the duplicate rules (customers.dedup) inside the file and against the archive, and —
when the phase is the import — created or updated through the archive's services.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.accounts.models import User
from guanxi.accounts.permissions import EDIT_OTHERS, MANAGE_FIELDS
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import DomainError, ValidationFailed
from guanxi.customers import dedup
from guanxi.customers.archive.services import (
    NewCustomer,
    contact_create,
    customer_create,
    customer_duplicate_error,
    customer_set_tags,
    customer_update,
    customers_create_bulk,
)
from guanxi.customers.archive.validation import (
    EDITABLE_FIELDS,
    UNSET,
    ContactInput,
    CustomerInput,
    clean_contact_input,
    clean_customer_input,
)
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.models import Customer, CustomFieldDefinition, Source, Tag
from guanxi.customers.querysets import customer_editable
from guanxi.imports.common.permissions import IMPORT_FOR_OTHERS
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets.fields import CUSTOM_PREFIX, FIELDS
from guanxi.imports.spreadsheets.names import by_names, import_users, name_key, named
from guanxi.imports.spreadsheets.reading import Row, cell_text, row_values
from guanxi.imports.spreadsheets.seen import SeenRows
from guanxi.imports.spreadsheets.values import as_amount, as_choice, as_day, as_moment

Outcome = ImportRow.Outcome
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
TAG_SEPARATORS = str.maketrans({c: "," for c in "，;；、|/ "})
CHOICES = {
    "kind": Customer.Kind,
    "gender": Customer.Gender,
    "level": Customer.Level,
}
_LABELS = {f.key: f.label for f in FIELDS}


@dataclass
class Lookups:
    """What every row of a batch is checked against, read once per run."""

    actor: User
    batch: ImportBatch
    rules: list[str]
    owners: dict[str, User]
    sources: dict[str, Source]
    tags: set[str]
    custom_types: dict[str, str]
    custom_fields: list[CustomFieldDefinition]
    for_others: bool
    may_create_sources: bool
    seen: SeenRows[tuple[str, str]] = field(default_factory=SeenRows)

    @classmethod
    def load(cls, batch: ImportBatch) -> "Lookups":
        actor = batch.owner
        custom_fields = list(CustomFieldDefinition.objects.filter(is_active=True))
        return cls(
            actor=actor,
            batch=batch,
            rules=dedup.active_rules(),
            owners=import_users(actor),
            sources=by_names(
                Source.objects.filter(is_active=True),
                lambda source: (source.name, source.name_en, source.code),
            ),
            tags={name_key(name) for name in Tag.objects.values_list("name", flat=True)},
            custom_types={d.key: d.field_type for d in custom_fields},
            custom_fields=custom_fields,
            for_others=user_can(user=actor, permission=IMPORT_FOR_OTHERS),
            may_create_sources=user_can(user=actor, permission=MANAGE_FIELDS),
        )


@dataclass
class Prepared:
    row: Row
    error: str = ""
    data: CustomerInput | None = None
    contact: ContactInput | None = None
    owner: User | None = None
    tags: list[str] = field(default_factory=list)
    new_source: str = ""
    keys: list[tuple[str, str]] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)
    contact_cleaned: dict[str, Any] | None = None


def _errors_text(exc: DomainError) -> str:
    parts = []
    for name, messages in exc.field_errors.items():
        label = _LABELS.get(name) or _LABELS.get(name.removeprefix("custom_")) or name
        parts.append(f"{label}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts) or str(exc.message)


@dataclass(frozen=True, slots=True)
class _KeyFields:
    """A row's fields that its duplicate keys are made of (dedup.KeyedFields)."""

    kind: str
    name: str
    name_key: str
    mobile: str
    email: str
    credit_code: str
    office_phone: str


def prepare(row: Row, lookups: Lookups) -> Prepared:
    """The row as the archive's inputs, or the reason it cannot be one."""
    if row.problem:
        return Prepared(row, error=row.problem)
    values = row_values(row, lookups.batch.mapping)
    given: dict[str, Any] = {}
    errors: list[str] = []
    company = cell_text(values.pop("company", None))
    person = cell_text(values.pop("name", None))
    kind = as_choice(values.pop("kind", None), Customer.Kind) if values.get("kind") else ""
    values.pop("kind", None)
    if not kind:
        kind = Customer.Kind.ORGANISATION if company else Customer.Kind.PERSON
    given["kind"] = kind
    given["name"] = company if kind == Customer.Kind.ORGANISATION and company else person
    contact_name = cell_text(values.pop("contact_name", None))
    if kind == Customer.Kind.ORGANISATION and company and person and not contact_name:
        contact_name = person  # 姓名 next to 公司: the person is the company's contact
    contact = {
        "name": contact_name,
        "title": cell_text(values.pop("contact_title", None)),
        "mobile": cell_text(values.pop("contact_mobile", None)),
    }
    owner = (
        named(
            values.pop("owner", None),
            lookups.owners,
            errors,
            gettext_noop("Owner: %(name)s is not a user you may import for."),
        )
        or lookups.batch.default_owner
    )
    source_name = cell_text(values.pop("source", None))
    new_source = ""
    if source_name:
        if name_key(source_name) in lookups.sources:
            given["source"] = lookups.sources[name_key(source_name)]
        elif lookups.batch.create_sources and lookups.may_create_sources:
            new_source = source_name[:60]
        else:
            errors.append(_("Source: %(name)s is not a known source.") % {"name": source_name})
    tags = [
        t.strip()[:30]
        for t in cell_text(values.pop("tags", None)).translate(TAG_SEPARATORS).split(",")
        if t.strip()
    ]
    if not lookups.batch.create_tags:
        unknown = [t for t in tags if name_key(t) not in lookups.tags]
        if unknown:
            errors.append(_("Tags: %(names)s are not known tags.") % {"names": ", ".join(unknown)})
    custom: dict[str, Any] = {}
    for key, cell in values.items():
        if key.startswith(CUSTOM_PREFIX):
            name = key.removeprefix(CUSTOM_PREFIX)
            kind_of = lookups.custom_types.get(name)
            if cell is None:
                continue
            if kind_of == CustomFieldDefinition.Type.NUMBER:
                custom[name] = as_amount(cell)
            elif kind_of == CustomFieldDefinition.Type.DATE:
                custom[name] = as_day(cell)
            else:
                custom[name] = cell_text(cell)
        elif key in CHOICES:
            given[key] = as_choice(cell, CHOICES[key]) if cell is not None else ""
        elif key == "birth_date":
            given[key] = as_day(cell)
        elif key == "first_contact_at":
            given[key] = as_moment(cell)
        elif key in EDITABLE_FIELDS:
            given[key] = cell_text(cell)
    if custom:
        given["custom_data"] = custom
    data = CustomerInput(**given)
    try:
        cleaned = clean_customer_input(data, custom_fields=lookups.custom_fields)
    except ValidationFailed as exc:
        errors.append(_errors_text(exc))
        cleaned = {}
    contact_input = None
    contact_cleaned = None
    if contact["name"] or contact["mobile"]:
        contact_input = ContactInput(
            name=contact["name"] or UNSET,
            title=contact["title"] or UNSET,
            mobile=contact["mobile"] or UNSET,
        )
        try:
            contact_cleaned = clean_contact_input(contact_input)
        except ValidationFailed as exc:
            errors.append(_("Contact: %(errors)s") % {"errors": _errors_text(exc)})
    if errors:
        return Prepared(row, error="; ".join(errors))
    # the key fields as a plain value: a Customer (or a copy of one) costs a tenth of the
    # dry run's time per row
    probe = _KeyFields(
        kind=cleaned["kind"],
        name=cleaned["name"],
        name_key=(
            dedup.organisation_name_key(cleaned["name"])
            if cleaned["kind"] == Customer.Kind.ORGANISATION
            else ""
        ),
        mobile=cleaned.get("mobile", ""),
        email=cleaned.get("email", ""),
        credit_code=cleaned.get("credit_code", ""),
        office_phone=cleaned.get("office_phone", ""),
    )
    keys = dedup.keys_for(probe, id_number=cleaned.get("id_number", ""), rules=lookups.rules)
    return Prepared(
        row,
        data=data,
        contact=contact_input,
        owner=owner,
        tags=tags,
        new_source=new_source,
        keys=keys,
        cleaned=cleaned,
        contact_cleaned=contact_cleaned,
    )


# ---------------------------------------------------------------- a chunk


@dataclass(frozen=True)
class Judged:
    number: int
    outcome: str
    reason: str = ""
    customer_id: int | None = None
    cells: Sequence[str] = ()
    record_id: int | None = None  # the follow-up or contract a row of another kind created


def _archive_matches(prepared: list[Prepared]) -> dict[tuple[str, str], int]:
    return dedup.keys_taken(key for item in prepared for key in item.keys)


def _imported_by_batch(lookups: Lookups, customer_ids: set[int]) -> dict[int, int]:
    """Which of these customers earlier rows of this import created: customer → row number.
    Workers share a batch's chunks, so a row's twin further up the file may be in the archive
    already rather than among the rows this worker has seen (`Lookups.seen`)."""
    if not customer_ids:
        return {}
    return dict(
        ImportRow.objects.filter(
            batch=lookups.batch,
            phase="run",
            outcome=Outcome.NEW,
            customer_id__in=customer_ids,
        ).values_list("customer_id", "row_number")
    )


def _same_as_row(row: int) -> str:
    return _("The same customer as row %(row)d of the file.") % {"row": row}


def _source_for(name: str, lookups: Lookups) -> Source:
    found = lookups.sources.get(name_key(name))
    if found is None:
        found = Source.objects.create(code=f"import-{get_random_string(10).lower()}", name=name)
        lookups.sources[name_key(name)] = found
    return found


def _is_empty(customer: Customer, key: str) -> bool:
    if key == "id_number":
        return not customer.id_number_encrypted
    if key in ("source", "industry"):
        return getattr(customer, f"{key}_id") is None
    return getattr(customer, key, None) in ("", None)


def _update_data(
    data: CustomerInput, customer: Customer, *, fill_empty_only: bool
) -> CustomerInput:
    given = data.given()
    given.pop("kind", None)
    if fill_empty_only:
        given = {
            key: value
            for key, value in given.items()
            if key not in ("name", "custom_data") and _is_empty(customer, key)
        }
    return CustomerInput(**given)


def _write(item: Prepared, lookups: Lookups, match_id: int | None) -> Judged:
    """Create or update through the archive's services, in a savepoint of its own."""
    actor, batch = lookups.actor, lookups.batch
    data = item.data or CustomerInput()  # (a prepared row without error has its input)
    cells = [cell_text(c) for c in item.row.cells]
    try:
        with transaction.atomic():
            if item.new_source:
                given = data.given()
                given["source"] = _source_for(item.new_source, lookups)
                data = CustomerInput(**given)
            if match_id is not None:
                customer = Customer.objects.get(pk=match_id)
                update = _update_data(
                    data,
                    customer,
                    fill_empty_only=batch.on_duplicate == ImportBatch.OnDuplicate.UPDATE_EMPTY,
                )
                customer = customer_update(
                    actor=actor, customer=customer, data=update, expected_version=None
                )
                if item.tags:
                    current = list(customer.tags.values_list("name", flat=True))
                    customer_set_tags(actor=actor, customer=customer, tags=[*current, *item.tags])
                return Judged(item.row.number, Outcome.UPDATED, customer_id=customer.pk)
            customer = customer_create(actor=actor, data=data, owner=item.owner, tags=item.tags)
            if item.contact is not None:
                contact_create(actor=actor, customer=customer, data=item.contact)
            return Judged(item.row.number, Outcome.NEW, customer_id=customer.pk)
    except CustomerDuplicate as exc:  # another import, a user or another worker meanwhile
        earlier = _imported_by_batch(lookups, {exc.match_id} if exc.match_id else set())
        reason = _same_as_row(earlier[exc.match_id]) if earlier else str(exc.message)
        return Judged(item.row.number, Outcome.DUPLICATE, reason[:500], cells=cells)
    except DomainError as exc:
        return Judged(item.row.number, Outcome.ERROR, _errors_text(exc)[:500], cells=cells)


def _create_bulk(items: list[Prepared], lookups: Lookups) -> list[Judged]:
    """The chunk's new customers in a few INSERTs (customers_create_bulk), in a savepoint:
    if another import or a user took one of their keys meanwhile, the savepoint is undone and
    the rows go one by one through the archive's service, which names the duplicate."""
    rows = []
    for item in items:
        cleaned = item.cleaned
        if item.new_source:
            cleaned = {**cleaned, "source": _source_for(item.new_source, lookups)}
        owner = item.owner or lookups.batch.default_owner
        rows.append(
            NewCustomer(
                cleaned=cleaned,
                owner=owner,
                keys=item.keys,
                tags=item.tags,
                contact=item.contact_cleaned,
            )
        )
    try:
        with transaction.atomic():
            customers = customers_create_bulk(actor=lookups.actor, rows=rows)
    except (IntegrityError, DomainError):
        return [_write(item, lookups, None) for item in items]
    except OperationalError as exc:
        # two workers inserting the same two keys in crossed order: the database undoes one
        if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
            raise
        return [_write(item, lookups, None) for item in items]
    return [
        Judged(item.row.number, Outcome.NEW, customer_id=customer.pk)
        for item, customer in zip(items, customers, strict=True)
    ]


def _cells(item: Prepared) -> list[str]:
    """The row as uploaded, kept for the error report (only rows that are not imported)."""
    return [cell_text(c) for c in item.row.cells]


def judge_chunk(rows: list[Row], lookups: Lookups, *, write: bool) -> list[Judged]:
    """What becomes of each row; with `write`, the customers are created or updated."""
    prepared = [prepare(row, lookups) for row in rows]
    matches = _archive_matches(prepared)
    ours = _imported_by_batch(lookups, set(matches.values())) if write else {}
    mode = lookups.batch.on_duplicate
    seen = lookups.seen.rows_of(key for item in prepared for key in item.keys)
    first_seen: list[tuple[tuple[str, str], int]] = []
    judged: list[Judged] = []
    fresh: list[tuple[int, Prepared]] = []  # the new customers, written together at the end
    for item in prepared:
        number = item.row.number
        if item.error:
            judged.append(Judged(number, Outcome.ERROR, item.error[:500], cells=_cells(item)))
            continue
        earlier = next((seen[k] for k in item.keys if k in seen), None)
        if earlier is None:
            earlier = next((ours[matches[k]] for k in item.keys if matches.get(k) in ours), None)
        if earlier is not None:
            reason = _same_as_row(earlier)
            judged.append(Judged(number, Outcome.DUPLICATE, reason, cells=_cells(item)))
            continue
        for key in item.keys:
            seen[key] = number
            first_seen.append((key, number))
        hit = next(((k[0], matches[k]) for k in item.keys if k in matches), None)
        if hit is not None:
            match_id = hit[1]
            customer = Customer.objects.filter(pk=match_id).first()
            may_update = (
                mode != ImportBatch.OnDuplicate.SKIP
                and customer is not None
                and customer_editable(lookups.actor, customer, action=EDIT_OTHERS)
            )
            if not may_update:
                reason = str(customer_duplicate_error(actor=lookups.actor, matches=[hit]).message)
                judged.append(Judged(number, Outcome.DUPLICATE, reason[:500], cells=_cells(item)))
                continue
            if not write:
                judged.append(Judged(number, Outcome.UPDATED, customer_id=match_id))
                continue
            judged.append(_write(item, lookups, match_id))
            continue
        if not write:
            judged.append(Judged(number, Outcome.NEW))
            continue
        fresh.append((len(judged), item))
        judged.append(Judged(number, Outcome.NEW))  # its customer id comes below
    created = _create_bulk([i for _n, i in fresh], lookups)
    for (index, _item), done in zip(fresh, created, strict=True):
        judged[index] = done
    lookups.seen.add(first_seen)
    return judged
