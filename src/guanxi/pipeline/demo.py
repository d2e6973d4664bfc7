# ruff: noqa: E501  (tables of Chinese follow-up texts read better unwrapped)
"""Demo pipeline for `guanxi seed` / `guanxi seed_pipeline` (issue 3 item 12, bench/).

Two ways to write it, like `guanxi.customers.demo`:

* `seed_pipeline_demo` (the default demo, a few hundred customers) goes through the
  pipeline services — `followup_log`, `man_assess`, `referral_set`, `tracking_add`, the
  pools' `pool_release` — with the clock set back to each follow-up's moment (the services
  read `django.utils.timezone.now`), so follow-ups, stage moves, timeline events and the
  prospects' dates tell one consistent story over the last weeks.
* `seed_pipeline_bulk` (the benchmark, a million customers) writes prospects, follow-ups
  and stage moves straight into the tables (PostgreSQL COPY with the non-unique indexes
  dropped and rebuilt; SQLite executemany). See bench/README.md for what it leaves out.
"""

import contextlib
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from unittest import mock

from django.db import connection, transaction
from django.utils import timezone

from guanxi.accounts.demo import ensure_demo_organisation
from guanxi.accounts.models import Department
from guanxi.core.errors import DomainError
from guanxi.core.seed_command import SeedStats
from guanxi.customers.demo import (
    DEMO_CONSULTANTS,
    BulkLoad,
    bulk_analyze,
    keyset_batches,
    max_id,
)
from guanxi.customers.models import Customer
from guanxi.pipeline.models import (
    FollowUp,
    PoolEntry,
    Prospect,
    PublicPool,
    Script,
    Stage,
    StageMove,
    StageReach,
)
from guanxi.pipeline.pools import services as pool_services
from guanxi.pipeline.prospects import cadence as stage_cadence
from guanxi.pipeline.prospects import services
from guanxi.pipeline.prospects.selectors import quota_for

STAGE_CODES = ("refused", "s0", "s1", "s2", "s3", "s4")
FORWARD = ("s0", "s1", "s2", "s3", "s4")
# The final stage of a customer: many refused or at 0, fewer at 3–4.
STAGE_WEIGHTS = {"refused": 22, "s0": 34, "s1": 19, "s2": 13, "s3": 7, "s4": 5}
QUOTA_GROUP = {"s0": "s0", "s1": "s12", "s2": "s12", "s3": "s34", "s4": "s34"}
DEFAULT_QUOTAS = {"s0": 20, "s12": 40, "s34": 10}
DEFAULT_CADENCE = {"s0": 15, "s1": 7, "s2": 7, "s3": 3, "s4": 3}
E_CADENCE = 15  # E-class: twice a month

POOL_NAME = "公司公海"

