"""Every write to the customer archive. Keyword-only, one transaction each."""

import copy
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import JSONObject
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.permissions import (
    DELETE,
    EDIT_OTHERS,
    HANDOVER,
    MERGE,
    PURGE,
    REASSIGN,
    REVEAL_PII,
)
from guanxi.accounts.selectors import user_can, users_in_scope
from guanxi.core.audit import audit_record
from guanxi.core.crypto import blind_index, decrypt, encrypt
from guanxi.core.errors import Conflict, PermissionDenied, ValidationFailed
from guanxi.core.identity import mask_id_number
from guanxi.core.models import AuditLog
from guanxi.core.names import pinyin_keys
from guanxi.core.sql import id_list, insert_models, insert_rows, insert_select
from guanxi.customers import dedup
from guanxi.customers.archive.validation import (
    UNSET,
    ContactInput,
    CustomerInput,
    clean_contact_input,
    clean_customer_input,
)
from guanxi.customers.errors import CustomerDuplicate
from guanxi.customers.hooks import (
    category_signals,
    customer_created,
    customer_updated,
    customers_created,
    handover_extensions,
    merge_extensions,
    owners_changed,
)
from guanxi.customers.models import (
    Attachment,
    Contact,
    Customer,
    CustomerShare,
    CustomerTag,
    DedupKey,
    OwnerChange,
    Tag,
    TimelineEvent,
)

_CATEGORY_ORDER: list[str] = [
    Customer.Category.NON_CUSTOMER,
    Customer.Category.POTENTIAL,
    Customer.Category.TARGET,
    Customer.Category.LOST,
    Customer.Category.ACTUAL,
]


# ---------------------------------------------------------------- timeline (ARC-8)


def timeline_add(
    *,
    customer: Customer,
    kind: str,
    title: str,
    actor: User | None = None,
    body: str = "",
    occurred_at: dt.datetime | None = None,
    ref: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        customer=customer,
        kind=kind,
        title=title[:200],
        body=body,
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=occurred_at or timezone.now(),
        ref_type=ref._meta.label_lower if ref is not None else "",
        ref_id=str(ref.pk) if ref is not None else "",
        data=data or {},
    )


# ---------------------------------------------------------------- create / update


