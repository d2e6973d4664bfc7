"""Sending the queued messages (CARE-4), on the task worker (messages.tasks).

A worker claims a batch of due messages by a status change (QUEUED/DEFERRED → SENDING with
its tag; `FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional UPDATE everywhere), decides
each one against the customer's consent and quiet hours, renders it in the sandbox and hands
it over. Exactly once, as far as a mail server allows (docs/decisions.md "Sending messages
exactly once"): the message is marked SENT and committed *before* the point of no return —
for SMTP after the text has gone out but before the final "." that makes the server accept
it; for an SMS before the provider is called — and turned back into a retry when the server
or provider refuses after all. A worker killed before the commit leaves a SENDING claim that
is taken back (its process is gone) and sent again, and the server has nothing of it; a
worker killed between the commit and the final "." loses that one message (at most once).

A masked message (a transactional one with a secret part, such as a sign-in code) is logged
with the secret masked: the send log gets the masked text, the adapter the real one from its
MessageSecret, which is erased once the message left the queue for good (sent, failed for
good, suppressed) — and after its expiry in any case. A retry keeps it, so a message taken
back from a dead worker or refused after the mark is sent again with its secret.
"""

import contextlib
import datetime as dt
import logging
import os
import re
import select
import smtplib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.care.messages.consent import Decision, recipient_of, send_decision
from guanxi.care.messages.sandbox import template_render, template_values
from guanxi.care.messages.sms import SmsError, sms_adapter
from guanxi.care.models import (
    Channel,
    ContactPreference,
    Message,
    MessageEvent,
    MessageSecret,
    Notification,
    Purpose,
)
from guanxi.core.task_recovery import local_worker_pid, process_alive, worker_host, worker_tag

logger = logging.getLogger("guanxi.care.messages")

CLAIM_BATCH = 200
MAX_ATTEMPTS = 5
RETRY_BASE = dt.timedelta(minutes=1)  # then 2, 4, 8 minutes
# A claim by a worker on another machine counts as abandoned after this long (a batch takes
# seconds); on this machine a claim is abandoned as soon as its process is gone.
FOREIGN_CLAIM_LIMIT = dt.timedelta(minutes=15)
UNSUBSCRIBE_SALT = "guanxi.care.unsubscribe"
_ACTIVE = (Message.Status.QUEUED, Message.Status.DEFERRED)


@dataclass
class SendRun:
    sent: int = 0
    suppressed: int = 0
    deferred: int = 0
    failed: int = 0
    retried: int = 0
    recovered: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# ---------------------------------------------------------------- unsubscribe links


