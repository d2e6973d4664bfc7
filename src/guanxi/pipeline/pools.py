"""Public pools (公海, INT-6, INT-7): release, claim, nightly recycling; and their reads.

Writes are services (keyword-only, one transaction); reads are selectors scoped to pool
membership. Owner changes go through the customers services, so each one is an OwnerChange
row and a timeline event.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import (
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
from guanxi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from guanxi.customers.models import Customer, TimelineEvent
from guanxi.customers.scope import editable_customers, user_covers_customer
from guanxi.customers.services import (
    customer_take_owner,
    customers_release_owner,
)
from guanxi.pipeline.models import Claim, PoolEntry, Prospect, PublicPool, Stage

Reason = PoolEntry.Reason
MANUAL_REASONS = (
    Reason.NO_PROGRESS,
    Reason.NO_DECISION_MAKER,
    Reason.LOST_TRUST,
    Reason.PUSHED_TOO_HARD,
    Reason.OTHER,
)
BATCH = 1000
_POOLS_CACHE = "_guanxi_pool_ids"


# ---------------------------------------------------------------- membership


def _department_chain(user) -> list[int]:
    """The user's department and its ancestors (a member department covers its subtree)."""
    department = getattr(user, "department", None)
    if department is None:
        return []
    return [int(part) for part in (department.path or "").strip("/").split("/") if part] or [
        department.pk
    ]


