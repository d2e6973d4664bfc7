"""Demo data of after-sales care (issue 14 §8), through the services: each area seeds its part
in `seed_care_demo`, after the customers, the pipeline and sales have theirs."""

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.care.assets.services import DOCUMENTS
from guanxi.care.messages.demo import seed_messages
from guanxi.care.models import InstalledAsset, Reception
from guanxi.care.reception.services import ReceptionInput, reception_log
from guanxi.care.rules.demo import seed_rules_demo
from guanxi.care.visits.demo import seed_visits_demo
from guanxi.customers.models import Customer

Progress = Callable[[str], object] | None


@dataclass
class CareDemoStats:
    skipped: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


RECEPTION_DAYS = 28
NEEDS = [
    ("想了解新款的配置和价格", "舒适型"),
    ("家里添车,预算二十万左右", "豪华型"),
    ("公司采购两台商务车", "商务版"),
    ("看看有没有现车", ""),
    ("咨询贷款购车方案", "标准型"),
    ("来做试驾,比较竞品", "运动型"),
]
VISITORS = ["刘先生", "张女士", "黄先生", "林女士", "何先生", "高女士", "罗先生", ""]


def _demo_mobile(rng: random.Random) -> str:
    """A visitor's mobile half of the time (callers and walk-ins often leave none)."""
    return f"+86139{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.5 else ""


def _seed_reception(*, rng: random.Random, stats: CareDemoStats) -> None:
    """Four weeks of the front desk: walk-ins with demos and their length, inbound calls and
    web enquiries; some visitors linked to the customers they are. None is made a customer
    here: `guanxi seed --customers N` seeds N customers, no more."""
    receivers = list(User.objects.filter(username__in=["sales1a", "sales1b", "sales2a", "agent"]))
    if not receivers or Reception.objects.exists():
        return
    customers = list(Customer.objects.alive().exclude(mobile="").order_by("id")[:40])
    now = timezone.now()
    channels = (
        [Reception.Channel.WALK_IN] * 5
        + [Reception.Channel.PHONE] * 3
        + [
            Reception.Channel.WEB,
            Reception.Channel.OTHER,
        ]
    )
    for day in range(RECEPTION_DAYS):
        for _slot in range(rng.randint(1, 4)):
            receiver = rng.choice(receivers)
            channel = rng.choice(channels)
            need, product = rng.choice(NEEDS)
            # showroom hours, local time; today's never later than now
            local = timezone.localtime(now) - dt.timedelta(days=day)
            at = local.replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59))
            at = min(at, now - dt.timedelta(minutes=rng.randint(1, 30)))
            walk_in = channel == Reception.Channel.WALK_IN
            demo = walk_in and rng.random() < 0.4
            linked = customers and rng.random() < 0.3
            customer = rng.choice(customers) if linked else None
            name = customer.name if customer else rng.choice(VISITORS)
            phone = customer.mobile if customer else _demo_mobile(rng)
            if not name and not phone:
                phone = f"+86138{rng.randint(10_000_000, 99_999_999)}"
            reception_log(
                actor=receiver,
                customer=customer,
                data=ReceptionInput(
                    channel=channel,
                    at=at,
                    visitor_name=name,
                    phone=phone,
                    party_size=rng.choice([1, 1, 2, 3]) if walk_in else 1,
                    need=need,
                    product_interest=product,
                    demo=demo,
                    demo_minutes=rng.choice([20, 25, 30, 40]) if demo else None,
                    stay_minutes=rng.randint(45, 90) if walk_in else rng.randint(3, 15),
                ),
            )
            stats.counts["front-desk entries"] += 1


def _seed_assets(*, rng: random.Random, stats: CareDemoStats) -> None:
    """The deliveries of the sales demo filled the installed base; give it what the archive
    keeps after a delivery: the serial number, the documents, warranty and maintenance dates."""
    today = timezone.localdate()
    for asset in InstalledAsset.objects.filter(delivery__isnull=False, serial=""):
        delivered = asset.delivered_on or today
        asset.serial = f"LGX{rng.randint(10**13, 10**14 - 1)}"
        asset.documents = sorted(rng.sample(sorted(DOCUMENTS), k=rng.randint(2, len(DOCUMENTS))))
        asset.warranty_ends_on = delivered + dt.timedelta(days=3 * 365)
        asset.next_maintenance_on = delivered + dt.timedelta(days=rng.choice([20, 45, 90, 180]))
        asset.save()
        stats.counts["installed products"] += 1


def seed_care_demo(*, seed: int = 2026, progress: Progress = None) -> CareDemoStats:
    stats = CareDemoStats()
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible by seed
    # Each area's seeding function, in layer order: (name, function(rng=, stats=)).
    steps: list[tuple[str, Callable[..., None]]] = [
        ("front desk", _seed_reception),
        ("installed base", _seed_assets),
        ("回访 and spot checks", seed_visits_demo),
        ("care rules", seed_rules_demo),
        ("messages", seed_messages),
    ]
    with transaction.atomic():
        for name, step in steps:
            if progress is not None:
                progress(f"care: {name} …")
            step(rng=rng, stats=stats)
    stats.seconds = time.perf_counter() - started
    return stats
