"""Demo data of satisfaction (issue 15 §9): six months of internal answers to the new-car
survey with a visible upward trend and one weak factor (the transaction: the price talk), three
months of third-party results beside them, a few answers through one-time links this week (one
of them low, which opens a recovery task for the consultant's manager), links still open, and
improvement action plans for the weak items — one due on its owner's work list."""

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.dates import add_months, month_start
from guanxi.customers.models import Customer
from guanxi.satisfaction.models import (
    ActionPlan,
    Factor,
    Question,
    Source,
    SurveyResponse,
    SurveyTemplate,
)
from guanxi.satisfaction.plans.services import PlanData, action_plan_create
from guanxi.satisfaction.surveys.services import (
    SHANGHAI,
    AnswerInput,
    ResponseNew,
    _response_store,
    current_version,
    survey_link_answer,
    survey_link_create,
)

Progress = Callable[[str], object] | None

MONTHS = 6
PER_MONTH = 45
CONSULTANTS = ("sales1a", "sales1b", "sales2a")
# how much below expectation each factor starts, and the consultants' own offsets
FACTOR_GAP = {"buying": -1.0, "transaction": -2.6, "delivery": -0.8}
CONSULTANT_GAP = {"sales1a": 0.5, "sales1b": -0.7, "sales2a": 0.0}


@dataclass
class SatisfactionDemoStats:
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _clip(value: float, top: int) -> int:
    return max(1, min(top, round(value)))


def seed_satisfaction_demo(*, seed: int = 2026, progress: Progress = None) -> SatisfactionDemoStats:
    started = time.perf_counter()
    stats = SatisfactionDemoStats()
    template = SurveyTemplate.objects.filter(code="new_car").first()
    if template is None or SurveyResponse.objects.exists():
        stats.skipped = True
        return stats
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[*CONSULTANTS, "relations", "manager"])
    }
    consultants = [users[n] for n in CONSULTANTS if n in users]
    customers = {
        c.owner_id: c
        for c in Customer.objects.alive().filter(owner__in=consultants).order_by("-id")[:200]
    }
    pool = list(Customer.objects.alive().filter(owner__in=consultants).order_by("-id")[:300])
    if not consultants or not pool:
        stats.skipped = True
        return stats
    version = current_version(template=template)
    questions = list(
        Question.objects.filter(factor__version=version)
        .select_related("factor")
        .order_by("factor__sort_order", "sort_order")
    )
    factors = list(Factor.objects.filter(version=version).order_by("sort_order"))
    top = version.scale_max
    this_month = month_start(timezone.localdate())
    with transaction.atomic():
        for back in range(MONTHS, 0, -1):
            month = add_months(this_month, -back)
            improvement = (MONTHS - back) * 0.3  # the trend: a little better every month
            for _n in range(PER_MONTH):
                customer = rng.choice(pool)
                consultant = next((u for u in consultants if u.pk == customer.owner_id), None)
                name = consultant.username if consultant else ""
                items: list[tuple[Factor, Question | None, int, int]] = []
                for q in questions:
                    expectation = _clip(rng.gauss(8.2, 0.8), top)
                    gap = FACTOR_GAP[q.factor.code] + CONSULTANT_GAP.get(name, 0) + improvement
                    if q.factor.code == "transaction":
                        gap -= improvement * 0.6  # the weak factor barely improves
                    performance = _clip(expectation + gap + rng.gauss(0, 1.0), top)
                    items.append((q.factor, q, expectation, performance))
                mean_gap = sum(p - e for _f, _q, e, p in items) / len(items)
                overall = _clip(8 + mean_gap + rng.gauss(0, 0.8), top)
                moment = dt.datetime.combine(
                    month + dt.timedelta(days=rng.randint(0, 27)),
                    dt.time(rng.randint(9, 18), rng.randint(0, 59)),
                    tzinfo=SHANGHAI,
                )
                _response_store(
                    ResponseNew(
                        version=version,
                        kind=rng.choice([SurveyResponse.Kind.STAFF, SurveyResponse.Kind.LINK]),
                        source=Source.INTERNAL,
                        customer=customer,
                        consultant=consultant,
                        department_id=consultant.department_id if consultant else None,
                        answered_at=moment,
                        items=items,
                        overall=overall,
                        nps=max(0, min(10, round(overall + rng.gauss(0, 1)))),
                        recorded_by=users.get("relations"),
                    )
                )
                stats.counts["internal answers"] += 1
            if back <= 3:  # third-party results (外调) of the last three months
                for consultant in consultants:
                    for _n in range(6):
                        external: list[tuple[Factor, Question | None, int, int]] = [
                            (
                                f,
                                None,
                                f.baseline,
                                _clip(
                                    f.baseline
                                    + FACTOR_GAP[f.code]
                                    + CONSULTANT_GAP.get(consultant.username, 0)
                                    + improvement
                                    + rng.gauss(0.3, 1.0),
                                    top,
                                ),
                            )
                            for f in factors
                        ]
                        _response_store(
                            ResponseNew(
                                version=version,
                                kind=SurveyResponse.Kind.THIRD_PARTY,
                                source=Source.EXTERNAL,
                                customer=None,
                                consultant=consultant,
                                department_id=consultant.department_id,
                                answered_at=dt.datetime.combine(
                                    month + dt.timedelta(days=20), dt.time(12), tzinfo=SHANGHAI
                                ),
                                items=external,
                                overall=None,
                                nps=None,
                            )
                        )
                        stats.counts["external results"] += 1
        if progress:
            progress(
                f"  satisfaction: {stats.counts['internal answers']} answers over {MONTHS} months"
            )
        _seed_links(
            rng=rng, template=template, users=users, customers=list(customers.values()), stats=stats
        )
        _seed_plans(template=template, users=users, this_month=this_month, stats=stats)
    stats.seconds = time.perf_counter() - started
    return stats