def unsubscribe_token(message: Message) -> str:
    return signing.dumps(
        [message.pk, message.customer_id, message.channel], salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_read(token: str) -> tuple[int, int, str] | None:
    """(message id, customer id, channel) of a genuine token, else None."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(v, int) for v in value[:2])
        or not isinstance(value[2], str)
    ):
        return None
    return value[0], value[1], value[2]


def unsubscribe_url(message: Message) -> str:
    path = reverse("care:unsubscribe", args=[unsubscribe_token(message)])
    return f"{settings.GUANXI_SITE_URL}{path}"


# ---------------------------------------------------------------- claims


def _claim_abandoned(tag: str, *, host: str) -> bool:
    pid = local_worker_pid(tag, host=host)
    if pid is None:
        return False
    return tag != worker_tag() and (pid == os.getpid() or not process_alive(pid))


def claims_recover(*, now: dt.datetime) -> int:
    """Claims of workers that died take their messages back to the queue. Such a message was
    never committed as sent, so no server finished receiving it."""
    host = worker_host()
    back = {"status": Message.Status.QUEUED, "claimed_by": "", "claimed_at": None}
    recovered = 0
    tags = set(
        Message.objects.filter(status=Message.Status.SENDING).values_list("claimed_by", flat=True)
    )
    for tag in tags:
        if _claim_abandoned(tag, host=host):
            recovered += Message.objects.filter(
                status=Message.Status.SENDING, claimed_by=tag
            ).update(**back)
    recovered += (
        Message.objects.filter(
            status=Message.Status.SENDING, claimed_at__lt=now - FOREIGN_CLAIM_LIMIT
        )
        .exclude(claimed_by__startswith=f"{host}:")
        .update(**back)
    )
    return recovered


def _budget(channel: str, *, now: dt.datetime) -> int:
    """How many more messages the channel may send this minute (settings rate limit)."""
    limit = settings.GUANXI_MESSAGE_RATE_PER_MINUTE.get(channel, 0)
    recent = Message.objects.filter(
        channel=channel, sent_at__gte=now - dt.timedelta(minutes=1)
    ).count()
    return max(0, limit - recent)


def _claim(*, channel: str, limit: int, tag: str, now: dt.datetime) -> list[Message]:
    due = Message.objects.filter(channel=channel, status__in=_ACTIVE, send_after__lte=now)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # transactional messages first: a customer waits for them now, behind no backlog
        ids = list(
            due.filter(purpose=Purpose.TRANSACTIONAL)
            .order_by("send_after", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if len(ids) < limit:
            ids += (
                due.exclude(pk__in=ids)
                .order_by("send_after", "id")
                .values_list("pk", flat=True)[: limit - len(ids)]
            )
        if not ids:
            return []
        Message.objects.filter(pk__in=ids, status__in=_ACTIVE).update(
            status=Message.Status.SENDING, claimed_by=tag, claimed_at=now
        )
    return list(
        Message.objects.filter(pk__in=ids, status=Message.Status.SENDING, claimed_by=tag)
        .select_related("customer", "customer__owner", "sender")
        .order_by("send_after", "id")
    )


# ---------------------------------------------------------------- transitions


def _settle(
    message: Message,
    *,
    tag: str,
    status: str,
    reason: str = "",
    event_status: str | None = None,
    **fields: object,
) -> bool:
    """The claimed message leaves SENDING for `status`, with its send-log line."""
    with transaction.atomic():
        changed = Message.objects.filter(
            pk=message.pk, status=Message.Status.SENDING, claimed_by=tag
        ).update(status=status, reason=reason[:200], claimed_by="", claimed_at=None, **fields)
        if changed:
            MessageEvent.objects.create(
                message_id=message.pk, status=event_status or status, reason=reason[:200]
            )
    return bool(changed)


def _mark_sent(message: Message, *, tag: str, subject: str, body: str) -> bool:
    """Committed before the point of no return; False: the claim was lost, do not send."""
    return _settle(
        message,
        tag=tag,
        status=Message.Status.SENT,
        sent_at=timezone.now(),
        subject=subject[:150],
        body=body,
        recipient=recipient_of(message)[:254],
        attempts=F("attempts") + 1,
    )


def _mark_sent_then(
    message: Message, *, tag: str, subject: str, body: str, finish: Callable[[], None]
) -> bool:
    """Mark the message sent and call `finish` (the point of no return) right after the
    mark has left for the database, before its answer is back: on PostgreSQL one statement
    in autocommit, sent without waiting, so that a worker killed between the two leaves
    either both done (the statement reached the server, which commits it) or neither — the
    gap is two system calls, not a round trip. Elsewhere (SQLite, inside a transaction) the
    mark is committed first and `finish` follows."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        if _mark_sent(message, tag=tag, subject=subject, body=body):
            finish()
            return True
        return False
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    now = timezone.now().isoformat()
    quote = connection.ops.quote_name
    messages, events = quote(Message._meta.db_table), quote(MessageEvent._meta.db_table)
    # table names from the models; every value is a bound parameter
    sql = (
        f"WITH done AS (UPDATE {messages} SET status = 'sent', reason = '', claimed_by = '', "  # noqa: S608
        "claimed_at = NULL, sent_at = $1, subject = $2, body = $3, recipient = $4, "
        "attempts = attempts + 1 WHERE id = $5 AND status = 'sending' AND claimed_by = $6 "
        f"RETURNING id) INSERT INTO {events} (message_id, status, reason, at) "
        "SELECT id, 'sent', '', $1 FROM done"
    )
    values = [now, subject[:150], body, recipient_of(message)[:254], str(message.pk), tag]
    pgconn.send_query_params(sql.encode(), [v.encode() for v in values])
    while pgconn.flush():
        select.select([], [pgconn.socket], [])
    try:
        finish()
    finally:
        changed = _pg_rows(pgconn)
    return changed == 1


def _pg_rows(pgconn: Any) -> int:
    """The rows of the statement sent by `_mark_sent_then`, read to the end."""
    # PostgreSQL only: imported here, so a SQLite installation never loads psycopg (~8 MiB of
    # a web worker, issue 13 §3)
    from psycopg import pq

    rows = 0
    error = ""
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            break
        if result.status == pq.ExecStatus.COMMAND_OK:
            rows = int(result.command_tuples or 0)
        else:
            error = (result.error_message or b"").decode(errors="replace")
    if error:
        raise DatabaseError(error)
    return rows


def _retry_or_fail(message: Message, *, reason: str, transient: bool, from_status: str) -> str:
    """After a failed attempt: queued again with exponential back-off while attempts are
    left and the failure may pass, else FAILED. The status the message ended in."""
    attempts = Message.objects.filter(pk=message.pk).values_list("attempts", flat=True).first()
    attempts = (attempts or 0) + (0 if from_status == Message.Status.SENT else 1)
    final = not transient or attempts >= MAX_ATTEMPTS
    status = Message.Status.FAILED if final else Message.Status.QUEUED
    fields: dict[str, object] = {
        "status": status,
        "reason": reason[:200],
        "attempts": attempts,
        "claimed_by": "",
        "claimed_at": None,
        "sent_at": None,
    }
    if not final:
        fields["send_after"] = timezone.now() + RETRY_BASE * (2 ** (attempts - 1))
    with transaction.atomic():
        changed = Message.objects.filter(pk=message.pk, status=from_status).update(**fields)
        if changed:
            MessageEvent.objects.create(
                message_id=message.pk, status=Message.Status.FAILED, reason=reason[:200]
            )
    return status


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class _Texts:
    """What the send log keeps (`subject`, `body`: masked for a masked message) and what the
    adapter hands over (`real_subject`, `real_body`)."""

    subject: str
    body: str
    real_subject: str
    real_body: str


def _rendered(message: Message, secrets: dict[int, MessageSecret]) -> _Texts:
    values = template_values(customer=message.customer, sender=message.sender)
    subject = template_render(message.subject, values)
    body = template_render(message.body, values)
    secret = secrets.get(message.pk) if message.masked else None
    if secret is None:
        return _Texts(subject, body, subject, body)
    return _Texts(
        subject, body, template_render(secret.subject, values), template_render(secret.body, values)
    )


def _email(message: Message, *, subject: str, body: str) -> EmailMessage:
    link = unsubscribe_url(message)
    with translation.override(settings.LANGUAGE_CODE):
        footer = _("To receive no more e-mails from us, open: %(link)s") % {"link": link}
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return EmailMessage(
        subject=subject or message.get_purpose_display(),
        body=f"{body}\n\n-- \n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.customer.email],
        headers={
            "Message-ID": f"<guanxi-message-{message.pk}@{domain}>",
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# ---------------------------------------------------------------- SMTP in two phases


class _NotSent(Exception):
    """Refused before the point of no return. `transient`: worth trying again."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class _RefusedAfterCommit(Exception):
    pass


_EOL = re.compile(rb"\r\n|\n|\r")
_DOT = re.compile(rb"(?m)^\.")


def _smtp_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def _smtp_deliver(
    backend: SmtpBackend, email: EmailMessage, commit: Callable[[Callable[[], None]], bool]
) -> bool:
    """MAIL, RCPT, DATA and the text; then `commit(finish)`, which marks the message sent and
    calls `finish` — the final "." that makes the server take it — once the mark is on its
    way to the database. False when `commit` refused (the server gets nothing)."""
    sender = parseaddr(email.from_email)[1]
    recipients = [parseaddr(address)[1] for address in email.recipients()]
    mime = email.message()
    data = mime.as_bytes(policy=mime.policy.clone(linesep="\r\n"))
    try:
        if backend.connection is None:
            backend.open()
        conn = backend.connection
        if conn is None:
            raise _NotSent("smtp: no connection", transient=True)
        conn.ehlo_or_helo_if_needed()
        code, answer = conn.mail(sender)
        if code != 250:
            conn.rset()
            raise _NotSent(f"smtp: {code} {_smtp_text(answer)}", transient=code < 500)
        codes = []
        for recipient in recipients:
            code, answer = conn.rcpt(recipient)
            codes.append(code)
        if not any(c in (250, 251) for c in codes):
            conn.rset()
            raise _NotSent(f"smtp: {code} {_smtp_text(answer)}", transient=code < 500)
        code, answer = conn.docmd("DATA")
        if code != 354:
            conn.rset()
            raise _NotSent(f"smtp: {code} {_smtp_text(answer)}", transient=code < 500)
        payload = _DOT.sub(b"..", _EOL.sub(b"\r\n", data))
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        conn.send(payload)
    except (smtplib.SMTPException, OSError) as exc:
        _smtp_drop(backend)
        raise _NotSent(f"smtp: {exc}", transient=True) from exc
    finished: list[bool] = []

    def finish() -> None:
        finished.append(True)
        conn.send(b".\r\n")

    try:
        committed = commit(finish)
        if not finished:
            # a DATA without its final "." is discarded by the server when the line drops
            _smtp_drop(backend)
            return False
        code, answer = conn.getreply()
    except (smtplib.SMTPException, OSError) as exc:
        _smtp_drop(backend)
        raise _RefusedAfterCommit(f"smtp: {exc}") from exc
    if code != 250:
        raise _RefusedAfterCommit(f"smtp: {code} {_smtp_text(answer)}")
    if not committed:
        logger.error("message %s went out after its claim was lost", email.extra_headers)
    return True


def _smtp_drop(backend: SmtpBackend) -> None:
    """Close the socket without QUIT (inside DATA a QUIT would be text of the message)."""
    if backend.connection is not None:
        with contextlib.suppress(OSError):
            backend.connection.close()
    backend.connection = None


# ---------------------------------------------------------------- channels


def _send_emails(
    messages: list[Message], *, tag: str, run: SendRun, secrets: dict[int, MessageSecret]
) -> None:
    """Over GUANXI_EMAIL_CONNECTIONS SMTP connections side by side (each in a thread with
    its own database connection): sending is waiting for the server's answers, four at a
    time per message. Inside a transaction (tests) on one connection, in this thread."""
    lanes = max(1, min(settings.GUANXI_EMAIL_CONNECTIONS, len(messages)))
    if lanes == 1 or connection.in_atomic_block:
        _send_emails_over_one(messages, tag=tag, run=run, secrets=secrets)
        return
    runs = [SendRun() for _lane in range(lanes)]

    def lane(number: int) -> None:
        try:
            _send_emails_over_one(
                messages[number::lanes], tag=tag, run=runs[number], secrets=secrets
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=lanes) as pool:
        for future in [pool.submit(lane, n) for n in range(lanes)]:
            future.result()
    for lane_run in runs:
        run.sent += lane_run.sent
        run.failed += lane_run.failed
        run.retried += lane_run.retried


def _send_emails_over_one(
    messages: list[Message], *, tag: str, run: SendRun, secrets: dict[int, MessageSecret]
) -> None:
    backend = mailers.default
    smtp = backend if isinstance(backend, SmtpBackend) else None
    try:
        for message in messages:
            texts = _rendered(message, secrets)
            subject, body = texts.subject, texts.body
            email = _email(message, subject=texts.real_subject, body=texts.real_body)

            def commit(
                finish: Callable[[], None],
                message: Message = message,
                subject: str = subject,
                body: str = body,
            ) -> bool:
                return _mark_sent_then(message, tag=tag, subject=subject, body=body, finish=finish)

            try:
                if smtp is not None:
                    delivered = _smtp_deliver(smtp, email, commit)
                else:
                    delivered = _mark_sent(message, tag=tag, subject=subject, body=body)
                    if delivered:
                        backend.send_messages([email])
            except _NotSent as exc:
                status = _retry_or_fail(
                    message,
                    reason=exc.reason,
                    transient=exc.transient,
                    from_status=Message.Status.SENDING,
                )
                run.failed += status == Message.Status.FAILED
                run.retried += status == Message.Status.QUEUED
                continue
            except (_RefusedAfterCommit, smtplib.SMTPException, OSError) as exc:
                reason = str(exc) if isinstance(exc, _RefusedAfterCommit) else f"smtp: {exc}"
                status = _retry_or_fail(
                    message, reason=reason, transient=True, from_status=Message.Status.SENT
                )
                run.failed += status == Message.Status.FAILED
                run.retried += status == Message.Status.QUEUED
                continue
            run.sent += delivered
    finally:
        if smtp is not None and smtp.connection is not None:
            try:
                smtp.close()
            except (smtplib.SMTPException, OSError):
                _smtp_drop(smtp)


def _send_sms(
    messages: list[Message], *, tag: str, run: SendRun, secrets: dict[int, MessageSecret]
) -> None:
    adapter = sms_adapter()
    for message in messages:
        texts = _rendered(message, secrets)
        text, real = texts.body, texts.real_body
        if message.purpose == Purpose.MARKETING:
            text, real = f"{text} 拒收请回复TD", f"{real} 拒收请回复TD"
        if not _mark_sent(message, tag=tag, subject="", body=text):
            continue
        try:
            sent = adapter.send(phone=recipient_of(message), text=real, reference=str(message.pk))
        except SmsError as exc:
            status = _retry_or_fail(
                message,
                reason=f"sms: {exc}",
                transient=exc.transient,
                from_status=Message.Status.SENT,
            )
            run.failed += status == Message.Status.FAILED
            run.retried += status == Message.Status.QUEUED
            continue
        Message.objects.filter(pk=message.pk).update(provider_id=sent.provider_id[:100])
        run.sent += 1


def _send_in_app(
    messages: list[Message], *, tag: str, run: SendRun, secrets: dict[int, MessageSecret]
) -> None:
    """To the customer's consultant; the notification's key makes a repeat find the first.
    (Never a masked message: message_queue refuses a transactional in-app one.)"""
    for message in messages:
        texts = _rendered(message, secrets)
        subject, body = texts.subject, texts.body
        customer = message.customer
        Notification.objects.get_or_create(
            dedup_key=f"care.message:{message.pk}",
            defaults={
                "user_id": customer.owner_id or 0,
                "title": (subject or customer.name)[:200],
                "body": body[:1000],
                "url": reverse("customers:detail", args=[customer.pk]),
                "customer": customer,
            },
        )
        run.sent += _mark_sent(message, tag=tag, subject=subject, body=body)


_SENDERS = {Channel.EMAIL: _send_emails, Channel.SMS: _send_sms, Channel.IN_APP: _send_in_app}


def _process(
    channel: str,
    batch: list[Message],
    *,
    tag: str,
    run: SendRun,
    decide_at: dt.datetime | None = None,
) -> None:
    now = decide_at or timezone.now()
    prefs = {
        pref.customer_id: pref
        for pref in ContactPreference.objects.filter(
            customer_id__in={message.customer_id for message in batch}
        )
    }
    secrets = {
        secret.message_id: secret
        for secret in MessageSecret.objects.filter(
            message_id__in=[message.pk for message in batch if message.masked]
        )
    }
    to_send = []
    for message in batch:
        decision = send_decision(message, pref=prefs.get(message.customer_id), now=now)
        if decision.action == "send" and message.masked and message.pk not in secrets:
            # its real text expired (a code past its validity) or is gone: nothing to send
            decision = Decision("fail", "expired")
        if decision.action == "send":
            to_send.append(message)
        elif decision.action == "defer":
            run.deferred += _settle(
                message,
                tag=tag,
                status=Message.Status.DEFERRED,
                reason=decision.reason,
                send_after=decision.until,
            )
        elif decision.action == "suppress":
            run.suppressed += _settle(
                message, tag=tag, status=Message.Status.SUPPRESSED, reason=decision.reason
            )
        else:
            run.failed += _settle(
                message, tag=tag, status=Message.Status.FAILED, reason=decision.reason
            )
    if to_send:
        _SENDERS[Channel(channel)](to_send, tag=tag, run=run, secrets=secrets)
    if secrets:
        # what left the queue for good (sent, failed, suppressed) needs its real text no more;
        # a retry (queued again) or a claim left to recover keeps it
        MessageSecret.objects.filter(message_id__in=list(secrets)).exclude(
            message__status__in=(*_ACTIVE, Message.Status.SENDING)
        ).delete()


def messages_send_due(*, time_limit: float = 50.0, decide_at: dt.datetime | None = None) -> SendRun:
    """Send what is due, batch by batch, within the channels' rate limits, for at most
    `time_limit` seconds (the next run picks up the rest). `decide_at`: the moment consent
    and quiet hours are judged for (now; the demo replays a day)."""
    run = SendRun()
    run.recovered = claims_recover(now=timezone.now())
    MessageSecret.objects.filter(expires_at__lt=timezone.now()).delete()
    tag = worker_tag()
    started = time.monotonic()
    while time.monotonic() - started < time_limit:
        worked = False
        for channel in Channel.values:
            now = timezone.now()
            limit = min(CLAIM_BATCH, _budget(channel, now=now))
            if limit <= 0:
                continue
            batch = _claim(channel=channel, limit=limit, tag=tag, now=now)
            if batch:
                worked = True
                _process(channel, batch, tag=tag, run=run, decide_at=decide_at)
        if not worked:
            break
    if run.failed:
        logger.warning("messages: %s", run.as_dict())
    return run


def messages_due_count(*, cap: int) -> int:
    now = timezone.now()
    return Message.objects.filter(status__in=_ACTIVE, send_after__lte=now)[:cap].count()
