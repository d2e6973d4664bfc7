"""Small request helpers every app's views share."""

import functools
from collections.abc import Callable, Collection, Mapping
from typing import IO, Any, Protocol, Self

from django.contrib import messages
from django.db.models import Model
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from guanxi.core.errors import SHOWN_ON_FORM, DomainError, ValidationFailed
from guanxi.core.forms import form_add_errors
from guanxi.core.pagination import Page

_ID_PLACEHOLDER = 918273645

# What a form page does with a valid form: save its cleaned data, answer the success message.
type SaveForm = Callable[[dict[str, Any]], str]


@functools.cache
def _id_url_parts(name: str) -> tuple[str, str]:
    head, _found, tail = reverse(name, args=[_ID_PLACEHOLDER]).partition(str(_ID_PLACEHOLDER))
    return head, tail


def id_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL of one integer id, reversed once per name and
    completed with the id: `reverse` costs ~25 µs, and a board or a list has hundreds of such
    links."""
    head, tail = _id_url_parts(name)
    return f"{head}{int(pk)}{tail}"


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def query_without(request: HttpRequest, name: str) -> str:
    """The page's query string without `name` (the paging parameter), for the links that
    page on with the same filters."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def page_or_partial(request: HttpRequest, template: str, *, target: str, partial: str) -> str:
    """The template to render: only the page's `partial` when htmx swaps just the element
    `target` (a search refreshing its results), else the whole page."""
    if is_htmx(request) and request.headers.get("HX-Target") == target:
        return f"{template}#{partial}"
    return template


def render_form(
    request: HttpRequest, template: str, context: dict, *, form: BaseForm
) -> HttpResponse:
    """`template` showing `form` (as "form" in `context`): 422 when the form shows errors, so
    that a client (and a test) sees the POST was refused."""
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


def render_form_page(
    request: HttpRequest,
    *,
    title: str,
    form: BaseForm,
    submit: str,
    cancel_url: str,
    extra: dict | None = None,
) -> HttpResponse:
    """A page with one form, a submit and a cancel button (422 when it shows errors)."""
    context = {"title": title, "submit": submit, "cancel_url": cancel_url, **(extra or {})}
    return render_form(request, "form_page.html", context, form=form)


def form_result[T](
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict], T],
    *,
    refused: tuple[type[DomainError], ...] = (ValidationFailed,),
) -> T | None:
    """What `save(cleaned_data)` answers (the record it saved) for a POSTed, valid form; None
    when the form was not POSTed or not valid, or when a refusal in `refused` stopped `save`:
    the refusal then shows on the form like the form's own errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except refused as error:
        form_add_errors(form, error)
        return None


def form_saved(
    request: HttpRequest,
    form: BaseForm,
    save: SaveForm,
    *,
    refused: tuple[type[DomainError], ...] = (ValidationFailed,),
) -> bool:
    """Whether a POSTed form was valid and saved: `save(cleaned_data)` ran and the message it
    answers is queued for the next page. A refusal in `refused` from it shows on the form like
    the form's own errors."""
    done = form_result(request, form, save, refused=refused)
    if done is None:
        return False
    messages.success(request, done)
    return True


def redirect_to_saved(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Model],
    *,
    done: str,
    detail: str,
    refused: tuple[type[DomainError], ...] = SHOWN_ON_FORM,
) -> HttpResponse | None:
    """For a POSTed, valid form whose `save(cleaned_data)` makes or changes a record: to the
    record's page (`detail`, a URL name taking its id) with the message `done`. None when the
    form was not POSTed or not valid, or when a refusal in `refused` stopped `save` (it then
    shows on the form): the view shows the form again."""
    record = form_result(request, form, save, refused=refused)
    if record is None:
        return None
    messages.success(request, done)
    return redirect(detail, record.pk)


def save_form[T](form: BaseForm, save: Callable[[], T]) -> tuple[T | None, int]:
    """For a bound, valid `form`: (what `save()` saved, 200). Else (None, the status of the page
    that shows the form again): 200 for a form not sent, 422 for its own errors, the refusal's
    (422, 409) when the service refused `save()`; the refusal then shows on the form."""
    if not form.is_bound:
        return None, 200
    if not form.is_valid():
        return None, 422
    try:
        return save(), 200
    except SHOWN_ON_FORM as exc:
        form_add_errors(form, exc)
        return None, exc.status_code


def form_page(
    request: HttpRequest,
    *,
    form: BaseForm,
    save: SaveForm,
    back: str,
    title: str,
    submit: str,
    extra: dict | None = None,
    refused: tuple[type[DomainError], ...] = (ValidationFailed,),
) -> HttpResponse:
    """A create or edit page with one form. A valid POST runs `save(cleaned_data)` and goes
    back to `back` (a URL or URL name) with the message `save` answers; a refusal in
    `refused` from it shows on the form like the form's own errors (422)."""
    if form_saved(request, form, save, refused=refused):
        return redirect(back)
    return render_form_page(
        request,
        title=title,
        form=form,
        submit=submit,
        cancel_url=resolve_url(back),
        extra=extra,
    )


def action_then_back(
    request: HttpRequest,
    action: Callable[[], str],
    *,
    back: str,
    refused: tuple[type[DomainError], ...] = (ValidationFailed,),
) -> HttpResponse:
    """A POST button of a list page (delete, switch on or off): run `action()` and go back to
    `back` (a URL or URL name) with the message it answers, or, when a domain rule in
    `refused` stopped it (nothing changed), with that refusal as an error message."""
    try:
        done = action()
    except refused as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(back)


