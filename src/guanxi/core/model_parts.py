"""Parts of model declarations that the models of every app repeat with the same meaning: the
optional foreign key, the two indexes behind a data-scope filter, the unique Idempotency-Key.

Each returns an ordinary field, index or constraint, made where the model calls it: the
model's columns, their order, its indexes' names and its migrations stay as they were when
each part was written in full."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def optional_fk[M: models.Model](
    to: type[M],
    verbose_name: "_StrOrPromise | None" = None,
    *,
    on_delete: Callable[..., None] = models.SET_NULL,
    related_name: str | None = "+",
    **options: Any,
) -> "models.ForeignKey[M | None, M | None]":
    """A link a row may lack: NULL, and blank in forms. Most such links leave the row in place
    when the linked row is deleted and give the linked model no reverse accessor
    (`related_name=None` keeps Django's default one). The target is a class, not an
    "app.Model" string, so that type checkers know what the field holds: a link to "self", or
    to a model that cannot be imported where the link is declared, stays written out in full."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


def scope_indexes(prefix: str, *order: str, owner: str = "owner") -> list[models.Index]:
    """The data-scope filter (core.scope) is `owner IN (…) OR department IN (…)`: each side
    reads its own index, in the order the record's lists show (`order`). Named
    `<prefix>_<owner>_idx` and `<prefix>_dept_idx`."""
    return [
        models.Index(fields=[owner, *order], name=f"{prefix}_{owner}_idx"),
        models.Index(fields=["department", *order], name=f"{prefix}_dept_idx"),
    ]


def idempotency_key_unique(prefix: str, *, per: str) -> models.UniqueConstraint:
    """A request the API sends again with the same Idempotency-Key answers the row the first
    one wrote: one row per user (`per`) and key; rows written without a key are not limited."""
    return models.UniqueConstraint(
        fields=[per, "idempotency_key"],
        condition=Q(idempotency_key__isnull=False),
        name=f"{prefix}_idempotency_key",
    )
