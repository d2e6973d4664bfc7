"""Complaint list, SLA board and the escalation run (issue 15 "Performance": list and board
p95 ≤ 50 ms with 200,000 complaints; the escalation run ≤ 10 s and idempotent).

Fills the database at GUANXI_DATA_DIR / DATABASE_URL with complaints over its customers (bulk
rows: open and closed, some past their targets; only when there are fewer than --complaints),
then times the pages in-process (Django's test client, the whole middleware stack) as
customer relations (scope all), the sales manager (department tree) and a consultant (own),
and runs the escalation twice (the second run must escalate nobody); --reset-escalations
first undoes the escalations of earlier runs on the bench rows (to time the run again):

    GUANXI_DATA_DIR=/tmp/gx-bench python bench/complaints_bench.py --complaints 200000 -n 40
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
os.environ.setdefault("GUANXI_ALLOWED_HOSTS", "testserver,localhost")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.care.models import Notification  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.service.complaints import services  # noqa: E402
from guanxi.service.models import Complaint, ComplaintCategory, ComplaintEvent  # noqa: E402


def fill(total: int, *, seed: int = 7) -> None:
    have = Complaint.objects.count()
    if have >= total:
        print(f"{have} complaints already")
        return
    rng = random.Random(seed)
    users = list(User.objects.filter(is_active=True).exclude(username="admin"))
    customers = list(Customer.objects.values_list("id", flat=True)[:200_000])
    categories = list(ComplaintCategory.objects.filter(parent__isnull=True))
    now = timezone.now()
    batch: list[Complaint] = []
    started = time.perf_counter()
    for _n in range(total - have):
        created = now - dt.timedelta(minutes=rng.randint(10, 60 * 24 * 365))
        closed = rng.random() < 0.9
        owner = rng.choice(users) if rng.random() < 0.95 else None
        step = 5 if closed else rng.randint(0 if owner is None else 1, 5)
        batch.append(
            Complaint(
                customer_id=rng.choice(customers),
                channel=rng.choice(Complaint.Channel.values),
                category=rng.choice(categories),
                severity="normal",
                title="投诉",
                description="bench",
                owner=owner,
                department_id=owner.department_id if owner else None,
                status="closed" if closed else "open",
                step=step,
                resolution="resolved" if closed else "",
                created_at=created,
                routed_at=created,
                accepted_at=created + dt.timedelta(minutes=30) if step else None,
                closed_at=created + dt.timedelta(days=2) if closed else None,
                route_due=created + dt.timedelta(minutes=30),
                respond_due=created + dt.timedelta(hours=2),
                resolve_due=created + dt.timedelta(days=3),
                resolve_target=1440,
                escalate_at=None if closed else created + dt.timedelta(days=3),
            )
        )
        if len(batch) >= 5000:
            Complaint.objects.bulk_create(batch)
            batch = []
    Complaint.objects.bulk_create(batch)
    print(f"filled {total - have} complaints in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:  # the planner's statistics of the new rows
        cursor.execute("ANALYZE service_complaint")


def reset_escalations() -> None:
    """Undo the escalation runs of earlier bench runs on the bench rows (their events and
    notifications too), so that a run after a code change has the same work to do."""
    bench = Complaint.objects.filter(description="bench", status=Complaint.Status.OPEN)
    ids = bench.values("pk")
    ComplaintEvent.objects.filter(complaint__in=ids, kind=ComplaintEvent.Kind.ESCALATE).delete()
    keys = [
        f"complaint:{pk}:0:level:{level}"
        for pk in ids.values_list("pk", flat=True)
        for level in range(1, 7)
    ]
    for start in range(0, len(keys), 5000):
        Notification.objects.filter(dedup_key__in=keys[start : start + 5000]).delete()
    reset = bench.update(
        escalation_level=0,
        escalated_at=None,
        escalate_at=F("resolve_due"),
    )
    if connection.vendor == "postgresql":  # not the reset's dead rows in the run's indexes
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE service_complaint")
    print(f"reset the escalations of {reset} open bench complaints")


def timed(client: Client, url: str, n: int) -> tuple[float, float]:
    client.get(url)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument(
        "--reset-escalations", action="store_true", help="undo earlier runs' escalations first"
    )
    args = parser.parse_args()
    fill(args.complaints)
    if args.reset_escalations:
        reset_escalations()
    print(f"{connection.vendor}, {Complaint.objects.count()} complaints")
    pages = [
        ("relations", "/service/complaints/"),
        ("relations", "/service/complaints/?sla=missed"),
        ("relations", "/service/complaints/?escalated=1&status=all"),
        ("relations", "/service/complaints/board/"),
        ("manager", "/service/complaints/"),
        ("manager", "/service/complaints/board/"),
        ("sales1a", "/service/complaints/"),
    ]
    print("| page | median / p95 ms |")
    print("| --- | ---: |")
    for username, url in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, p95 = timed(client, url, args.n)
        print(f"| {username} `{url}` | {median:.1f} / {p95:.1f} |")
    for label in ("escalation run", "escalation rerun"):
        started = time.perf_counter()
        result = services.escalations_run()
        print(f"{label}: {result} in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
