"""Reads of export jobs: a user sees only their own."""

from guanxi.accounts.models import User
from guanxi.core.errors import NotFound
from guanxi.core.pagination import Page, page_by_id, parse_id
from guanxi.imports.exports.kinds import KINDS, UNFILTERED
from guanxi.imports.models import ExportJob

PAGE_SIZE = 25


def export_jobs_for_user(*, user: User, cursor: str | None = None) -> Page[ExportJob]:
    """The user's exports, newest first, keyset paged."""
    return page_by_id(
        ExportJob.objects.filter(owner_id=user.pk), cursor=cursor, limit=PAGE_SIZE, maximum=100
    )


def export_job_get_for_user(*, user: User, job_id: int | str) -> ExportJob:
    """The user's own export; NotFound (404) for anyone else's, as for one that is not."""
    pk = parse_id(job_id)
    job = ExportJob.objects.filter(pk=pk, owner_id=user.pk).first() if pk else None
    if job is None:
        raise NotFound()
    return job


def export_kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return str(kind.label) if kind is not None else key


def unfiltered_kinds() -> list[tuple[str, str]]:
    """The lists without a page of their own, exported whole (in scope) from "My exports"."""
    return [(key, str(KINDS[key].label)) for key in UNFILTERED]
