"""Writes of the stage administration page: load a shipped guidance set (issue 12 §4)."""

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import PermissionDenied, invalid_field
from guanxi.pipeline import audit_actions
from guanxi.pipeline.models import Stage
from guanxi.pipeline.permissions import MANAGE_STAGES
from guanxi.pipeline.stages.guidance import FIELDS, GUIDANCE_SETS


@transaction.atomic
def stage_guidance_load(*, actor: User, set_key: str) -> list[Stage]:
    """Write one of GUIDANCE_SETS into the stages' guidance text (both languages); names,
    order and cadence stay. Audited with the stages whose text changed."""
    if not user_can(user=actor, permission=MANAGE_STAGES):
        raise PermissionDenied(_("You may not manage the intention stages."))
    if set_key not in GUIDANCE_SETS:
        raise invalid_field("guidance_set", _("Choose a guidance set."))
    _label, rows = GUIDANCE_SETS[set_key]
    changed = []
    for stage in Stage.objects.select_for_update().filter(code__in=list(rows)).order_by("order"):
        fields = []
        for field in FIELDS:
            zh, en = rows[stage.code][field]
            if (getattr(stage, field), getattr(stage, f"{field}_en")) != (zh, en):
                setattr(stage, field, zh)
                setattr(stage, f"{field}_en", en)
                fields += [field, f"{field}_en"]
        if fields:
            stage.save(update_fields=fields)
            changed.append(stage)
    audit_record(
        actor=actor,
        action=audit_actions.GUIDANCE_LOAD,
        summary=str(GUIDANCE_SETS[set_key][0]),
        detail={"set": set_key, "stages": [stage.code for stage in changed]},
    )
    return changed
