"""One chunk of follow-up rows judged (INTG-1, the follow-up history of the old system):
the customer found by the archive's duplicate keys within the importer's scope (matching),
the time and next contact in the Chinese notations (values), the channel by its code or its
Chinese or English label, the consultant by name (the importer, or with
`imports.for_others` a user of their scope). The same customer, time and content already
recorded, or earlier in the file, is a duplicate. With `write` each follow-up is logged
through the pipeline's service as a follow-up of the past (`followup_log(at=…, by=…)`):
timeline and prospect as for any follow-up, no "new follow-up" hooks."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.imports.models import ImportBatch, ImportRow
from guanxi.imports.spreadsheets.fields import FOLLOWUP_FIELDS
from guanxi.imports.spreadsheets.matching import (
    Identity,
    PreparedRow,
    identity_of,
    judge_found,
    write_row,
)
from guanxi.imports.spreadsheets.names import import_users, named
from guanxi.imports.spreadsheets.reading import Cell, Row, cell_text, row_values
from guanxi.imports.spreadsheets.rows import Judged
from guanxi.imports.spreadsheets.seen import SeenRows
from guanxi.imports.spreadsheets.values import as_choice, as_moment
from guanxi.pipeline.models import FollowUp
from guanxi.pipeline.permissions import FOLLOW_UP_OTHERS
from guanxi.pipeline.prospects.services import FollowUpInput, followup_log

Outcome = ImportRow.Outcome
_LABELS = {f.key: f.label for f in FOLLOWUP_FIELDS}
# what old systems write in a channel column besides the labels
CHANNEL_WORDS = {
    "电话": "phone",
    "打电话": "phone",
    "来电": "phone",
    "去电": "phone",
    "拜访": "visit",
    "上门": "visit",
    "面谈": "visit",
    "短信": "sms",
    "微信": "wechat",
    "邮件": "email",
    "邮箱": "email",
    "到店": "showroom",
    "来访": "showroom",
    "展厅": "showroom",
}
CONTENT_LIMIT = 4000
OUTCOME_LIMIT = 200


@dataclass
class FollowUpLookups:
    actor: User
    batch: ImportBatch
    users: dict[str, User]
    # (customer, time, content) → the file's row that had it first
    seen: SeenRows[tuple[int, dt.datetime | None, str]] = field(default_factory=SeenRows)

    @classmethod
    def load(cls, batch: ImportBatch) -> "FollowUpLookups":
        return cls(actor=batch.owner, batch=batch, users=import_users(batch.owner))


_NOTHING_SAID = FollowUpInput(channel="", content="")


@dataclass
class Prepared(PreparedRow):
    at: dt.datetime | None = None
    # what the follow-up says, as `followup_log` takes it
    said: FollowUpInput = _NOTHING_SAID
    by: User | None = None


def _moment(cell: Cell, key: str, errors: list[str]) -> dt.datetime | None:
    if cell is None:
        return None
    moment = as_moment(cell)
    if not isinstance(moment, dt.datetime):
        errors.append(f"{_LABELS[key]}: {_('Enter a valid date and time.')}")
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _channel(cell: Cell) -> str:
    text = cell_text(cell)
    return CHANNEL_WORDS.get(text) or as_choice(text, FollowUp.Channel)


def prepare(row: Row, lookups: FollowUpLookups) -> Prepared:
    if row.problem:
        return Prepared(row, Identity(), error=row.problem)
    values = row_values(row, lookups.batch.mapping)
    identity = identity_of(values)
    errors: list[str] = []
    at = _moment(values.get("at"), "at", errors)
    if at is None and not errors:
        errors.append(f"{_LABELS['at']}: {_('This field is required.')}")
    elif at is not None and at > timezone.now():
        errors.append(f"{_LABELS['at']}: {_('A follow-up cannot lie in the future.')}")
    next_contact = _moment(values.get("next_contact_at"), "next_contact_at", errors)
    if next_contact is not None and at is not None and next_contact < at:
        errors.append(
            f"{_LABELS['next_contact_at']}: {_('The next contact cannot be before the follow-up.')}"
        )
    channel = _channel(values.get("channel")) if values.get("channel") is not None else "phone"
    if channel not in FollowUp.Channel.values:
        errors.append(f"{_LABELS['channel']}: {_('Choose a valid channel.')}")
    content = cell_text(values.get("content"))
    if not content:
        errors.append(f"{_LABELS['content']}: {_('Describe what happened.')}")
    elif len(content) > CONTENT_LIMIT:
        errors.append(
            f"{_LABELS['content']}: "
            + _("At most %(limit)d characters.") % {"limit": CONTENT_LIMIT}
        )
    outcome = cell_text(values.get("outcome"))
    if len(outcome) > OUTCOME_LIMIT:
        errors.append(
            f"{_LABELS['outcome']}: "
            + _("At most %(limit)d characters.") % {"limit": OUTCOME_LIMIT}
        )
    by = (
        named(
            values.get("consultant"),
            lookups.users,
            errors,
            gettext_noop("Consultant: %(name)s is not a user you may import for."),
        )
        or lookups.batch.default_owner
    )
    if identity.error:
        errors.insert(0, identity.error)
    return Prepared(
        row,
        identity,
        error="; ".join(errors),
        at=at,
        said=FollowUpInput(
            channel=channel, content=content, outcome=outcome, next_contact_at=next_contact
        ),
        by=by,
    )


def _recorded(
    prepared: list[Prepared], customers: dict[int, Customer]
) -> set[tuple[int, dt.datetime, str]]:
    """(customer, time, content) of the follow-ups already there for these rows."""
    ats = {item.at for item in prepared if item.at is not None}
    if not customers or not ats:
        return set()
    rows = FollowUp.objects.filter(customer_id__in=list(customers), at__in=ats).values_list(
        "customer_id", "at", "content"
    )
    return {(customer, at, content.strip()) for customer, at, content in rows}


def _write(item: Prepared, customer: Customer, lookups: FollowUpLookups) -> Judged:
    def create() -> int:
        logged = followup_log(
            actor=lookups.actor,
            customer=customer,
            data=item.said,
            at=item.at,
            by=item.by,
        )
        return logged.followup.pk

    return write_row(item, customer, labels=_LABELS, create=create)


def judge_chunk(rows: list[Row], lookups: FollowUpLookups, *, write: bool) -> list[Judged]:
    """What becomes of each row; with `write`, the follow-ups are logged."""
    prepared = [prepare(row, lookups) for row in rows]
    return judge_found(
        prepared,
        actor=lookups.actor,
        action=FOLLOW_UP_OTHERS,
        seen=lookups.seen,
        recorded=lambda customers: _recorded(prepared, customers),
        key=lambda item, customer: (customer.pk, item.at, item.said.content),
        same_as_row=lambda row: _("The same follow-up as row %(row)d of the file.") % {"row": row},
        recorded_already=lambda customer: (
            _("This follow-up of %(customer)s is recorded already.") % {"customer": customer.name}
        ),
        write=(lambda item, customer: _write(item, customer, lookups)) if write else None,
    )
