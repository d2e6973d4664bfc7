"""Writes of the public pools (公海, INT-6, INT-7): pool set-up, release, claim, the lock
against recycling, and the nightly recycling.

Keyword-only, one transaction each. Owner changes go through the customers services, so each
one is an OwnerChange row and a timeline event.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, NoReturn, TypedDict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import Department, User
from guanxi.accounts.permissions import MANAGE_USERS
from guanxi.accounts.selectors import user_can
from guanxi.core.audit import audit_record
from guanxi.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    found,
    invalid_field,
)
from guanxi.core.sql import id_list, insert_select
from guanxi.customers.archive.services import customer_take_owner, customers_release_owner
from guanxi.customers.errors import CustomerNotFound
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.pipeline import audit_actions
from guanxi.pipeline.models import Claim, PoolEntry, Prospect, PublicPool, Stage
from guanxi.pipeline.pools.selectors import (
    can_administer,
    department_locked_count,
    department_owned_count,
    is_member,
    locked_count,
    may_release,
    owned_count,
    pool_for_department,
    recycling_map,
)

Reason = PoolEntry.Reason


MANUAL_REASONS = (
    Reason.NO_PROGRESS,
    Reason.NO_DECISION_MAKER,
    Reason.LOST_TRUST,
    Reason.PUSHED_TOO_HARD,
    Reason.OTHER,
)


BATCH = 1000  # ids per IN (...) list and per bulk insert


# Releases per transaction in the nightly run: a first run over neglected data may release
# hundreds of thousands of customers, which one transaction would hold locked for minutes.
RELEASE_BATCH = 5000


# ---------------------------------------------------------------- Customer.public pool id


def customers_set_pool(*, customer_ids: Iterable[int], pool_id: int | None) -> int:
    """Copy a pool entry's pool onto its customers (`Customer.public_pool_id`; None when the
    entry is gone), in the transaction that writes the entry, so the data-scope filter and the
    pool table always agree. Release, recycling and claim change the owner in the same write
    and pass the value to the customers services instead (`public_pool_id=`): one UPDATE of
    the row, not two (each rewrites every index of the customers table)."""
    ids = list(customer_ids)
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += Customer.objects.filter(pk__in=ids[start : start + BATCH]).update(
            public_pool_id=pool_id
        )
    return changed


def pool_entries_end_for_owned(*, customer_ids: Iterable[int]) -> int:
    """customers.services.owners_changed: a customer that got an owner by any other way than a
    claim (a reassignment, a handover) leaves its pool — an owned customer sitting in a pool
    could be claimed away from its owner. Returns how many left a pool."""
    ids = list(customer_ids)
    left = 0
    for start in range(0, len(ids), BATCH):
        owned = list(
            PoolEntry.objects.filter(
                customer_id__in=ids[start : start + BATCH], customer__owner__isnull=False
            ).values_list("customer_id", flat=True)
        )
        if owned:
            PoolEntry.objects.filter(customer_id__in=owned).delete()
            customers_set_pool(customer_ids=owned, pool_id=None)
            left += len(owned)
    return left


def pool_entry_end_for_merged(*, duplicate: Customer) -> None:
    """customers.services.merge_extensions: the merged-away customer goes to the recycle bin
    for good (it cannot be restored), so its pool entry ends instead of counting in the pool
    for ever. The primary keeps its own state (owned, or its own entry). `duplicate` is saved
    by the merge after the hooks, so its attribute is cleared too."""
    if PoolEntry.objects.filter(customer_id=duplicate.pk).delete()[0]:
        customers_set_pool(customer_ids=[duplicate.pk], pool_id=None)
    duplicate.public_pool_id = None


# ---------------------------------------------------------------- admin


class PoolSettings(TypedDict, total=False):
    """What pool_create / pool_update set: any subset (a new pool needs a name). Rules map a
    stage code, a grade or "*" to days; quotas count customers (None: no quota); the people
    are users or departments (or their ids)."""

    name: str
    is_active: bool
    no_followup_days: Mapping[str, int | str | None]
    no_progress_days: Mapping[str, int | str | None]
    no_progress_contacts: int | None
    no_deal_days: int | None
    exempt_dealt: bool
    warn_days: int
    daily_claim_cap: int
    cooldown_days: int
    max_owned: int | None
    max_locked: int | None
    max_owned_per_department: int | None
    max_locked_per_department: int | None
    count_dealt: bool
    masks_phones: bool
    member_users: Iterable[User | int]
    member_departments: Iterable[Department | int]
    admins: Iterable[User | int]
    departments_recycled: Iterable[Department | int]


POOL_MEMBERS = ("member_users", "member_departments", "admins", "departments_recycled")
POOL_SETTINGS = tuple(name for name in PoolSettings.__annotations__ if name not in POOL_MEMBERS)


def _clean_rules(value: object, field: str) -> dict[str, int]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise invalid_field(field, _("Give the days per stage or grade."))
    cleaned = {}
    valid = {"*", *Stage.objects.values_list("code", flat=True), "A", "B", "C", "D", "E"}
    for key, days in value.items():
        if days in (None, ""):
            continue
        if key not in valid:
            raise invalid_field(field, _("Unknown stage or grade “%(key)s”.") % {"key": key})
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = -1
        if days < 1 or days > 3650:
            raise invalid_field(field, _("Days must be a whole number from 1 to 3650."))
        cleaned[key] = days
    return cleaned


POOL_QUOTAS = ("max_owned", "max_locked", "max_owned_per_department", "max_locked_per_department")


def _clean_quota(value: object, field: str) -> int | None:
    """Empty = no quota; otherwise a whole number from 0 (0: nobody may claim or lock)."""
    if value in (None, ""):
        return None
    try:
        number = int(value) if isinstance(value, int | str) else -1
    except ValueError:
        number = -1
    if number < 0 or number > 10_000_000 or isinstance(value, bool):
        raise invalid_field(field, _("Give a whole number of customers, or leave it empty."))
    return number


def _apply_pool(pool: PublicPool, settings: PoolSettings) -> None:
    data: Mapping[str, Any] = settings  # read by name below
    for name in POOL_SETTINGS:
        if name in data:
            setattr(pool, name, data[name])
    for name in POOL_QUOTAS:
        setattr(pool, name, _clean_quota(getattr(pool, name), name))
    pool.name = (pool.name or "").strip()[:60]
    if not pool.name:
        raise invalid_field("name", _("Give the pool a name."))
    if PublicPool.objects.filter(name=pool.name).exclude(pk=pool.pk).exists():
        raise invalid_field("name", _("A pool with this name exists."))
    pool.no_followup_days = _clean_rules(pool.no_followup_days, "no_followup_days")
    pool.no_progress_days = _clean_rules(pool.no_progress_days, "no_progress_days")
    pool.save()
    for name in POOL_MEMBERS:
        if name in data:
            getattr(pool, name).set(data[name])


@transaction.atomic
def pool_create(*, actor: User | None, data: PoolSettings) -> PublicPool:
    if actor is not None and not user_can(user=actor, permission=MANAGE_USERS):
        raise PermissionDenied(_("You may not set up public pools."))
    pool = PublicPool()
    _apply_pool(pool, data)
    return pool


@transaction.atomic
def pool_update(*, actor: User, pool: PublicPool, data: PoolSettings) -> PublicPool:
    if not can_administer(user=actor, pool=pool):
        raise PermissionDenied(_("You may not change this public pool."))
    pool = PublicPool.objects.select_for_update().get(pk=pool.pk)
    _apply_pool(pool, data)
    return pool


# ---------------------------------------------------------------- release (INT-6)


def _release_text(pool: PublicPool, reason: str, note: str = "") -> str:
    text = _("Released to %(pool)s: %(reason)s") % {
        "pool": pool.name,
        "reason": Reason(reason).label,
    }
    return f"{text} — {note}" if note else text


@transaction.atomic
def pool_release(
    *,
    actor: User,
    customer: Customer,
    pool: PublicPool | None = None,
    reason: str,
    note: str = "",
) -> PoolEntry:
    if reason not in MANUAL_REASONS:
        raise invalid_field("reason", _("Choose a reason for the release."))
    note = (note or "").strip()[:200]
    locked = found(
        Customer.objects.visible_to(actor).select_for_update().filter(pk=customer.pk).first()
    )
    if locked.owner_id is None or PoolEntry.objects.filter(customer_id=locked.pk).exists():
        raise Conflict(_("This customer has no owner; it is already in a public pool."))
    if not may_release(user=actor, customer=locked):
        raise PermissionDenied(_("Only the owner or their manager may release this customer."))
    if pool is None:
        pool = pool_for_department(department_id=locked.department_id)
        if pool is None:
            raise ValidationFailed(_("No public pool is set up yet."))
    elif not pool.is_active:
        raise invalid_field("pool", _("This public pool is closed."))
    now = timezone.now()
    previous_owner_id = locked.owner_id
    entry = PoolEntry.objects.create(
        customer=locked,
        pool=pool,
        reason=reason,
        note=note,
        previous_owner_id=previous_owner_id,
        released_by=actor,
        released_at=now,
    )
    text = _release_text(pool, reason, note)
    # The customer row names its pool from now on (same UPDATE as the owner).
    customers_release_owner(
        actor=actor, customers=[locked], reason=text, public_pool_id=pool.pk, pool_release=True
    )
    _prospects_released([locked.pk])
    audit_record(
        actor=actor,
        action=audit_actions.POOL_RELEASE,
        target=locked,
        summary=f"{locked.name}: {text}",
        detail={
            "pool": pool.pk,
            "reason": str(reason),
            "note": note,
            "previous_owner": previous_owner_id,
        },
    )
    return entry


def _prospects_released(ids: list[int]) -> None:
    """The released customers' prospects, in one UPDATE whatever their number: no owner or
    department (as their customers), the recycling clock restarted (what the owners_changed
    callbacks do for any other owner change; a release tells them `pool_release=True`), no
    due date or warning.

    The lock (锁定) was the previous owner's protection against recycling; it ends with the
    release, or a claimer would get a locked customer outside the locked quotas."""
    if not ids:
        return
    Prospect.objects.filter(customer_id__in=id_list(ids)).update(
        owner=None,
        department=None,
        tracked=False,
        locked=False,
        owned_since=timezone.now(),
        recycle_due_at=None,
        recycle_warned_at=None,
    )


# ---------------------------------------------------------------- claim


def _local_date(user: User, moment: datetime) -> date:
    try:
        zone = ZoneInfo(getattr(user, "time_zone", "") or "Asia/Shanghai")
    except (KeyError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(moment, zone).date()


def _lock_quota_holders(
    *, user_id: int, department_id: int | None, department_quota: bool
) -> tuple[User | None, Department | None]:
    """Row locks that serialise everything counted against a quota: the user's row, then (if
    the pool has a department quota) the department's row. Claims and locks take them in this
    order, so two members of a department cannot both pass the count with one place left.

    FOR NO KEY UPDATE (PostgreSQL; SQLite locks the whole database anyway): it serialises the
    claimers just the same, but does not block the foreign-key checks (FOR KEY SHARE) of other
    transactions writing rows that name this user or department. With FOR UPDATE, a claim that
    updated its customer row twice (PostgreSQL then checks every foreign key of the row, its
    `created_by` user too) deadlocked with a colleague's claim holding that user's row."""
    user = User.objects.select_for_update(no_key=True).filter(pk=user_id).first()
    department = None
    if department_quota and department_id:
        department = (
            Department.objects.select_for_update(no_key=True).filter(pk=department_id).first()
        )
    return user, department


def _refuse_when_full(
    *,
    limit: int | None,
    count: Callable[[], int],
    message: str,
    code: str,
    department: Department | None = None,
) -> None:
    """A quota of the pool (None: no quota) reached: refused with `message` (%(n)d the
    quota, %(department)s the department). `count` is only run when there is a quota."""
    if limit is not None and count() >= limit:
        name = department.name if department is not None else ""
        raise ValidationFailed(message % {"n": limit, "department": name}, code=code)


def _refuse_claim_of_unpooled(*, actor: User, customer_id: int) -> NoReturn:
    """A claim of a customer that sits in no pool. The loser of a race for a customer of one
    of the actor's pools hears 409 `claimed` (docs/api.md), whichever step it lost at; any other
    customer — someone's own, or one the actor never saw in a pool — is a 404 like an id that
    does not exist, so that a claim tells nothing about customers outside the actor's sight."""
    last = Claim.objects.filter(customer_id=customer_id).order_by("-at", "-pk").first()
    if (
        last is not None
        and Customer.objects.filter(pk=customer_id, owner_id=last.user_id).exists()
        and is_member(user=actor, pool=last.pool)
    ):
        if last.user_id == actor.pk:
            raise Conflict(_("You have already claimed this customer."), code="claimed")
        raise Conflict(_("Someone else has already claimed this customer."), code="claimed")
    raise CustomerNotFound()


