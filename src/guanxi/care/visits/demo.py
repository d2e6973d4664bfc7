"""Demo 回访 and spot checks (issue 14 §8): a few weeks of 回访 in every outcome, some open and
overdue, some with follow-up actions, and the last fortnight's spot checks with results. Made
through the services; the times of what was closed are then moved back into the weeks they
stand for, so the 无效回访分析 has a history to show."""

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from guanxi.accounts.models import User
from guanxi.care.models import CareTask, CareTopic, SpotCheck
from guanxi.care.visits import services
from guanxi.customers.models import Customer

WEEKS = 6
PER_WEEK = 12
OUTCOMES = [
    (CareTask.Outcome.REACHED, 60),
    (CareTask.Outcome.UNREACHABLE, 20),
    (CareTask.Outcome.REFUSED, 12),
    (CareTask.Outcome.WRONG_NUMBER, 8),
]
ANSWERS = ["满意", "还可以", "销售顾问很专业", "希望交车更快一些", "暂时没有问题", "已告知"]


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def visit_record(
    rng: random.Random, topic: CareTopic | None, *, scores: list[int]
) -> services.VisitRecord:
    """A 回访's result as the demo draws it (its own 回访 and the care rules' tasks): an
    outcome by OUTCOMES' weights; reached, answers to the topic's questions and a score from
    `scores` where the topic asks one; not reached, a short note."""
    outcome = pick(rng, OUTCOMES)
    reached = outcome == CareTask.Outcome.REACHED
    return services.VisitRecord(
        outcome=outcome,
        answers={q["key"]: rng.choice(ANSWERS) for q in topic.questions}
        if reached and topic is not None
        else {},
        score=rng.choice(scores) if reached and topic is not None and topic.scored else None,
        notes="" if reached else "电话无人接听" if outcome == "unreachable" else "",
    )


def seed_visits_demo(*, rng: random.Random, stats: Any) -> None:
    # the timeline's texts in the site's language, as a user of the demo would have made them
    with translation.override(settings.LANGUAGE_CODE):
        _seed(rng=rng, stats=stats)


def _seed(*, rng: random.Random, stats: Any) -> None:
    relations = User.objects.filter(username="relations").first()
    if relations is None or CareTask.objects.filter(kind=CareTask.Kind.VISIT).exists():
        return
    topics = list(CareTopic.objects.filter(active=True))
    customers = list(
        Customer.objects.alive()
        .filter(Q(owner__isnull=False))
        .select_related("owner")
        .order_by("id")[:200]
    )
    if not topics or not customers:
        return
    now = timezone.now()
    closed: list[tuple[int, dt.datetime]] = []
    for week in range(WEEKS, 0, -1):
        for _n in range(PER_WEEK):
            customer = rng.choice(customers)
            topic = rng.choice(topics)
            due = now - dt.timedelta(days=7 * week - rng.randint(0, 6), hours=rng.randint(0, 8))
            task = services.care_visit_create(
                actor=relations,
                new=services.VisitNew(customer_id=customer.pk, topic_id=topic.pk, due_at=due),
            )
            record = visit_record(rng, topic, scores=[6, 7, 8, 8, 9, 9, 10])
            services.care_visit_do(actor=relations, task_id=task.pk, record=record)
            outcome = record.outcome
            reached = outcome == CareTask.Outcome.REACHED
            closed.append((task.pk, due + dt.timedelta(hours=rng.randint(0, 20))))
            stats.counts[f"回访 {outcome}"] += 1
            if reached and rng.random() < 0.2 and customer.owner is not None:
                services.care_visit_track(
                    actor=relations,
                    task_id=task.pk,
                    new=services.TrackNew(
                        title="客户反映问题,请销售顾问跟进",
                        assignee_id=customer.owner.pk,
                        due_at=now + dt.timedelta(days=rng.randint(-3, 5)),
                        notes="回访中客户提到的问题",
                    ),
                )
                stats.counts["回访 follow-up actions"] += 1
    for task_id, done_at in closed:
        # moved back into the week the 回访 stands for (the service stamps "now")
        CareTask.objects.filter(pk=task_id).update(done_at=min(done_at, now))
    # open 回访: some overdue, some due today and later, for relations and the consultants
    consultants = list(User.objects.filter(username__startswith="sales").order_by("id"))
    for index in range(18):
        customer = rng.choice(customers)
        assignee = relations if index % 3 else (customer.owner or relations)
        services.care_visit_create(
            actor=relations,
            new=services.VisitNew(
                customer_id=customer.pk,
                topic_id=rng.choice(topics).pk,
                due_at=now + dt.timedelta(hours=rng.randint(-96, 72)),
                assignee_id=assignee.pk,
            ),
        )
        stats.counts["回访 open"] += 1
    if consultants:
        result = services.spot_checks_draw(rng=rng)
        stats.counts["spot checks"] += result.created
        checks = list(SpotCheck.objects.filter(result="").select_related("task").order_by("id"))
        for index, check in enumerate(checks[: max(0, len(checks) * 3 // 4)]):
            # every result shows: one in five differs, one in seven was not reached
            outcome = (
                SpotCheck.Result.DIFFERS
                if index % 5 == 2
                else SpotCheck.Result.UNREACHABLE
                if index % 7 == 4
                else SpotCheck.Result.MATCHES
            )
            assignee = check.task.assignee or relations
            services.spot_check_record(
                actor=assignee,
                spot_check_id=check.pk,
                result=outcome,
                notes="客户说的与记录不一致" if outcome == SpotCheck.Result.DIFFERS else "",
            )
            stats.counts[f"spot checks {outcome}"] += 1