def member_pool_ids(user) -> frozenset[int]:
    """Active pools the user may see and claim from: member user, member department (or a
    parent of theirs), or pool admin. Cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _POOLS_CACHE, None)
    if cached is None:
        condition = Q(member_users=user) | Q(admins=user)
        chain = _department_chain(user)
        if chain:
            condition |= Q(member_departments__in=chain)
        cached = frozenset(
            PublicPool.objects.filter(is_active=True)
            .filter(condition)
            .values_list("id", flat=True)
            .distinct()
        )
        setattr(user, _POOLS_CACHE, cached)
    return cached


def is_member(user, pool) -> bool:
    return pool.pk in member_pool_ids(user)


def can_administer(user, pool=None) -> bool:
    if user_can(user, MANAGE_USERS):
        return True
    if pool is None:
        return PublicPool.objects.filter(admins=user).exists()
    return pool.admins.filter(pk=user.pk).exists()


def pool_visibility(*, user):
    """customers.scope.visibility_extensions: members see the customers sitting in their pools."""
    ids = member_pool_ids(user)
    if not ids:
        return None
    return Q(Exists(PoolEntry.objects.filter(customer_id=OuterRef("pk"), pool_id__in=sorted(ids))))


# ---------------------------------------------------------------- which pool covers whom


def recycling_map() -> dict[int, int]:
    """department id -> the pool that recycles its customers. A department is covered by the
    nearest of itself and its ancestors listed in an active pool (the first pool by id)."""
    listed: dict[int, int] = {}
    for pool_id, department_id in (
        PublicPool.departments_recycled.through.objects.filter(publicpool__is_active=True)
        .order_by("publicpool_id")
        .values_list("publicpool_id", "department_id")
    ):
        listed.setdefault(department_id, pool_id)
    if not listed:
        return {}
    mapping: dict[int, int] = {}
    for department_id, path in Department.objects.values_list("id", "path"):
        chain = [int(p) for p in (path or "").strip("/").split("/") if p] or [department_id]
        for ancestor in reversed(chain):
            if ancestor in listed:
                mapping[department_id] = listed[ancestor]
                break
    return mapping


def pool_for_department(department_id) -> PublicPool | None:
    pool_id = recycling_map().get(department_id) if department_id else None
    pools = PublicPool.objects.filter(is_active=True)
    if pool_id:
        return pools.filter(pk=pool_id).first()
    return pools.order_by("id").first()


# ---------------------------------------------------------------- admin


_RULE_FIELDS = (
    "name",
    "is_active",
    "no_followup_days",
    "no_progress_days",
    "no_progress_contacts",
    "no_deal_days",
    "exempt_dealt",
    "warn_days",
    "daily_claim_cap",
    "cooldown_days",
    "max_owned",
    "max_locked",
    "count_dealt",
    "masks_phones",
)
_M2M_FIELDS = ("member_users", "member_departments", "admins", "departments_recycled")


def _clean_rules(value, field: str) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed(field_errors={field: [_("Give the days per stage or grade.")]})
    cleaned = {}
    valid = {"*", *Stage.objects.values_list("code", flat=True), "A", "B", "C", "D", "E"}
    for key, days in value.items():
        if days in (None, ""):
            continue
        if key not in valid:
            raise ValidationFailed(
                field_errors={field: [_("Unknown stage or grade “%(key)s”.") % {"key": key}]}
            )
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = -1
        if days < 1 or days > 3650:
            raise ValidationFailed(
                field_errors={field: [_("Days must be a whole number from 1 to 3650.")]}
            )
        cleaned[key] = days
    return cleaned


def _apply_pool(pool: PublicPool, data: dict) -> None:
    for name in _RULE_FIELDS:
        if name in data:
            setattr(pool, name, data[name])
    pool.name = (pool.name or "").strip()[:60]
    if not pool.name:
        raise ValidationFailed(field_errors={"name": [_("Give the pool a name.")]})
    if PublicPool.objects.filter(name=pool.name).exclude(pk=pool.pk).exists():
        raise ValidationFailed(field_errors={"name": [_("A pool with this name exists.")]})
    pool.no_followup_days = _clean_rules(pool.no_followup_days, "no_followup_days")
    pool.no_progress_days = _clean_rules(pool.no_progress_days, "no_progress_days")
    pool.save()
    for name in _M2M_FIELDS:
        if name in data:
            getattr(pool, name).set(data[name])


@transaction.atomic
def pool_create(*, actor, data: dict) -> PublicPool:
    if actor is not None and not user_can(actor, MANAGE_USERS):
        raise PermissionDenied(_("You may not set up public pools."))
    pool = PublicPool()
    _apply_pool(pool, data)
    return pool


@transaction.atomic
def pool_update(*, actor, pool: PublicPool, data: dict) -> PublicPool:
    if not can_administer(actor, pool):
        raise PermissionDenied(_("You may not change this public pool."))
    pool = PublicPool.objects.select_for_update().get(pk=pool.pk)
    _apply_pool(pool, data)
    return pool


# ---------------------------------------------------------------- release (INT-6)


def _release_text(pool, reason, note="") -> str:
    text = _("Released to %(pool)s: %(reason)s") % {
        "pool": pool.name,
        "reason": Reason(reason).label,
    }
    return f"{text} — {note}" if note else text


@transaction.atomic
def pool_release(*, actor, customer, pool=None, reason, note: str = "") -> PoolEntry:
    if reason not in MANUAL_REASONS:
        raise ValidationFailed(field_errors={"reason": [_("Choose a reason for the release.")]})
    note = (note or "").strip()[:200]
    locked = editable_customers(actor).select_for_update().filter(pk=customer.pk).first()
    if locked is None:
        raise NotFound()
    if locked.owner_id is None or PoolEntry.objects.filter(customer_id=locked.pk).exists():
        raise Conflict(_("This customer has no owner; it is already in a public pool."))
    if locked.owner_id != actor.pk and not user_covers_customer(actor, locked):
        raise PermissionDenied(_("Only the owner or their manager may release this customer."))
    if pool is None:
        pool = pool_for_department(locked.department_id)
        if pool is None:
            raise ValidationFailed(_("No public pool is set up yet."))
    elif not pool.is_active:
        raise ValidationFailed(field_errors={"pool": [_("This public pool is closed.")]})
    now = timezone.now()
    entry = PoolEntry.objects.create(
        customer=locked,
        pool=pool,
        reason=reason,
        note=note,
        previous_owner_id=locked.owner_id,
        released_by=actor,
        released_at=now,
    )
    customers_release_owner(
        actor=actor, customers=[locked], reason=_release_text(pool, reason, note)
    )
    _prospects_released([locked.pk])
    return entry


def _prospects_released(ids) -> None:
    for start in range(0, len(ids), BATCH):
        Prospect.objects.filter(customer_id__in=ids[start : start + BATCH]).update(
            owner=None,
            department=None,
            tracked=False,
            recycle_due_at=None,
            recycle_warned_at=None,
        )


# ---------------------------------------------------------------- claim


def _local_date(user, moment: datetime):
    try:
        zone = ZoneInfo(getattr(user, "time_zone", "") or "Asia/Shanghai")
    except (KeyError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.localtime(moment, zone).date()


def owned_count(user, *, count_dealt: bool) -> int:
    customers = Customer.objects.filter(owner=user, deleted_at__isnull=True)
    if not count_dealt:
        customers = customers.exclude(prospect__dealt=True)
    return customers.count()


def locked_count(user, *, count_dealt: bool) -> int:
    prospects = Prospect.objects.filter(owner=user, locked=True)
    if not count_dealt:
        prospects = prospects.filter(dealt=False)
    return prospects.count()


@transaction.atomic
def pool_claim(*, actor, customer, now=None) -> Customer:
    now = now or timezone.now()
    entry = PoolEntry.objects.select_related("pool").filter(customer_id=customer.pk).first()
    if entry is None:
        if Customer.objects.filter(pk=customer.pk, owner__isnull=False).exists():
            raise Conflict(_("Someone else has already claimed this customer."))
        raise NotFound()
    pool = entry.pool
    if not is_member(actor, pool):
        raise NotFound()
    # One claim at a time per user, so the cap and quotas cannot be overrun in parallel.
    User.objects.select_for_update().filter(pk=actor.pk).first()
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
    if pool.max_owned is not None and (
        owned_count(actor, count_dealt=pool.count_dealt) >= pool.max_owned
    ):
        raise ValidationFailed(
            _("You already own %(n)d customers, the most this pool allows.")
            % {"n": pool.max_owned},
            code="quota",
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
    )
    Claim.objects.create(customer=target, pool=pool, user=actor, at=now, local_date=today)
    Prospect.objects.filter(customer_id=target.pk).update(
        owner=actor,
        department_id=actor.department_id,
        owned_since=now,
        contacts_since_progress=0,
        recycle_due_at=None,
        recycle_warned_at=None,
    )
    return target


@transaction.atomic
def prospect_lock(*, actor, customer, locked: bool = True) -> Prospect:
    """Lock (锁定) a customer against recycling, within the locked quota of the pool that
    covers the owner's department."""
    target = editable_customers(actor).filter(pk=customer.pk).first()
    if target is None:
        raise NotFound()
    if target.owner_id != actor.pk and not user_covers_customer(actor, target):
        raise PermissionDenied(_("Only the owner or their manager may lock this customer."))
    prospect, _created = Prospect.objects.select_for_update().get_or_create(
        customer=target, defaults={"owner_id": target.owner_id, "department": target.department}
    )
    if locked and not prospect.locked and target.owner_id:
        pool = pool_for_department(target.department_id)
        owner = target.owner
        if (
            pool is not None
            and pool.max_locked is not None
            and locked_count(owner, count_dealt=pool.count_dealt) >= pool.max_locked
        ):
            raise ValidationFailed(
                _("At most %(n)d locked customers are allowed.") % {"n": pool.max_locked},
                code="locked_quota",
            )
    prospect.locked = locked
    prospect.save(update_fields=["locked"])
    return prospect