@transaction.atomic
def pool_claim(*, actor: User, customer: Customer, now: datetime | None = None) -> Customer:
    now = now or timezone.now()
    entry = PoolEntry.objects.select_related("pool").filter(customer_id=customer.pk).first()
    if entry is None:
        _refuse_claim_of_unpooled(actor=actor, customer_id=customer.pk)
    pool = entry.pool
    if not is_member(user=actor, pool=pool):
        raise CustomerNotFound()
    # One claim at a time per user (and per department when the pool limits departments), so
    # the cap and the quotas cannot be overrun in parallel.
    _claimer, department = _lock_quota_holders(
        user_id=actor.pk,
        department_id=getattr(actor, "department_id", None),
        department_quota=pool.max_owned_per_department is not None,
    )
    today = _local_date(actor, now)
    if Claim.objects.filter(user=actor, pool=pool, local_date=today).count() >= (
        pool.daily_claim_cap
    ):
        raise ValidationFailed(
            _("You have reached today's limit of %(n)d claims from this pool.")
            % {"n": pool.daily_claim_cap},
            code="claim_cap",
        )
    if (
        entry.previous_owner_id == actor.pk
        and pool.cooldown_days
        and now < entry.released_at + timedelta(days=pool.cooldown_days)
    ):
        until = timezone.localtime(entry.released_at + timedelta(days=pool.cooldown_days))
        raise ValidationFailed(
            _("You released this customer; you may claim it again from %(date)s.")
            % {"date": until.strftime("%Y-%m-%d %H:%M")},
            code="cooldown",
        )
    _refuse_when_full(
        limit=pool.max_owned,
        count=lambda: owned_count(user=actor, count_dealt=pool.count_dealt),
        message=_("You already own %(n)d customers, the most this pool allows."),
        code="quota",
    )
    if department is not None:
        _refuse_when_full(
            limit=pool.max_owned_per_department,
            count=partial(
                department_owned_count, department_id=department.pk, count_dealt=pool.count_dealt
            ),
            message=_(
                "Your department %(department)s already owns %(n)d customers, the most this "
                "pool allows a department."
            ),
            department=department,
            code="department_quota",
        )
    # The database decides the race: one DELETE removes the row, the other finds none.
    deleted = PoolEntry.objects.filter(pk=entry.pk, customer_id=customer.pk).delete()[0]
    if not deleted:
        raise Conflict(_("Someone else has already claimed this customer."), code="claimed")
    target = Customer.objects.select_for_update().get(pk=customer.pk)
    target = customer_take_owner(
        actor=actor,
        customer=target,
        to_user=actor,
        reason=_("Claimed from %(pool)s") % {"pool": pool.name},
        public_pool_id=None,  # it leaves the pool: same UPDATE as the owner
    )
    Claim.objects.create(customer=target, pool=pool, user=actor, at=now, local_date=today)
    Prospect.objects.filter(customer_id=target.pk).update(
        owner=actor,
        department_id=actor.department_id,
        locked=False,
        owned_since=now,
        contacts_since_progress=0,
        recycle_due_at=None,
        recycle_warned_at=None,
    )
    return target


