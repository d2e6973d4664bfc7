"""The funnel selector in-process (issue 13 §5): `funnel_figures` for a year, as `admin` (the
company funnel) and optionally other users, timed with each query's SQL time.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench GUANXI_DATA_DIR=/tmp/gx-bench-pg
    PYTHONPATH=src python bench/funnel_bench.py -n 5 --users admin,manager
"""

import argparse
import datetime as dt
import os
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--year", type=int, default=dt.datetime.now().astimezone().year)
    parser.add_argument("--users", default="admin")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.accounts.models import User
    from guanxi.pipeline.reports.selectors import funnel_figures

    start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    print(f"load average {os.getloadavg()[0]:.2f}, {connection.vendor}, {start} – {end}")
    for username in args.users.split(","):
        user = User.objects.get(username=username)
        funnel_figures(user=user, start=start, end=end)  # warm-up
        times = []
        for _ in range(args.n):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                figures = funnel_figures(user=user, start=start, end=end)
            times.append((time.perf_counter() - began) * 1000)
        slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
        print(
            f"{username}: median {statistics.median(times):.1f} ms, min {min(times):.1f}, "
            f"max {max(times):.1f} ({args.n} runs); moves {figures['moves']:,}; reached "
            + " / ".join(f"{row.reached:,}" for row in figures["rows"] + figures["refused"])
        )
        for query in slow:
            print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
