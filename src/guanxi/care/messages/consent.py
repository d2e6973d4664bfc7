"""Whether a message may go now (CARE-4, PIPL): decided when it is sent, from the customer's
preference as it is then, so a withdrawal made after queueing still holds.

Service messages go unless the customer is on do-not-disturb or unsubscribed from the
channel; marketing messages need the recorded opt-in for the channel as well. Inside the
quiet hours (local time, default 21:00–08:00, the customer's preference may set others) a
message waits for their end: deferred, never dropped.

Transactional messages (a sign-in code the person asked for this minute) are an answer to a
request, not an approach (PIPL art. 13(1)(2); not commercial, so the operators' TD rule does
not reach them): they go at once whatever the quiet hours, need no opt-in and are not held by
a channel unsubscription; do-not-disturb still holds them, as it holds everything we send
(docs/decisions.md "Transactional messages")."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from guanxi.care.models import Channel, ContactPreference, Message, Purpose

DEFAULT_QUIET = (dt.time(21, 0), dt.time(8, 0))
NO_QUIET = (dt.time(0, 0), dt.time(0, 0))

# Reason codes kept in the send log; shown through REASON_LABELS in the reader's language
# (a code may carry a detail after a colon: "smtp: 550 mailbox unavailable").
REASON_LABELS = {
    "customer_gone": _("The customer was deleted or merged."),
    "dnd": _("The customer is on do-not-disturb."),
    "unsubscribed": _("The customer unsubscribed from this channel."),
    "no_opt_in": _("No recorded opt-in to marketing on this channel."),
    "no_address": _("No address for this channel."),
    "quiet_hours": _("Quiet hours; sent when they end."),
    "retry": _("Sending failed; trying again later."),
    "smtp": _("The mail server refused the message."),
    "sms": _("The SMS provider refused the message."),
    "no_owner": _("The customer has no owner to notify."),
    "render": _("The template could not be rendered."),
    "expired": _("The message expired before it could be sent."),
}


def reason_text(reason: str) -> str:
    code, _sep, detail = reason.partition(":")
    label = REASON_LABELS.get(code)
    if label is None:
        return reason
    return f"{label} {detail.strip()}".strip()


@dataclass(frozen=True)
class Decision:
    action: Literal["send", "suppress", "defer", "fail"]
    reason: str = ""
    until: dt.datetime | None = None


def site_quiet_hours() -> tuple[dt.time, dt.time]:
    """GUANXI_QUIET_HOURS ("21:00-08:00", "off"); the default window when it is malformed."""
    text = str(settings.GUANXI_QUIET_HOURS or "").strip().lower()
    if text in ("", "off", "none"):
        return NO_QUIET
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        return DEFAULT_QUIET
    return start, end


def _quiet_window(pref: ContactPreference | None) -> tuple[dt.time, dt.time]:
    if pref is not None and pref.quiet_from is not None and pref.quiet_until is not None:
        return pref.quiet_from, pref.quiet_until
    return site_quiet_hours()


def quiet_until(
    now: dt.datetime, *, window: tuple[dt.time, dt.time], tz: dt.tzinfo
) -> dt.datetime | None:
    """The end of the quiet hours `now` falls into, None when it is outside them."""
    start, end = window
    if start == end:
        return None
    local = now.astimezone(tz)
    moment = local.time()
    if start < end:
        inside = start <= moment < end
        day = local.date()
    else:  # across midnight, e.g. 21:00–08:00
        inside = moment >= start or moment < end
        day = local.date() + dt.timedelta(days=1) if moment >= start else local.date()
    if not inside:
        return None
    return dt.datetime.combine(day, end, tzinfo=tz).astimezone(dt.UTC)


def recipient_of(message: Message) -> str:
    customer = message.customer
    if message.channel == Channel.EMAIL:
        return customer.email
    if message.channel == Channel.SMS:
        return customer.mobile
    return str(customer.owner_id or "")


def send_decision(
    message: Message, *, pref: ContactPreference | None, now: dt.datetime
) -> Decision:
    customer = message.customer
    if customer.deleted_at is not None or customer.merged_into_id is not None:
        return Decision("suppress", "customer_gone")
    if message.channel == Channel.IN_APP:
        # a note to the customer's consultant, not to the customer: no consent involved
        return Decision("send") if customer.owner_id else Decision("fail", "no_owner")
    if pref is not None and pref.do_not_disturb:
        return Decision("suppress", "dnd")
    unsubscribed = (
        (
            pref.email_unsubscribed_at
            if message.channel == Channel.EMAIL
            else pref.sms_unsubscribed_at
        )
        if pref is not None
        else None
    )
    transactional = message.purpose == Purpose.TRANSACTIONAL
    if unsubscribed is not None and not transactional:
        return Decision("suppress", "unsubscribed")
    if message.purpose == Purpose.MARKETING:
        opted_in = pref is not None and (
            pref.marketing_email if message.channel == Channel.EMAIL else pref.marketing_sms
        )
        if not opted_in:
            return Decision("suppress", "no_opt_in")
    if not recipient_of(message):
        return Decision("fail", "no_address")
    if transactional:
        return Decision("send")
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    until = quiet_until(now, window=_quiet_window(pref), tz=tz)
    if until is not None:
        return Decision("defer", "quiet_hours", until)
    return Decision("send")