CHANNELS = (
    "phone",
    "phone",
    "phone",
    "phone",
    "wechat",
    "wechat",
    "visit",
    "sms",
    "email",
    "showroom",
)
CHANNEL_OPENING = {
    "phone": ("电话沟通了", "电话回访，", "打电话跟进，", "电话联系上客户，"),
    "wechat": ("微信沟通了", "微信发了资料，", "微信语音聊了", "微信回复了客户，"),
    "visit": ("上门拜访，", "到客户公司面谈，", "拜访客户，"),
    "sms": ("短信提醒了", "发短信跟进，"),
    "email": ("邮件发送了", "邮件回复了客户关于"),
    "showroom": ("客户到展厅参观，", "客户来公司面谈，"),
}
TOPICS = {
    "refused": ("推广方案", "产品介绍", "合作事宜", "开场白"),
    "s0": ("产品介绍", "公司情况", "行业案例", "推广思路", "网络推广的基本概念"),
    "s1": ("推广方案", "行业案例", "效果数据", "同行的做法", "产品功能"),
    "s2": ("推广方案", "报价单", "竞品对比", "效果预估", "售后服务", "网站建设方案"),
    "s3": ("报价", "合同条款", "预存款方案", "优惠政策", "上线时间", "付款方式"),
    "s4": ("合同", "签约时间", "预存金额", "开户资料", "上线安排"),
    "E": ("推广效果", "续费安排", "新产品", "转介绍", "账户优化"),
}
REACTIONS = {
    "refused": (
        "客户明确表示不需要",
        "客户说已经有合作方，不考虑",
        "客户态度冷淡，直接挂断",
        "客户表示公司不做网络推广",
    ),
    "s0": (
        "客户不反感，但对网络推广不太了解",
        "客户在开会，约了晚些再打",
        "客户发了些牢骚，说之前被骗过",
        "客户听了一会儿，没有明确态度",
    ),
    "s1": (
        "客户愿意听介绍，问了几个问题",
        "客户对案例比较感兴趣",
        "客户有互动，说会考虑一下",
        "客户主动说了自己的业务情况",
    ),
    "s2": (
        "客户主动问效果怎么保证",
        "客户拿我们和竞争对手做了比较",
        "客户对价格有顾虑",
        "客户咨询了网站建设的事",
        "客户认可我们的分析",
    ),
    "s3": (
        "客户问能不能减免服务费",
        "客户关心预存款能用多久",
        "客户基本认可，要和老板商量",
        "客户在比较两种套餐",
        "客户确定要做，但在考虑金额",
    ),
    "s4": (
        "客户确定成交，等老板签字",
        "客户同意下周签合同",
        "客户确定预存3万",
        "客户确定合作，出差回来办手续",
    ),
    "E": ("客户反馈效果不错", "客户提了几点优化建议", "客户愿意介绍朋友过来", "客户准备续费"),
}
NEXT_STEPS = (
    "约下周三面谈",
    "约明天上午再联系",
    "下周一发报价单",
    "约周五上门演示",
    "答应把案例发过去",
    "约月底前再跟进",
    "约后天带合同过去",
    "等客户回复",
    "约下周二电话沟通",
    "发了资料，三天后回访",
)
OUTCOMES = {
    "refused": ("拒绝", "无意向", "未接通"),
    "s0": ("未接通", "继续培养", "约定再联系", "客户忙，改天再打"),
    "s1": ("有兴趣", "约定再联系", "已发资料"),
    "s2": ("已报价", "需求明确", "约到面谈"),
    "s3": ("考虑成交", "谈价格", "等决策人"),
    "s4": ("确定成交", "约定签约", "准备合同"),
    "E": ("维护关系", "续费意向", "转介绍"),
}
# (type, is_excuse, real objection, temperament, method, outcome)
OBJECTIONS = (
    ("price", False, "", "rational", "compensation", "resolved"),
    ("price", True, "对效果没信心", "hesitant", "question", "open"),
    ("need", True, "没有预算", "emotional", "indirect", "open"),
    ("timing", True, "决策人不在", "hesitant", "question", "open"),
    ("trust", False, "", "emotional", "indirect", "resolved"),
    ("competitor", False, "", "rational", "direct", "open"),
    ("authority", False, "", "rational", "question", "resolved"),
    ("quality", False, "", "rational", "compensation", "resolved"),
)
# The seed's kick-out reasons (INT-6) with a note each.
RELEASES = (
    ("no_progress", "联系了五六次，客户一直委婉拒绝，原因不明"),
    ("no_decision_maker", "多次联系仍找不到负责人"),
    ("lost_trust", "报价出错，客户不愿再沟通"),
    ("pushed_too_hard", "逼单太紧，客户反感"),
)


EXPECTED_AMOUNTS = (9800, 12800, 19800, 28800, 46800, 68000, 98000, 150000)


def stages_by_code() -> dict:
    stages = {stage.code: stage for stage in Stage.objects.filter(code__in=STAGE_CODES)}
    missing = [code for code in STAGE_CODES if code not in stages]
    if missing:
        raise LookupError(
            f"intention stages missing ({', '.join(missing)}): run `guanxi migrate` first"
        )
    return stages


def cadence_days(stages: dict) -> dict:
    return {code: stages[code].cadence_days or DEFAULT_CADENCE[code] for code in FORWARD}


def followup_text(rng: random.Random, stage: str, channel: str) -> str:
    opening = rng.choice(CHANNEL_OPENING[channel])
    topic = rng.choice(TOPICS[stage])
    reaction = rng.choice(REACTIONS[stage])
    if stage == "refused":
        return f"{opening}{topic}，{reaction}。"
    return f"{opening}{topic}，{reaction}，{rng.choice(NEXT_STEPS)}。"


def stage_path(rng: random.Random, final: str) -> list[str]:
    """The stages a customer passes through, in order, ending at `final` (some go back)."""
    if final == "refused":
        top = rng.choice(("s0", "s0", "s0", "s1"))
        return [*FORWARD[: FORWARD.index(top) + 1], "refused"]
    index = FORWARD.index(final)
    path = list(FORWARD[: index + 1])
    if index < 4 and rng.random() < 0.15:
        path.extend([FORWARD[index + 1], final])  # got ahead of itself, fell back
    return path


