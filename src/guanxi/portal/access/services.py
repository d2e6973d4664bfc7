"""Customer sign-in to the portal (INTG-4): a one-time code by SMS or e-mail, then a portal
session of its own.

A code is six digits, kept as a keyed digest, valid for CODE_TTL, good for one sign-in and
MAX_ATTEMPTS guesses. Asking for codes is limited per address and per client address, and the
answer is the same whether the address is known or not. The code goes out as a transactional
message through care's queue: at once whatever the quiet hours, no marketing opt-in needed,
do-not-disturb still holds it; the send log keeps the text with the code masked."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from guanxi.care.messages.services import MessageNew, message_queue
from guanxi.care.models import Channel, Purpose
from guanxi.core.audit import audit_record
from guanxi.core.errors import ValidationFailed, invalid_field
from guanxi.core.phones import normalize_phone
from guanxi.customers.models import Customer
from guanxi.portal.common import audit_actions
from guanxi.portal.models import PortalCode, PortalSession

CODE_TTL = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
# at most this many codes per address in RATE_WINDOW, and per client address in an hour
PER_IDENTIFIER = 3
PER_IP = 10
RATE_WINDOW = dt.timedelta(minutes=15)
SESSION_TTL = dt.timedelta(hours=12)
# what is kept of past sign-ins (the rate limits look back an hour at most)
KEEP = dt.timedelta(days=30)

_SALT = "guanxi.portal.access"


def digest(kind: str, value: str) -> str:
    """The keyed digest (HMAC-SHA256 with the site's secret) a code, a token or an address is
    kept as."""
    return salted_hmac(f"{_SALT}.{kind}", value, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Identifier:
    channel: str  # PortalCode.Channel
    value: str  # E.164 mobile or lower-case e-mail address

    @property
    def digest(self) -> str:
        return digest("identifier", f"{self.channel}:{self.value}")


def identifier_parse(text: str) -> Identifier:
    """A mobile number (any usual notation) or an e-mail address, normalised as the archive
    keeps them."""
    text = (text or "").strip()
    if not text:
        raise invalid_field("identifier", _("Enter your mobile number or e-mail address."))
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise invalid_field("identifier", _("Enter a valid e-mail address.")) from None
        return Identifier(PortalCode.Channel.EMAIL, text.lower())
    try:
        phone = normalize_phone(text, mobile=True)
    except ValidationError:
        raise invalid_field(
            "identifier", _("Enter a valid mobile number or e-mail address.")
        ) from None
    return Identifier(PortalCode.Channel.SMS, phone)


def _customer_of(identifier: Identifier) -> Customer | None:
    """The one live customer with this mobile or e-mail; None when none or several have it
    (a code never signs in to a customer the address does not single out)."""
    customers = Customer.objects.filter(deleted_at=None, merged_into=None)
    if identifier.channel == PortalCode.Channel.EMAIL:
        customers = customers.filter(email=identifier.value)
    else:
        customers = customers.filter(mobile=identifier.value)
    found = list(customers.only("pk", "name", "mobile", "email", "owner_id", "department_id")[:2])
    return found[0] if len(found) == 1 else None


def _code_text(code: str) -> tuple[str, str]:
    minutes = int(CODE_TTL.total_seconds() // 60)
    subject = _("Your sign-in code")
    body = _(
        "Your customer portal sign-in code is %(code)s. It is valid for %(minutes)d minutes. "
        "If you did not ask for it, ignore this message."
    ) % {"code": code, "minutes": minutes}
    return subject, body


@transaction.atomic
def portal_code_request(*, identifier_text: str, ip: str | None) -> Identifier:
    """Record a code for the address and queue it to the customer who has it. Raises
    ValidationFailed for a malformed address or when a rate limit is reached; otherwise the
    same result whether a customer has the address or not."""
    identifier = identifier_parse(identifier_text)
    now = timezone.now()
    recent = PortalCode.objects.filter(
        identifier_digest=identifier.digest, created_at__gte=now - RATE_WINDOW
    ).count()
    from_ip = (
        PortalCode.objects.filter(ip=ip, created_at__gte=now - dt.timedelta(hours=1)).count()
        if ip
        else 0
    )
    if recent >= PER_IDENTIFIER or from_ip >= PER_IP:
        raise invalid_field(
            "identifier", _("Too many codes were asked for. Wait a few minutes and try again.")
        )
    customer = _customer_of(identifier)
    code = f"{secrets.randbelow(10**6):06d}"
    PortalCode.objects.create(
        customer=customer,
        channel=identifier.channel,
        identifier_digest=identifier.digest,
        code_digest=digest("code", f"{identifier.digest}:{code}") if customer else "",
        ip=ip,
        expires_at=now + CODE_TTL,
    )
    if customer is not None:
        subject, body = _code_text(code)
        message_queue(
            new=MessageNew(
                customer=customer,
                template=None,
                channel=Channel.SMS
                if identifier.channel == PortalCode.Channel.SMS
                else Channel.EMAIL,
                purpose=Purpose.TRANSACTIONAL,
                subject=subject,
                body=body,
                # the log shows "******"; the real text is erased once handed over
                secret=code,
                secret_ttl=CODE_TTL,
            )
        )
    return identifier


@dataclass(frozen=True)
class SignedIn:
    session: PortalSession
    token: str  # the cookie's value; only its digest is kept


def _wrong() -> ValidationFailed:
    return invalid_field("code", _("This code is wrong or no longer valid. Ask for a new one."))


def portal_code_verify(*, identifier: Identifier, code: str, ip: str | None) -> SignedIn:
    """Sign in with the latest code asked for the address. Every guess counts (committed even
    when it fails); a code is used once; after MAX_ATTEMPTS wrong guesses it is void."""
    code = (code or "").strip()
    now = timezone.now()
    latest = (
        PortalCode.objects.filter(identifier_digest=identifier.digest)
        .order_by("-created_at", "-id")
        .first()
    )
    if (
        latest is None
        or latest.customer_id is None
        or latest.used_at is not None
        or latest.expires_at <= now
        or latest.attempts >= MAX_ATTEMPTS
    ):
        raise _wrong()
    # the guess is counted before it is judged, in its own statement: two guesses at once
    # both count, and a failed one is not rolled back with the error
    counted = PortalCode.objects.filter(
        pk=latest.pk, used_at=None, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    expected = digest("code", f"{identifier.digest}:{code}")
    if (
        not counted
        or not code.isdecimal()
        or not constant_time_compare(expected, latest.code_digest)
    ):
        raise _wrong()
    with transaction.atomic():
        # only one request may use the code
        if not PortalCode.objects.filter(pk=latest.pk, used_at=None).update(used_at=now):
            raise _wrong()
        customer = Customer.objects.get(pk=latest.customer_id)
        token = secrets.token_urlsafe(32)
        session = PortalSession.objects.create(
            customer=customer,
            token_digest=digest("session", token),
            expires_at=now + SESSION_TTL,
            ip=ip,
        )
        audit_record(
            actor=None,
            action=audit_actions.PORTAL_SIGN_IN,
            target=customer,
            summary=customer.name,
            detail={"channel": latest.channel, "ip": ip},
        )
    return SignedIn(session=session, token=token)


def portal_session_end(*, session: PortalSession) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at=None).update(ended_at=timezone.now())


def portal_access_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Codes and sessions past their use by more than KEEP: nothing reads them any more."""
    limit = (now or timezone.now()) - KEEP
    codes, _kinds = PortalCode.objects.filter(expires_at__lt=limit).delete()
    sessions, _kinds = PortalSession.objects.filter(expires_at__lt=limit).delete()
    return {"codes": codes, "sessions": sessions}