def _save_by(instance: models.Model, actor: User, **options: Any) -> None:
    """Save, naming `actor` in the change history (django-simple-history reads the
    instance's `_history_user`)."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.save(**options)


def _apply(customer: Customer, cleaned: dict[str, Any]) -> None:
    for key, value in cleaned.items():
        if key == "id_number":
            customer.id_number_encrypted = encrypt(value)
            customer.id_number_index = blind_index(value, purpose="id_number")
            customer.id_number_masked = mask_id_number(value)
        else:
            setattr(customer, key, value)
    full, initials = pinyin_keys(customer.name, person=customer.kind == Customer.Kind.PERSON)
    customer.name_pinyin, customer.name_initials = full, initials
    customer.name_key = (
        dedup.organisation_name_key(customer.name)
        if customer.kind == Customer.Kind.ORGANISATION
        else ""
    )


def _duplicate_error(actor: User, matches: Sequence[tuple[str, int]]) -> CustomerDuplicate:
    """Tell who owns the match (or that it sits unowned), never anything else of it (ARC-5)."""
    rule, customer_id = matches[0]
    match = Customer.objects.select_related("owner", "department").get(pk=customer_id)
    visible = Customer.objects.visible_to(actor).filter(pk=customer_id).exists()
    label = dict(dedup.DuplicateRule.Field.choices).get(rule, rule)
    if match.owner_id:
        owner = str(match.owner)
        department = str(match.department) if match.department_id else ""
        message = _(
            "A customer with the same %(field)s already exists; it belongs to %(owner)s%(dept)s."
        ) % {"field": label, "owner": owner, "dept": f" ({department})" if department else ""}
    else:
        message = _("A customer with the same %(field)s already exists and has no owner.") % {
            "field": label
        }
    field = {"org_name": "name", "name_mobile": "mobile", "org_phone": "office_phone"}.get(
        rule, rule
    )
    return CustomerDuplicate(
        message, field_errors={field: [message]}, match_id=customer_id, visible=visible
    )


def customer_duplicate_error(
    *, actor: User, matches: Sequence[tuple[str, int]]
) -> CustomerDuplicate:
    """The 查重 refusal for `matches` (dedup.find_matches): who owns the match, nothing else
    of it. For callers that check before they create (the spreadsheet import's dry run)."""
    return _duplicate_error(actor, matches)


def _write_keys(customer: Customer, *, actor: User, id_number: str) -> None:
    keys = dedup.keys_for(customer, id_number=id_number)
    matches = dedup.find_matches(keys, exclude_id=customer.pk)
    if matches:
        raise _duplicate_error(actor, matches)
    # Own keys are rewritten; keys inherited from merged duplicates stay, unless the
    # customer now holds the same value itself.
    DedupKey.objects.filter(customer=customer, inherited=False).delete()
    for rule, value in keys:
        DedupKey.objects.filter(customer=customer, rule=rule, value=value).delete()
    try:
        with transaction.atomic():
            DedupKey.objects.bulk_create(
                [DedupKey(customer=customer, rule=rule, value=value) for rule, value in keys]
            )
    except IntegrityError:
        # Another transaction committed the same key between our check and our insert.
        matches = dedup.find_matches(keys, exclude_id=customer.pk)
        if matches:
            raise _duplicate_error(actor, matches) from None
        raise


@transaction.atomic
def customer_create(
    *,
    actor: User,
    data: CustomerInput,
    owner: User | None = None,
    tags: Iterable[Tag | str] = (),
) -> Customer:
    """A new customer of `owner` (the actor if None)."""
    cleaned = clean_customer_input(data)
    owner = owner if owner is not None else actor
    customer = Customer(
        created_by=actor,
        owner=owner,
        department_id=owner.department_id if owner else None,
    )
    _apply(customer, cleaned)
    customer.category = Customer.Category.POTENTIAL
    _save_by(customer, actor)
    _write_keys(customer, actor=actor, id_number=cleaned.get("id_number", ""))
    if tags:
        _tags_replace(actor=actor, customer=customer, tags=tags, record=False)
    timeline_add(customer=customer, kind="created", title=_("Customer created"), actor=actor)
    customer_created.call_all(customer=customer, actor=actor)
    return customer


@dataclass(frozen=True, kw_only=True)
class NewCustomer:
    """One customer of customers_create_bulk: `cleaned` and `contact` as clean_customer_input
    and clean_contact_input returned them, `keys` its dedup keys, found free by the caller."""

    cleaned: dict[str, Any]
    owner: User
    keys: list[tuple[str, str]]
    tags: list[str]
    contact: dict[str, Any] | None = None


@cache
def _blank_customer() -> Customer:
    return Customer()


def _tags_by_name(names: set[str]) -> dict[str, Tag]:
    """The tags of these names, the missing ones created (one read, one insert, one read)."""
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = names - set(found)
    if missing:
        # in one order everywhere: two imports creating the same new tags wait, not deadlock
        Tag.objects.bulk_create([Tag(name=name) for name in sorted(missing)], ignore_conflicts=True)
        found.update((tag.name, tag) for tag in Tag.objects.filter(name__in=missing))
    return found


def _history_insert(
    model: type[Customer] | type[Contact], ids: list[int], *, actor: User, now: dt.datetime
) -> None:
    """The "created" rows of the change history (django-simple-history's table) copied by the
    database from the rows just written (`INSERT … SELECT`): what bulk_history_create writes,
    without building a historical instance a row in Python (a third of the bulk write)."""
    history = model.history.model
    values: dict[str, Any] = {}
    for field in history._meta.concrete_fields:
        if field.name == "history_id":
            continue
        if field.name == "history_date":
            values[field.name] = Value(now, output_field=models.DateTimeField())
        elif field.name == "history_type":
            values[field.name] = Value("+")
        elif field.name == "history_change_reason":
            values[field.name] = Value("")
        elif field.name == "history_user":
            values[field.name] = Value(actor.pk, output_field=models.BigIntegerField())
        else:
            values[field.name] = F(field.attname)
    insert_select(history, model.objects.filter(pk__in=id_list(ids)), values)


@transaction.atomic
def customers_create_bulk(*, actor: User, rows: Sequence[NewCustomer]) -> list[Customer]:
    """Many new customers at once, as customer_create makes them one by one — the change
    history, dedup keys, tags, contacts (with theirs), the timeline entries and the
    customers_created hook — in a few INSERTs per table instead of a dozen queries a customer.

    The keys are inserted as they are: a key another transaction committed meanwhile raises
    IntegrityError, and the caller's transaction (or savepoint) is to be rolled back."""
    if not rows:
        return []
    now = timezone.now()
    customers = []
    for row in rows:
        customer = copy.copy(_blank_customer())  # Customer() costs every field's default
        customer.custom_data = {}
        customer.created_by = actor
        customer.owner = row.owner
        customer.department_id = row.owner.department_id
        customer.created_at = customer.updated_at = now
        customer.category = Customer.Category.POTENTIAL
        _apply(customer, row.cleaned)
        customers.append(customer)
    insert_models(customers)  # COPY on PostgreSQL; the ids reserved first
    _history_insert(Customer, [c.pk for c in customers], actor=actor, now=now)
    insert_rows(
        DedupKey,
        ["customer", "rule", "value"],
        [
            (customer.pk, rule, value)
            for customer, row in zip(customers, rows, strict=True)
            for rule, value in row.keys
        ],
    )
    names = {name.strip()[:30] for row in rows for name in row.tags if name.strip()}
    tags = _tags_by_name(names) if names else {}
    insert_rows(
        CustomerTag,
        ["customer", "tag"],
        [
            (customer.pk, tag_id)
            for customer, row in zip(customers, rows, strict=True)
            for tag_id in {tags[name.strip()[:30]].pk for name in row.tags if name.strip()}
        ],
    )
    created_title = _("Customer created")[:200]
    timeline: list[tuple[Any, ...]] = [
        (c.pk, "created", created_title, actor.pk, now, "", "") for c in customers
    ]
    contacts = [
        Contact(customer_id=customer.pk, **row.contact)
        for customer, row in zip(customers, rows, strict=True)
        if row.contact is not None
    ]
    if contacts:
        insert_models(contacts)
        _history_insert(Contact, [c.pk for c in contacts], actor=actor, now=now)
        timeline.extend(
            (
                contact.customer_id,
                "contact",
                (_("Contact added: %(name)s") % {"name": contact.name})[:200],
                actor.pk,
                now,
                Contact._meta.label_lower,
                str(contact.pk),
            )
            for contact in contacts
        )
    insert_rows(
        TimelineEvent,
        ["customer", "kind", "title", "actor", "occurred_at", "ref_type", "ref_id"],
        timeline,
    )
    customers_created.call_all(customers=customers, actor=actor)
    return customers


def _lock_for_edit(
    *, actor: User, customer_id: int, expected_version: int | None, action: str = EDIT_OTHERS
) -> Customer:
    """The customer locked for a change, if `actor` may do `action` on it (scope, and the
    permission when it is someone else's: Customer.objects.editable_by)."""
    customer = (
        Customer.objects.editable_by(actor, action=action)
        .select_for_update()
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise PermissionDenied(_("You may not change this customer."))
    if expected_version is not None and customer.version != expected_version:
        raise Conflict()
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    data: CustomerInput,
    expected_version: int | None,
) -> Customer:
    """Change the given fields. `expected_version` is the version the editor loaded: if
    someone saved in between, the edit is refused with a conflict instead of overwriting."""
    locked = _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=expected_version)
    cleaned = clean_customer_input(data, existing=locked)
    if "kind" in cleaned and cleaned["kind"] != locked.kind:
        raise ValidationFailed(field_errors={"kind": [_("The type of a customer cannot change.")]})
    _apply(locked, cleaned)
    locked.version = F("version") + 1
    _save_by(locked, actor)
    locked.refresh_from_db()
    id_number = cleaned.get("id_number")
    if id_number is None:
        id_number = decrypt(locked.id_number_encrypted)
    _write_keys(locked, actor=actor, id_number=id_number)
    customer_updated.call_all(customer=locked, actor=actor, fields=sorted(cleaned))
    return locked


