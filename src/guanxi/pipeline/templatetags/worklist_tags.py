"""Due dates as people say them: "overdue 3 days", "today 14:00" (in the user's zone)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.core.http import id_url

register = template.Library()


@register.filter
def due_label(value):
    if not value:
        return "—"
    local = timezone.localtime(value)
    today = timezone.localdate()
    days = (local.date() - today).days
    clock = local.strftime("%H:%M")
    if days < 0:
        return ngettext("overdue %(n)d day", "overdue %(n)d days", -days) % {"n": -days}
    if days == 0:
        return _("today %(time)s") % {"time": clock}
    if days == 1:
        return _("tomorrow %(time)s") % {"time": clock}
    return local.strftime("%m-%d ") + clock


@register.filter
def is_overdue(value):
    return bool(value) and timezone.localtime(value).date() < timezone.localdate()


@register.filter
def lines(value):
    return [line for line in (value or "").splitlines() if line.strip()]


@register.filter
def stage_text(stage, field):
    """The stage's guidance field in the active language (zh-hans, or English)."""
    return stage.text(field) if stage is not None else ""


@register.filter
def customer_url(customer_id):
    """The customer's 360 page; `reverse` once, not once per card of a long list."""
    return id_url("customers:detail", customer_id)


@register.filter
def expectation_url(customer_id):
    """A board card's expected amount and close date form (as `customer_url`)."""
    return id_url("pipeline:board_card_expectation", customer_id)
