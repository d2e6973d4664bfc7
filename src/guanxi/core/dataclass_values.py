"""A dataclass's values by field name, for the services whose input dataclass ("…New",
"…Data") names the columns of the row they write."""

from collections.abc import Collection
from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def dataclass_values(obj: "DataclassInstance", *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """{field name: value} of `obj`, without the fields in `exclude` (those the service
    cleans or computes itself). Shallow, unlike dataclasses.asdict, which would copy the
    model instances it holds."""
    return {spec.name: getattr(obj, spec.name) for spec in fields(obj) if spec.name not in exclude}
