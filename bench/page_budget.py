"""`make bench`: the page budget of issue 13 on SQLite with 100,000 customers, one table.

Seeds a cached data directory once (default var/bench-sqlite-100k, reused while it holds a
completed seed at the current migration state, rebuilt otherwise), then serves the app
in-process (Django's WSGI handler through the test client, GUANXI_SERVER_TIMING=1, DEBUG off,
after the start-up a gunicorn worker runs: guanxi.wsgi) and times every hot page and the main
API lists as `manager` and as a consultant. For each
case it prints server time p50 / p95 (the `Server-Timing: app;dur=…` header of
ServerTimingMiddleware) next to a baseline measured in the same run: the raw SQL of that page —
the page's queries captured once with CaptureQueriesContext and re-run directly on the DB-API
cursor (SELECTs; anything else counts with its captured time), median of 5 re-runs. A slower
machine slows both, so "page − SQL" shows what Python costs regardless of the machine. "CPU"
is the process time of a request (client and server, same process): on a machine shared with
other work it moves far less than the wall-clock server time.

Budget (issue 13, item 1): p95 ≤ 25 ms and p95 ≤ SQL + 20 ms.

    make bench                       # or: python bench/page_budget.py [-n 30] [--only list]
    python bench/page_budget.py --profile "manager: customers, first page"   # cProfile a case
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = 100_000
SEED_STEPS = [
    ["seed", "--customers", str(CUSTOMERS)],
    ["seed_pipeline", "--bulk", "--followups-per-customer", "3"],
    ["seed_sales", "--bulk", "--contracts-per-customer", "1", "--instalments-per-contract", "2"],
]
BUDGET_MS, OVER_SQL_MS = 25.0, 20.0
TIMING = re.compile(r"app;dur=([0-9.]+)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("GUANXI_BENCH_DIR", str(ROOT / "var" / "bench-sqlite-100k")),
        help="cached data directory (GUANXI_BENCH_DIR)",
    )
    parser.add_argument("-n", type=int, default=50, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reseed", action="store_true", help="rebuild the cached data")
    parser.add_argument("--only", default="", help="run only cases whose label contains this")
    parser.add_argument("--profile", default="", help="cProfile the case with this label")
    parser.add_argument("--users", default="manager,sales1a")
    parser.add_argument(
        "--database-url",
        default="",
        help="time an existing, already seeded database instead (e.g. PostgreSQL with 1M "
        "customers, bench/README.md); nothing is seeded",
    )
    return parser.parse_args()


def prepare_environment(data_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)  # SQLite in the data directory (or --database-url)
    os.environ["GUANXI_DATA_DIR"] = str(data_dir)
    os.environ["GUANXI_SERVER_TIMING"] = "1"
    os.environ["GUANXI_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")


def seed_marker(data_dir: Path) -> Path:
    return data_dir / "bench-seed.json"


def pending_migrations(data_dir: Path) -> bool:
    """Whether the cached database lacks a migration of this checkout (a subprocess, so that
    this process opens the database only once it is ready)."""
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "from django.db.migrations.executor import MigrationExecutor;"
        "e = MigrationExecutor(connection);"
        "print(len(e.migration_plan(e.loader.graph.leaf_nodes())))"
    )
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return out.stdout.strip() != "0"


def ensure_seed(data_dir: Path, reseed: bool) -> None:
    marker = seed_marker(data_dir)
    wanted = {"steps": SEED_STEPS}
    if not reseed and marker.exists() and json.loads(marker.read_text()) == wanted:
        if not pending_migrations(data_dir):
            print(f"Using the cached seed in {data_dir}.")
            return
        print("The cached seed is behind the migrations: rebuilding it.")
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    guanxi = [sys.executable, "-m", "django"]
    started = time.perf_counter()
    for step in [["migrate", "-v0"], *SEED_STEPS]:
        print("$ guanxi " + " ".join(step), flush=True)
        subprocess.run([*guanxi, *step], check=True, cwd=ROOT)  # noqa: S603 - fixed commands
    marker.write_text(json.dumps(wanted))
    print(f"Seeded in {time.perf_counter() - started:.0f} s.")


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def cases_for(user):
    """(label, path) of every page and API list of issue 13's budget, for this user."""
    from guanxi.accounts.models import Department
    from guanxi.core.pagination import PAGE_SIZE, cursor_encode
    from guanxi.customers.archive import selectors
    from guanxi.customers.models import Tag
    from guanxi.sales.models import Contract

    q = urllib.parse.quote
    ids = selectors._filtered(user, selectors.CustomerFilters()).order_by("-id")
    visible = ids.count()
    deep = min(2000, max(2, visible // PAGE_SIZE))
    last_id = ids.values_list("id", flat=True)[(deep - 1) * PAGE_SIZE - 1]
    cursor = cursor_encode([last_id])
    department = Department.objects.get(name="销售一部")
    tag = Tag.objects.get(name="重点客户")
    customer_id = (
        Contract.objects.filter(owner__username="sales1a", customer__deleted_at__isnull=True)
        .order_by("-id")
        .values_list("customer_id", flat=True)
        .first()
    )
    return [
        ("customers, first page", "/customers/"),
        (f"customers, page {deep:,} (cursor)", f"/customers/?cursor={cursor}"),
        (
            "customers, 销售一部 + 重点客户",
            f"/customers/?department={department.pk}&tag={q(tag.name)}",
        ),
        ("customers, search 王秀", f"/customers/?q={q('王秀')}"),
        ("customers, search wxy", "/customers/?q=wxy"),
        ("customers, search 0013", "/customers/?q=0013"),
        ("customer 360", f"/customers/{customer_id}/"),
        # loaded by htmx right after the 360 page is shown (its placeholder's hx-get)
        ("customer 360, intention panel", f"/pipeline/c/{customer_id}/panel/"),
        # the contracts panel, loaded by htmx when it scrolls into view
        ("customer 360, contracts panel", f"/sales/customer/{customer_id}/contracts/"),
        ("customer 360, public-pool panel", f"/pipeline/pools/customer/{customer_id}/"),
        ("work list", "/pipeline/"),
        # the other apps' sections of the work list, loaded by htmx right after it
        ("work list, reminders", "/pipeline/reminders/"),
        ("board", "/pipeline/board/"),
        ("contract list", "/sales/"),
        ("API customers", "/api/v1/customers"),
        ("API customers ?q=0013", "/api/v1/customers?q=0013"),
        ("API worklist", "/api/v1/worklist"),
        ("API contracts", "/api/v1/contracts"),
    ]


def sql_baseline(client, path, repeats: int = 5):
    """(raw SQL ms, number of queries) of one request of `path`: its queries captured, then
    the SELECTs re-run directly on the DB-API cursor (median of `repeats` sums); other
    statements count with their captured time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    selects, others = [], 0.0
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            selects.append(sql)
        else:
            others += float(query["time"]) * 1000
    raw = connection.connection.cursor()
    sums = []
    for _ in range(repeats):
        total = 0.0
        for sql in selects:
            started = time.perf_counter()
            raw.execute(sql)
            raw.fetchall()
            total += time.perf_counter() - started
        sums.append(total * 1000 + others)
    raw.close()
    return statistics.median(sums), len(captured.captured_queries)


def main():
    args = parse_args()
    data_dir = Path(args.data_dir).resolve()
    prepare_environment(data_dir)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        ensure_seed(data_dir, args.reseed)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    import guanxi.wsgi  # noqa: F401  (a gunicorn worker's start-up, core.startup.heap_settle)
    from guanxi.accounts.models import User
    from guanxi.customers.models import Customer

    load_before = os.getloadavg()
    started = time.perf_counter()
    rows, failed = [], False
    for username in [u.strip() for u in args.users.split(",") if u.strip()]:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for label, path in cases_for(user):
            full = f"{username}: {label}"
            if args.only and args.only not in full:
                continue
            if args.profile and args.profile != full:
                continue
            if args.profile:
                profile(client, path, args.n)
                return
            server, cpu, statuses = [], [], set()
            for i in range(args.warmup + args.n):
                cpu_started = time.process_time()
                response = client.get(path)
                cpu_ms = (time.process_time() - cpu_started) * 1000
                statuses.add(response.status_code)
                found = TIMING.search(response.get("Server-Timing", ""))
                if i >= args.warmup and found:
                    server.append(float(found.group(1)))
                    cpu.append(cpu_ms)
            sql_ms, queries = sql_baseline(client, path)
            p50, p95 = statistics.median(server), percentile(server, 0.95)
            ok = p95 <= BUDGET_MS and p95 <= sql_ms + OVER_SQL_MS and statuses == {200}
            failed |= not ok
            rows.append((full, p50, p95, statistics.median(cpu), sql_ms, queries, statuses, ok))
    if args.profile:
        raise SystemExit(f"no case labelled {args.profile!r}")
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    now = dt.datetime.now(dt.UTC)
    lines = [
        f"### make bench — {connection.vendor}, {Customer.objects.count():,} customers, "
        f"{now:%Y-%m-%d %H:%M} UTC",
        "",
        f"{args.n} timed requests per case after {args.warmup} warm-up, in-process; "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{elapsed:.0f} s. Times in ms. Budget: p95 ≤ {BUDGET_MS:.0f} and p95 ≤ SQL + "
        f"{OVER_SQL_MS:.0f}.",
        "",
        "| page | p50 | p95 | CPU p50 | SQL (queries) | p95 − SQL | p95 / SQL | status | budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for full, p50, p95, cpu_ms, sql_ms, queries, statuses, ok in rows:
        ratio = f"{p95 / sql_ms:.1f}×" if sql_ms > 0 else "–"
        status = ",".join(str(s) for s in sorted(statuses))
        lines.append(
            f"| {full} | {p50:.1f} | {p95:.1f} | {cpu_ms:.1f} | {sql_ms:.1f} ({queries}) | "
            f"{p95 - sql_ms:.1f} | {ratio} | {status} | {'met' if ok else 'MISSED'} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / f"{now:%Y-%m-%d}-make-bench.md", "a", encoding="utf-8") as handle:
        handle.write(report + "\n")
    sys.exit(1 if failed else 0)


def profile(client, path, n):
    for _ in range(3):
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    main()
