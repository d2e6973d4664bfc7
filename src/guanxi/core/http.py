"""Small request helpers every app's views share."""

from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def render_form_page(
    request: HttpRequest,
    *,
    title: str,
    form: BaseForm,
    submit: str,
    cancel_url: str,
    extra: dict | None = None,
) -> HttpResponse:
    """A page with one form, a submit and a cancel button: 422 when it shows errors, so
    that a client (and a test) sees the POST was refused."""
    context = {"title": title, "form": form, "submit": submit, "cancel_url": cancel_url}
    context.update(extra or {})
    return render(request, "form_page.html", context, status=422 if form.errors else 200)