# ---------------------------------------------------------------- nightly recycling (INT-7)


def _days(rules: dict, stage_code, grade):
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
                        followup=_days(rules[0], code, grade),
                        progress=_days(rules[1], code, grade),
                        deal=None if dealt else pool.no_deal_days,
                    )
                )
    return buckets


def _due_expression(bucket: _Bucket, contacts: int | None):
    since = F("owned_since")
    parts = []
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


def _eligible(pool_departments) -> Q:
    # NOT EXISTS rather than a join: an UPDATE filtered on a join becomes a semi-join of
    # the prospects with themselves.
    deleted = Customer.objects.filter(pk=OuterRef("customer_id"), deleted_at__isnull=False)
    return Q(owner__isnull=False, locked=False, department_id__in=pool_departments) & ~Exists(
        deleted
    )


def _reason_for(prospect: dict, pool: PublicPool, stage_codes: dict[int, str]) -> str:
    """Which rule fired first (the same arithmetic as the SQL, for the due rows only)."""
    since = prospect["owned_since"]
    code = stage_codes.get(prospect["stage_id"])
    candidates = []
    n = _days(pool.no_followup_days or {}, code, prospect["grade"])
    if n:
        candidates.append(
            (max(prospect["last_followup_at"] or since, since) + timedelta(days=n), 1)
        )
    n = _days(pool.no_progress_days or {}, code, prospect["grade"])
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
        return Reason.AUTO_NO_FOLLOWUP
    kind = min(candidates)[1]
    return {1: Reason.AUTO_NO_FOLLOWUP, 2: Reason.AUTO_NO_PROGRESS, 3: Reason.AUTO_NO_DEAL}[kind]


