"""The script library (话术库, SRV-2): answers per objection type and per stage.

Services (writes) and selectors (reads) in one small module. Anybody signed in reads and rates
scripts; writing the library needs `customer.manage_fields` or `customer.reassign` (customer
relations, managers, administrators).

Rating: each user has at most one vote per script, helpful or not helpful (a row of ScriptVote,
unique in the database); they may change it or withdraw it. The counts shown and sorted by are
counted from the votes after every vote, never incremented.
"""

import re

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.permissions import MANAGE_FIELDS, REASSIGN
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound, PermissionDenied, ValidationFailed
from guanxi.pipeline.models import Objection, Script, ScriptVote, Stage

TITLE_MAX = 100
BODY_MAX = 4000
QUERY_MAX = 100
SEARCH_LIMIT = 50
SUGGEST_LIMIT = 3

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class ScriptNotFound(NotFound):
    default_message = gettext_lazy("This script does not exist or is no longer active.")


# ---------------------------------------------------------------- permissions


def can_manage_scripts(user) -> bool:
    return user_can(user, MANAGE_FIELDS) or user_can(user, REASSIGN)


def _require_manager(actor) -> None:
    if not can_manage_scripts(actor):
        raise PermissionDenied(_("Only managers and customer relations may edit the scripts."))


# ---------------------------------------------------------------- services


def _clean(data: dict, *, partial: bool) -> dict:
    """Check the fields sent; return them ready to store, or raise ValidationFailed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    for name, limit in (("title", TITLE_MAX), ("body", BODY_MAX)):
        if partial and name not in data:
            continue
        value = _UNSAFE.sub("", str(data.get(name) or "")).strip()
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
def script_create(*, actor, data: dict) -> Script:
    """data: title, body, objection_type ("" = any), stage (code, Stage or None)."""
    _require_manager(actor)
    cleaned = _clean(data, partial=False)
    cleaned.pop("is_active", None)
    return Script.objects.create(created_by=actor, **cleaned)


@transaction.atomic
def script_update(*, actor, script: Script, data: dict) -> Script:
    """Change the fields sent (title, body, objection_type, stage, is_active)."""
    _require_manager(actor)
    cleaned = _clean(data, partial=True)
    if cleaned:
        Script.objects.filter(pk=script.pk).update(**cleaned)
        for name, value in cleaned.items():
            setattr(script, name, value)
    return script


@transaction.atomic
def script_deactivate(*, actor, script: Script) -> Script:
    """Take a script out of the library (kept for the objections that used it)."""
    _require_manager(actor)
    Script.objects.filter(pk=script.pk).update(is_active=False)
    script.is_active = False
    return script


def _tally(helpful: bool):
    votes = (
        ScriptVote.objects.filter(script_id=OuterRef("pk"), helpful=helpful)
        .order_by()
        .values("script_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(votes), Value(0))


@transaction.atomic
def script_vote(*, actor, script: Script, helpful: bool | None) -> Script:
    """The actor's vote on a script: helpful (True), not helpful (False), or withdrawn (None).
    A second vote replaces the first. Returns the script with its counts and `my_vote`."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied()
    if helpful is not None and not isinstance(helpful, bool):
        raise ValidationFailed(field_errors={"vote": [_("Choose helpful or not helpful.")]})
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


def script_used(*, script) -> None:
    """A script was used to answer an objection (called when a follow-up logs it)."""
    script_id = script.pk if isinstance(script, Script) else script
    Script.objects.filter(pk=script_id).update(use_count=F("use_count") + 1)


# ---------------------------------------------------------------- selectors


_SCORE = F("helpful_count") - F("unhelpful_count")


def script_votes_for_user(user, rows):
    """Set `my_vote` (True, False or None) on each script for this user; one query."""
    rows = list(rows)
    votes = {}
    if getattr(user, "is_authenticated", False) and rows:
        votes = dict(
            ScriptVote.objects.filter(user=user, script_id__in=[r.pk for r in rows]).values_list(
                "script_id", "helpful"
            )
        )
    for row in rows:
        row.my_vote = votes.get(row.pk)
    return rows


def _stage_code(stage) -> str:
    if isinstance(stage, Stage):
        return stage.code
    return str(stage or "")[:10]


def _active(objection_type=""):
    rows = Script.objects.filter(is_active=True).select_related("stage")
    if objection_type:
        rows = rows.filter(objection_type=str(objection_type)[:12])
    return rows


def script_search(q: str = "", objection_type: str = "", stage=None, *, limit: int = SEARCH_LIMIT):
    """Active scripts matching the words in `q` (title or body), the objection type and stage,
    most helpful first; at most `limit` (≤ 100) rows."""
    rows = _active(objection_type)
    code = _stage_code(stage)
    if code:
        rows = rows.filter(stage__code=code)
    for word in _UNSAFE.sub("", q or "")[:QUERY_MAX].split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
    limit = max(1, min(int(limit), 100))
    return list(rows.order_by(_SCORE.desc(), "-use_count", "id")[:limit])


def script_suggest(objection_type, stage=None, limit: int = SUGGEST_LIMIT):
    """The best scripts for an objection just logged: the type's scripts for this stage first,
    then those for every stage, then those for other stages; most helpful first."""
    if not objection_type or objection_type not in Objection.Type.values:
        return []
    rows = _active(objection_type)
    code = _stage_code(stage)
    if code:
        rows = rows.annotate(
            stage_rank=Case(
                When(stage__code=code, then=Value(0)),
                When(stage__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
    else:
        rows = rows.annotate(stage_rank=Value(0, output_field=IntegerField()))
    limit = max(1, min(int(limit), 20))
    return list(rows.order_by("stage_rank", _SCORE.desc(), "-use_count", "id")[:limit])


def script_get(script_id, *, include_inactive: bool = False) -> Script:
    try:
        script_id = int(script_id)
    except (TypeError, ValueError):
        raise ScriptNotFound() from None
    rows = Script.objects.select_related("stage")
    if not include_inactive:
        rows = rows.filter(is_active=True)
    script = rows.filter(pk=script_id).first()
    if script is None:
        raise ScriptNotFound()
    return script


def script_count() -> int:
    return Script.objects.filter(is_active=True).count()
