"""API operations made from a table instead of written out one by one.

Where several operations of a router differ only in their path, body schema, service and
summary (a record's status actions, say), one small factory in the api module makes the view
and `endpoint_view` gives it what django-ninja reads off a hand-written function: the name,
from which it derives the operation id and the URL name, and the type of the `payload`
parameter, from which it takes the request body's schema. So the OpenAPI document, the URL
names and the clients generated from them stay what separate functions gave.

    def _action(name: str, body: type[Schema], service: Callable[..., Any]) -> Callable:
        def action(request, complaint_id: int, payload: Schema) -> dict[str, Any]:
            service(actor=request.auth, complaint_id=complaint_id, **payload.model_dump())
            return _detail(request, complaint_id)

        return endpoint_view(action, name=name, payload=body)
"""

from collections.abc import Callable
from typing import Any

from ninja import Schema


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