@transaction.atomic
def prospect_lock(*, actor: User, customer: Customer, locked: bool = True) -> Prospect:
    """Lock (锁定) a customer against recycling, within the locked quota of the pool that
    covers the owner's department."""
    target = found(Customer.objects.visible_to(actor).filter(pk=customer.pk).first())
    if not may_release(user=actor, customer=target):
        raise PermissionDenied(_("Only the owner or their manager may lock this customer."))
    pool = department = None
    if locked and target.owner_id:
        pool = pool_for_department(department_id=target.department_id)
        if pool is not None and (
            pool.max_locked is not None or pool.max_locked_per_department is not None
        ):
            # The owner's row, then the department's: the order of a claim.
            _owner, department = _lock_quota_holders(
                user_id=target.owner_id,
                department_id=target.department_id,
                department_quota=pool.max_locked_per_department is not None,
            )
    prospect, _created = Prospect.objects.select_for_update().get_or_create(
        customer=target, defaults={"owner_id": target.owner_id, "department": target.department}
    )
    if locked and not prospect.locked and pool is not None and target.owner_id is not None:
        _refuse_when_full(
            limit=pool.max_locked,
            count=partial(locked_count, user=target.owner_id, count_dealt=pool.count_dealt),
            message=_("At most %(n)d locked customers are allowed."),
            code="locked_quota",
        )
        if department is not None:
            _refuse_when_full(
                limit=pool.max_locked_per_department,
                count=partial(
                    department_locked_count,
                    department_id=department.pk,
                    count_dealt=pool.count_dealt,
                ),
                message=_(
                    "The department %(department)s already has %(n)d locked customers, the "
                    "most this pool allows a department."
                ),
                department=department,
                code="department_locked_quota",
            )
    prospect.locked = locked
    prospect.save(update_fields=["locked"])
    return prospect


