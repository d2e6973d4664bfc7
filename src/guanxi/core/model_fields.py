"""The optional foreign key that the models of every app declare again and again.

A link a row may lack is NULL in the database and optional in forms; most such links have no
reverse accessor and leave the row in place when the linked row is deleted. One call says
that, with only what differs spelled out. It returns an ordinary field, created where the
model calls it: the model's columns, their order, its migrations and its forms stay as they
were when each field was written in full. The target is a model class, not a "app.Model"
string, so that type checkers know what the attribute holds."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def optional_fk[M: models.Model](
    to: type[M],
    verbose_name: "_StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = models.SET_NULL,
    related_name: str = "+",
    **options: Any,
) -> "models.ForeignKey[M | None, M | None]":
    """A foreign key to `to` that may be empty (NULL, and blank in forms)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