def _answers(rng: random.Random, questions: list[Question], *, level: int, top: int) -> AnswerInput:
    scores: dict[str, object] = {}
    for q in questions:
        scores[f"e{q.pk}"] = 8
        scores[f"p{q.pk}"] = _clip(level + rng.choice([-1, 0, 1]), top)
    scores["overall"] = level
    scores["nps"] = min(10, level)
    return AnswerInput(scores=scores, comment="" if level > 5 else "交车拖了一周，价格也没讲清楚。")


def _seed_links(
    *,
    rng: random.Random,
    template: SurveyTemplate,
    users: dict[str, User],
    customers: list[Customer],
    stats: SatisfactionDemoStats,
) -> None:
    relations = users.get("relations")
    if relations is None or not customers:
        return
    version = current_version(template=template)
    questions = list(Question.objects.filter(factor__version=version))
    for index, customer in enumerate(customers[:5]):
        new = survey_link_create(actor=relations, customer_id=customer.pk, template_id=template.pk)
        stats.counts["links"] += 1
        if index < 3:  # answered this week; the second one low
            level = 4 if index == 1 else 9
            survey_link_answer(
                token=new.token,
                answers=_answers(rng, questions, level=level, top=version.scale_max),
            )
            stats.counts["answered by link"] += 1


def _seed_plans(
    *,
    template: SurveyTemplate,
    users: dict[str, User],
    this_month: dt.date,
    stats: SatisfactionDemoStats,
) -> None:
    relations, manager = users.get("relations"), users.get("manager")
    owner = users.get("sales1b")
    if relations is None or owner is None:
        return
    if ActionPlan.objects.exists():
        return
    today = timezone.localdate()
    rows = [
        (
            "transaction",
            "公开透明的报价",
            -2.4,
            -1.0,
            "报价单只写总价，费用项目没有逐项解释",
            "统一报价单模板，逐项说明购置税、保险、上牌等费用；每周抽查 5 单",
            owner,
            2,
            "in_progress",
            3,
        ),
        (
            "transaction",
            "议价过程令您愉快",
            -2.1,
            -1.0,
            "议价时反复请示经理，客户等待时间长",
            "明确销售顾问让价权限，超过权限 10 分钟内答复",
            owner,
            5,
            "open",
            2,
        ),
        (
            "delivery",
            "交车中对您的关注程度",
            -0.9,
            0.0,
            "交车集中在周末，一人同时交多台车",
            "周末交车预约制，每位顾问同时段只安排一台",
            users.get("sales2a") or owner,
            20,
            "open",
            2,
        ),
        (
            "buying",
            "等候被接待的时间",
            -1.2,
            0.0,
            "展厅高峰时段人手不足",
            "高峰时段安排前台引导，3 分钟内接待",
            users.get("sales1a") or owner,
            -10,
            "done",
            4,
        ),
    ]
    for code, item, last, target, cause, measure, who, due_in, status, months_back in rows:
        action_plan_create(
            actor=relations,
            data=PlanData(
                template_id=template.pk,
                factor_code=code,
                item=item,
                period=add_months(this_month, -months_back),
                last_score=last,
                target=target,
                cause=cause,
                measure=measure,
                owner_id=who.pk,
                supervisor_id=manager.pk if manager else None,
                due_date=today + dt.timedelta(days=due_in),
                status=status,
            ),
        )
        stats.counts["action plans"] += 1