def customer_refresh_category(*, customer: Customer, **hints: Any) -> str:
    """`hints` are rows the caller holds already (the pipeline passes its locked prospect=),
    handed to every signal so that none reads them again."""
    reported = [c for c in category_signals.call_all(customer=customer, **hints) if c]
    category = max(reported, key=_CATEGORY_ORDER.index) if reported else Customer.Category.POTENTIAL
    if category != customer.category:
        Customer.objects.filter(pk=customer.pk).update(category=category)
        customer.category = category
    return category


# ---------------------------------------------------------------- tags


def tag_get_or_create(*, name: str) -> Tag:
    name = (name or "").strip()[:30]
    if not name:
        raise ValidationFailed(field_errors={"tags": [_("A tag needs a name.")]})
    tag, _created = Tag.objects.get_or_create(name=name)
    return tag


@transaction.atomic
def customer_set_tags(*, actor: User, customer: Customer, tags: Iterable[Tag | str]) -> list[Tag]:
    _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=None)
    return _tags_replace(actor=actor, customer=customer, tags=tags, record=True)


def _tags_replace(
    *, actor: User, customer: Customer, tags: Iterable[Tag | str], record: bool
) -> list[Tag]:
    wanted = [t if isinstance(t, Tag) else tag_get_or_create(name=str(t)) for t in tags]
    wanted_ids = {t.pk for t in wanted}
    current = set(CustomerTag.objects.filter(customer=customer).values_list("tag_id", flat=True))
    CustomerTag.objects.filter(customer=customer, tag_id__in=current - wanted_ids).delete()
    CustomerTag.objects.bulk_create(
        [CustomerTag(customer=customer, tag_id=tid) for tid in wanted_ids - current],
        ignore_conflicts=True,
    )
    if record and current != wanted_ids:
        names = ", ".join(sorted(t.name for t in wanted)) or "—"
        timeline_add(
            customer=customer, kind="tags", title=_("Tags: %(tags)s") % {"tags": names}, actor=actor
        )
    return wanted


