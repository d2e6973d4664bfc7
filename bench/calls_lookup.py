"""Caller look-up (issue 15 "Performance": p95 ≤ 20 ms) and the ringing poll.

Fills the database at GUANXI_DATA_DIR / DATABASE_URL with customers (the archive's bulk
loader, only when there are fewer than --customers), then times, as the service agent (scope
all) and a consultant (own):
  * `GET /api/v1/calls/lookup?number=…` in-process through Django's test client (the whole
    middleware stack, session auth), the number written in a random notation each time
    (13900138000, +86 139 0013 8000, 0086-139-…, full-width digits), half of them numbers
    of existing customers and half unknown;
  * the selector `caller_lookup` alone (database time);
  * `GET /service/calls/ringing/` with nothing ringing (what every agent page asks each
    second).

    GUANXI_DATA_DIR=/tmp/gx-calls-bench python bench/calls_lookup.py --customers 100000 -n 300
"""

import argparse
import os
import random
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from guanxi.accounts.demo import ensure_demo_organisation  # noqa: E402
from guanxi.customers.demo import seed_customers_bulk  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.service.calls.selectors import caller_lookup  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def notation(e164: str, rng: random.Random) -> str:
    national = e164[3:]
    spaced = f"{national[:3]} {national[3:7]} {national[7:]}"
    return rng.choice(
        [
            national,
            f"+86 {spaced}",
            f"0086-{national[:3]}-{national[3:7]}-{national[7:]}",
            f"+86 (0) {spaced}",
            national.translate(FULL_WIDTH),
        ]
    )


def timed(label: str, run, n: int) -> None:
    for _warm in range(5):
        run()
    samples = []
    for _n in range(n):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<48} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   max {samples[-1]:6.2f} ms")


def bench_user(user, *, number, n: int, poll: bool) -> None:
    client = Client()
    client.force_login(user)

    def api() -> None:
        response = client.get("/api/v1/calls/lookup", {"number": number()})
        assert response.status_code == 200, response.content

    def selector() -> None:
        caller_lookup(user=user, number=number())

    def ringing() -> None:
        assert client.get("/service/calls/ringing/").status_code == 204

    timed(f"GET /api/v1/calls/lookup as {user.username}", api, n)
    timed(f"caller_lookup (selector) as {user.username}", selector, n)
    if poll:
        timed("GET /service/calls/ringing/ (nothing rings)", ringing, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("-n", type=int, default=300, help="timed requests per case")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = ensure_demo_organisation()
    have = Customer.objects.count()
    if have < args.customers:
        started = time.perf_counter()
        seed_customers_bulk(count=args.customers - have, seed=have + 1)
        print(f"loaded {args.customers - have} customers in {time.perf_counter() - started:.0f} s")
    total = Customer.objects.count()
    print(f"{connection.vendor}, {total:,} customers")
    rng = random.Random(15)
    mobiles = list(
        Customer.objects.exclude(mobile="").order_by("?").values_list("mobile", flat=True)[:2000]
        if connection.vendor == "sqlite"
        else Customer.objects.exclude(mobile="")
        .filter(pk__in=[rng.randrange(1, total) for _n in range(4000)])
        .values_list("mobile", flat=True)[:2000]
    )
    unknown = [f"+86199{rng.randrange(10**8):08d}" for _n in range(2000)]

    def number() -> str:
        return notation(rng.choice(mobiles if rng.random() < 0.5 else unknown), rng)

    for username in ("agent", "sales1a"):
        bench_user(users[username], number=number, n=args.n, poll=username == "agent")


if __name__ == "__main__":
    main()
