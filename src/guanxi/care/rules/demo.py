"""Demo of care plans (issue 14 §8): the shipped rules are on (migration 0004); this replays
the last three weeks through them — the showroom visits, planned and done deliveries the
pipeline and sales demos wrote, the nightly date rules of each day, and the runner at the
end of each day — so the demo shows touches done, skipped and still scheduled — and has the
team work through the tasks those touches made, as a team that keeps up would: what fell due
before yesterday is mostly done, a few stay overdue."""

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from guanxi.accounts.models import User
from guanxi.care.models import CareTask, CareTouch, Trigger
from guanxi.care.rules import schedule
from guanxi.care.rules.events import VISIT_CHANNELS
from guanxi.care.rules.services import CareEvent, date_rules_evaluate, touches_record, touches_run
from guanxi.care.visits import services as visits
from guanxi.care.visits.demo import visit_record
from guanxi.pipeline.models import FollowUp
from guanxi.sales.models import Delivery, DeliveryPlan

WEEKS = 3
EVENTS_PER_KIND = 300
RUN_LIMIT_PER_DAY = 400
LEFT_OVERDUE = 0.06  # of the tasks due before yesterday, the share nobody got to


def seed_rules_demo(*, rng: random.Random, stats: Any) -> None:
    now = timezone.now()
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=WEEKS)
    visits = FollowUp.objects.filter(
        channel__in=VISIT_CHANNELS, at__gte=schedule.day_moment(start)
    ).order_by("-at")[:EVENTS_PER_KIND]
    for followup in visits:
        touches_record(
            event=CareEvent(
                trigger=Trigger.VISIT_LOGGED,
                customer_id=followup.customer_id,
                occurrence=f"followup:{followup.pk}",
                at=followup.at,
                facts={"channel": followup.channel},
            )
        )
    # the delivery events: their trigger, what an occurrence names, (id, customer, day) rows
    deliveries = (
        (
            Trigger.DELIVERY_DONE,
            "contract",
            Delivery.objects.filter(delivered_on__gte=start).values_list(
                "plan__order__contract_id", "plan__order__contract__customer_id", "delivered_on"
            ),
        ),
        (
            Trigger.DELIVERY_PLANNED,
            "order",
            DeliveryPlan.objects.filter(
                planned_on__gte=start, planned_on__lte=today + dt.timedelta(days=14)
            ).values_list("order_id", "order__contract__customer_id", "planned_on"),
        ),
    )
    for trigger, named, rows in deliveries:
        for record_id, customer_id, day in rows[:EVENTS_PER_KIND]:
            touches_record(
                event=CareEvent(
                    trigger=trigger,
                    customer_id=customer_id,
                    occurrence=f"{named}:{record_id}",
                    at=schedule.day_moment(day),
                )
            )
    day = start
    while day <= today:
        date_rules_evaluate(today=day)
        evening = min(dt.datetime.combine(day, dt.time(20, 0), tzinfo=schedule.local_zone()), now)
        for outcome, count in touches_run(now=evening, limit=RUN_LIMIT_PER_DAY).items():
            stats.counts[f"care rule touches: {outcome}"] += count
        day += dt.timedelta(days=1)
    with translation.override(settings.LANGUAGE_CODE):  # the timeline's texts, as in visits
        _work_through_past_tasks(rng=rng, stats=stats, now=now)
    stats.counts["care rule touches: scheduled"] += CareTouch.objects.filter(
        status=CareTouch.Status.SCHEDULED
    ).count()


def _work_through_past_tasks(*, rng: random.Random, stats: Any, now: dt.datetime) -> None:
    relations = User.objects.filter(username="relations").first()
    if relations is None:
        return
    past = (
        CareTask.objects.filter(
            origin=CareTask.Origin.RULE,
            status=CareTask.Status.OPEN,
            due_at__lt=now - dt.timedelta(days=1),
        )
        .select_related("assignee", "topic")
        .order_by("due_at", "id")
    )
    done: list[tuple[int, dt.datetime]] = []
    for task in past:
        if rng.random() < LEFT_OVERDUE:
            continue
        actor = (
            task.assignee if task.assignee is not None and task.assignee.is_active else relations
        )
        if task.kind == CareTask.Kind.ACTION:
            visits.care_task_close(actor=actor, task_id=task.pk, resolution=visits.Resolution.DONE)
            outcome = "done"
        else:
            record = visit_record(rng, task.topic, scores=[7, 8, 8, 9, 9, 10])
            visits.care_visit_do(actor=actor, task_id=task.pk, record=record)
            outcome = record.outcome
        stats.counts[f"care rule tasks: {outcome}"] += 1
        done.append((task.pk, task.due_at + dt.timedelta(hours=rng.randint(0, 20))))
    for task_id, done_at in done:
        # moved back to when the task was worked (the services stamp "now")
        CareTask.objects.filter(pk=task_id).update(done_at=min(done_at, now))
