"""What the follow-up and purchase imports share (INTG-1): the customer a row names, found
by the archive's duplicate keys (customers.dedup: mobile in any notation, ID number, credit
code, e-mail, the fuzzy organisation name) and only within the importer's scope; the users a
row may name (the importer, or with `imports.for_others` the users of their scope); the
row's values by field key; a service's field errors as one line of text; what becomes of each
row once its customer is found."""

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import DomainError
from guanxi.core.identity import normalize_credit_code, normalize_id_number
from guanxi.core.phones import normalize_phone
from guanxi.customers import dedup
from guanxi.customers.models import Customer, DedupKey, DuplicateRule
from guanxi.imports.models import ImportRow
from guanxi.imports.spreadsheets.fields import IDENTITY_FIELDS
from guanxi.imports.spreadsheets.reading import Cell, Row, cell_text
from guanxi.imports.spreadsheets.rows import Judged
from guanxi.imports.spreadsheets.seen import SeenRows

Rule = DuplicateRule.Field
Outcome = ImportRow.Outcome


def row_cells(row: Row) -> list[str]:
    """The row as uploaded, for the error report."""
    return [cell_text(c) for c in row.cells]


def errors_text(exc: DomainError, labels: dict[str, str | Promise]) -> str:
    parts = []
    for name, messages in exc.field_errors.items():
        label = labels.get(name, name)
        parts.append(f"{label}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts) or str(exc.message)


@dataclass(frozen=True)
class Identity:
    """The keys a row names its customer by, or why it cannot (a malformed mobile …)."""

    keys: tuple[tuple[str, str], ...] = ()
    error: str = ""


_LABELS = {f.key: f.label for f in IDENTITY_FIELDS}


def identity_of(values: dict[str, Cell]) -> Identity:
    """The row's customer keys, as the archive digests them (every rule, active or not: a
    key that is not stored matches nothing)."""
    raw: list[tuple[str, str]] = []
    errors: list[str] = []

    def normalized(key: str, normalize: Callable[[str], str]) -> str:
        """The cell as the archive stores it; "" when empty or malformed (noted)."""
        text = cell_text(values.get(key))
        try:
            return normalize(text) if text else ""
        except ValidationError as exc:
            errors.append(f"{_LABELS[key]}: {' '.join(exc.messages)}")
            return ""

    name = cell_text(values.get("customer"))
    mobile = normalized("mobile", lambda text: normalize_phone(text, mobile=True))
    if mobile:
        raw.append((Rule.MOBILE, mobile))
        if name:
            raw.append((Rule.NAME_MOBILE, f"{name}|{mobile}"))
    for key, rule, normalize in (
        ("id_number", Rule.ID_NUMBER, normalize_id_number),
        ("credit_code", Rule.CREDIT_CODE, normalize_credit_code),
    ):
        if value := normalized(key, normalize):
            raw.append((rule, value))
    email = cell_text(values.get("email")).lower()
    if email:
        raw.append((Rule.EMAIL, email))
    if name:
        raw.append((Rule.ORG_NAME, dedup.organisation_name_key(name)))
    if errors:
        return Identity(error="; ".join(errors))
    if not raw:
        return Identity(error=_("Name the customer: a name, mobile, ID number or credit code."))
    return Identity(keys=tuple((rule, dedup.digest(rule, value)) for rule, value in raw))


@dataclass(frozen=True)
class Found:
    customer: Customer | None = None
    error: str = ""


def find_customers(
    identities: Sequence[Identity], *, actor: User, action: str, shared: bool = True
) -> list[Found]:
    """Each row's customer: the one live customer its keys match, if the importer may do
    `action` on it. None matching, or one outside the importer's sight, is "not found";
    several is ambiguous; one they see but may not change is refused. Two queries a chunk."""
    values = {value for identity in identities for _rule, value in identity.keys}
    held: dict[tuple[str, str], int] = {}
    if values:
        rows = DedupKey.objects.filter(value__in=values).values_list("rule", "value", "customer_id")
        held = {(rule, value): customer for rule, value, customer in rows}
    matched = [{held[key] for key in identity.keys if key in held} for identity in identities]
    ids = set().union(*matched) if matched else set()
    editable = {
        customer.pk: customer
        for customer in Customer.objects.editable_by(actor, action=action, shared=shared).filter(
            pk__in=ids
        )
    }
    visible = set(
        Customer.objects.visible_to(actor)
        .filter(pk__in=ids - set(editable))
        .values_list("pk", flat=True)
    )
    found: list[Found] = []
    for identity, customers in zip(identities, matched, strict=True):
        if identity.error:
            found.append(Found(error=identity.error))
        elif len(customers) > 1:
            found.append(
                Found(
                    error=_("The row matches %(count)d customers; name one only.")
                    % {"count": len(customers)}
                )
            )
        elif not customers or not (customers <= set(editable) | visible):
            found.append(Found(error=_("No customer in your scope matches the row.")))
        elif next(iter(customers)) not in editable:
            found.append(Found(error=_("You may not change this row's customer.")))
        else:
            found.append(Found(customer=editable[next(iter(customers))]))
    return found


@dataclass
class PreparedRow:
    """A row read and checked, of a kind that adds records to the customers it names: the
    keys of its customer, and why it cannot be written ("" if it can). Each kind adds the
    values it writes."""

    row: Row
    identity: Identity
    error: str = ""


def judge_found[P: PreparedRow, K: Hashable](
    prepared: Sequence[P],
    *,
    actor: User,
    action: str,
    shared: bool = True,
    seen: SeenRows[K],
    recorded: Callable[[dict[int, Customer]], Collection[K]],
    key: Callable[[P, Customer], K],
    same_as_row: Callable[[int], str],
    recorded_already: Callable[[Customer], str],
    write: Callable[[P, Customer], Judged] | None,
) -> list[Judged]:
    """Each row's outcome, alike for every kind that adds records to the customers it names:
    an error (the row's own, or no customer found in scope: `find_customers` with `action`
    and `shared`); a duplicate of an earlier row of the file (`seen`: key → row number, kept
    across chunks) or of a record already there (the keys `recorded` answers for the
    customers found), by `key`; else new, written by `write` (None on a dry run: counted)."""
    found = find_customers(
        [item.identity for item in prepared], actor=actor, action=action, shared=shared
    )
    known = recorded({f.customer.pk: f.customer for f in found if f.customer is not None})
    keys = {
        index: key(item, match.customer)
        for index, (item, match) in enumerate(zip(prepared, found, strict=True))
        if not (item.error or match.error) and match.customer is not None
    }
    earlier_rows = seen.rows_of(keys.values())
    first_seen: list[tuple[K, int]] = []
    judged: list[Judged] = []
    for index, (item, match) in enumerate(zip(prepared, found, strict=True)):
        number = item.row.number
        error = item.error or match.error
        if error or match.customer is None:
            judged.append(Judged(number, Outcome.ERROR, error[:500], cells=row_cells(item.row)))
            continue
        customer = match.customer
        row_key = keys[index]
        earlier = earlier_rows.get(row_key)
        if earlier is None:
            earlier_rows[row_key] = number
            first_seen.append((row_key, number))
        if earlier is not None or row_key in known:
            reason = same_as_row(earlier) if earlier is not None else recorded_already(customer)
            cells = row_cells(item.row)
            judged.append(Judged(number, Outcome.DUPLICATE, reason[:500], cells=cells))
            continue
        if write is None:
            judged.append(Judged(number, Outcome.NEW, customer_id=customer.pk))
        else:
            judged.append(write(item, customer))
    seen.add(first_seen)
    return judged


def write_row(
    item: PreparedRow,
    customer: Customer,
    *,
    labels: dict[str, str | Promise],
    create: Callable[[], int],
) -> Judged:
    """The row's record written by `create` (which returns its id) in a savepoint of its own;
    a refusal of the service is the row's error, and nothing of it is left."""
    try:
        with transaction.atomic():
            record_id = create()
    except DomainError as exc:
        cells = row_cells(item.row)
        return Judged(item.row.number, Outcome.ERROR, errors_text(exc, labels)[:500], cells=cells)
    return Judged(item.row.number, Outcome.NEW, customer_id=customer.pk, record_id=record_id)