def lazy_panel_html(request: HttpRequest, *, panel_id: str, title: str, url: str) -> str:
    """A panel's placeholder that htmx replaces with `url` when it scrolls into view: a page
    carries panels that are not read first at no cost. Without JavaScript, a link."""
    return render_to_string(
        "includes/lazy_panel.html",
        {"panel_id": panel_id, "title": title, "url": url},
        request=request,
    )


def capped_list_html(
    request: HttpRequest,
    template: str,
    counted: tuple[int, bool, list],
    *,
    target: Any,
    **extra: Any,
) -> str:
    """A short list under a capped count (a work list's "due today"), from `counted`: the
    count, whether it stopped at its cap, the first rows. Nothing when the count is 0; else
    `template` with them, `more` when there are more than the rows shown, and `target`, the
    user whose list it is."""
    count, capped, rows = counted
    if not count:
        return ""
    context = {"count": count, "capped": capped, "rows": rows, "more": capped or count > len(rows)}
    return render_to_string(template, {**context, "target": target, **extra}, request=request)


def panel_response(
    request: HttpRequest, template: str, context: dict, *, title: str, back_url: str
) -> HttpResponse:
    """A lazily loaded panel: the fragment for htmx, or the same panel on a page of its own
    (the placeholder's link without JavaScript)."""
    if is_htmx(request):
        return render(request, template, context)
    page = {**context, "panel_template": template, "title": title, "back_url": back_url}
    return render(request, "panel_page.html", page)


def notice_text(exc: DomainError) -> str:
    """A refusal as one line above the page (where no form field can show it): its field
    messages, else its message."""
    details = [str(m) for messages_ in exc.field_errors.values() for m in messages_]
    return " ".join(details) if details else str(exc.message)


def or_notice[T](request: HttpRequest, read: Callable[[], T], fallback: Callable[[], T]) -> T:
    """`read()`, or `fallback()` with the refusal as an error message when the query is
    refused (a bad filter, a stale page link): a list page shows what it can rather than an
    error."""
    try:
        return read()
    except ValidationFailed as exc:
        messages.error(request, notice_text(exc))
        return fallback()


class FromParams(Protocol):
    """Filters read from a query string (`from_params`) that mean "no filter" when made bare."""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Self: ...


def filters_from_query[F: FromParams](request: HttpRequest, filters: type[F]) -> F:
    """The list's `filters` as the query string gives them, or none with the refusal as a notice
    when the query is refused (a mistyped link): the list shows what it can."""
    return or_notice(request, lambda: filters.from_params(request.GET), filters)


def page_from_query[T](request: HttpRequest, read: Callable[..., T]) -> T:
    """`read(cursor=…)` for the page the link `?after=` names, or the first page with a
    notice when the link is no longer valid."""
    return or_notice(request, lambda: read(cursor=request.GET.get("after") or None), read)


def next_page_url(params: Mapping[str, Any], cursor: str | None) -> str | None:
    """The link to the page after `cursor` with the same filters `params`, None on the last."""
    return "?" + urlencode({**params, "after": cursor}) if cursor else None


def form_post(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], object],
    *,
    done: str | Callable[[Any], str],
    back: str,
    refused: Callable[[BaseForm], HttpResponse],
    elsewhere: Collection[str] = (),
    noticed: tuple[type[DomainError], ...] = (),
) -> HttpResponse:
    """A form posted from a record's page (a step, closing, reassigning): when it is valid
    and `action(cleaned_data)` is accepted, back to `back` with `done` (or `done(result)`);
    else the page again from `refused(form)` with the refusal next to its fields and above
    the page. Errors in `noticed` (a permission) show only above the page."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except SHOWN_ON_FORM as exc:
            form_add_errors(form, exc, elsewhere=elsewhere)
            messages.error(request, notice_text(exc))
        except noticed as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(back)
    return refused(form)


def file_download(
    file: IO[bytes], *, filename: str, content_type: str, cache: str = "no-store"
) -> FileResponse:
    """`file` sent as the attachment `filename`. An export or a customer's file holds personal
    data, so no cache keeps a copy by default."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = cache
    return response


def rows_after[T](request: HttpRequest, read: Callable[..., Page[T]]) -> tuple[list[T], str | None]:
    """The rows and the next cursor of the page the link `?after=` names, or no rows when
    the link is no longer valid (htmx's "more" under a list that has changed meanwhile)."""
    try:
        page = read(cursor=request.GET.get("after"))
    except ValidationFailed:
        return [], None
    return page.items, page.next_cursor


def more_rows_context[T](
    request: HttpRequest, read: Callable[..., Page[T]], *, name: str
) -> dict[str, Any]:
    """The part of a list's context that htmx's "more" pages on: the rows of the page the link
    `?after=` names (as `name`), the cursor of the rows after them, and the query string that
    keeps the list's filters on the "more" link."""
    rows, next_cursor = rows_after(request, read)
    return {name: rows, "next_cursor": next_cursor, "query": query_without(request, "after")}


def rows_or_page(request: HttpRequest, page: str, rows: str) -> str:
    """The template of a list: only its `rows` for htmx's "more" (a request with `?after=`),
    else the whole `page`."""
    return rows if is_htmx(request) and request.GET.get("after") else page
