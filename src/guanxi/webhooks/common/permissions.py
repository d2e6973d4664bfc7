"""Permissions the webhooks app adds to the roles' list (registered in wiring.connect). A
subscription sends data of every customer out of the house, so managing subscriptions, the
allow-list and the delivery log is one administrator's permission (seeing ≠ changing does
not apply: the log shows the payloads)."""

from django.utils.translation import gettext_lazy as _

MANAGE = "webhooks.manage"  # subscriptions, WeCom robots, allowed internal hosts, the log

ALL = {
    MANAGE: _("Manage webhooks, WeCom robots and their delivery log"),
}