# ---------------------------------------------------------------- contacts (ARC-1)


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, data: ContactInput) -> Contact:
    _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=None)
    contact = Contact(customer=customer, **clean_contact_input(data))
    _save_by(contact, actor)
    timeline_add(
        customer=customer,
        kind="contact",
        title=_("Contact added: %(name)s") % {"name": contact.name},
        actor=actor,
        ref=contact,
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, data: ContactInput) -> Contact:
    """Change the fields given; the name stays unless a new one is given."""
    _lock_for_edit(actor=actor, customer_id=contact.customer_id, expected_version=None)
    if data.name is UNSET:
        data = replace(data, name=contact.name)
    for key, value in clean_contact_input(data).items():
        setattr(contact, key, value)
    _save_by(contact, actor)
    return contact


def _remove_from_archive(
    *, actor: User, record: Contact | Attachment, kind: str, title: str
) -> None:
    """Delete a record of a customer's archive (a contact, a file), once `actor` may change
    the customer, leaving `title` on the customer's timeline in its place."""
    _lock_for_edit(actor=actor, customer_id=record.customer_id, expected_version=None)
    timeline_add(customer=record.customer, kind=kind, title=title, actor=actor)
    record.delete()


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    title = _("Contact removed: %(name)s") % {"name": contact.name}
    _remove_from_archive(actor=actor, record=contact, kind="contact", title=title)


# ---------------------------------------------------------------- sharing (协作人)


