"""回访 list and work list with 回访 (issue 14 "Performance": p95 ≤ 50 ms).

Fills the database at GUANXI_DATA_DIR / DATABASE_URL with care tasks over its customers
(bulk rows: open, done and overdue, spread over the users; only when there are fewer than
--tasks), prints the query plans of the list's queries, then times the pages in-process
(Django's test client, the whole middleware stack) as customer relations (scope all), the
sales manager (department tree) and a consultant (own):

    GUANXI_DATA_DIR=/tmp/gx-bench python bench/care_visits_bench.py --tasks 200000 -n 60
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
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.care.models import CareTask, CareTopic  # noqa: E402
from guanxi.care.visits import selectors  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402


def fill(total: int, *, seed: int = 7) -> None:
    have = CareTask.objects.count()
    if have >= total:
        print(f"{have} care tasks already")
        return
    rng = random.Random(seed)
    users = list(User.objects.filter(is_active=True).exclude(username="admin"))
    customers = list(Customer.objects.values_list("id", flat=True)[:200_000])
    topics = list(CareTopic.objects.values_list("id", flat=True))
    now = timezone.now()
    outcomes = ["reached"] * 6 + ["unreachable", "unreachable", "refused", "wrong_number"]
    batch: list[CareTask] = []
    started = time.perf_counter()
    for _n in range(total - have):
        user = rng.choice(users)
        due = now + dt.timedelta(hours=rng.randint(-24 * 90, 24 * 30))
        done = due < now and rng.random() < 0.9
        batch.append(
            CareTask(
                customer_id=rng.choice(customers),
                kind="visit",
                topic_id=rng.choice(topics),
                title="回访",
                due_at=due,
                assignee=user,
                department_id=user.department_id,
                status="done" if done else "open",
                outcome=rng.choice(outcomes) if done else "",
                done_at=due if done else None,
            )
        )
        if len(batch) == 5000:
            CareTask.objects.bulk_create(batch)
            batch = []
    CareTask.objects.bulk_create(batch)
    print(f"added {total - have} care tasks in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plans() -> None:
    for username in ("relations", "manager", "sales1a"):
        user = User.objects.get(username=username)
        for name, filters in (
            ("open", selectors.VisitFilters()),
            ("overdue", selectors.VisitFilters(due=selectors.Due.OVERDUE)),
        ):
            queryset = selectors.filtered_tasks(user=user, filters=filters).order_by(
                "due_at", "id"
            )[:26]
            print(f"-- {username} {name}")
            print(queryset.explain())


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(0, int(len(times) * 0.95) - 1)]


def selector_timings(rounds: int) -> None:
    """The database part alone: the list's page and the work-list section's two queries."""
    print(f"{'user':10} {'reads':45} {'p50 ms':>7} {'p95 ms':>7}")
    for username in ("relations", "manager", "sales1a"):
        user = User.objects.get(username=username)
        for name, run in (
            (
                "visit_page (open)",
                lambda u=user: selectors.visit_page(user=u, filters=selectors.VisitFilters()),
            ),
            (
                "visit_page (overdue)",
                lambda u=user: selectors.visit_page(
                    user=u, filters=selectors.VisitFilters(due=selectors.Due.OVERDUE)
                ),
            ),
            ("due_for_assignee (work list)", lambda u=user: selectors.due_for_assignee(user=u)),
        ):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{username:10} {name:45} {statistics.median(times):7.1f} {_p95(times):7.1f}")


def timings(rounds: int) -> None:
    pages = [
        ("relations", "/care/visits/"),
        ("relations", "/care/visits/?due=overdue"),
        ("relations", "/care/visits/?status=done&outcome=refused"),
        ("manager", "/care/visits/"),
        ("sales1a", "/care/visits/"),
        ("relations", "/pipeline/"),
        ("sales1a", "/pipeline/"),
    ]
    print(f"{'user':10} {'page':45} {'p50 ms':>7} {'p95 ms':>7}")
    for username, url in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        client.get(url)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{username:10} {url:45} {statistics.median(times):7.1f} {_p95(times):7.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("-n", type=int, default=60)
    args = parser.parse_args()
    fill(args.tasks)
    plans()
    selector_timings(args.n)
    timings(args.n)
