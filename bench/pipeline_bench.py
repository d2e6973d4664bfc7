"""Pipeline latency over HTTP and the nightly recycling run (issue 3 "Performance").

Expects a running server on the same database (see bench/README.md, "Pipeline"). Logs in
as a consultant (default sales1a) and times, with the `Server-Timing: app;dur=…` header:
  * the work list          GET  /pipeline/
  * the board              GET  /pipeline/board/
  * logging a follow-up that moves a stage-1 customer to stage 2
                           POST /pipeline/c/<id>/followup/log/   (the work list's htmx form)
then as `admin` the company funnel for a year  GET /pipeline/funnel/?start=…&end=…
and, in-process, `pools.pool_recycle_run()` twice (the second run must change nothing), then
as it would run on each of the next --nights days (default 3): its clock moved on a day at a
time, so each does one night's warnings and releases. Those nights release customers into the
public pool of the bench database, as the real nightly run would.

    PYTHONPATH=src python bench/pipeline_bench.py --base http://127.0.0.1:8123 -n 50
"""

import argparse
import datetime as dt
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection
from django.utils import timezone
from run_list_search import TIMING, Http, fmt, login, percentile

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.pipeline.models import FollowUp, Prospect


def timed(http_client, method, url, n, warmup, body_for=None, headers=None):
    server, trip, statuses = [], [], set()
    for i in range(warmup + n):
        body = body_for(i) if body_for else None
        if body is not None and http_client.cookies.get("csrftoken"):
            body["csrfmiddlewaretoken"] = http_client.cookies["csrftoken"]
        encoded = urllib.parse.urlencode(body) if body is not None else None
        path = url(i) if callable(url) else url
        response, _data, elapsed = http_client.request(method, path, body=encoded, headers=headers)
        statuses.add(response.status)
        if i < warmup:
            continue
        trip.append(elapsed)
        found = TIMING.search(response.getheader("Server-Timing") or "")
        if found:
            server.append(float(found.group(1)))
    return server, trip, statuses


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("--user", default="sales1a")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--year", type=int, default=dt.datetime.now().astimezone().year)
    parser.add_argument("--skip-recycle", action="store_true")
    parser.add_argument(
        "--nights",
        type=int,
        default=3,
        help="after the two runs, the nightly run as it would go on each of the next N days "
        "(its clock moved on by 1 … N days): the warnings and releases a night has to do",
    )
    args = parser.parse_args()

    user = User.objects.get(username=args.user)
    base = urllib.parse.urlsplit(args.base)
    referer = f"{base.scheme}://{base.netloc}/pipeline/"
    rows = []

    http_client = Http(args.base)
    how = login(http_client, args.user)
    http_client.request("GET", "/pipeline/")  # csrftoken cookie
    rows.append(
        ("work list /pipeline/", 50, *timed(http_client, "GET", "/pipeline/", args.n, args.warmup))
    )
    rows.append(
        (
            "board /pipeline/board/",
            50,
            *timed(http_client, "GET", "/pipeline/board/", args.n, args.warmup),
        )
    )
    targets = list(
        Prospect.objects.filter(owner=user, stage__code="s1", dealt=False)
        .order_by("-customer_id")
        .values_list("customer_id", flat=True)[: args.n + args.warmup]
    )
    if len(targets) < args.n + args.warmup:
        raise SystemExit(f"{args.user} has too few stage-1 customers")

    def body_for(i):
        prefix = f"c{targets[i]}"
        return {
            f"{prefix}-channel": "phone",
            f"{prefix}-content": "电话沟通了推广方案，客户主动问效果怎么保证，约下周三面谈。",
            f"{prefix}-outcome": "需求明确",
            f"{prefix}-effective": "on",
            f"{prefix}-stage": "s2",
            "origin": "worklist",
        }

    before = FollowUp.objects.count()
    rows.append(
        (
            "log follow-up, stage 1 → 2 (POST)",
            30,
            *timed(
                http_client,
                "POST",
                lambda i: f"/pipeline/c/{targets[i]}/followup/log/",
                args.n,
                args.warmup,
                body_for=body_for,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": referer,
                    "HX-Request": "true",
                },
            ),
        )
    )
    written = FollowUp.objects.count() - before

    admin_client = Http(args.base)
    login(admin_client, args.admin)
    funnel = f"/pipeline/funnel/?start={args.year}-01-01&end={args.year}-12-31"
    rows.append(
        (
            f"funnel, company, {args.year} (admin)",
            1000,
            *timed(admin_client, "GET", funnel, max(5, args.n // 5), 2),
        )
    )

    recycle = []
    if not args.skip_recycle:
        from guanxi.pipeline.pools.services import pool_recycle_run

        for _ in range(2):
            started = time.perf_counter()
            counts = pool_recycle_run()
            recycle.append((time.perf_counter() - started, counts, 0))
        today = timezone.now()
        for night in range(1, max(0, args.nights) + 1):
            started = time.perf_counter()
            counts = pool_recycle_run(now=today + dt.timedelta(days=night))
            recycle.append((time.perf_counter() - started, counts, night))

    now = dt.datetime.now().astimezone()
    lines = [
        f"## pipeline, {connection.vendor}, {Customer.objects.count():,} customers, "
        f"{FollowUp.objects.count():,} follow-ups — {now:%Y-%m-%d %H:%M %Z}",
        "",
        f"Consultant `{args.user}` ({how}), {args.n} timed requests per case after "
        f"{args.warmup} warm-up; {args.base}. Times in ms. Follow-ups written: {written}.",
        "",
        "| case | server p50 | server p95 | server max | round trip p50 | round trip p95 "
        "| status | target p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    failed = False
    for label, target, server, trip, statuses in rows:
        s50, s95, smax = fmt(server)
        t50, t95, _ = fmt(trip)
        basis = server or trip
        ok = bool(basis) and percentile(basis, 0.95) <= target and statuses <= {200}
        failed |= not ok
        status = ",".join(str(s) for s in sorted(statuses))
        lines.append(
            f"| {label} | {s50} | {s95} | {smax} | {t50} | {t95} | {status} | "
            f"≤ {target} ms {'met' if ok else 'MISSED'} |"
        )
    for index, (seconds, counts, night) in enumerate(recycle, 1):
        ok = seconds <= 30 and (index != 2 or not any(counts.values()))
        failed |= not ok
        label = f"night +{night} day{'s' if night > 1 else ''}" if night else f"run {index}"
        lines.append(
            f"\nRecycling {label}: {seconds:.1f} s, {counts} — "
            f"{'met' if ok else 'MISSED'} (≤ 30 s{', changes nothing' if index == 2 else ''})"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    with open(
        results / f"{now:%Y-%m-%d}-{connection.vendor}-pipeline.md", "a", encoding="utf-8"
    ) as f:
        f.write(report + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
