"""Pages of the script library (话术库, SRV-2). Thin: parse, call a service or selector, render.
A missing script answers 404 and a refused change 403 by themselves (core.errors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.core.errors import PermissionDenied
from guanxi.core.http import form_saved, is_htmx, page_or_partial, render_form
from guanxi.pipeline.scripts import selectors, services
from guanxi.pipeline.scripts.forms import ScriptFilterForm, ScriptForm

# What a vote button sends: the vote it asks for ("" withdraws the user's vote).
_VOTES = {"helpful": True, "unhelpful": False, "": None}


def _require_manager(request):
    if not selectors.can_manage_scripts(user=request.user):
        raise PermissionDenied


# ---------------------------------------------------------------- list


@login_required
@require_GET
def script_list(request):
    form = ScriptFilterForm(request.GET or None)
    rows = selectors.script_votes_for_user(
        user=request.user, rows=selectors.script_search(**form.values())
    )
    context = {
        "form": form,
        "scripts": rows,
        "can_manage": selectors.can_manage_scripts(user=request.user),
        "limit": selectors.SEARCH_LIMIT,
    }
    template = page_or_partial(
        request, "pipeline/scripts/list.html", target="script-results", partial="results"
    )
    return render(request, template, context)


@login_required
@require_POST
def script_vote(request, script_id: int):
    """Set the user's vote (vote=helpful|unhelpful) or withdraw it (vote=""); one vote per
    user and script. Answers the buttons' fragment to htmx, else back to the library."""
    script = selectors.script_get(script_id=script_id)
    choice = request.POST.get("vote", "")
    if choice not in _VOTES:
        return HttpResponseBadRequest(_("Choose helpful or not helpful."))
    script = services.script_vote(actor=request.user, script=script, helpful=_VOTES[choice])
    if is_htmx(request):
        return render(request, "pipeline/scripts/_helpful.html", {"script": script})
    return redirect("pipeline:scripts")


# ---------------------------------------------------------------- create / edit


def _edit_page(request, form, script=None):
    return render_form(request, "pipeline/scripts/form.html", {"script": script}, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def script_create(request):
    _require_manager(request)
    if request.method == "GET":
        initial = {
            "objection_type": request.GET.get("type", "")[:12],
            "stage": request.GET.get("stage", "")[:10],
        }
        return _edit_page(request, ScriptForm(initial=initial))

    def save(data):
        services.script_create(actor=request.user, data=data)
        return _("The script was added to the library.")

    form = ScriptForm(request.POST)
    if form_saved(request, form, save):
        return redirect("pipeline:scripts")
    return _edit_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def script_edit(request, script_id: int):
    _require_manager(request)
    script = selectors.script_get(script_id=script_id)
    if request.method == "GET":
        initial = {
            "title": script.title,
            "body": script.body,
            "objection_type": script.objection_type,
            "stage": script.stage.code if script.stage else "",
        }
        return _edit_page(request, ScriptForm(initial=initial), script)

    def save(data):
        services.script_update(actor=request.user, script=script, data=data)
        return _("The script was saved.")

    form = ScriptForm(request.POST)
    if form_saved(request, form, save):
        return redirect("pipeline:scripts")
    return _edit_page(request, form, script)


@login_required
@require_POST
def script_deactivate(request, script_id: int):
    _require_manager(request)
    script = selectors.script_get(script_id=script_id)
    services.script_deactivate(actor=request.user, script=script)
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
    rows = selectors.script_suggest(objection_type=kind, stage=stage or None)
    return render(
        request,
        "pipeline/scripts/_suggest.html",
        {"scripts": rows, "objection_type": kind, "stage": stage},
    )
