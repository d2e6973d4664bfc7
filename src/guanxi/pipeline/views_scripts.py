"""Pages of the script library (话术库, SRV-2). Thin: parse, call a service or selector, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from guanxi.pipeline import scripts
from guanxi.pipeline.models import Objection, Stage

# What a vote button sends: the vote it asks for ("" withdraws the user's vote).
_VOTES = {"helpful": True, "unhelpful": False, "": None}


def _stage_choices():
    return [("", gettext_lazy("Any stage"))] + [
        (s.code, str(s)) for s in Stage.objects.order_by("order")
    ]


class ScriptFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=scripts.QUERY_MAX,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": gettext_lazy("Search scripts")}
        ),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Objection type"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", gettext_lazy("All types")), *Objection.Type.choices]
        self.fields["stage"].choices = _stage_choices()

    def values(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"q": "", "objection_type": "", "stage": ""}
        data = self.cleaned_data
        return {"q": data["q"], "objection_type": data["type"], "stage": data["stage"]}


class ScriptForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=scripts.TITLE_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    objection_type = forms.ChoiceField(
        label=gettext_lazy("Objection type"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Script"),
        max_length=scripts.BODY_MAX,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objection_type"].choices = [
            ("", gettext_lazy("Any objection")),
            *Objection.Type.choices,
        ]
        self.fields["stage"].choices = _stage_choices()


def _apply_errors(form, exc: DomainError) -> None:
    for name, field_messages in (exc.field_errors or {}).items():
        target = name if name in form.fields else None
        for message in field_messages:
            form.add_error(target, str(message))
    if not exc.field_errors:
        form.add_error(None, str(exc.message))


def _get_script(script_id, *, include_inactive=False):
    try:
        return scripts.script_get(script_id, include_inactive=include_inactive)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def _require_manager(request):
    if not scripts.can_manage_scripts(request.user):
        raise HttpForbidden


# ---------------------------------------------------------------- list


@login_required
@require_GET
def script_list(request):
    form = ScriptFilterForm(request.GET or None)
    rows = scripts.script_votes_for_user(request.user, scripts.script_search(**form.values()))
    context = {
        "form": form,
        "scripts": rows,
        "can_manage": scripts.can_manage_scripts(request.user),
        "limit": scripts.SEARCH_LIMIT,
    }
    template = "pipeline/scripts/list.html"
    if request.headers.get("HX-Request") == "true" and (
        request.headers.get("HX-Target") == "script-results"
    ):
        template = "pipeline/scripts/list.html#results"
    return render(request, template, context)


@login_required
@require_POST
def script_vote(request, script_id: int):
    """Set the user's vote (vote=helpful|unhelpful) or withdraw it (vote=""); one vote per
    user and script. Answers the buttons' fragment to htmx, else back to the library."""
    script = _get_script(script_id)
    choice = request.POST.get("vote", "")
    if choice not in _VOTES:
        return HttpResponseBadRequest(_("Choose helpful or not helpful."))
    try:
        script = scripts.script_vote(actor=request.user, script=script, helpful=_VOTES[choice])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc.message)) from exc
    if request.headers.get("HX-Request") == "true":
        return render(request, "pipeline/scripts/_helpful.html", {"script": script})
    return redirect("pipeline:scripts")


# ---------------------------------------------------------------- create / edit


def _edit_page(request, *, form, script=None, status=200):
    return render(
        request,
        "pipeline/scripts/form.html",
        {"form": form, "script": script},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def script_create(request):
    _require_manager(request)
    if request.method == "GET":
        initial = {
            "objection_type": request.GET.get("type", "")[:12],
            "stage": request.GET.get("stage", "")[:10],
        }
        return _edit_page(request, form=ScriptForm(initial=initial))
    form = ScriptForm(request.POST)
    if form.is_valid():
        try:
            scripts.script_create(actor=request.user, data=form.cleaned_data)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            raise HttpForbidden(str(exc.message)) from exc
        else:
            messages.success(request, _("The script was added to the library."))
            return redirect("pipeline:scripts")
    return _edit_page(request, form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def script_edit(request, script_id: int):
    _require_manager(request)
    script = _get_script(script_id)
    if request.method == "GET":
        initial = {
            "title": script.title,
            "body": script.body,
            "objection_type": script.objection_type,
            "stage": script.stage.code if script.stage else "",
        }
        return _edit_page(request, form=ScriptForm(initial=initial), script=script)
    form = ScriptForm(request.POST)
    if form.is_valid():
        try:
            scripts.script_update(actor=request.user, script=script, data=form.cleaned_data)
        except ValidationFailed as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            raise HttpForbidden(str(exc.message)) from exc
        else:
            messages.success(request, _("The script was saved."))
            return redirect("pipeline:scripts")
    return _edit_page(request, form=form, script=script, status=422)


@login_required
@require_POST
def script_deactivate(request, script_id: int):
    _require_manager(request)
    script = _get_script(script_id)
    try:
        scripts.script_deactivate(actor=request.user, script=script)
    except PermissionDenied as exc:
        raise HttpForbidden(str(exc.message)) from exc
    messages.success(request, _("The script was removed from the library."))
    return redirect("pipeline:scripts")


# ---------------------------------------------------------------- suggestions


@login_required
@require_GET
def script_suggest(request):
    """The fragment the follow-up form loads when an objection type is chosen:
    /pipeline/scripts/suggest/?type=price&stage=s2"""
    kind = request.GET.get("type", "")[:12]
    stage = request.GET.get("stage", "")[:10]
    rows = scripts.script_suggest(kind, stage or None)
    return render(
        request,
        "pipeline/scripts/_suggest.html",
        {"scripts": rows, "objection_type": kind, "stage": stage},
    )
