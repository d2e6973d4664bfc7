"""The import's pages (INTG-1): upload → map → dry run → import with progress → result.
Thin: parse, call one service or selector, render."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.accounts.http import request_user
from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can, users_in_scope
from guanxi.core.errors import DomainError, PermissionDenied
from guanxi.core.forms import form_add_errors
from guanxi.imports.common.permissions import IMPORT_FOR_OTHERS
from guanxi.imports.models import ImportBatch
from guanxi.imports.spreadsheets import selectors, services
from guanxi.imports.spreadsheets.fields import import_fields
from guanxi.imports.spreadsheets.forms import MappingForm, UploadForm
from guanxi.sales.common.permissions import RECORD_HISTORY

OWNERS_SHOWN = 300


@login_required
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kinds = [ImportBatch.Kind.CUSTOMERS, ImportBatch.Kind.FOLLOWUPS]
    if user_can(user=user, permission=RECORD_HISTORY):
        kinds.append(ImportBatch.Kind.PURCHASES)
    form = UploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_upload(
                actor=user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"] or ImportBatch.Kind.CUSTOMERS,
            )
        except DomainError as exc:
            form_add_errors(form, exc)
        else:
            return redirect("imports:batch_detail", pk=batch.pk)
    context = {"form": form, "kinds": kinds, "batches": selectors.batch_list(user=user)}
    return render(request, "imports/spreadsheets/list.html", context)


def _mapping_form(request: HttpRequest, batch: ImportBatch) -> MappingForm:
    user = request_user(request)
    owners = []
    if user_can(user=user, permission=IMPORT_FOR_OTHERS):
        owners = list(users_in_scope(user=user).order_by("username")[:OWNERS_SHOWN])
    return MappingForm(
        request.POST if request.method == "POST" else None,
        batch=batch,
        fields=import_fields(batch.kind),
        owners=owners,
    )


@login_required
@require_http_methods(["GET", "POST"])
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping (before the import runs), the dry run's result, the progress, the result."""
    user = request_user(request)
    batch = selectors.batch_get_for_user(user=user, pk=pk)
    if request.method == "POST" and batch.owner_id != user.pk:
        raise PermissionDenied(_("Only the user who uploaded the file may change this import."))
    form = _mapping_form(request, batch)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_map(actor=user, batch=batch, data=form.to_input())
            batch = services.batch_check(actor=user, batch=batch)
        except DomainError as exc:
            form_add_errors(form, exc)
        else:
            return redirect("imports:batch_detail", pk=batch.pk)
    context = {
        "batch": batch,
        "form": form,
        "mine": batch.owner_id == user.pk,
        "mapping_open": batch.status in (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED),
        "preview": selectors.batch_preview(batch=batch),
        "templates": selectors.templates_of(user=user),
        "progress": selectors.batch_progress(batch=batch),
    }
    return render(request, "imports/spreadsheets/detail.html", context)


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card, polled by htmx while the batch runs (and after a reload)."""
    user = request_user(request)
    batch = selectors.batch_get_for_user(user=user, pk=pk)
    progress = selectors.batch_progress(batch=batch)
    context = {"batch": batch, "mine": batch.owner_id == user.pk, "progress": progress}
    response = render(request, "imports/spreadsheets/_progress.html", context)
    if not progress.running and request.GET.get("was") == "running":
        response["HX-Refresh"] = "true"  # the phase ended: the page shows its next step
    return response


def _batch_button(
    act: Callable[[HttpRequest, User, ImportBatch], None],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A button of the batch's page (POST): `act` on the batch the user may see, a refusal as
    a message, then back to the batch's page."""

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request_user(request)
        batch = selectors.batch_get_for_user(user=user, pk=pk)
        try:
            act(request, user, batch)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("imports:batch_detail", pk=pk)

    view.__name__ = view.__qualname__ = act.__name__
    return login_required(require_POST(view))


@_batch_button
def batch_start(request: HttpRequest, user: User, batch: ImportBatch) -> None:
    services.batch_start(actor=user, batch=batch)


@_batch_button
def batch_cancel(request: HttpRequest, user: User, batch: ImportBatch) -> None:
    services.batch_cancel(actor=user, batch=batch)
    messages.info(request, _("The import stops after the rows under way."))


@_batch_button
def batch_rollback(request: HttpRequest, user: User, batch: ImportBatch) -> None:
    count = services.batch_rollback(actor=user, batch=batch)
    if batch.kind == ImportBatch.Kind.CUSTOMERS:
        done = _("%(count)d customers moved to the recycle bin.")
    elif batch.kind == ImportBatch.Kind.FOLLOWUPS:
        done = _("%(count)d imported follow-ups removed.")
    else:
        done = _("%(count)d imported purchases removed.")
    messages.success(request, done % {"count": count})


@_batch_button
def batch_template(request: HttpRequest, user: User, batch: ImportBatch) -> None:
    chosen = request.POST.get("template", "")
    if not chosen.isdigit():
        raise Http404
    template = selectors.templates_of(user=user).filter(pk=int(chosen))
    if not template:
        raise Http404
    services.batch_apply_template(actor=user, batch=batch, template=template[0])


@login_required
@require_GET
def batch_report(request: HttpRequest, pk: int) -> FileResponse:
    """The rows not imported, with the reason, as .xlsx."""
    batch = selectors.batch_get_for_user(user=request_user(request), pk=pk)
    if not batch.report:
        raise Http404
    name = _("not-imported-%(file)s.xlsx") % {"file": batch.file_name.rsplit(".", 1)[0]}
    return FileResponse(batch.report.open("rb"), as_attachment=True, filename=name)
