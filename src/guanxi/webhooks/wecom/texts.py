"""What a WeCom robot posts for an event: short markdown in the site's language (a group of
staff reads it on a phone), with a link into Guanxi where there is a page for it."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.webhooks.common.catalog import event_label


def _link(name: str, *args: object) -> str:
    try:
        return f"{settings.GUANXI_SITE_URL}{reverse(name, args=args)}"
    except NoReverseMatch:
        return ""


def _approval(envelope: dict[str, Any]) -> str:
    data = envelope.get("approval") or {}
    title, amount, step, open_ = _("Approval waiting"), _("amount"), _("step"), _("Open")
    lines = [f"**{title}**: {data.get('title', '')}"]
    if data.get("amount"):
        lines.append(f"> {amount}: ¥{data['amount']}")
    lines.append(f"> {step}: {data.get('step', 1)}")
    link = _link("sales:approval_detail", data.get("id", 0))
    if link:
        lines.append(f"[{open_}]({link})")
    return "\n".join(lines)


def _overdue(data: dict[str, Any]) -> str:
    title, open_ = _("Overdue follow-ups"), _("Open the work list")
    lines = [f"**{title}** ({data.get('date', '')})"]
    for row in data.get("users", []):
        lines.append(f'> {row.get("name", "")}: <font color="warning">{row.get("count", 0)}</font>')
    link = _link("pipeline:worklist")
    if link:
        lines.append(f"[{open_}]({link})")
    return "\n".join(lines)


def _local(value: object) -> str:
    """An ISO time of a payload as the site's local time (Asia/Shanghai), minutes."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if timezone.is_naive(moment):
        return ""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _escalated(data: dict[str, Any]) -> str:
    """CMP-2: a complaint past its target, moved up a level."""
    complaint = data.get("complaint") or {}
    customer = data.get("customer") or {}
    notified = data.get("notified") or {}
    targets = {
        "route": _("Routing target"),
        "respond": _("Response target (接受)"),
        "resolve": _("Resolution target"),
    }
    heading = _("Complaint escalated (level %(level)s)") % {"level": data.get("level", "")}
    # outside the f-strings: xgettext does not read inside them
    customer_, notified_, open_ = _("Customer"), _("Notified"), _("Open the complaint")
    lines = [f"**{heading}**: {complaint.get('title', '')}"]
    if customer.get("name"):
        lines.append(f"> {customer_}: {customer['name']}")
    for missed in data.get("missed") or []:
        label = targets.get(str(missed.get("target")), str(missed.get("target", "")))
        due = _("due %(time)s") % {"time": _local(missed.get("due"))}
        lines.append(f'> <font color="warning">{label}</font> {due}')
    if notified.get("name"):
        lines.append(f"> {notified_}: {notified['name']}")
    link = _link("service:complaint_detail", complaint.get("id", 0))
    if link:
        lines.append(f"[{open_}]({link})")
    return "\n".join(lines)


def _record(event: str, data: dict[str, Any]) -> str:
    subject = ""
    for key in ("customer", "contract", "invoice", "payment", "followup"):
        value = data.get(key)
        if isinstance(value, dict):
            subject = str(value.get("name") or value.get("number") or value.get("amount") or "")
            if subject:
                break
    return f"**{event_label(event)}** {subject}".strip()


def robot_text(*, event: str, data: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if event == "approval.waiting":
            return _approval(data)
        if event == "followup.overdue":
            return _overdue(data)
        if event == "complaint.escalated":
            return _escalated(data)
        return _record(event, data)
