"""Writes to the script library (话术库, SRV-2): answers per objection type and per stage.

Anybody signed in rates scripts; writing the library needs `can_manage_scripts`.

Rating: each user has at most one vote per script, helpful or not helpful (a row of ScriptVote,
unique in the database); they may change it or withdraw it. The counts shown and sorted by are
counted from the votes after every vote, never incremented.
"""

from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.errors import PermissionDenied, ValidationFailed, invalid_field
from guanxi.core.schemas import clean_text
from guanxi.pipeline.models import Objection, Script, ScriptVote, Stage
from guanxi.pipeline.scripts.selectors import ScriptNotFound, can_manage_scripts

TITLE_MAX = 100
BODY_MAX = 4000


class ScriptFields(TypedDict, total=False):
    """A script's fields as sent: all of them to create one, any of them to change one.
    `objection_type` "" is any objection; `stage` a code, a Stage, or None for any stage."""

    title: str
    body: str
    objection_type: str
    stage: Stage | str | None
    is_active: bool


def _require_manager(actor: User) -> None:
    if not can_manage_scripts(user=actor):
        raise PermissionDenied(_("Only managers and customer relations may edit the scripts."))


# ---------------------------------------------------------------- services


def _clean(data: ScriptFields, *, partial: bool) -> dict[str, Any]:
    """Check the fields sent; return them ready to store, or raise ValidationFailed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    for name, limit in (("title", TITLE_MAX), ("body", BODY_MAX)):
        if partial and name not in data:
            continue
        value = clean_text(str(data.get(name) or "")).strip()
        if not value:
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [
                _("Ensure this value has at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(value)}
            ]
        else:
            cleaned[name] = value

    if not partial or "objection_type" in data:
        kind = data.get("objection_type") or ""
        if kind not in Objection.Type.values:
            errors["objection_type"] = [_("Select a valid objection type.")]
        else:
            cleaned["objection_type"] = kind

    if not partial or "stage" in data:
        stage = data.get("stage")
        if isinstance(stage, Stage) or stage in (None, ""):
            cleaned["stage"] = stage or None
        else:
            found = Stage.objects.filter(code=str(stage)[:10]).first()
            if found is None:
                errors["stage"] = [_("Select a valid stage.")]
            else:
                cleaned["stage"] = found

    if "is_active" in data:
        cleaned["is_active"] = bool(data["is_active"])

    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


@transaction.atomic
def script_create(*, actor: User, data: ScriptFields) -> Script:
    """data: title, body, objection_type ("" = any), stage (code, Stage or None)."""
    _require_manager(actor)
    cleaned = _clean(data, partial=False)
    cleaned.pop("is_active", None)
    return Script.objects.create(created_by=actor, **cleaned)


@transaction.atomic
def script_update(*, actor: User, script: Script, data: ScriptFields) -> Script:
    """Change the fields sent (title, body, objection_type, stage, is_active)."""
    _require_manager(actor)
    cleaned = _clean(data, partial=True)
    if cleaned:
        Script.objects.filter(pk=script.pk).update(**cleaned)
        for name, value in cleaned.items():
            setattr(script, name, value)
    return script


@transaction.atomic
def script_deactivate(*, actor: User, script: Script) -> Script:
    """Take a script out of the library (kept for the objections that used it)."""
    _require_manager(actor)
    Script.objects.filter(pk=script.pk).update(is_active=False)
    script.is_active = False
    return script


def _tally(helpful: bool) -> Coalesce:
    votes = (
        ScriptVote.objects.filter(script_id=OuterRef("pk"), helpful=helpful)
        .order_by()
        .values("script_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(votes), Value(0))


@transaction.atomic
def script_vote(*, actor: User, script: Script, helpful: bool | None) -> Script:
    """The actor's vote on a script: helpful (True), not helpful (False), or withdrawn (None).
    A second vote replaces the first. Returns the script with its counts and `my_vote`."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if helpful is not None and not isinstance(helpful, bool):
        raise invalid_field("vote", _("Choose helpful or not helpful."))
    # The script's row lock orders the votes on it, so the counts below see every vote
    # committed before this one and no two requests of one user race on the unique row.
    locked = Script.objects.select_for_update().filter(pk=script.pk, is_active=True).first()
    if locked is None:
        raise ScriptNotFound()
    if helpful is None:
        ScriptVote.objects.filter(script=locked, user=actor).delete()
    else:
        ScriptVote.objects.update_or_create(
            script=locked, user=actor, defaults={"helpful": helpful}
        )
    Script.objects.filter(pk=locked.pk).update(
        helpful_count=_tally(True), unhelpful_count=_tally(False)
    )
    script.refresh_from_db(fields=["helpful_count", "unhelpful_count", "use_count"])
    script.my_vote = helpful
    return script


def script_used(*, script: Script | int) -> None:
    """A script was used to answer an objection (called when a follow-up logs it)."""
    script_id = script.pk if isinstance(script, Script) else script
    Script.objects.filter(pk=script_id).update(use_count=F("use_count") + 1)
