"""Reads of the script library (话术库, SRV-2): search, suggestions for an objection just
logged, one script, and the reader's own votes. Anybody signed in reads the library."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.accounts.permissions import MANAGE_FIELDS, REASSIGN
from guanxi.accounts.selectors import user_can
from guanxi.core.errors import NotFound
from guanxi.core.schemas import clean_text
from guanxi.pipeline.models import Objection, Script, ScriptVote, Stage

QUERY_MAX = 100
SEARCH_LIMIT = 50
SUGGEST_LIMIT = 3

_SCORE = F("helpful_count") - F("unhelpful_count")


class ScriptNotFound(NotFound):
    default_message = gettext_lazy("This script does not exist or is no longer active.")


def can_manage_scripts(*, user: User | AnonymousUser) -> bool:
    """Writing the library needs `customer.manage_fields` or `customer.reassign` (customer
    relations, managers, administrators)."""
    return user_can(user=user, permission=MANAGE_FIELDS) or user_can(user=user, permission=REASSIGN)


def script_votes_for_user(*, user: User | AnonymousUser, rows: Iterable[Script]) -> list[Script]:
    """Set `my_vote` (True, False or None) on each script for this user; one query."""
    rows = list(rows)
    votes = {}
    if user.is_authenticated and rows:
        votes = dict(
            ScriptVote.objects.filter(user=user, script_id__in=[r.pk for r in rows]).values_list(
                "script_id", "helpful"
            )
        )
    for row in rows:
        row.my_vote = votes.get(row.pk)
    return rows


def _stage_code(stage: Stage | str | None) -> str:
    if isinstance(stage, Stage):
        return stage.code
    return str(stage or "")[:10]


def _active(objection_type: str = "") -> QuerySet[Script]:
    rows = Script.objects.filter(is_active=True).select_related("stage")
    if objection_type:
        rows = rows.filter(objection_type=str(objection_type)[:12])
    return rows


def script_search(
    *,
    q: str = "",
    objection_type: str = "",
    stage: Stage | str | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[Script]:
    """Active scripts matching the words in `q` (title or body), the objection type and stage,
    most helpful first; at most `limit` (≤ 100) rows."""
    rows = _active(objection_type)
    code = _stage_code(stage)
    if code:
        rows = rows.filter(stage__code=code)
    for word in clean_text(q or "")[:QUERY_MAX].split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
    limit = max(1, min(int(limit), 100))
    return list(rows.order_by(_SCORE.desc(), "-use_count", "id")[:limit])


def script_suggest(
    *, objection_type: str, stage: Stage | str | None = None, limit: int = SUGGEST_LIMIT
) -> list[Script]:
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


def script_get(*, script_id: int, include_inactive: bool = False) -> Script:
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
