"""Subscriptions, the allow-list of internal hosts and redelivery (INTG-3, INTG-6). Each
action needs webhooks.manage, is audited and runs in one transaction; bad input raises
ValidationFailed with field errors and changes nothing."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.dataclass_values import dataclass_values
from guanxi.core.errors import PermissionDenied, ValidationFailed
from guanxi.core.unique_save import unique_or_invalid
from guanxi.webhooks.common import permissions
from guanxi.webhooks.common.catalog import EVENTS
from guanxi.webhooks.common.net import UnsafeTarget, host_of, target_check
from guanxi.webhooks.delivery.sending import allowed_hosts
from guanxi.webhooks.delivery.tasks import deliveries_send_soon
from guanxi.webhooks.models import AllowedHost, Delivery, Subscription

SECRET_LENGTH = 40


@dataclass(frozen=True)
class SubscriptionData:
    name: str
    kind: str
    url: str
    events: list[str] = field(default_factory=list)
    active: bool = True


def manage_check(user: User) -> None:
    if not user_can(user=user, permission=permissions.MANAGE):
        raise PermissionDenied(_("You may not manage webhooks."))


def _clean(data: SubscriptionData) -> SubscriptionData:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("Give the subscription a name.")]
    elif len(name) > 80:
        errors["name"] = [_("At most 80 characters.")]
    if data.kind not in Subscription.Kind.values:
        errors["kind"] = [_("Choose a type.")]
    url = data.url.strip()
    if len(url) > 500:
        errors["url"] = [_("At most 500 characters.")]
    else:
        try:
            target_check(url, allowed_hosts=allowed_hosts())
        except UnsafeTarget as exc:
            errors["url"] = [str(exc)]
    events = list(dict.fromkeys(data.events))
    unknown = [name for name in events if name not in EVENTS]
    if unknown:
        errors["events"] = [_("Unknown events: %(names)s") % {"names": ", ".join(unknown)}]
    elif not events:
        errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return SubscriptionData(name=name, kind=data.kind, url=url, events=events, active=data.active)


@transaction.atomic
def subscription_create(*, actor: User, data: SubscriptionData) -> Subscription:
    manage_check(actor)
    cleaned = _clean(data)
    subscription = Subscription.objects.create(
        **dataclass_values(cleaned),
        owner=actor,
        secret=get_random_string(SECRET_LENGTH),
    )
    audit_record(
        actor=actor,
        action="webhooks.subscription_save",
        target=subscription,
        summary=f"{subscription.name} {host_of(subscription.url)}"[:300],
        detail={"events": cleaned.events, "kind": cleaned.kind},
    )
    return subscription


@transaction.atomic
def subscription_update(
    *, actor: User, subscription: Subscription, data: SubscriptionData
) -> Subscription:
    """Switching a subscription on again clears its failure count."""
    manage_check(actor)
    cleaned = _clean(data)
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if cleaned.active and not locked.active:
        locked.consecutive_failures = 0
        locked.disabled_at = None
        locked.disabled_reason = ""
    for name, value in dataclass_values(cleaned).items():
        setattr(locked, name, value)
    locked.save()
    audit_record(
        actor=actor,
        action="webhooks.subscription_save",
        target=locked,
        summary=f"{locked.name} {host_of(locked.url)}"[:300],
        detail={"events": cleaned.events, "kind": cleaned.kind, "active": cleaned.active},
    )
    return locked


@transaction.atomic
def subscription_rotate_secret(*, actor: User, subscription: Subscription) -> Subscription:
    manage_check(actor)
    Subscription.objects.filter(pk=subscription.pk).update(
        secret=get_random_string(SECRET_LENGTH), updated_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="webhooks.subscription_save",
        target=subscription,
        summary=_("%(name)s: new signing secret") % {"name": subscription.name},
    )
    return Subscription.objects.get(pk=subscription.pk)


@transaction.atomic
def subscription_delete(*, actor: User, subscription: Subscription) -> None:
    manage_check(actor)
    audit_record(
        actor=actor,
        action="webhooks.subscription_delete",
        target=subscription,
        summary=f"{subscription.name} {host_of(subscription.url)}"[:300],
    )
    subscription.delete()


@transaction.atomic
def delivery_redeliver(*, actor: User, delivery: Delivery) -> Delivery:
    """The same event (same id, same data) once more, as a new row of the log, sent by the
    next delivery run; the subscription must be switched on."""
    manage_check(actor)
    subscription = Subscription.objects.get(pk=delivery.subscription_id)
    if not subscription.active:
        raise ValidationFailed(_("Switch the subscription on before sending again."))
    now = timezone.now()
    again = Delivery.objects.create(
        subscription_id=subscription.pk,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        next_attempt_at=now,
        created_at=delivery.created_at,
        redelivery_of=delivery,
    )
    audit_record(
        actor=actor,
        action="webhooks.redeliver",
        target=again,
        summary=f"{subscription.name} {delivery.event} #{delivery.pk}"[:300],
    )
    deliveries_send_soon()
    return again


def _clean_host(host: str) -> str:
    value = host.strip().lower().rstrip(".")
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    if not value or len(value) > 253 or any(c in value for c in "/?#@ \t"):
        raise ValidationFailed(
            field_errors={"host": [_("Give a host name or an IP address, without http://.")]}
        )
    return value


@transaction.atomic
def allowed_host_add(*, actor: User, host: str, note: str = "") -> AllowedHost:
    manage_check(actor)
    value = _clean_host(host)
    with unique_or_invalid("host", _("This host is allowed already.")):
        allowed = AllowedHost.objects.create(host=value, note=note.strip()[:200], created_by=actor)
    audit_record(actor=actor, action="webhooks.allowed_host", target=allowed, summary=f"+ {value}")
    return allowed


@transaction.atomic
def allowed_host_remove(*, actor: User, allowed: AllowedHost) -> None:
    manage_check(actor)
    audit_record(
        actor=actor, action="webhooks.allowed_host", target=allowed, summary=f"- {allowed.host}"
    )
    allowed.delete()
