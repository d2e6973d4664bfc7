"""Demo data of customer service (issue 15 §9): complaints in every state — waiting in a queue,
accepted, part-way through the five steps, closed resolved fast, in time, slowly or not at
all, reopened, escalated — logged through the services over the last two months. The times
of each complaint's steps are then moved back to when they would have happened, so the
statistics show realistic clocks (business minutes of the working calendar)."""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.workdays import WorkCalendar
from guanxi.customers.models import Customer
from guanxi.sales.models import Product
from guanxi.service.complaints import services
from guanxi.service.models import Complaint, ComplaintCategory, ComplaintEvent, ComplaintRoute

DAYS = 60
COMPLAINTS = 48

TITLES = {
    "product_quality": ["车辆异响", "空调不制冷", "精品脚垫质量差", "漆面有瑕疵"],
    "service_quality": ["销售顾问态度差", "等候时间太长", "反馈一周无人回复"],
    "purchase_conditions": ["价格与承诺不符", "合格证迟迟未给", "赠品没有兑现"],
    "customer_expectation": ["交车体验不如预期"],
    "other": ["停车不便"],
}
# what happens to each complaint, with its weight
PLANS = [
    ("waiting", 4),
    ("accepted", 4),
    ("midway", 5),
    ("fast", 10),
    ("resolved", 10),
    ("slow", 7),
    ("unresolved", 4),
    ("reopened", 4),
]


@dataclass
class ServiceDemoStats:
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)


def _backdate(complaint: Complaint, *, start: dt.datetime, calendar: WorkCalendar) -> None:
    """Move the complaint's clocks and history back to `start`, keeping each event's distance
    from the first one (the demo ran them all just now)."""
    events = list(complaint.events.order_by("at", "id"))
    if not events:
        return
    shift = events[0].at - start
    for event in events:
        ComplaintEvent.objects.filter(pk=event.pk).update(at=event.at - shift)
    row = Complaint.objects.get(pk=complaint.pk)
    updates: dict[str, object] = {"created_at": start}
    for name in ("routed_at", "accepted_at", "closed_at", "escalated_at"):
        value = getattr(row, name)
        if value is not None:
            updates[name] = value - shift
    setup = services.complaint_settings()
    respond, resolve = services.sla_minutes(category_id=row.category_id, severity=row.severity)
    updates["route_due"] = calendar.deadline(start=start, minutes=setup.route_minutes)
    updates["respond_due"] = calendar.deadline(start=start, minutes=respond)
    updates["resolve_due"] = calendar.deadline(start=start, minutes=resolve)
    for name, at_name in (
        ("route_minutes", "routed_at"),
        ("respond_minutes", "accepted_at"),
        ("resolve_minutes", "closed_at"),
    ):
        at = updates.get(at_name)
        if isinstance(at, dt.datetime):
            updates[name] = calendar.minutes_between(start=start, end=at)
    Complaint.objects.filter(pk=row.pk).update(**updates)
    row.refresh_from_db()
    row.escalate_at = services.next_escalation(
        complaint=row, next_level_minutes=setup.next_level_minutes, calendar=calendar
    )
    Complaint.objects.filter(pk=row.pk).update(escalate_at=row.escalate_at)


def _spread(
    complaint: Complaint, *, minutes: list[int], calendar: WorkCalendar, start: dt.datetime
) -> None:
    """Give the history after receipt the business-minute offsets in `minutes` (one per
    event after the first), so fast, in-time and slow complaints differ."""
    events = list(complaint.events.order_by("at", "id"))[1:]
    for event, offset in zip(events, minutes, strict=False):
        ComplaintEvent.objects.filter(pk=event.pk).update(
            at=calendar.deadline(start=start, minutes=offset)
        )


def _walk(complaint: Complaint, actor: User, *, to: int) -> Complaint:
    if complaint.step == 0:
        complaint = services.complaint_accept(
            actor=actor, complaint_id=complaint.pk, note="您好,您的问题我已记录,由我负责跟进。"
        )
    notes = {
        "calm": "耐心倾听,向客户致歉,平复情绪。",
        "solve": "与客户探讨解决方案:免费检修并赠送保养一次。",
        "act": "已安排售后检修,问题处理完毕。",
        "thank": "感谢客户的反馈和理解,欢迎随时联系。",
    }
    for kind in services.STEPS[complaint.step : to]:
        complaint = services.complaint_step(
            actor=actor, complaint_id=complaint.pk, step=kind, note=notes[kind]
        )
    return complaint


