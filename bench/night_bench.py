"""One night of the recycling run at 1M customers (issue 13 §5: a night with ~40,000 releases
≤ 30 s), timed in-process, optionally rolled back so that the old and the new code can be
timed on the same data one after the other.

    PYTHONPATH=src python bench/night_bench.py --days 0            # schedule (as run 1)
    PYTHONPATH=src python bench/night_bench.py --days 3 --rollback # night + 3 days, undone

Times the whole run and, inside it, the releases (`_release_due`) and the warnings
(`_warn_due`). With --rollback the run happens in one outer transaction (its batches become
savepoints) that is rolled back at the end; run `VACUUM ANALYZE` on the pipeline and
customers tables afterwards (this PostgreSQL runs without autovacuum).
"""

import argparse
import contextlib
import datetime as dt
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.pipeline.pools import services as pools  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=3, help="the clock moved on by this")
    parser.add_argument("--rollback", action="store_true", help="undo the run at the end")
    parser.add_argument("--batch-size", type=int, default=pools.RELEASE_BATCH)
    parser.add_argument(
        "--queries", action="store_true", help="print the time spent per kind of statement"
    )
    args = parser.parse_args()
    statements: dict[str, list[float]] = {}

    def timing(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = sql.split()
            kind = " ".join(words[:3]) if words[0] in ("INSERT", "UPDATE") else sql[:60]
            if words[0] == "SELECT" and " FOR UPDATE" in sql:
                kind = "locking read of " + sql.split(" FROM ", 1)[1].split()[0]
            elif words[0] == "SELECT":
                kind = "read of " + sql.split(" FROM ", 1)[-1].split()[0]
            spent_on = statements.setdefault(kind, [0, 0.0])
            spent_on[0] += 1
            spent_on[1] += time.perf_counter() - started

    spent = {"_release_due": 0.0, "_warn_due": 0.0}
    for name in spent:
        original = getattr(pools, name)

        def timed(*a, _original=original, _name=name, **k):
            started = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(pools, name, timed)
    now = timezone.now() + dt.timedelta(days=args.days)
    wrapper = connection.execute_wrapper(timing) if args.queries else contextlib.nullcontext()
    started = time.perf_counter()
    with wrapper:
        counts, total = run(args, now, started)
    load = os.getloadavg()
    print(
        f"{pools.__file__}\nnight +{args.days:g} days ({connection.vendor}, batch "
        f"{args.batch_size}{', rolled back' if args.rollback else ''}): {total:.1f} s — "
        f"releases {spent['_release_due']:.1f} s, warnings {spent['_warn_due']:.1f} s — "
        f"{counts} — load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    for kind, (n, seconds) in sorted(statements.items(), key=lambda item: -item[1][1])[:15]:
        print(f"  {seconds:7.2f} s {n:6d} × {kind}")


def run(args, now, started):
    if args.rollback:
        with transaction.atomic():
            counts = pools.pool_recycle_run(now=now, batch_size=args.batch_size)
            total = time.perf_counter() - started
            transaction.set_rollback(True)
    else:
        counts = pools.pool_recycle_run(now=now, batch_size=args.batch_size)
        total = time.perf_counter() - started
    return counts, total


if __name__ == "__main__":
    main()