# ---------------------------------------------------------------- nightly recycling (INT-7)


def rule_days(*, rules: Mapping[str, Any], stage_code: str | None, grade: str | None) -> int | None:
    for key in (stage_code, grade, "*"):
        if key and key in rules and rules[key]:
            return int(rules[key])
    return None


@dataclass
class _Bucket:
    condition: Q
    followup: int | None
    progress: int | None
    deal: int | None


def _buckets(pool: PublicPool, stage_ids: dict[str, int]) -> list[_Bucket]:
    rules = [pool.no_followup_days or {}, pool.no_progress_days or {}]
    stage_keys = sorted({k for r in rules for k in r if k in stage_ids})
    grade_keys = sorted({k for r in rules for k in r if k in {"A", "B", "C", "D", "E"}})
    stage_parts = [(code, Q(stage_id=stage_ids[code])) for code in stage_keys]
    stage_parts.append(
        (None, ~Q(stage_id__in=[stage_ids[c] for c in stage_keys]) if stage_keys else Q())
    )
    grade_parts = [(g, Q(grade=g)) for g in grade_keys]
    grade_parts.append((None, ~Q(grade__in=grade_keys) if grade_keys else Q()))
    dealt_parts = [(False, Q(dealt=False))]
    if not pool.exempt_dealt:
        dealt_parts.append((True, Q(dealt=True)))
    buckets = []
    for code, stage_q in stage_parts:
        for grade, grade_q in grade_parts:
            for dealt, dealt_q in dealt_parts:
                buckets.append(
                    _Bucket(
                        condition=stage_q & grade_q & dealt_q,
                        followup=rule_days(rules=rules[0], stage_code=code, grade=grade),
                        progress=rule_days(rules=rules[1], stage_code=code, grade=grade),
                        deal=None if dealt else pool.no_deal_days,
                    )
                )
    return buckets


