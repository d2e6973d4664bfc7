"""Pages of the pipeline board (INT-8), the funnel (ACQ-4) and team supervision (INT-9).
Thin: parse, call one selector or service, render. Domain errors become messages."""

import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.permissions import EXPORT
from guanxi.accounts.selectors import departments_in_scope, user_can, users_in_scope
from guanxi.core.audit import audit_record
from guanxi.core.errors import DomainError, ValidationFailed
from guanxi.core.models import AuditLog
from guanxi.customers.models import Source, Tag
from guanxi.customers.scope import visible_customers
from guanxi.pipeline import board as board_selectors
from guanxi.pipeline.funnel import default_period, funnel_figures
from guanxi.pipeline.models import Grade, Stage
from guanxi.pipeline.team import (
    ACTIVITY_DAYS,
    JUDGEMENT_WINDOW_DAYS,
    MOVES_DAYS,
    RELEASE_DAYS,
    REVERSAL_DAYS,
    supervises_others,
    team_overview,
)

# ---------------------------------------------------------------- forms


class _ScopedChoices(forms.Form):
    def _int(self, name):
        value = self.cleaned_data.get(name) if self.is_valid() else None
        return int(value) if value else None


class BoardFilterForm(_ScopedChoices):
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    department = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), required=False)
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        self.fields["owner"].choices = anyone + [(u.pk, str(u)) for u in users_in_scope(user)]
        self.fields["department"].choices = anyone + [
            (d.pk, str(d)) for d in departments_in_scope(user)
        ]
        self.fields["grade"].choices = anyone + [c for c in Grade.choices if c[0]]
        self.fields["source"].choices = anyone + [
            (s.pk, str(s)) for s in Source.objects.filter(is_active=True)
        ]
        self.fields["tag"].choices = anyone + [(t.pk, t.name) for t in Tag.objects.all()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def to_filters(self) -> board_selectors.BoardFilters:
        return board_selectors.BoardFilters(
            owner=self._int("owner"),
            department=self._int("department"),
            grade=(self.cleaned_data.get("grade") or "") if self.is_valid() else "",
            source=self._int("source"),
            tag=self._int("tag"),
        )


class FunnelForm(_ScopedChoices):
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    owner = forms.ChoiceField(label=gettext_lazy("Consultant"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        self.fields["owner"].choices = anyone + [(u.pk, str(u)) for u in users_in_scope(user)]
        self.fields["source"].choices = anyone + [(s.pk, str(s)) for s in Source.objects.all()]
        for name in ("owner", "source"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def period(self):
        start, end = default_period()
        if self.is_valid():
            start = self.cleaned_data.get("start") or start
            end = self.cleaned_data.get("end") or end
        return start, end


# ---------------------------------------------------------------- board


@login_required
@require_GET
def board(request):
    form = BoardFilterForm(request.GET or None, user=request.user)
    columns = board_selectors.board_columns_for_user(request.user, form.to_filters())
    return render(
        request,
        "pipeline/board.html",
        {"form": form, "columns": columns, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def board_column(request, stage):
    stage_row = Stage.objects.filter(code=stage).first()
    if stage_row is None:
        raise Http404(_("Unknown stage."))
    form = BoardFilterForm(request.GET, user=request.user)
    try:
        column = board_selectors.board_column_page(
            request.user, stage_row, form.to_filters(), cursor=request.GET.get("cursor")
        )
    except ValidationFailed:
        column = board_selectors.BoardColumn(stage=stage_row)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "pipeline/board_cards.html",
        {"column": column, "query": query.urlencode()},
    )


@login_required
@require_GET
def board_column_count(request, stage):
    """The capped count of a column longer than a slice, loaded by the board after the page
    (like /customers/count/): the badge that replaces the placeholder."""
    stage_row = Stage.objects.filter(code=stage).first()
    if stage_row is None:
        raise Http404(_("Unknown stage."))
    form = BoardFilterForm(request.GET, user=request.user)
    column = board_selectors.BoardColumn(stage=stage_row)
    column.count, column.count_capped = board_selectors.board_column_count(
        request.user, stage_row, form.to_filters()
    )
    return render(request, "pipeline/board_count.html", {"column": column})


@login_required
@require_POST
def board_move(request):
    """A card dropped on another column: set the stage, answer with the stage's guidance."""
    from guanxi.pipeline import services

    try:
        customer_id = int(request.POST.get("customer", ""))
    except ValueError:
        customer_id = None
    customer = None
    if customer_id and 0 < customer_id < 2**63:
        customer = visible_customers(request.user).filter(pk=customer_id).first()
    if customer is None:
        return JsonResponse({"error": _("Not found, or you may not see it.")}, status=404)
    stage = Stage.objects.filter(code=request.POST.get("stage", "")).first()
    if stage is None:
        return JsonResponse({"error": _("Unknown stage.")}, status=400)
    try:
        services.prospect_set_stage(actor=request.user, customer=customer, stage=stage)
    except DomainError as exc:
        details = [str(m) for values in exc.field_errors.values() for m in values]
        message = " ".join(details) if details else str(exc.message)
        return JsonResponse({"error": message}, status=exc.status_code)
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


# ---------------------------------------------------------------- exports


def _xlsx(request, *, name: str, title: str, header: list, rows: list, detail: dict):
    from openpyxl import Workbook

    if not user_can(request.user, EXPORT):
        raise HttpForbidden(_("You may not export data."))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    workbook.save(output)
    output.seek(0)
    audit_record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        summary=f"{name}.xlsx: {len(rows)}",
        detail={**detail, "rows": len(rows), "format": "xlsx", "complete": True},
        request=request,
    )
    response = FileResponse(
        output,
        as_attachment=True,
        filename=f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


def _safe(value):
    """Keep spreadsheet programs from running cell text as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _percent(value):
    return None if value is None else round(value * 100, 1)


# ---------------------------------------------------------------- funnel


def _funnel(request):
    form = FunnelForm(request.GET or None, user=request.user)
    start, end = form.period()
    valid = form.is_valid()
    figures = funnel_figures(
        request.user,
        start=start,
        end=end,
        source=form._int("source") if valid else None,
        owner=form._int("owner") if valid else None,
    )
    return form, figures


@login_required
@require_GET
def funnel(request):
    form, figures = _funnel(request)
    chart = [{"name": str(row.stage), "value": row.reached} for row in figures["rows"]]
    return render(
        request,
        "pipeline/funnel.html",
        {
            "form": form,
            "figures": figures,
            "chart": chart,
            "query": request.GET.urlencode(),
            "can_export": user_can(request.user, EXPORT),
        },
    )


@login_required
@require_GET
def funnel_export(request):
    form, figures = _funnel(request)
    header = [_("Stage"), _("Customers reached"), _("Conversion to next (%)"), _("Median days")]
    rows = [
        [str(r.stage), r.reached, _percent(r.conversion), r.median_days]
        for r in figures["rows"] + figures["refused"]
    ]
    detail = {
        "filters": {k: str(v) for k, v in (form.cleaned_data if form.is_bound else {}).items()},
        "period": [str(figures["start"]), str(figures["end"])],
    }
    return _xlsx(request, name="funnel", title=_("Funnel"), header=header, rows=rows, detail=detail)


# ---------------------------------------------------------------- team


def _team(request):
    if not supervises_others(request.user):
        raise HttpForbidden(_("This page is for managers."))
    return team_overview(request.user)


def _team_context():
    return {
        "activity_days": ACTIVITY_DAYS,
        "moves_days": MOVES_DAYS,
        "release_days": RELEASE_DAYS,
        "reversal_days": REVERSAL_DAYS,
        "judgement_oldest": REVERSAL_DAYS + JUDGEMENT_WINDOW_DAYS,
    }


@login_required
@require_GET
def team(request):
    overview = _team(request)
    stages = overview["stages"]
    for row in overview["rows"]:
        row.pool_cells = [row.pool.get(stage.pk, 0) for stage in stages]
    chart = {
        "users": [str(row.user) for row in overview["rows"]],
        "series": [
            {"name": _("Tracked"), "data": [row.pool_total for row in overview["rows"]]},
            {"name": _("Overdue"), "data": [row.overdue for row in overview["rows"]]},
            {
                "name": _("Follow-ups / day"),
                "data": [row.followups_per_day for row in overview["rows"]],
            },
            {
                "name": _("Effective contacts / day"),
                "data": [row.effective_per_day for row in overview["rows"]],
            },
        ],
    }
    return render(
        request,
        "pipeline/team.html",
        {
            "overview": overview,
            "chart": chart,
            "can_export": user_can(request.user, EXPORT),
            **_team_context(),
        },
    )


@login_required
@require_GET
def team_export(request):
    overview = _team(request)
    stages = overview["stages"]
    header = [_("Consultant"), _("Department")]
    header += [str(stage) for stage in stages]
    header += [
        _("Tracked"),
        _("Overdue"),
        _("Follow-ups / day"),
        _("Effective contacts / day"),
        _("Moves forward"),
        _("Moves backward"),
        _("Releases"),
        _("Stage accuracy (%)"),
    ]
    rows = []
    for row in overview["rows"]:
        rows.append(
            [str(row.user), str(row.user.department or "")]
            + [row.pool.get(stage.pk, 0) for stage in stages]
            + [
                row.pool_total,
                row.overdue,
                row.followups_per_day,
                row.effective_per_day,
                row.forward,
                row.backward,
                row.releases,
                _percent(row.accuracy),
            ]
        )
    return _xlsx(request, name="team", title=_("Team"), header=header, rows=rows, detail={})