@transaction.atomic
def share_set(
    *,
    actor: User,
    customer: Customer,
    user: User,
    can_edit: bool,
    expires_at: dt.datetime | None = None,
) -> CustomerShare:
    _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=None)
    if user.pk == customer.owner_id:
        raise ValidationFailed(field_errors={"user": [_("The owner already has full access.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            field_errors={"expires_at": [_("The end date must be in the future.")]}
        )
    share, _created = CustomerShare.objects.update_or_create(
        customer=customer,
        user=user,
        defaults={"can_edit": can_edit, "expires_at": expires_at, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.SHARE,
        target=customer,
        summary=f"{user} {'rw' if can_edit else 'r'}",
    )
    timeline_add(
        customer=customer,
        kind="share",
        title=_("Shared with %(user)s") % {"user": user},
        actor=actor,
    )
    return share


@transaction.atomic
def share_remove(*, actor: User, customer: Customer, user: User) -> None:
    _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=None)
    CustomerShare.objects.filter(customer=customer, user=user).delete()
    timeline_add(
        customer=customer,
        kind="share",
        title=_("No longer shared with %(user)s") % {"user": user},
        actor=actor,
    )


# ---------------------------------------------------------------- attachments (ARC-4)


@transaction.atomic
def attachment_add(
    *, actor: User, customer: Customer, upload: UploadedFile, kind: str = Attachment.Kind.OTHER
) -> Attachment:
    _lock_for_edit(actor=actor, customer_id=customer.pk, expected_version=None)
    name = os.path.basename(upload.name or "")[:200]
    extension = os.path.splitext(name)[1].lower()
    allowed = settings.GUANXI_ATTACHMENT_TYPES
    if extension not in allowed:
        raise ValidationFailed(
            field_errors={
                "file": [
                    _("This file type is not allowed: %(types)s")
                    % {"types": ", ".join(sorted(allowed))}
                ]
            }
        )
    size = upload.size or 0
    if size > settings.GUANXI_ATTACHMENT_MAX_BYTES:
        limit = settings.GUANXI_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationFailed(
            field_errors={"file": [_("The file is larger than %(mb)d MB.") % {"mb": limit}]}
        )
    if size == 0:
        raise ValidationFailed(field_errors={"file": [_("The file is empty.")]})
    if kind not in Attachment.Kind.values:
        raise ValidationFailed(field_errors={"kind": [_("Select a valid choice.")]})
    attachment = Attachment(
        customer=customer,
        kind=kind,
        original_name=name,
        content_type=allowed[extension],
        size=size,
        uploaded_by=actor,
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{extension}", upload, save=False)
    attachment.save()
    timeline_add(
        customer=customer,
        kind="attachment",
        title=_("File attached: %(name)s") % {"name": name},
        actor=actor,
        ref=attachment,
    )
    return attachment


def _delete_files_on_commit(files: Iterable[FieldFile]) -> None:
    """Remove stored files once the rows that named them are gone for good."""
    paths = [(file.storage, file.name) for file in files if file.name]

    def delete() -> None:
        for storage, path in paths:
            storage.delete(path)

    transaction.on_commit(delete)


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    title = _("File removed: %(name)s") % {"name": attachment.original_name}
    _remove_from_archive(actor=actor, record=attachment, kind="attachment", title=title)
    _delete_files_on_commit([attachment.file])


# ---------------------------------------------------------------- reveal (ARC-6)

REVEALABLE = {
    "mobile": _("mobile"),
    "home_phone": _("home phone"),
    "office_phone": _("office phone"),
    "id_number": _("ID number"),
}


def customer_reveal(
    *, actor: User, customer: Customer, field: str, request: HttpRequest | None = None
) -> str:
    """Return the full value of a masked field, for users with the permission; audited."""
    if field not in REVEALABLE:
        raise ValidationFailed(field_errors={"field": [_("This field cannot be revealed.")]})
    if not user_can(user=actor, permission=REVEAL_PII):
        raise PermissionDenied(_("You may not see full phone and ID numbers."))
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionDenied()
    value = (
        decrypt(customer.id_number_encrypted) if field == "id_number" else getattr(customer, field)
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.REVEAL,
        target=customer,
        summary=f"{customer.name}: {field}",
        detail={"field": field},
        request=request,
    )
    return value


# ---------------------------------------------------------------- recycle bin (ARC-6)


@transaction.atomic
def customer_delete(*, actor: User, customer: Customer, request: HttpRequest | None = None) -> None:
    if not user_can(user=actor, permission=DELETE):
        raise PermissionDenied(_("You may not delete customers."))
    locked = _lock_for_edit(
        actor=actor, customer_id=customer.pk, expected_version=None, action=DELETE
    )
    locked.deleted_at = timezone.now()
    locked.deleted_by = actor
    _save_by(locked, actor, update_fields=["deleted_at", "deleted_by", "updated_at"])
    # A deleted customer no longer blocks a new one with the same mobile; restoring
    # re-checks.
    DedupKey.objects.filter(customer=locked).delete()
    audit_record(
        actor=actor,
        action=AuditLog.Action.DELETE,
        target=locked,
        summary=locked.name,
        request=request,
    )
    timeline_add(customer=locked, kind="deleted", title=_("Moved to the recycle bin"), actor=actor)


@transaction.atomic
def customer_restore(
    *, actor: User, customer: Customer, request: HttpRequest | None = None
) -> Customer:
    if not user_can(user=actor, permission=DELETE):
        raise PermissionDenied(_("You may not restore customers."))
    locked = (
        Customer.objects.editable_by(actor, action=DELETE, include_deleted=True)
        .select_for_update()
        .filter(pk=customer.pk, deleted_at__isnull=False, merged_into__isnull=True)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("This customer cannot be restored."))
    locked.deleted_at = None
    locked.deleted_by = None
    _save_by(locked, actor, update_fields=["deleted_at", "deleted_by", "updated_at"])
    _write_keys(locked, actor=actor, id_number=decrypt(locked.id_number_encrypted))
    audit_record(
        actor=actor,
        action=AuditLog.Action.RESTORE,
        target=locked,
        summary=locked.name,
        request=request,
    )
    timeline_add(
        customer=locked, kind="restored", title=_("Restored from the recycle bin"), actor=actor
    )
    return locked


@transaction.atomic
def customer_purge(*, actor: User, customer: Customer, request: HttpRequest | None = None) -> None:
    if not user_can(user=actor, permission=PURGE):
        raise PermissionDenied(_("You may not delete customers permanently."))
    locked = (
        Customer.objects.editable_by(actor, action=PURGE, include_deleted=True)
        .filter(pk=customer.pk, deleted_at__isnull=False)
        .first()
    )
    if locked is None:
        raise PermissionDenied(_("Only customers in the recycle bin can be deleted permanently."))
    audit_record(
        actor=actor,
        action=AuditLog.Action.PURGE,
        target=locked,
        summary=locked.name,
        request=request,
    )
    stored = [a.file for a in locked.attachments.all()]
    locked.history.all().delete()
    customer_id = locked.pk
    locked.delete()
    # Deleting writes one last history row (and one per cascaded contact) holding every
    # value; "permanently" means none of it stays behind.
    Customer.history.filter(id=customer_id).delete()
    Contact.history.filter(customer_id=customer_id).delete()
    _delete_files_on_commit(stored)


# ---------------------------------------------------------------- owner changes (ARC-9)


def _record_owner_changes(
    *, customers: Sequence[Customer], to_user: User | None, actor: User | None, reason: str
) -> None:
    now = timezone.now()
    OwnerChange.objects.bulk_create(
        [
            OwnerChange(
                customer_id=c.pk, from_user_id=c.owner_id, to_user=to_user, reason=reason, by=actor
            )
            for c in customers
        ],
        batch_size=1000,
    )
    title = _("Owner changed to %(user)s") % {"user": to_user} if to_user else _("Owner removed")
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                customer_id=c.pk,
                kind="owner",
                title=title,
                body=reason,
                actor=actor,
                occurred_at=now,
                data={"from": c.owner_id, "to": to_user.pk if to_user else None},
            )
            for c in customers
        ],
        batch_size=1000,
    )


def _record_owner_changes_from(
    *, rows: models.QuerySet[Customer], to_user: User | None, actor: User | None, reason: str
) -> None:
    """`_record_owner_changes` for the customer rows of a queryset, written by the database
    (`INSERT … SELECT`): the same OwnerChange rows and timeline events, from the owner each
    row has now, in two queries whatever the number of rows."""
    now = timezone.now()
    to_id = to_user.pk if to_user else None
    actor_id = actor.pk if actor is not None and actor.pk else None
    user_id = models.BigIntegerField()
    insert_select(
        OwnerChange,
        rows,
        {
            "customer": F("pk"),
            "from_user": F("owner_id"),
            "to_user": Value(to_id, output_field=user_id),
            "reason": Value(reason),
            "by": Value(actor_id, output_field=user_id),
            "at": Value(now, output_field=models.DateTimeField()),
        },
    )
    title = _("Owner changed to %(user)s") % {"user": to_user} if to_user else _("Owner removed")
    insert_select(
        TimelineEvent,
        rows,
        {
            "customer": F("pk"),
            "kind": Value("owner"),
            "title": Value(title[:200]),
            "body": Value(reason),
            "actor": Value(actor_id, output_field=user_id),
            "occurred_at": Value(now, output_field=models.DateTimeField()),
            "ref_type": Value(""),
            "ref_id": Value(""),
            "data": JSONObject(**{"from": F("owner_id"), "to": Value(to_id, output_field=user_id)}),
        },
    )


def customers_release_owner(
    *,
    actor: User | None,
    customers: Iterable[Customer] = (),
    customer_ids: Iterable[int] = (),
    reason: str,
    public_pool_id: int | None = None,
    **hints: Any,
) -> list[int]:
    """Remove the owner (and so the department) of these customers, e.g. into a public pool
    (INT-6/7). `customers` carry pk and owner_id (those without an owner are skipped), or
    `customer_ids` name customers the caller knows to be owned; one OwnerChange and one
    timeline event each. The caller holds the transaction and the customers' row locks.

    Set-based, a fixed number of queries whatever the number of customers (the nightly
    recycling releases thousands per batch): the OwnerChange rows and the timeline events are
    `INSERT … SELECT` from the customer rows (`from` is the owner the row has, under the
    caller's lock), then one UPDATE of the rows.

    `public_pool_id` is the pool they go into, given by the pipeline app that keeps that
    column (see `Customer.public_pool_id`); it is written in the same UPDATE as the owner,
    because a second UPDATE of the row would write into every index of the table again.
    `hints` go to the `owners_changed` callbacks (the pipeline's pool release says
    `pool_release=True`: it writes the prospects itself, in one UPDATE)."""
    ids = [c.pk for c in customers if c.owner_id is not None] + list(customer_ids)
    if not ids:
        return ids
    rows = Customer.objects.filter(pk__in=id_list(ids), owner__isnull=False)
    _record_owner_changes_from(rows=rows, to_user=None, actor=actor, reason=reason[:200])
    rows.update(
        owner=None,
        department=None,
        public_pool_id=public_pool_id,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    owners_changed.call_all(customer_ids=ids, **hints)
    return ids


@transaction.atomic
def customer_release_owner(*, actor: User | None, customer: Customer, reason: str) -> Customer:
    customers_release_owner(actor=actor, customers=[customer], reason=reason)
    customer.refresh_from_db()
    return customer


@transaction.atomic
def customer_take_owner(
    *,
    actor: User | None,
    customer: Customer,
    to_user: User,
    reason: str,
    public_pool_id: int | None = None,
) -> Customer:
    """Give an unowned (or any) customer to `to_user` without the reassign permission
    check — the caller (e.g. a pool claim) has applied its own rules. `public_pool_id` as in
    `customers_release_owner` (a claim passes None: the customer leaves its pool)."""
    if customer.owner_id == to_user.pk:
        if customer.public_pool_id != public_pool_id:
            Customer.objects.filter(pk=customer.pk).update(public_pool_id=public_pool_id)
            customer.public_pool_id = public_pool_id
        return customer
    _record_owner_changes(customers=[customer], to_user=to_user, actor=actor, reason=reason[:200])
    Customer.objects.filter(pk=customer.pk).update(
        owner=to_user,
        department_id=to_user.department_id,
        public_pool_id=public_pool_id,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    owners_changed.call_all(customer_ids=[customer.pk])
    customer.refresh_from_db()
    return customer


@transaction.atomic
def customer_reassign(
    *, actor: User, customer: Customer, to_user: User, reason: str = ""
) -> Customer:
    if not user_can(user=actor, permission=REASSIGN):
        raise PermissionDenied(_("You may not change the owner of customers."))
    locked = _lock_for_edit(
        actor=actor, customer_id=customer.pk, expected_version=None, action=REASSIGN
    )
    if not to_user.is_active:
        raise ValidationFailed(field_errors={"owner": [_("This user is no longer active.")]})
    if not users_in_scope(user=actor).filter(pk=to_user.pk).exists():
        raise ValidationFailed(
            field_errors={"owner": [_("You can only assign to users in your scope.")]}
        )
    if locked.owner_id == to_user.pk:
        return locked
    _record_owner_changes(customers=[locked], to_user=to_user, actor=actor, reason=reason)
    locked.owner = to_user
    locked.department_id = to_user.department_id
    locked.version = F("version") + 1
    _save_by(locked, actor)
    owners_changed.call_all(customer_ids=[locked.pk])
    locked.refresh_from_db()
    return locked


@transaction.atomic
def customer_handover(
    *,
    actor: User,
    from_user: User,
    to_user: User,
    reason: str,
    request: HttpRequest | None = None,
) -> int:
    """Move all of one user's customers (and, through the hook, their deals, contracts and
    tasks) to another user in one audited step (离职交接, ARC-9)."""
    if not user_can(user=actor, permission=HANDOVER):
        raise PermissionDenied(_("You may not hand over customers."))
    if from_user.pk == to_user.pk:
        raise ValidationFailed(
            field_errors={"to_user": [_("Choose a different user to hand over to.")]}
        )
    if not to_user.is_active:
        raise ValidationFailed(field_errors={"to_user": [_("This user is no longer active.")]})
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationFailed(field_errors={"reason": [_("Give a reason for the handover.")]})
    customers = list(
        Customer.objects.select_for_update()
        .filter(owner=from_user, deleted_at__isnull=True)
        .only("pk", "owner_id")
    )
    ids = [c.pk for c in customers]
    _record_owner_changes(customers=customers, to_user=to_user, actor=actor, reason=reason)
    for start in range(0, len(ids), 1000):
        Customer.objects.filter(pk__in=ids[start : start + 1000]).update(
            owner=to_user,
            department_id=to_user.department_id,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    owners_changed.call_all(customer_ids=ids)
    handover_extensions.call_all(
        from_user=from_user, to_user=to_user, actor=actor, customer_ids=ids
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.HANDOVER,
        target=from_user,
        summary=f"{from_user} → {to_user}: {len(ids)}",
        detail={"from": from_user.pk, "to": to_user.pk, "customers": len(ids), "reason": reason},
        request=request,
    )
    return len(ids)


def customers_follow_owner_department(
    *, user: User, old_department_id: int | None, new_department_id: int | None
) -> None:
    """When a user moves department, their customers' department column follows (the scope
    filter reads it)."""
    ids = list(Customer.objects.filter(owner=user).values_list("pk", flat=True))
    Customer.objects.filter(owner=user).update(department_id=new_department_id)
    owners_changed.call_all(customer_ids=ids)


# ---------------------------------------------------------------- merge (ARC-5)

_MERGE_FILL_FIELDS = (
    "gender",
    "occupation",
    "birth_date",
    "mobile",
    "home_phone",
    "office_phone",
    "fax",
    "email",
    "wechat",
    "home_address",
    "home_postcode",
    "work_address",
    "work_postcode",
    "province",
    "city",
    "industry_id",
    "scale",
    "buyer_role",
    "source_id",
    "first_contact_at",
    "first_contact_channel",
    "products_of_interest",
    "level",
    "visit_minutes",
    "needs",
    "background",
    "credit_code",
)
_MERGE_SPECIAL = {"dedup_keys", "customertag_set", "shares", "history", "merged_into"}


@transaction.atomic
def customer_merge(
    *,
    actor: User,
    primary: Customer,
    duplicate: Customer,
    request: HttpRequest | None = None,
) -> Customer:
    """Fold `duplicate` into `primary`: blanks of the primary are filled from the duplicate,
    every related record moves over, the duplicate goes to the recycle bin marked merged."""
    if not user_can(user=actor, permission=MERGE):
        raise PermissionDenied(_("You may not merge customers."))
    if primary.pk == duplicate.pk:
        raise ValidationFailed(_("Choose two different customers."))
    editable = Customer.objects.editable_by(actor, action=MERGE).select_for_update()
    locked = {c.pk: c for c in editable.filter(pk__in=[primary.pk, duplicate.pk])}
    if len(locked) != 2:
        raise PermissionDenied(_("You may only merge customers you may change."))
    keep, drop = locked[primary.pk], locked[duplicate.pk]
    if keep.kind != drop.kind:
        raise ValidationFailed(_("A person cannot be merged with an organisation."))
    for field in _MERGE_FILL_FIELDS:
        if getattr(keep, field) in ("", None) and getattr(drop, field) not in ("", None):
            setattr(keep, field, getattr(drop, field))
    if not keep.id_number_encrypted and drop.id_number_encrypted:
        keep.id_number_encrypted = drop.id_number_encrypted
        keep.id_number_index = drop.id_number_index
        keep.id_number_masked = drop.id_number_masked
    keep.custom_data = {**drop.custom_data, **keep.custom_data}
    keep.notes = "\n".join(filter(None, [keep.notes, drop.notes]))[:4000]
    # Move every related row; later apps' records follow without knowing about merges.
    for relation in Customer._meta.related_objects:
        if (
            relation.many_to_many
            or relation.one_to_one
            or relation.get_accessor_name() in _MERGE_SPECIAL
        ):
            continue
        if relation.related_model._meta.label_lower.startswith("customers.historical"):
            continue
        relation.related_model._base_manager.filter(**{relation.field.name: drop}).update(
            **{relation.field.name: keep}
        )
    existing_tags = set(CustomerTag.objects.filter(customer=keep).values_list("tag_id", flat=True))
    CustomerTag.objects.bulk_create(
        [
            CustomerTag(customer=keep, tag_id=tag_id)
            for tag_id in CustomerTag.objects.filter(customer=drop).values_list("tag_id", flat=True)
            if tag_id not in existing_tags
        ]
    )
    shared_users = set(
        CustomerShare.objects.filter(customer=keep).values_list("user_id", flat=True)
    )
    CustomerShare.objects.filter(customer=drop).exclude(
        user_id__in=shared_users | {keep.owner_id}
    ).update(customer=keep)
    merge_extensions.call_all(primary=keep, duplicate=drop)
    # The duplicate's keys (say, a second mobile) keep blocking new duplicates, now on
    # behalf of the primary.
    dropped_keys = set(DedupKey.objects.filter(customer=drop).values_list("rule", "value"))
    DedupKey.objects.filter(customer=drop).delete()
    drop.deleted_at = timezone.now()
    drop.deleted_by = actor
    drop.merged_into = keep
    _save_by(drop, actor)
    keep.version = F("version") + 1
    _save_by(keep, actor)
    keep.refresh_from_db()
    _write_keys(keep, actor=actor, id_number=decrypt(keep.id_number_encrypted))
    held = set(DedupKey.objects.filter(customer=keep).values_list("rule", "value"))
    DedupKey.objects.bulk_create(
        [
            DedupKey(customer=keep, rule=rule, value=value, inherited=True)
            for rule, value in dropped_keys - held
        ]
    )
    timeline_add(
        customer=keep,
        kind="merged",
        title=_("Merged with %(name)s (#%(id)s)") % {"name": drop.name, "id": drop.pk},
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=AuditLog.Action.MERGE,
        target=keep,
        summary=f"#{drop.pk} → #{keep.pk}",
        detail={"kept": keep.pk, "merged": drop.pk},
        request=request,
    )
    return keep
