"""The board's cards, built in Python: a board has up to 150 of them, and through the
template engine they cost more than every query of the page together (`make bench`)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guanxi.core.audit_text import money_text
from guanxi.pipeline.templatetags.worklist_tags import customer_url, expectation_url

register = template.Library()


@register.simple_tag
def board_cards(cards: Iterable[Any]) -> SafeString:
    labels = {
        "next_due": _("Next due"),
        "expected": _("Expected amount"),
        "close_on": _("Expected close date"),
        "edit": _("Expected amount and close date"),
    }
    now, today = timezone.now(), timezone.localdate()
    # every part is built by format_html, which escapes what it is given
    return mark_safe("".join(_card(card, labels, now, today) for card in cards))  # noqa: S308


def _card(card: Any, labels: dict[str, str], now: dt.datetime, today: dt.date) -> SafeString:
    grade = ""
    if card.grade:
        grade = format_html(
            '<span class="badge bg-blue-lt ms-auto" title="{}">{}</span>',
            card.grade_label,
            card.grade,
        )
    due = ""
    if card.next_due_at:
        due = format_html(
            '<span class="ms-auto{}" title="{}"><i class="ti ti-calendar"></i> {}</span>',
            " text-danger fw-medium" if card.next_due_at < now else "",
            labels["next_due"],
            card.due_day,
        )
    amount = ""
    if card.expected_amount is not None:
        amount = format_html(
            '<span class="text-green" title="{}">{}</span>',
            labels["expected"],
            money_text(card.expected_amount),
        )
    close = ""
    if card.expected_close_on:
        close = format_html(
            '<span class="{}" title="{}"><i class="ti ti-flag"></i> {}</span>',
            "text-danger" if card.expected_close_on < today else "text-secondary",
            labels["close_on"],
            card.expected_close_on.strftime("%m-%d"),
        )
    return format_html(
        '<article class="card card-sm gx-card mb-2" data-customer="{id}" data-amount="{amount}">'
        '<div class="card-body p-2"><div class="d-flex align-items-start gap-2">'
        '<a href="{url}" class="fw-medium text-reset text-truncate">{name}</a>{grade}</div>'
        '<div class="small text-secondary d-flex gap-2 mt-1">'
        '<span><i class="ti ti-user"></i> {owner}</span>{due}</div>'
        '<div class="small d-flex flex-wrap align-items-center column-gap-2 mt-1">'
        "{amount_html}{close}"
        '<button type="button" class="btn btn-sm btn-ghost-secondary ms-auto px-1 py-0 '
        'gx-expect-btn" title="{edit}" aria-label="{edit}: {name}" hx-get="{edit_url}" '
        'hx-target="closest article" hx-swap="outerHTML">'
        '<i class="ti ti-currency-yuan"></i></button></div></div></article>\n',
        id=card.customer_id,
        amount="" if card.expected_amount is None else card.expected_amount,
        url=customer_url(card.customer_id),
        name=card.name,
        grade=grade,
        owner=card.owner or "—",
        due=due,
        amount_html=amount,
        close=close,
        edit=labels["edit"],
        edit_url=expectation_url(card.customer_id),
    )