def _due_expression(bucket: _Bucket, contacts: int | None) -> Any:
    since = F("owned_since")
    parts: list[Any] = []
    if bucket.followup:
        parts.append(
            Greatest(Coalesce("last_followup_at", since), since) + timedelta(days=bucket.followup)
        )
    if bucket.progress:
        parts.append(
            Greatest(Coalesce("last_progress_at", since), since) + timedelta(days=bucket.progress)
        )
    if bucket.deal:
        parts.append(since + timedelta(days=bucket.deal))
    if contacts:
        far = Value(datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC")))
        parts.append(
            Case(
                When(
                    contacts_since_progress__gte=contacts,
                    then=Coalesce("last_followup_at", since),
                ),
                default=far,
            )
        )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Least(*parts)


def _eligible(pool_departments: list[int]) -> Q:
    # NOT EXISTS rather than a join: an UPDATE filtered on a join becomes a semi-join of
    # the prospects with themselves.
    deleted = Customer.objects.filter(pk=OuterRef("customer_id"), deleted_at__isnull=False)
    return Q(owner__isnull=False, locked=False, department_id__in=pool_departments) & ~Q(
        Exists(deleted)
    )


def _due_and_reason(
    prospect: Mapping[str, Any], pool: PublicPool, stage_codes: dict[int, str]
) -> tuple[datetime | None, str | None]:
    """(due date, the rule that fires first) from the prospect's current values: the same
    arithmetic as the SQL of step 3. (None, None) if no rule applies."""
    since = prospect["owned_since"]
    if since is None:
        return None, None
    code = stage_codes.get(prospect["stage_id"])
    candidates = []
    n = rule_days(rules=pool.no_followup_days or {}, stage_code=code, grade=prospect["grade"])
    if n:
        candidates.append(
            (max(prospect["last_followup_at"] or since, since) + timedelta(days=n), 1)
        )
    n = rule_days(rules=pool.no_progress_days or {}, stage_code=code, grade=prospect["grade"])
    if n:
        candidates.append(
            (max(prospect["last_progress_at"] or since, since) + timedelta(days=n), 2)
        )
    if pool.no_progress_contacts and (
        prospect["contacts_since_progress"] >= pool.no_progress_contacts
    ):
        candidates.append((prospect["last_followup_at"] or since, 2))
    if pool.no_deal_days and not prospect["dealt"]:
        candidates.append((since + timedelta(days=pool.no_deal_days), 3))
    if not candidates:
        return None, None
    due, kind = min(candidates)
    return due, {
        1: Reason.AUTO_NO_FOLLOWUP,
        2: Reason.AUTO_NO_PROGRESS,
        3: Reason.AUTO_NO_DEAL,
    }[kind]


def _warn_limit(now: datetime, pool: PublicPool) -> datetime:
    """Warn what falls due up to the end of the local day D days from today (the warning
    names that date). A whole-day boundary, not `now + D`: a sliding boundary would warn new
    prospects on a second run minutes later, so the run would not be idempotent."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date() + timedelta(days=pool.warn_days + 1)
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def pool_recycle_run(
    *, now: datetime | None = None, batch_size: int = RELEASE_BATCH
) -> dict[str, int]:
    """The nightly batch: compute every owned prospect's recycle date from the rules of the
    pool covering its department, warn owners D days before, release what is due.

    The dates are set in one transaction (a few set-based UPDATEs); the releases and the
    warnings follow in transactions of at most `batch_size` customers each, so a first run over
    neglected data never holds one huge transaction. Each batch is whole (pool entries, owner
    changes, timeline, prospects, its audit row) and re-checks its rows under lock, so a crash
    between batches leaves a consistent state that the next run completes. Idempotent: a second
    run right after changes nothing."""
    now = now or timezone.now()
    batch_size = max(1, int(batch_size))
    counts = {"started": 0, "scheduled": 0, "cleared": 0, "warned": 0, "released": 0}
    with transaction.atomic():
        mapping, pools, stage_codes = _schedule(now, counts)
    run = uuid.uuid4().hex
    # 5. Release what is due, batch by batch.
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        counts["released"] += _release_due(
            pool, departments, now=now, stage_codes=stage_codes, batch_size=batch_size, run=run
        )
    # 6. Warn the owners of what will be recycled within D days, once.
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        counts["warned"] += _warn_due(pool, departments, now=now, batch_size=batch_size)
    return counts


def _schedule(
    now: datetime, counts: dict[str, int]
) -> tuple[dict[int, int], dict[int, PublicPool], dict[int, str]]:
    """Steps 1 to 4: the clock, the due dates and the warnings that no longer hold."""
    # 1. The clock: owned_since falls back to the customer's creation.
    counts["started"] = Prospect.objects.filter(owned_since__isnull=True).update(
        owned_since=Subquery(
            Customer.objects.filter(pk=OuterRef("customer_id")).values("created_at")[:1]
        )
    )
    mapping = recycling_map()
    pools = {p.pk: p for p in PublicPool.objects.filter(pk__in=set(mapping.values()))}
    stage_ids = dict(Stage.objects.values_list("code", "id"))
    stage_codes = {v: k for k, v in stage_ids.items()}
    covered = Q(pk__in=[])
    # 2. A warning that no longer holds for the due date it was given (the pool's warning
    # period was shortened) is taken back; a due date that moves is handled in step 3.
    # Done before step 3, which rewrites many rows, so this scan reads an unbloated table.
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        Prospect.objects.filter(
            department_id__in=departments,
            recycle_warned_at__isnull=False,
            recycle_due_at__gte=_warn_limit(now, pool),
        ).update(recycle_warned_at=None)
    # 3. The due dates: one UPDATE per pool (a CASE over the rule buckets), touching only the
    # rows whose date changes; a warning is taken back when the new date is beyond the
    # warning window (the date moved on).
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        condition = _eligible(departments)
        if pool.exempt_dealt:
            condition &= Q(dealt=False)
        base = Prospect.objects.filter(condition)
        whens, scheduled = [], Q(pk__in=[])
        for bucket in _buckets(pool, stage_ids):
            due = _due_expression(bucket, pool.no_progress_contacts)
            if due is None:
                counts["cleared"] += (
                    base.filter(bucket.condition)
                    .filter(Q(recycle_due_at__isnull=False) | Q(recycle_warned_at__isnull=False))
                    .update(recycle_due_at=None, recycle_warned_at=None)
                )
                continue
            whens.append(When(bucket.condition, then=due))
            scheduled |= bucket.condition
        if whens:
            due = Case(*whens, default=None, output_field=DateTimeField())
            counts["scheduled"] += (
                base.filter(scheduled)
                .filter(Q(recycle_due_at__isnull=True) | ~Q(recycle_due_at=due))
                .update(
                    recycle_due_at=due,
                    recycle_warned_at=Case(
                        When(GreaterThanOrEqual(due, _warn_limit(now, pool)), then=None),
                        default=F("recycle_warned_at"),
                    ),
                )
            )
        pool_covers = Q(department_id__in=departments)
        if pool.exempt_dealt:
            pool_covers &= Q(dealt=False)
        covered |= pool_covers
    # 4. No pool covers it, or locked, exempt, without owner, deleted: no date, no warning.
    # (The negation of step 2's conditions, written without a join to the customers, which
    # made this a full join of both tables.)
    deleted = Customer.objects.filter(pk=OuterRef("customer_id"), deleted_at__isnull=False)
    counts["cleared"] += (
        Prospect.objects.filter(
            Q(recycle_due_at__isnull=False) | Q(recycle_warned_at__isnull=False)
        )
        .filter(Q(owner__isnull=True) | Q(locked=True) | ~covered | Exists(deleted))
        .update(recycle_due_at=None, recycle_warned_at=None)
    )
    return mapping, pools, stage_codes


_DUE_FIELDS = (
    "customer_id",
    "stage_id",
    "grade",
    "dealt",
    "owned_since",
    "last_followup_at",
    "last_progress_at",
    "contacts_since_progress",
)


def _release_due(
    pool: PublicPool,
    departments: list[int],
    *,
    now: datetime,
    stage_codes: dict[int, str],
    batch_size: int,
    run: str,
) -> int:
    """Release the pool's due customers in transactions of at most `batch_size`, walking the
    due rows in customer-id order (a keyset, so rows skipped on re-check are not met again)."""
    released, after, number = 0, 0, 0
    while True:
        ids = list(
            Prospect.objects.filter(
                _eligible(departments), recycle_due_at__lte=now, customer_id__gt=after
            )
            .order_by("customer_id")
            .values_list("customer_id", flat=True)[:batch_size]
        )
        if not ids:
            return released
        after = ids[-1]
        number += 1
        released += _release_batch(
            pool, departments, ids, now=now, stage_codes=stage_codes, run=run, number=number
        )


@transaction.atomic
def _release_batch(
    pool: PublicPool,
    departments: list[int],
    ids: list[int],
    *,
    now: datetime,
    stage_codes: dict[int, str],
    run: str,
    number: int,
) -> int:
    # Lock the customers first, in id order: every service locks a customer before its
    # prospect, so a follow-up, a manual release or a reassignment running now either finished
    # before (and is seen by the re-check below) or waits for this batch. One query for the
    # whole batch (the ids as one parameter), as every write below.
    owners: dict[int, int] = dict(
        Customer.objects.select_for_update()
        .filter(pk__in=id_list(ids), owner__isnull=False, deleted_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    # Re-check with the values as they are now: still owned, unlocked, covered, not exempt,
    # not in a pool, and due by the rules (not only by the date step 3 stored).
    condition = _eligible(departments) & ~Q(
        Exists(PoolEntry.objects.filter(customer_id=OuterRef("customer_id")))
    )
    if pool.exempt_dealt:
        condition &= Q(dealt=False)
    by_reason: dict[str, list[int]] = {}
    rows = Prospect.objects.filter(condition, customer_id__in=id_list(sorted(owners))).values_list(
        *_DUE_FIELDS
    )
    for row in rows:
        moment, reason = _due_and_reason(
            dict(zip(_DUE_FIELDS, row, strict=True)), pool, stage_codes
        )
        if moment is not None and reason is not None and moment <= now:
            by_reason.setdefault(str(reason), []).append(row[0])
    if not by_reason:
        return 0
    # The rows are written by the database from the locked customer rows (INSERT … SELECT,
    # a few queries per reason whatever the batch size): the pool entry with the owner the
    # customer has, then its owner change and timeline event, then the customer's UPDATE.
    for reason, group in sorted(by_reason.items()):
        group.sort()
        insert_select(
            PoolEntry,
            Customer.objects.filter(pk__in=id_list(group)),
            {
                "customer": F("pk"),
                "pool": Value(pool.pk, output_field=BigIntegerField()),
                "reason": Value(reason),
                "note": Value(""),
                "previous_owner": F("owner_id"),
                "released_by": Value(None, output_field=BigIntegerField()),
                "released_at": Value(now, output_field=DateTimeField()),
            },
        )
        customers_release_owner(
            actor=None,
            customer_ids=group,
            reason=_release_text(pool, reason),
            public_pool_id=pool.pk,
            pool_release=True,
        )
    released = sorted(pk for group in by_reason.values() for pk in group)
    _prospects_released(released)
    # One audit row per batch (not per customer: the owner changes already are one row each),
    # written in the batch's transaction so it lists exactly what the batch committed.
    audit_record(
        actor=None,
        action=audit_actions.POOL_RECYCLE,
        target=pool,
        summary=_("%(count)d customers recycled to %(pool)s")
        % {"count": len(released), "pool": pool.name},
        detail={
            "run": run,
            "batch": number,
            "at": now.isoformat(),
            "count": len(released),
            "reasons": {reason: len(group) for reason, group in sorted(by_reason.items())},
            "customer_ids": released,
        },
    )
    return len(released)


def _warn_due(pool: PublicPool, departments: list[int], *, now: datetime, batch_size: int) -> int:
    """Warn once, in transactions of at most `batch_size`: the timeline events and the
    `recycle_warned_at` marks of a batch commit together, so a crash never warns twice."""
    warned, after = 0, 0
    limit = _warn_limit(now, pool)
    while True:
        with transaction.atomic():
            rows = list(
                Prospect.objects.filter(
                    _eligible(departments),
                    recycle_warned_at__isnull=True,
                    recycle_due_at__gt=now,
                    recycle_due_at__lt=limit,
                    customer_id__gt=after,
                )
                .order_by("customer_id")
                .values_list("customer_id", "owner_id", "recycle_due_at")[:batch_size]
            )
            if not rows:
                return warned
            after = rows[-1][0]
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                TimelineEvent.objects.bulk_create(
                    [
                        TimelineEvent(
                            customer_id=customer_id,
                            kind="pool_warning",
                            title=_("Will return to %(pool)s on %(date)s unless followed up")
                            % {
                                "pool": pool.name,
                                "date": timezone.localtime(due).strftime("%Y-%m-%d"),
                            },
                            occurred_at=now,
                            data={"owner": owner_id, "due": due.isoformat(), "pool": pool.pk},
                        )
                        for customer_id, owner_id, due in chunk
                        if due is not None  # never: the rows are due after now
                    ],
                    batch_size=BATCH,
                )
                Prospect.objects.filter(customer_id__in=[r[0] for r in chunk]).update(
                    recycle_warned_at=now
                )
            warned += len(rows)
