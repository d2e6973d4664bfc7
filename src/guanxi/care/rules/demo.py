"""Demo of care plans (issue 14 §8): the shipped rules are on (migration 0004); this replays
the last three weeks through them — the showroom visits, planned and done deliveries the
pipeline and sales demos wrote, the nightly date rules of each day, and the runner at the
end of each day — so the demo shows touches done, skipped and still scheduled."""

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guanxi.care.models import CareTouch, Trigger
from guanxi.care.rules import schedule
from guanxi.care.rules.events import VISIT_CHANNELS
from guanxi.care.rules.services import CareEvent, date_rules_evaluate, touches_record, touches_run
from guanxi.pipeline.models import FollowUp
from guanxi.sales.models import Delivery, DeliveryPlan

WEEKS = 3
EVENTS_PER_KIND = 300
RUN_LIMIT_PER_DAY = 400


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
    delivered = Delivery.objects.filter(delivered_on__gte=start).values_list(
        "plan__order__contract_id", "plan__order__contract__customer_id", "delivered_on"
    )[:EVENTS_PER_KIND]
    for contract_id, customer_id, delivered_on in delivered:
        touches_record(
            event=CareEvent(
                trigger=Trigger.DELIVERY_DONE,
                customer_id=customer_id,
                occurrence=f"contract:{contract_id}",
                at=schedule.day_moment(delivered_on),
            )
        )
    planned = DeliveryPlan.objects.filter(
        planned_on__gte=start, planned_on__lte=today + dt.timedelta(days=14)
    ).values_list("order_id", "order__contract__customer_id", "planned_on")[:EVENTS_PER_KIND]
    for order_id, customer_id, planned_on in planned:
        touches_record(
            event=CareEvent(
                trigger=Trigger.DELIVERY_PLANNED,
                customer_id=customer_id,
                occurrence=f"order:{order_id}",
                at=schedule.day_moment(planned_on),
            )
        )
    day = start
    while day <= today:
        date_rules_evaluate(today=day)
        evening = min(dt.datetime.combine(day, dt.time(20, 0), tzinfo=schedule.local_zone()), now)
        for outcome, count in touches_run(now=evening, limit=RUN_LIMIT_PER_DAY).items():
            stats.counts[f"care rule touches: {outcome}"] += count
        day += dt.timedelta(days=1)
    stats.counts["care rule touches: scheduled"] += CareTouch.objects.filter(
        status=CareTouch.Status.SCHEDULED
    ).count()
