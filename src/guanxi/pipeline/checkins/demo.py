"""Demo field check-ins (INTG-5): each demo consultant visited a few of their customers
today and yesterday. Most customers get coordinates near their city's centre; one check-in
a day is far from its customer (flagged), and one customer has no location on record."""

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.errors import DomainError
from guanxi.customers.demo import DEMO_CONSULTANTS
from guanxi.customers.models import Customer
from guanxi.pipeline.checkins.services import CheckInInput, checkin_record
from guanxi.pipeline.models import CheckIn, CustomerLocation, FollowUp

# city centres (WGS-84); a customer in another city is placed around Shanghai
CENTRES = {
    "北京": (39.9087, 116.3975),
    "上海": (31.2304, 121.4737),
    "广州": (23.1291, 113.2644),
    "深圳": (22.5431, 114.0579),
    "杭州": (30.2741, 120.1551),
    "南京": (32.0603, 118.7969),
    "成都": (30.5728, 104.0668),
    "武汉": (30.5928, 114.3055),
}
NOTES = [
    "上门拜访，介绍了新品，客户有兴趣。",
    "现场看了使用情况，约下周再谈报价。",
    "拜访采购负责人，确认了需求和预算。",
    "送样品到客户处，现场演示。",
]


@dataclass
class CheckInDemoStats:
    checkins: int = 0
    far: int = 0
    located: int = 0
    skipped: bool = False


def _point(rng: random.Random, centre: tuple[float, float], metres: float) -> tuple[str, str]:
    """A point about `metres` from `centre` in a random direction (degrees, 6 places)."""
    bearing = rng.uniform(0, 6.283)
    d_lat = metres * math.cos(bearing) / 111_195
    d_lon = metres * math.sin(bearing) / 96_000
    return f"{centre[0] + d_lat:.6f}", f"{centre[1] + d_lon:.6f}"


def _customer_centre(rng: random.Random, customer: Customer) -> tuple[float, float]:
    centre = CENTRES.get((customer.city or "").removesuffix("市"), CENTRES["上海"])
    # a customer's site somewhere in town, a few kilometres from the centre
    lat, lon = _point(rng, centre, rng.uniform(500, 6000))
    return float(lat), float(lon)


def seed_checkins_demo(
    *, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> CheckInDemoStats:
    """Through the check-in service (a visit follow-up each); then each check-in and its
    follow-up are moved to the hour of the visit (the service records "now"). Does nothing
    when check-ins exist."""
    stats = CheckInDemoStats()
    if CheckIn.objects.exists():
        stats.skipped = True
        return stats
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_CONSULTANTS)}
    for username in DEMO_CONSULTANTS:
        consultant = users.get(username)
        if consultant is None:
            continue
        customers = list(
            Customer.objects.filter(owner=consultant, deleted_at__isnull=True).order_by("id")[:6]
        )
        for index, customer in enumerate(customers):
            site = _customer_centre(rng, customer)
            if index != 5:  # the last customer has no location on record
                CustomerLocation.objects.update_or_create(
                    customer=customer,
                    defaults={
                        "latitude": Decimal(f"{site[0]:.6f}"),
                        "longitude": Decimal(f"{site[1]:.6f}"),
                        "updated_by": consultant,
                    },
                )
                stats.located += 1
            far = index == 2
            lat, lon = _point(rng, site, rng.uniform(2500, 4000) if far else rng.uniform(20, 300))
            day = today - dt.timedelta(days=index % 2)
            at = timezone.make_aware(
                dt.datetime.combine(day, dt.time(9 + index, rng.randint(0, 59)))
            )
            try:
                with transaction.atomic():
                    checkin = checkin_record(
                        actor=consultant,
                        customer=customer,
                        data=CheckInInput(
                            latitude=lat,
                            longitude=lon,
                            accuracy_m=rng.randint(5, 60),
                            note=NOTES[index % len(NOTES)],
                        ),
                    )
                    if at < timezone.now():
                        CheckIn.objects.filter(pk=checkin.pk).update(at=at)
                        FollowUp.objects.filter(pk=checkin.followup_id).update(at=at)
            except DomainError as error:
                if progress:
                    progress(f"no check-in at {customer}: {error}")
                continue
            stats.checkins += 1
            stats.far += int(checkin.far)
    return stats
