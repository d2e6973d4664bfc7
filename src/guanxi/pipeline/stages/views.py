"""The stage administration page: the stages with their cadence and guidance, and loading a
shipped guidance set (pipeline.manage_stages). Thin: parse, call, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from guanxi.accounts.decorators import permission_required
from guanxi.core.errors import ValidationFailed
from guanxi.pipeline.errors import error_text
from guanxi.pipeline.permissions import MANAGE_STAGES
from guanxi.pipeline.stages import selectors, services


@permission_required(MANAGE_STAGES)
@require_GET
def stage_admin(request):
    stages = selectors.stages_for_admin()
    return render(
        request,
        "pipeline/stages/admin.html",
        {
            "stages": stages,
            "guidance_sets": selectors.guidance_set_choices(),
            "current_set": selectors.guidance_set_current(stages=stages),
        },
    )


@permission_required(MANAGE_STAGES)
@require_POST
def stage_guidance_load(request):
    try:
        changed = services.stage_guidance_load(
            actor=request.user, set_key=request.POST.get("guidance_set", "")
        )
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        if changed:
            messages.success(
                request,
                ngettext(
                    "Guidance loaded into %(n)d stage.",
                    "Guidance loaded into %(n)d stages.",
                    len(changed),
                )
                % {"n": len(changed)},
            )
        else:
            messages.info(request, _("The stages already have this guidance."))
    return redirect("pipeline:stage_admin")
