"""The audit-log actions of the webhooks app, with the labels the audit page shows."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "webhooks.subscription_save": _("Saved a webhook subscription"),
    "webhooks.subscription_delete": _("Deleted a webhook subscription"),
    "webhooks.allowed_host": _("Changed the allowed internal hosts"),
    "webhooks.redeliver": _("Redelivered a webhook"),
}
