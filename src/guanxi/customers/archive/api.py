"""/api/v1/customers, /contacts, /tags (INTG-2). Thin: parse, call a service or selector, render.

The caller is `request.auth` (token or session user). Every read goes through the selectors,
so the API sees exactly what the pages see; a customer outside the caller's scope answers
404 exactly like one that does not exist.
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from guanxi.accounts.selectors import users_in_scope
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.pagination import bad_cursor, parse_id
from guanxi.core.phones import mask_phone
from guanxi.customers.archive import selectors, services
from guanxi.customers.archive.schemas import (
    ContactCreate,
    ContactOut,
    ContactPatch,
    CustomerCreate,
    CustomerOut,
    CustomerPageOut,
    CustomerPatch,
    CustomerQuery,
    HistoryEntryOut,
    HistoryQuery,
    MergeIn,
    RevealIn,
    RevealOut,
    TagOut,
    TagsIn,
    TimelineOut,
    TimelineQuery,
)
from guanxi.customers.configuration import selectors as configuration_selectors
from guanxi.customers.models import Customer

router = Router(tags=["customers"])

_MASKED_FIELDS = ("mobile", "home_phone", "office_phone")


def _owner_in_scope(actor, owner_id):
    owner = users_in_scope(user=actor).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationFailed(
            field_errors={"owner_id": [_("You can only assign to users in your scope.")]}
        )
    return owner


def _reload(user, customer_id, *, include_deleted=False) -> Customer:
    return selectors.customer_get_for_user(
        user=user, customer_id=customer_id, include_deleted=include_deleted
    )


# ---------------------------------------------------------------- customers


@router.get("/customers", response=CustomerPageOut, summary="List and search customers")
def customer_list(request, filters: Query[CustomerQuery]):
    data = filters.model_dump()
    cursor, page_size = data.pop("cursor"), data.pop("page_size")
    page = selectors.customer_list_for_user(
        user=request.auth,
        filters=selectors.CustomerFilters(**data),
        cursor=cursor,
        page_size=page_size,
    )
    return page


@router.post("/customers", response={201: CustomerOut}, summary="Create a customer")
def customer_create(request, payload: CustomerCreate):
    actor = request.auth
    with transaction.atomic():
        owner = _owner_in_scope(actor, payload.owner_id) if payload.owner_id else None
        customer = services.customer_create(
            actor=actor, data=payload.to_input(), owner=owner, tags=payload.tags
        )
    return Status(201, _reload(actor, customer.pk))


@router.get("/customers/{int:customer_id}", response=CustomerOut, summary="Read a customer")
def customer_detail(request, customer_id: int):
    return _reload(request.auth, customer_id)


@router.patch("/customers/{int:customer_id}", response=CustomerOut, summary="Change a customer")
def customer_update(request, customer_id: int, payload: CustomerPatch):
    """Only the fields sent change. `version` is the version you read: if someone saved in
    between, the answer is 409 and nothing changes."""
    actor = request.auth
    customer = _reload(actor, customer_id)
    fields_set = payload.model_fields_set
    with transaction.atomic():
        customer = services.customer_update(
            actor=actor,
            customer=customer,
            data=payload.to_input(),
            expected_version=payload.version,
        )
        if "owner_id" in fields_set and payload.owner_id != customer.owner_id:
            if payload.owner_id is None:
                raise ValidationFailed(field_errors={"owner_id": [_("This field is required.")]})
            customer = services.customer_reassign(
                actor=actor, customer=customer, to_user=_owner_in_scope(actor, payload.owner_id)
            )
        if "tags" in fields_set and payload.tags is not None:
            services.customer_set_tags(actor=actor, customer=customer, tags=payload.tags)
    return _reload(actor, customer_id)


@router.delete(
    "/customers/{int:customer_id}", response={204: None}, summary="Move to the recycle bin"
)
def customer_delete(request, customer_id: int):
    services.customer_delete(
        actor=request.auth, customer=_reload(request.auth, customer_id), request=request
    )
    return Status(204, None)


@router.post(
    "/customers/{int:customer_id}/restore",
    response=CustomerOut,
    summary="Restore from the recycle bin",
)
def customer_restore(request, customer_id: int):
    customer = _reload(request.auth, customer_id, include_deleted=True)
    services.customer_restore(actor=request.auth, customer=customer, request=request)
    return _reload(request.auth, customer_id)


@router.post(
    "/customers/{int:customer_id}/merge",
    response=CustomerOut,
    summary="Merge a duplicate into this customer",
)
def customer_merge(request, customer_id: int, payload: MergeIn):
    actor = request.auth
    primary = _reload(actor, customer_id)
    duplicate = _reload(actor, payload.duplicate_id)
    services.customer_merge(actor=actor, primary=primary, duplicate=duplicate, request=request)
    return _reload(actor, customer_id)


@router.post(
    "/customers/{int:customer_id}/reveal",
    response=RevealOut,
    summary="Show a full phone or ID number (audited)",
)
def customer_reveal(request, customer_id: int, payload: RevealIn):
    customer = _reload(request.auth, customer_id)
    value = services.customer_reveal(
        actor=request.auth, customer=customer, field=payload.field, request=request
    )
    return {"field": payload.field, "value": value}


@router.get(
    "/customers/{int:customer_id}/timeline", response=TimelineOut, summary="Customer timeline"
)
def customer_timeline(request, customer_id: int, query: Query[TimelineQuery]):
    customer = _reload(request.auth, customer_id)
    rows, more = selectors.customer_timeline(
        customer=customer, before=_timeline_cursor(query.cursor), limit=query.limit
    )
    return {"items": rows, "next_cursor": more}


def _timeline_cursor(cursor: str) -> str:
    """The timeline's cursor ("<moment>_<id>", as it made it), or a field error on `cursor`."""
    if not cursor:
        return ""
    moment, _sep, event_id = cursor.partition("_")
    try:
        dt.datetime.fromisoformat(moment)
    except ValueError:
        raise bad_cursor() from None
    if parse_id(event_id) is None:
        raise bad_cursor()
    return cursor


