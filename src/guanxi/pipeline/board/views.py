"""Pages of the pipeline board (INT-8). Thin: parse, call one selector or service, render."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import DomainError, NotFound, ValidationFailed, found
from guanxi.core.forms import form_add_errors
from guanxi.core.http import query_without
from guanxi.core.pagination import parse_id
from guanxi.customers.models import Customer
from guanxi.pipeline.board import selectors
from guanxi.pipeline.board.forms import BoardFilterForm
from guanxi.pipeline.errors import error_text
from guanxi.pipeline.models import Stage
from guanxi.pipeline.prospects.forms import ExpectationForm
from guanxi.pipeline.prospects.services import prospect_set_expectation, prospect_set_stage


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


@login_required
@require_http_methods(["GET", "POST"])
def board_card_expectation(request, customer_id):
    """A card's expected amount and close date, edited on the card (htmx): GET the small
    form, POST it; the answer is the card as it now is, and an event with the old and new
    amount so the board moves the column's sum."""
    card = found(selectors.board_card(user=request.user, customer_id=customer_id))
    if request.method == "GET" and "cancel" in request.GET:
        return _card(request, card)
    initial = {"expected_amount": card.expected_amount, "expected_close_on": card.expected_close_on}
    form = ExpectationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        customer = Customer.objects.get(pk=customer_id)
        try:
            prospect_set_expectation(
                actor=request.user,
                customer=customer,
                expected_amount=form.cleaned_data["expected_amount"],
                expected_close_on=form.cleaned_data["expected_close_on"],
            )
        except ValidationFailed as error:
            form_add_errors(form, error)
        else:
            updated = selectors.board_card(user=request.user, customer_id=customer_id)
            response = _card(request, updated or card)
            change = {
                "customer": customer_id,
                "from": str(card.expected_amount or "0"),
                "to": str((updated or card).expected_amount or "0"),
            }
            response["HX-Trigger"] = json.dumps({"gx-expectation": change})
            return response
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "pipeline/board_expectation_form.html",
        {"form": form, "card": card},
        status=status,
    )


def _card(request, card: selectors.Card) -> HttpResponse:
    column = selectors.BoardColumn(stage=Stage(), cards=[card])
    return render(request, "pipeline/board_card_list.html", {"column": column})


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