def _ensure_routes(relations: User | None) -> None:
    if relations is None or ComplaintRoute.objects.exists():
        return
    ComplaintRoute.objects.create(
        priority=10,
        category=ComplaintCategory.objects.get(code="product_quality"),
        to_department=relations.department,
    )
    ComplaintRoute.objects.create(
        priority=20,
        category=ComplaintCategory.objects.get(code="service_quality"),
        to_department=relations.department,
    )


@transaction.atomic
def seed_service_demo(*, seed: int = 2026) -> ServiceDemoStats:
    stats = ServiceDemoStats()
    if Complaint.objects.exists():
        stats.skipped = True
        return stats
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "relations"])}
    agent, relations = users.get("agent"), users.get("relations")
    customers = list(Customer.objects.alive().order_by("id")[:200])
    if agent is None or relations is None or not customers:
        return stats
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by seed
    _ensure_routes(relations)
    calendar = WorkCalendar()
    products = list(Product.objects.filter(active=True)[:10])
    categories = {c.code: c for c in ComplaintCategory.objects.filter(parent__isnull=True)}
    now = timezone.now()
    plans = [plan for plan, weight in PLANS for _ in range(weight)]
    rng.shuffle(plans)
    for index in range(COMPLAINTS):
        plan = plans[index % len(plans)]
        code = rng.choice(list(TITLES))
        category = categories[code]
        items = list(category.items.all())
        customer = rng.choice(customers[:40]) if index % 6 == 0 else rng.choice(customers)
        # the open ones are recent; the closed ones spread over the two months
        days_back = rng.randint(0, 3) if plan in ("waiting", "accepted", "midway") else None
        days = days_back if days_back is not None else rng.randint(4, DAYS)
        start = calendar.deadline(
            start=now - dt.timedelta(days=days, minutes=rng.randint(0, 600)), minutes=0
        )
        if start > now:
            start = now - dt.timedelta(minutes=30)
        complaint = services.complaint_create(
            actor=agent,
            new=services.NewComplaint(
                customer_id=customer.pk,
                channel=rng.choice(Complaint.Channel.values),
                category_id=category.pk,
                item_id=rng.choice(items).pk if items else None,
                severity=rng.choice(["low", "normal", "normal", "high", "critical"]),
                product_id=rng.choice(products).pk if products and rng.random() < 0.6 else None,
                title=rng.choice(TITLES[code]),
                description="客户来电反映:" + rng.choice(TITLES[code]) + ",希望尽快处理。",
            ),
        )
        handler = relations if rng.random() < 0.5 else agent
        target = complaint.resolve_target
        if plan == "waiting":
            pass
        elif plan == "accepted":
            _walk(complaint, handler, to=1)
        elif plan == "midway":
            _walk(complaint, handler, to=rng.randint(2, 4))
        else:
            _walk(complaint, handler, to=5)
            resolution = "unresolved" if plan == "unresolved" else "resolved"
            services.complaint_close(
                actor=handler, complaint_id=complaint.pk, resolution=resolution, note="已回访确认"
            )
            if plan == "reopened":
                services.complaint_reopen(
                    actor=handler, complaint_id=complaint.pk, note="客户反映问题再次出现"
                )
        _backdate(complaint, start=start, calendar=calendar)
        finish = {
            "fast": target // 4,
            "resolved": target * 3 // 4,
            "slow": target * 2,
            "unresolved": target,
            "reopened": target // 2,
        }.get(plan)
        if finish:
            steps = [max(5, finish * share // 10) for share in (1, 3, 5, 7, 9, 10, 10)]
            _spread(complaint, minutes=steps, calendar=calendar, start=start)
            closed_at = calendar.deadline(start=start, minutes=finish)
            accepted_at = calendar.deadline(start=start, minutes=steps[0])
            Complaint.objects.filter(pk=complaint.pk).update(
                accepted_at=accepted_at, respond_minutes=steps[0]
            )
            if plan != "reopened":
                Complaint.objects.filter(pk=complaint.pk).update(
                    closed_at=closed_at, resolve_minutes=finish
                )
        elif plan != "waiting":
            Complaint.objects.filter(pk=complaint.pk).update(
                accepted_at=start + dt.timedelta(minutes=20), respond_minutes=20
            )
        stats.counts[plan] += 1
    # the open complaints past their targets are escalated, as the scheduled run would
    result = services.escalations_run(now=now)
    stats.counts["escalated"] = result["escalated"]
    return stats