@router.get(
    "/customers/{int:customer_id}/history",
    response=list[HistoryEntryOut],
    summary="Change history (who, when, old, new)",
)
def customer_history(request, customer_id: int, query: Query[HistoryQuery]):
    customer = _reload(request.auth, customer_id)
    # The history shows values as stored; phones are masked here as everywhere in the API.
    masked_labels = {str(Customer._meta.get_field(f).verbose_name) for f in _MASKED_FIELDS}
    entries = []
    for record, lines in selectors.customer_history(customer=customer, limit=query.limit):
        changes = []
        for label, old, new in lines:
            if label in masked_labels:
                old, new = (v if v == "—" else mask_phone(v) for v in (old, new))
            changes.append({"field": label, "old": str(old), "new": str(new)})
        entries.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "type": record.history_type,
                "changes": changes,
            }
        )
    return entries


# ---------------------------------------------------------------- tags


@router.get("/tags", response=list[TagOut], tags=["tags"], summary="All tags")
def tag_list(request):
    return configuration_selectors.tag_list()


@router.put(
    "/customers/{int:customer_id}/tags",
    response=list[TagOut],
    tags=["tags"],
    summary="Replace the tags of a customer",
)
def customer_set_tags(request, customer_id: int, payload: TagsIn):
    actor = request.auth
    customer = _reload(actor, customer_id)
    if not selectors.customer_can_edit(user=actor, customer=customer):
        raise PermissionDenied(_("You may not change this customer."))
    services.customer_set_tags(actor=actor, customer=customer, tags=payload.tags)
    return selectors.customer_tags(customer=customer)


# ---------------------------------------------------------------- contacts


@router.get(
    "/customers/{int:customer_id}/contacts",
    response=list[ContactOut],
    tags=["contacts"],
    summary="Contacts of a customer",
)
def contact_list(request, customer_id: int):
    return selectors.customer_contacts(customer=_reload(request.auth, customer_id))


@router.post(
    "/customers/{int:customer_id}/contacts",
    response={201: ContactOut},
    tags=["contacts"],
    summary="Add a contact",
)
def contact_create(request, customer_id: int, payload: ContactCreate):
    customer = _reload(request.auth, customer_id)
    contact = services.contact_create(
        actor=request.auth, customer=customer, data=payload.to_input()
    )
    return Status(201, contact)


@router.patch(
    "/contacts/{int:contact_id}", response=ContactOut, tags=["contacts"], summary="Change a contact"
)
def contact_update(request, contact_id: int, payload: ContactPatch):
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    return services.contact_update(actor=request.auth, contact=contact, data=payload.to_input())


@router.delete(
    "/contacts/{int:contact_id}",
    response={204: None},
    tags=["contacts"],
    summary="Remove a contact",
)
def contact_delete(request, contact_id: int):
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_delete(actor=request.auth, contact=contact)
    return Status(204, None)