def spread_moves(rng: random.Random, path: list[str], count: int) -> list[str | None]:
    """Which follow-up (of `count`) sets which stage: the first sets the first stage, the
    others spread over the rest; stages skipped when there are too few follow-ups."""
    plan: list[str | None] = [None] * count
    plan[0] = path[0]
    rest = path[1:]
    if not rest or count == 1:
        if rest:
            plan[0] = path[-1]
        return plan
    if len(rest) > count - 1:
        rest = rest[len(rest) - (count - 1) :]
    slots = sorted(rng.sample(range(1, count), len(rest)))
    for slot, code in zip(slots, rest, strict=True):
        plan[slot] = code
    return plan


# ---------------------------------------------------------------- the service path


@dataclass
class DemoStats(SeedStats):
    prospects: int = 0
    followups: int = 0
    objections: int = 0
    tracked: int = 0
    released: int = 0
    locked: int = 0
    dealt: int = 0
    referrals: int = 0
    by_stage: Counter = field(default_factory=Counter)


@contextlib.contextmanager
def clock(at: dt.datetime):
    """Run the services as if it were `at` (they and auto_now read timezone.now)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _local_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def ensure_demo_pool(users: dict):
    """The company pool 公司公海 (shipped by a migration, or made here): members and
    recycled departments 销售中心 (its subtree), the manager as admin. Rules are kept."""
    sales = Department.objects.get(name="销售中心", parent=None)
    pool = PublicPool.objects.filter(name=POOL_NAME).first()
    if pool is None:
        pool = pool_services.pool_create(
            actor=None,
            data={
                "name": POOL_NAME,
                "no_followup_days": {"*": 30, "s0": 15},
                "no_progress_days": {"*": 60},
                "no_progress_contacts": 10,
            },
        )
    if not pool.member_departments.exists() and not pool.member_users.exists():
        pool.member_departments.set([sales])
    if not pool.departments_recycled.exists():
        pool.departments_recycled.set([sales])
    if not pool.admins.exists():
        pool.admins.set([users["manager"]])
    return pool


def _limits(pool, code: str, grade: str = "") -> tuple[int | None, int | None]:
    """(days without follow-up, days without progress) after which `pool` recycles."""
    return (
        pool_services.rule_days(rules=pool.no_followup_days or {}, stage_code=code, grade=grade),
        pool_services.rule_days(rules=pool.no_progress_days or {}, stage_code=code, grade=grade),
    )


def seed_pipeline_demo(
    *,
    seed: int = 2026,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoStats:
    """A live pipeline over the demo consultants' customers, through the services.

    Does nothing (stats.skipped) when follow-ups exist already.
    """
    say = progress or (lambda message: None)
    stats = DemoStats()
    started = time.perf_counter()
    if FollowUp.objects.exists():
        stats.skipped = True
        return stats
    stages = stages_by_code()
    cadence = cadence_days(stages)
    rng = random.Random(seed)  # noqa: S311 - demo data
    now = now or timezone.now()
    today = timezone.localdate(now)
    users = ensure_demo_organisation()
    pool = ensure_demo_pool(users)
    scripts: dict[str, list[int]] = {}
    for script_id, objection_type in Script.objects.filter(is_active=True).values_list(
        "id", "objection_type"
    ):
        scripts.setdefault(objection_type, []).append(script_id)

    released_target = 15
    release_candidates = []
    for username in DEMO_CONSULTANTS:
        consultant = users[username]
        customers = list(Customer.objects.filter(owner=consultant).order_by("id"))
        if not customers:
            continue
        finals = [*STAGE_CODES]  # every stage at least once for each consultant
        finals += rng.choices(
            list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()), k=max(0, len(customers) - 6)
        )
        rng.shuffle(finals)
        earlier: list[Customer] = []
        for index, (customer, final) in enumerate(zip(customers, finals, strict=False)):
            dealt = final == "s4" and rng.random() < 0.4
            try:
                with transaction.atomic():
                    _demo_customer(
                        rng=rng,
                        services=services,
                        consultant=consultant,
                        customer=customer,
                        final=final,
                        dealt=dealt,
                        now=now,
                        today=today,
                        cadence=cadence,
                        scripts=scripts,
                        stats=stats,
                        referrer=rng.choice(earlier) if earlier and rng.random() < 0.06 else None,
                        pool=pool,
                    )
            except DomainError as error:
                say(f"skipped {customer}: {error}")
                continue
            stats.prospects += 1
            stats.by_stage[final] += 1
            earlier.append(customer)
            if final in ("s0", "s1") and not dealt and index % 3 == 0:
                release_candidates.append((consultant, customer))
        say(f"{username}: {len(customers)} customers")

    # Tracked pools within the quotas, most recently active first.
    for username in DEMO_CONSULTANTS:
        consultant = users[username]
        prospects = (
            Prospect.objects.filter(owner=consultant, dealt=False, stage__code__in=FORWARD)
            .select_related("customer", "stage")
            .order_by("-last_followup_at")
        )
        taken: Counter = Counter()
        for prospect in prospects:
            group = QUOTA_GROUP[prospect.stage.code]
            if taken[group] >= DEFAULT_QUOTAS[group] * 3 // 4:
                continue
            try:
                services.tracking_add(actor=consultant, customer=prospect.customer)
            except DomainError:
                continue
            taken[group] += 1
            stats.tracked += 1

    # A few locked customers (never recycled).
    for username in DEMO_CONSULTANTS:
        ids = list(
            Prospect.objects.filter(owner=users[username], stage__code__in=("s3", "s4"))
            .order_by("customer_id")
            .values_list("customer_id", flat=True)[:2]
        )
        for customer in Customer.objects.filter(pk__in=ids):
            try:
                pool_services.prospect_lock(actor=users[username], customer=customer)
            except DomainError:
                continue
            stats.locked += 1

    # Customers released into the public pool with the seed's reasons.

    rng.shuffle(release_candidates)
    for consultant, customer in release_candidates:
        if stats.released >= released_target:
            break
        reason, note = RELEASES[stats.released % len(RELEASES)]
        when = now - dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        try:
            with transaction.atomic(), clock(when):
                pool_services.pool_release(
                    actor=consultant, customer=customer, pool=pool, reason=reason, note=note
                )
        except DomainError as error:
            say(f"not released {customer}: {error}")
            continue
        stats.released += 1
    # The nightly run: recycle dates and warnings for the work list's "about to be recycled".
    pool_services.pool_recycle_run(now=now)
    stats.released = PoolEntry.objects.filter(pool=pool).count()
    stats.seconds = time.perf_counter() - started
    return stats


def _demo_customer(
    *,
    rng,
    services,
    consultant,
    customer,
    final,
    dealt,
    now,
    today,
    cadence,
    scripts,
    stats,
    referrer,
    pool,
):
    """Follow-ups over the last weeks that take `customer` to stage `final`."""
    path = stage_path(rng, final)
    count = rng.randint(max(2, len(path) - 1), 7)
    # When the story ends, and what comes next: overdue, due today, this week or later.
    bucket = rng.choices(("overdue", "today", "week", "later"), (30, 20, 30, 20))[0]
    if final == "refused":
        last = now - dt.timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 6))
        next_contact = None
    elif bucket == "overdue":
        last = now - dt.timedelta(days=rng.randint(4, 12), hours=rng.randint(0, 6))
        next_contact = _local_at(
            today - dt.timedelta(days=rng.randint(1, 3)), rng.choice((10, 14, 16))
        )
        limit = _limits(pool, final)[0]
        if limit and rng.random() < 0.25:  # forgotten: close to the pool's no-follow-up limit
            last = now - dt.timedelta(days=limit - rng.randint(1, 2), hours=rng.randint(1, 6))
    elif bucket == "today":
        last = now - dt.timedelta(days=1, hours=rng.randint(0, 20))
        next_contact = max(_local_at(today, 23, 30), now + dt.timedelta(minutes=5))
        if timezone.localdate(next_contact) != today:
            next_contact = now
    elif bucket == "week":
        last = now - dt.timedelta(hours=rng.randint(2, 30))
        next_contact = _local_at(today + dt.timedelta(days=rng.randint(1, 6)), rng.choice((10, 15)))
    else:
        last = now - dt.timedelta(hours=rng.randint(2, 30))
        next_contact = _local_at(today + dt.timedelta(days=rng.randint(8, 20)), 10)
    first = max(customer.created_at, now - dt.timedelta(days=45))
    if first >= last:
        first = last - dt.timedelta(days=count * 2)
    span = (last - first).total_seconds()
    moments = sorted(
        first + dt.timedelta(seconds=span * (i + rng.random() * 0.8) / count) for i in range(count)
    )
    moments[-1] = last
    plan = spread_moves(rng, path, count)
    current = None
    for position, (at, target) in enumerate(zip(moments, plan, strict=True)):
        latest = position == count - 1
        stage = target or current or "s0"
        channel = rng.choice(CHANNELS)
        grade = ""
        if latest and dealt:
            grade = "E"
        elif latest and stage in ("s2", "s3", "s4"):
            grade = rng.choice({"s2": "CD", "s3": "BC", "s4": "AAB"}[stage])
        objections = []
        if stage in ("s1", "s2", "s3") and rng.random() < 0.3:
            kind, excuse, real, temperament, method, outcome = rng.choice(OBJECTIONS)
            options = scripts.get(kind) or []
            objections.append(
                {
                    "type": kind,
                    "is_excuse": excuse,
                    "real_objection": real,
                    "temperament": temperament,
                    "method": method,
                    "outcome": outcome,
                    "script_id": rng.choice(options) if options else None,
                }
            )
        data = {
            "channel": channel,
            "content": followup_text(rng, "E" if grade == "E" else stage, channel),
            "outcome": rng.choice(OUTCOMES["E" if grade == "E" else stage]),
            "effective": stage != "refused" and rng.random() < 0.75,
            "stage": target if target != current else None,
            "grade": grade,
            "next_contact_at": next_contact
            if latest
            else at + dt.timedelta(days=rng.randint(1, cadence.get(stage, 7))),
            "objections": objections,
        }
        if latest and final == "refused":
            data["next_contact_at"] = None
        if latest and not dealt and stage in ("s1", "s2", "s3", "s4"):
            # what the consultant expects to sign, and when: the board and forecast in money
            data["expected_amount"] = Decimal(rng.choice(EXPECTED_AMOUNTS))
            data["expected_close_on"] = today + dt.timedelta(days=rng.randint(3, 75))
        with clock(at):
            services.followup_log(
                actor=consultant, customer=customer, data=services.FollowUpInput(**data)
            )
            if position == 0:
                if rng.random() < 0.65:
                    money, authority, need = (rng.random() < p for p in (0.6, 0.7, 0.75))
                    services.man_assess(
                        actor=consultant,
                        customer=customer,
                        money=money,
                        authority=authority,
                        need=need,
                    )
                if referrer is not None:
                    services.referral_set(actor=consultant, customer=customer, referrer=referrer)
                    stats.referrals += 1
        stats.followups += 1
        stats.objections += len(objections)
        current = stage
    if dealt:
        Prospect.objects.filter(customer=customer).update(dealt=True)
        stats.dealt += 1


# ---------------------------------------------------------------- the bulk path

_FOLLOWUP_COLUMNS = (
    "id", "customer_id", "user_id", "department_id", "at", "channel", "content", "outcome",
    "effective", "stage_before_id", "stage_after_id", "grade_before", "grade_after",
    "next_contact_at", "created_at",
)  # fmt: skip
_MOVE_COLUMNS = (
    "customer_id", "user_id", "department_id", "source_id", "from_stage_id", "to_stage_id",
    "days_in_previous", "at",
)  # fmt: skip
_PROSPECT_COLUMNS = (
    "customer_id", "owner_id", "department_id", "stage_id", "grade", "stage_changed_at",
    "tracked", "locked", "dealt", "man_money", "man_authority", "man_need", "man_verdict",
    "quality", "quality_score", "risks", "referrer_id", "last_followup_at", "last_progress_at",
    "contacts_since_progress", "next_contact_at", "next_due_at", "recycle_warned_at",
    "recycle_due_at", "owned_since",
)  # fmt: skip
_POOL_COLUMNS = (
    "customer_id", "pool_id", "reason", "note", "previous_owner_id", "released_by_id",
    "released_at",
)  # fmt: skip


@dataclass
class BulkStats(SeedStats):
    customers: int = 0
    prospects: int = 0
    followups: int = 0
    stage_moves: int = 0
    tracked: int = 0
    released: int = 0


def _verdict(money, authority, need) -> str:
    return "".join(
        letter.upper() if value else letter
        for letter, value in zip("man", (money, authority, need), strict=True)
    )


class _BulkPlanner:
    """Turns one customer row into its prospect, follow-ups and stage moves.

    The result is a steady state of the pool's rules: owned customers were followed up and
    progressed within the recycling limits (a few just past them — the next nightly run
    releases those), customers that fell out of them sit in the pool already.
    """

    def __init__(self, *, rng, stages, now, per_customer, next_id, pool):
        self.rng = rng
        self.ids = {code: stage.pk for code, stage in stages.items()}
        self.stages = stages
        self.now = now
        self.per_customer = per_customer
        self.next_id = next_id
        self.pool_id = pool.pk
        self.contacts_limit = pool.no_progress_contacts
        self.limits = {
            (code, grade): _limits(pool, code, grade)
            for code in STAGE_CODES
            for grade in ("", "A", "B", "C", "D", "E")
        }
        self.cadence = stage_cadence
        self.tz = stage_cadence.zone_for(None)
        self.signed_per_month = quota_for(department_id=None).signed_per_month
        self.finals = list(STAGE_WEIGHTS)
        self.weights = list(STAGE_WEIGHTS.values())
        # Pre-made texts: a few thousand per stage, picked at random (fast and varied).
        self.texts = {
            stage: [followup_text(rng, stage, rng.choice(CHANNELS)) for _ in range(3000)]
            for stage in (*STAGE_CODES, "E")
        }
        self.outcomes = {stage: list(OUTCOMES[stage]) for stage in OUTCOMES}
        self.channels = [rng.choice(CHANNELS) for _ in range(1000)]
        self.followups: list[tuple] = []
        self.moves: list[tuple] = []
        self.prospects: list[tuple] = []
        self.pool: list[tuple] = []

    def clear(self):
        self.followups, self.moves, self.prospects, self.pool = [], [], [], []

    def _moments(self, start, end, count):
        random_ = self.rng.random
        span = (end - start).total_seconds()
        return [
            start + dt.timedelta(seconds=span * (i + 0.1 + random_() * 0.8) / count)
            for i in range(count)
        ]

    def add(self, customer_id, owner_id, department_id, source_id, created_at):
        rng = self.rng
        now = self.now
        random_ = rng.random
        final = rng.choices(self.finals, self.weights)[0]
        dealt = final == "s4" and random_() < 0.5
        grade = ""
        if dealt:
            grade = "E"
        elif final in ("s2", "s3", "s4"):
            grade = rng.choice({"s2": "CD", "s3": "BC", "s4": "AAB"}[final])
        path = stage_path(rng, final)
        count = max(
            len(path) - 1, 1, int(random_() * (2 * self.per_customer + 1)) + 1
        )  # ~per_customer after the caps
        released = owner_id is not None and (
            (final == "refused" and random_() < 0.7) or (final in ("s0", "s1") and random_() < 0.03)
        )
        locked = not released and not dealt and final in ("s3", "s4") and random_() < 0.02
        limit_f, limit_p = self.limits[(final, grade)]
        k = self.contacts_limit
        constrained = owner_id is not None and not (released or dealt or locked)
        lifetime = (now - created_at).total_seconds() / 86400
        if constrained and limit_f:
            late = random_() < 0.005  # just past the limit: the next nightly run takes it
            days = limit_f + random_() * 3 if late else random_() * (limit_f - 2)
            last = now - dt.timedelta(days=min(days, lifetime))
        else:
            last = created_at + (now - created_at) * (0.3 + 0.7 * random_())
        if constrained and k and (len(path) == 1 or path[1] == "refused"):
            count = min(count, k - 1)  # no progress after the first contact: stay under K
        plan = spread_moves(rng, path, count)
        if constrained and k and len(path) > 1:
            # the moves after the first within the last k - 1 follow-ups
            low = max(1, count - (k - 1))
            if count - low >= len(path) - 1 and any(plan[i] for i in range(1, low)):
                plan = [path[0]] + [None] * (count - 1)
                for slot, code in zip(
                    sorted(rng.sample(range(low, count), len(path) - 1)), path[1:], strict=True
                ):
                    plan[slot] = code
        # the follow-up that made the last progress (highest stage reached)
        top, p = -2, 0
        for index, code in enumerate(plan):
            if code is not None:
                order = FORWARD.index(code) if code in FORWARD else -1
                if order > top:
                    top, p = order, index
        if constrained and limit_p and p > 0:
            window = max(
                0.0,
                min(
                    (last - (now - dt.timedelta(days=limit_p - 3))).total_seconds(),
                    (last - created_at).total_seconds(),
                )
                / 86400,
            )
            progress = last - dt.timedelta(days=random_() * window)
            moments = [*self._moments(created_at, progress, p), progress]
            if count - p - 1:
                moments += self._moments(progress, last, count - p - 1)
        elif constrained and limit_p:  # the first follow-up was the last progress
            start = min(last, max(created_at, now - dt.timedelta(days=max(limit_p - 3, 0))))
            moments = self._moments(start, last, count)
        else:
            moments = self._moments(created_at, last, count)
        moments[-1] = last
        ids = self.ids
        current = None
        changed_at = None
        progress_at = None
        contacts_since = 0
        first_id = self.next_id
        self.next_id += count
        texts = self.texts
        channels = self.channels
        followups = self.followups
        moves = self.moves
        top = -2
        for position in range(count):
            at = moments[position]
            target = plan[position]
            before = current
            progressed = False
            if target is not None and target != current:
                moves.append(
                    (
                        customer_id, owner_id, department_id, source_id,
                        ids[current] if current else None, ids[target],
                        max(0, (at - changed_at).days) if changed_at else None, at,
                    )
                )  # fmt: skip
                changed_at = at
                current = target
                order = FORWARD.index(current) if current in FORWARD else -1
                if before is None or order > top:
                    progressed = True
                    progress_at = at
                    contacts_since = 0
                top = max(top, order)
            if not progressed:
                contacts_since += 1
            text_stage = "E" if (dealt and position == count - 1) else current
            followups.append(
                (
                    first_id + position, customer_id, owner_id, department_id, at,
                    channels[int(random_() * 1000)], texts[text_stage][int(random_() * 3000)],
                    rng.choice(self.outcomes[text_stage]) if random_() < 0.5 else "",
                    current != "refused" and random_() < 0.7,
                    ids[before] if before else None, ids[current],
                    "", grade if position == count - 1 else "", None, at,
                )
            )  # fmt: skip
        next_contact = None
        if not released and final != "refused" and random_() < 0.5:
            next_contact = last + dt.timedelta(days=1 + int(random_() * 6))
        stage = self.stages[final]
        next_due = None
        if not released:
            next_due = self.cadence.next_due(
                _Due(next_contact, grade, stage, stage.pk, last, changed_at),
                now=now,
                tz=self.tz,
                signed_per_month=self.signed_per_month,
            )
        money = authority = need = None
        verdict = ""
        if random_() < 0.6:
            money, authority, need = random_() < 0.6, random_() < 0.7, random_() < 0.75
            verdict = _verdict(money, authority, need)
        self.prospects.append(
            (
                customer_id,
                None if released else owner_id,
                None if released else department_id,
                ids[final], grade, changed_at, False, locked, dealt, money, authority, need,
                verdict, "{}", None, "[]", None, last, progress_at, contacts_since,
                next_contact, next_due, None, None, created_at,
            )
        )  # fmt: skip
        if released:
            reason, note = RELEASES[int(random_() * len(RELEASES))]
            released_at = last + (now - last) * random_()
            self.pool.append(
                (customer_id, self.pool_id, reason, note, owner_id, owner_id, released_at)
            )
        return count


@dataclass
class _Due:
    """What cadence.next_due reads of a prospect."""

    next_contact_at: object
    grade: str
    stage: object
    stage_id: int
    last_followup_at: object
    stage_changed_at: object


def seed_pipeline_bulk(
    *,
    followups_per_customer: int = 10,
    seed: int = 2026,
    chunk: int = 20_000,
    drop_indexes: bool | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BulkStats:
    """Prospects, follow-ups and stage moves for every customer, written in bulk.

    Does nothing (stats.skipped) when follow-ups exist already. Customers already with a
    prospect row are left alone. About 3 % of the customers at stage 0–1 end up released
    into the company pool (owner cleared). Tracked flags: per consultant and stage group
    the most recently followed customers, up to the default quotas (20 / 40 / 10).
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    stats = BulkStats()
    if FollowUp.objects.exists():
        stats.skipped = True
        return stats
    stages = stages_by_code()
    users = ensure_demo_organisation()
    pool = ensure_demo_pool(users)
    now = now or timezone.now()
    postgres = connection.vendor == "postgresql"
    total = Customer.objects.count()
    if drop_indexes is None:
        drop_indexes = postgres and total >= 100_000
    tables = {
        "followup": FollowUp._meta.db_table,
        "move": StageMove._meta.db_table,
        "prospect": Prospect._meta.db_table,
        "pool": PoolEntry._meta.db_table,
        "reach": StageReach._meta.db_table,
    }
    customers_table = Customer._meta.db_table
    planner = _BulkPlanner(
        rng=random.Random(seed),  # noqa: S311 - demo data
        stages=stages,
        now=now,
        per_customer=followups_per_customer,
        next_id=1,
        pool=pool,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        load = BulkLoad(
            cursor, tables=tables.values(), drop_indexes=drop_indexes, stats=stats, say=say
        )
        write = load.write
        planner.next_id = max_id(cursor, tables["followup"]) + 1
        phase = time.perf_counter()
        without_prospect = (
            f'SELECT c.id, c.owner_id, c.department_id, c.source_id, c.created_at FROM "{customers_table}" c '  # noqa: S608
            f'WHERE c.id > %s AND NOT EXISTS (SELECT 1 FROM "{tables["prospect"]}" p WHERE p.customer_id = c.id) '
            "ORDER BY c.id LIMIT %s"
        )
        for batch in keyset_batches(cursor, without_prospect, chunk=chunk):
            planner.clear()
            for customer_id, owner_id, department_id, source_id, created_at in batch:
                if not postgres and isinstance(created_at, str):
                    created_at = dt.datetime.fromisoformat(created_at)
                if timezone.is_naive(created_at):
                    created_at = timezone.make_aware(created_at, dt.UTC)
                if created_at > now:
                    created_at = now - dt.timedelta(hours=1)
                planner.add(customer_id, owner_id, department_id, source_id, created_at)
            write(tables["prospect"], _PROSPECT_COLUMNS, planner.prospects)
            write(tables["followup"], _FOLLOWUP_COLUMNS, planner.followups)
            write(tables["move"], _MOVE_COLUMNS, planner.moves)
            write(tables["pool"], _POOL_COLUMNS, planner.pool)
            stats.customers += len(batch)
            stats.prospects += len(planner.prospects)
            stats.followups += len(planner.followups)
            stats.stage_moves += len(planner.moves)
            stats.released += len(planner.pool)
            say(
                f"{stats.customers:,} / {total:,} customers, {stats.followups:,} follow-ups "
                f"({time.perf_counter() - started:.0f} s)"
            )
        stats.phases["load"] = time.perf_counter() - phase
        phase = time.perf_counter()
        # Released customers have no owner (the pool holds them), and name their pool
        # (`Customer.public_pool_id`, which the data-scope filter reads).
        cursor.execute(
            f'UPDATE "{customers_table}" SET owner_id = NULL, department_id = NULL, '  # noqa: S608
            "public_pool_id = %s "
            f'WHERE id IN (SELECT customer_id FROM "{tables["pool"]}" WHERE pool_id = %s) '
            "AND (owner_id IS NOT NULL OR public_pool_id IS NULL)",
            [pool.pk, pool.pk],
        )
        stats.phases["pool"] = time.perf_counter() - phase
        phase = time.perf_counter()
        services.stage_reach_refresh()  # the funnel's stored reaches, from every move just written
        stats.phases["reach"] = time.perf_counter() - phase
        load.finish((tables["followup"], tables["move"], tables["pool"]))
        # Tracked: the most recently followed per consultant and stage group, within quota.
        phase = time.perf_counter()
        stats.tracked = _mark_tracked(cursor, tables["prospect"], stages)
        stats.phases["tracked"] = time.perf_counter() - phase
    bulk_analyze((*tables.values(), customers_table), stats)
    stats.seconds = time.perf_counter() - started
    return stats


def _mark_tracked(cursor, table: str, stages: dict) -> int:
    groups = {"s0": ["s0"], "s12": ["s1", "s2"], "s34": ["s3", "s4"]}
    marked = 0
    for group, codes in groups.items():
        ids = [stages[code].pk for code in codes]
        marks = ", ".join(["%s"] * len(ids))
        cursor.execute(
            f'UPDATE "{table}" SET tracked = %s WHERE customer_id IN ('  # noqa: S608
            "  SELECT customer_id FROM ("
            "    SELECT customer_id, ROW_NUMBER() OVER ("
            "      PARTITION BY owner_id ORDER BY last_followup_at DESC, customer_id) AS n"
            f'    FROM "{table}" WHERE owner_id IS NOT NULL AND NOT dealt AND stage_id IN ({marks})'
            "  ) ranked WHERE n <= %s)",
            [True, *ids, DEFAULT_QUOTAS[group]],
        )
        marked += cursor.rowcount
    return marked
