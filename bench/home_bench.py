"""The home page of each role over HTTP (issue 12 §1: p95 ≤ 100 ms at 1M customers on
PostgreSQL). Expects a running server on the same database (see bench/README.md); logs in as
each demo user and times `/` with the `Server-Timing: app;dur=…` header.

    PYTHONPATH=src python bench/home_bench.py --base http://127.0.0.1:8123 -n 50
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_list_search import TIMING, Http, fmt, login

USERS = ["sales1a", "manager", "relations", "agent", "marketing", "admin"]
TARGET_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("-n", type=int, default=50, help="timed requests per user")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--users", nargs="*", default=USERS)
    args = parser.parse_args()
    head = ["home page of", "server p50", "p95", "max", "round trip p50", "p95", "status"]
    print("| " + " | ".join([*head, f"≤ {TARGET_MS:.0f} ms"]) + " |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    missed = False
    for username in args.users:
        http = Http(args.base)
        login(http, username)
        server, trip, statuses = [], [], set()
        for i in range(args.warmup + args.n):
            response, _data, elapsed = http.request("GET", "/")
            statuses.add(response.status)
            timing = TIMING.search(response.getheader("Server-Timing") or "")
            if i >= args.warmup:
                trip.append(elapsed)
                if timing:
                    server.append(float(timing.group(1)))
        p50, p95, top = fmt(server)
        t50, t95, _ = fmt(trip)
        met = bool(server) and float(p95) <= TARGET_MS
        missed |= not met
        status = ",".join(str(s) for s in sorted(statuses))
        cells = [username, p50, p95, top, t50, t95, status, "met" if met else "MISSED"]
        print("| " + " | ".join(cells) + " |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
