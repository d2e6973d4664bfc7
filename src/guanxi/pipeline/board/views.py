"""Pages of the pipeline board (INT-8). Thin: parse, call one selector or service, render."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.core.errors import DomainError, NotFound, ValidationFailed
from guanxi.core.http import query_without
from guanxi.core.pagination import parse_id
from guanxi.customers.models import Customer
from guanxi.pipeline.board import selectors
from guanxi.pipeline.board.forms import BoardFilterForm
from guanxi.pipeline.errors import error_text
from guanxi.pipeline.models import Stage
from guanxi.pipeline.prospects.services import prospect_set_stage


def _stage(code: str) -> Stage:
    stage = Stage.objects.filter(code=code).first()
    if stage is None:
        raise NotFound(_("Unknown stage."))
    return stage


@login_required
@require_GET
def board(request):
    form = BoardFilterForm(request.GET or None, user=request.user)
    columns = selectors.board_columns_for_user(user=request.user, filters=form.to_filters())
    return render(
        request,
        "pipeline/board.html",
        {"form": form, "columns": columns, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def board_column(request, stage):
    stage_row = _stage(stage)
    form = BoardFilterForm(request.GET, user=request.user)
    try:
        column = selectors.board_column_page(
            user=request.user,
            stage=stage_row,
            filters=form.to_filters(),
            cursor=request.GET.get("cursor"),
        )
    except ValidationFailed:
        column = selectors.BoardColumn(stage=stage_row)
    query = query_without(request, "cursor")
    return render(
        request,
        "pipeline/board_cards.html",
        {"column": column, "query": query},
    )


@login_required
@require_GET
def board_column_count(request, stage):
    """The capped count of a column longer than a slice, loaded by the board after the page
    (like /customers/count/): the badge that replaces the placeholder."""
    stage_row = _stage(stage)
    form = BoardFilterForm(request.GET, user=request.user)
    column = selectors.BoardColumn(stage=stage_row)
    column.count, column.count_capped, column.amount = selectors.board_column_count(
        user=request.user, stage=stage_row, filters=form.to_filters()
    )
    return render(request, "pipeline/board_count.html", {"column": column})


@login_required
@require_POST
def board_move(request):
    """A card dropped on another column: set the stage, answer with the stage's guidance.
    The board's script reads the error of a refused move as JSON."""
    customer_id = parse_id(request.POST.get("customer", ""))
    customer = None
    if customer_id is not None:
        customer = Customer.objects.visible_to(request.user).filter(pk=customer_id).first()
    if customer is None:
        return JsonResponse({"error": _("Not found, or you may not see it.")}, status=404)
    stage = Stage.objects.filter(code=request.POST.get("stage", "")).first()
    if stage is None:
        return JsonResponse({"error": _("Unknown stage.")}, status=400)
    try:
        prospect_set_stage(actor=request.user, customer=customer, stage=stage)
    except DomainError as exc:
        return JsonResponse({"error": error_text(exc)}, status=exc.status_code)
    return render(request, "pipeline/board_guidance.html", _guidance(stage, customer))


def _guidance(stage: Stage, customer) -> dict:
    def lines(name):
        return [line.strip() for line in stage.text(name).splitlines() if line.strip()]

    return {
        "stage": stage,
        "customer": customer,
        "definition": stage.text("definition"),
        "signals": lines("signals"),
        "questions": lines("questions"),
        "push_methods": lines("push_methods"),
    }