def _warn_limit(now: datetime, pool: PublicPool) -> datetime:
    """Warn what falls due up to the end of the local day D days from today (the warning
    names that date). A whole-day boundary, not `now + D`: a sliding boundary would warn new
    prospects on a second run minutes later, so the run would not be idempotent."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date() + timedelta(days=pool.warn_days + 1)
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


@transaction.atomic
def pool_recycle_run(*, now=None) -> dict:
    """The nightly batch: compute every owned prospect's recycle date from the rules of the
    pool covering its department, warn owners D days before, release what is due.
    Set-based and idempotent: a second run right after changes nothing."""
    now = now or timezone.now()
    counts = {"started": 0, "scheduled": 0, "cleared": 0, "warned": 0, "released": 0}
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
    # 5. Release what is due.
    released_by_pool: dict[int, list] = {}
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        rows = Prospect.objects.filter(
            _eligible(departments), recycle_due_at__isnull=False, recycle_due_at__lte=now
        ).values(
            "customer_id",
            "owner_id",
            "stage_id",
            "grade",
            "dealt",
            "owned_since",
            "last_followup_at",
            "last_progress_at",
            "contacts_since_progress",
        )
        released_by_pool[pool.pk] = list(rows)
    for pool_id, rows in released_by_pool.items():
        pool = pools[pool_id]
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            ids = [r["customer_id"] for r in chunk]
            already = set(
                PoolEntry.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True)
            )
            chunk = [r for r in chunk if r["customer_id"] not in already]
            entries, by_reason = [], {}
            for row in chunk:
                reason = _reason_for(row, pool, stage_codes)
                by_reason.setdefault(reason, []).append(row)
                entries.append(
                    PoolEntry(
                        customer_id=row["customer_id"],
                        pool=pool,
                        reason=reason,
                        previous_owner_id=row["owner_id"],
                        released_at=now,
                    )
                )
            PoolEntry.objects.bulk_create(entries, batch_size=BATCH)
            for reason, group in by_reason.items():
                customers = list(
                    Customer.objects.filter(
                        pk__in=[r["customer_id"] for r in group], owner__isnull=False
                    ).only("pk", "owner_id")
                )
                customers_release_owner(
                    actor=None, customers=customers, reason=_release_text(pool, reason)
                )
            _prospects_released([r["customer_id"] for r in chunk])
            counts["released"] += len(chunk)
    # 6. Warn the owners of what will be recycled within D days, once.
    for pool in pools.values():
        departments = sorted(d for d, p in mapping.items() if p == pool.pk)
        rows = list(
            Prospect.objects.filter(
                _eligible(departments),
                recycle_warned_at__isnull=True,
                recycle_due_at__gt=now,
                recycle_due_at__lt=_warn_limit(now, pool),
            ).values_list("customer_id", "owner_id", "recycle_due_at")
        )
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
                ],
                batch_size=BATCH,
            )
            Prospect.objects.filter(customer_id__in=[r[0] for r in chunk]).update(
                recycle_warned_at=now
            )
            counts["warned"] += len(chunk)
    return counts


# ---------------------------------------------------------------- selectors


def pools_for_user(user) -> list[PublicPool]:
    """The active pools the user is a member of, each with `customer_count`."""
    from django.db.models import Count

    ids = member_pool_ids(user)
    return list(
        PublicPool.objects.filter(pk__in=ids)
        .annotate(customer_count=Count("entries"))
        .order_by("id")
    )


def pool_get_for_user(user, pool_id) -> PublicPool:
    try:
        pool_id = int(pool_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pool_id not in member_pool_ids(user):
        raise NotFound()
    return PublicPool.objects.get(pk=pool_id)


@dataclass
class PoolPage:
    items: list
    next_cursor: str | None


def pool_customers_for_user(
    user, pool, *, reason="", stage="", source="", cursor="", limit: int = 50
) -> PoolPage:
    """Customers sitting in the pool, newest release first, in keyset pages; members only."""
    if not is_member(user, pool):
        raise NotFound()
    entries = PoolEntry.objects.filter(pool=pool, customer__deleted_at__isnull=True)
    if reason:
        entries = entries.filter(reason=reason)
    if stage:
        entries = entries.filter(customer__prospect__stage__code=stage)
    if source:
        entries = entries.filter(customer__source_id=source)
    if cursor:
        try:
            moment, entry_id = cursor.split("_", 1)
            moment = datetime.fromisoformat(moment)
            entry_id = int(entry_id)
        except ValueError:
            raise ValidationFailed(_("This page link is out of date.")) from None
        entries = entries.filter(Q(released_at__lt=moment) | Q(released_at=moment, id__lt=entry_id))
    rows = list(
        entries.select_related(
            "customer", "customer__prospect", "customer__prospect__stage", "previous_owner"
        ).order_by("-released_at", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = f"{last.released_at.isoformat()}_{last.pk}"
    return PoolPage(items=rows, next_cursor=next_cursor)
