"""A list's filters read from its query string and written back into one, the same way for
every list (回访, complaints …): a value that is not one of the choices is a field error,
not an empty list, so a mistyped link says what is wrong."""

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import invalid_field
from guanxi.core.pagination import parse_id


def id_param(params: Mapping[str, Any], name: str) -> int | None:
    """The id in `params[name]`; None when it is absent or empty."""
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise invalid_field(name, _("Not a valid choice."))
    return value


def choice_param(params: Mapping[str, Any], name: str, values: Collection[str]) -> str:
    """One of `values` in `params[name]`; "" when it is absent or empty."""
    raw = str(params.get(name) or "").strip()
    if raw and raw not in values:
        raise invalid_field(name, _("Not a valid choice."))
    return raw


def status_param(params: Mapping[str, Any], values: Collection[str], *, default: str) -> str:
    """The "status" filter: absent means `default` (a list opens on the open ones), "all"
    every status, which is ""."""
    raw = params.get("status")
    status = default if raw is None else str(raw).strip()
    if status == "all":
        return ""
    if status and status not in values:
        raise invalid_field("status", _("Not a valid choice."))
    return status


def given_params(params: Mapping[str, str]) -> dict[str, str]:
    """`params` without the empty ones, for a link that keeps the filters chosen."""
    return {key: value for key, value in params.items() if value}
