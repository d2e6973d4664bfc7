"""What the api modules share between their operations, beyond the schema types
(`core.schemas`): views made by a factory, bodies handed to services, records a request
names by id.

Where several operations of a router differ only in their path, body schema, service and
summary (a record's status actions, say), one small factory in the api module makes the view
and `endpoint_view` gives it what django-ninja reads off a hand-written function: the name,
from which it derives the operation id and the URL name, and the type of the `payload`
parameter, from which it takes the request body's schema. So the OpenAPI document, the URL
names and the clients generated from them stay what separate functions gave.

    def _action(action: str, body: type[Schema], service: Callable[..., Any]) -> None:
        def view(request, complaint_id: int, payload: Schema) -> dict[str, Any]:
            service(actor=request.auth, complaint_id=complaint_id, **payload.model_dump())
            return _detail(request, complaint_id)

        router.post(f"/complaints/{{int:complaint_id}}/{action}", response=DetailOut)(
            endpoint_view(view, name=service.__name__, payload=body)
        )
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Manager, Model, QuerySet
from ninja import Schema

from guanxi.core.errors import DomainError, ValidationFailed


def endpoint_view[F: Callable[..., Any]](
    view: F, *, name: str, payload: type | None = None, module: str | None = None
) -> F:
    """`view` named `name`, with its `payload` parameter of type `payload` when given, and
    of the api module `module` when it was made elsewhere (the operation id carries the
    module's name too)."""
    view.__name__ = view.__qualname__ = name
    if module is not None:
        view.__module__ = module
    if payload is not None:
        view.__annotations__ = {**view.__annotations__, "payload": payload}
    return view


def service_arguments(payload: Schema) -> dict[str, Any]:
    """A request body as keyword arguments of its service. The API names a referenced
    record's field `<record>_id`, the services take `<record>` (the record or its id), so
    only where that holds for every field may a body go to its service this way."""
    return {name.removesuffix("_id"): value for name, value in payload.model_dump().items()}


def referenced[M: Model](
    rows: Manager[M] | QuerySet[M],
    pk: int | None,
    *,
    field: str,
    message: Any,
    error: type[DomainError] = ValidationFailed,
) -> M | None:
    """The record among `rows` that a request names by id in `field`, None when it names
    none. An id that matches nothing is the caller's error on that field (422, or `error`),
    not a 404 of the path's own record."""
    if pk is None:
        return None
    record = rows.filter(pk=pk).first()
    if record is None:
        raise error(field_errors={field: [message]})
    return record
