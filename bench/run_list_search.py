"""Customer list and search latency over HTTP (issue "Performance"; bench/README.md).

Expects a running Guanxi server on the same database (DATABASE_URL / GUANXI_DATA_DIR set as
for the server), e.g.  gunicorn guanxi.wsgi:application -b 127.0.0.1:8123 -w 2
The script logs in as `manager` (sales manager: scope = 销售中心 and its departments),
then times each case N times and prints p50 / p95 / max of
  * server time: the `Server-Timing: app;dur=…` header of ServerTimingMiddleware, and
  * round trip: measured by this client on loopback (includes HTTP and socket time).

    PYTHONPATH=src python bench/run_list_search.py --base http://127.0.0.1:8123 -n 50

`--in-process` times the selector `customer_list_for_user` directly instead (no HTTP,
no template): a fallback for when the pages are not there yet, and a way to split
database time from rendering time.
"""

import argparse
import datetime as dt
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from guanxi.accounts.models import Department, User  # noqa: E402
from guanxi.core.pagination import PAGE_SIZE, cursor_encode  # noqa: E402
from guanxi.customers.archive import selectors  # noqa: E402
from guanxi.customers.models import Customer, Tag  # noqa: E402

DEMO_PASSWORD = "guanxi2026"  # noqa: S105
TIMING = re.compile(r"app;dur=([0-9.]+)")


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


class Http:
    def __init__(self, base: str):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data, elapsed


def login(http_client: Http, username: str) -> str:
    """Log in through the login form; fall back to a session made with Django's test
    client on the same database (the server then finds it in its session store)."""
    response, _data, _ = http_client.request("GET", "/accounts/login/")
    token = http_client.cookies.get("csrftoken")
    if response.status == 200 and token:
        body = urllib.parse.urlencode(
            {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        )
        response, _data, _ = http_client.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{http_client.host}:{http_client.port}/accounts/login/",
            },
        )
        if response.status in (302, 303) and "sessionid" in http_client.cookies:
            return "login form"
    client = Client()
    client.force_login(User.objects.get(username=username))
    http_client.cookies["sessionid"] = client.cookies["sessionid"].value
    return "session created directly (login form not available)"


def page_2000_cursor(user, filters, page: int = 2000) -> str:
    """The cursor a person reaches by clicking "next" page-1 times (sort -id): the id of
    the last row of page-1. Computed with one OFFSET query instead of 1,999 requests;
    --follow-links checks it the slow way."""
    queryset = selectors._filtered(user, filters).order_by("-id")
    last_id = queryset.values_list("id", flat=True)[(page - 1) * PAGE_SIZE - 1]
    return cursor_encode([last_id])


def follow_links(http_client: Http, path: str, pages: int) -> str:
    cursor = ""
    for _ in range(pages - 1):
        url = path + (f"?cursor={cursor}" if cursor else "")
        _, data, _ = http_client.request("GET", url)
        found = re.search(rb"cursor=([A-Za-z0-9_\-]+)", data)
        if not found:
            raise SystemExit(f"no next link on {url}")
        cursor = found.group(1).decode()
    return cursor


def cases(user, path):
    sales1 = Department.objects.get(name="销售一部")
    tag = Tag.objects.get(name="重点客户")
    cursor = page_2000_cursor(user, selectors.CustomerFilters())
    q = urllib.parse.quote
    return [
        ("list, first page", path, {}),
        ("list, page 2,000", f"{path}?cursor={cursor}", {"cursor": cursor}),
        (
            "filter department 销售一部 + tag 重点客户",
            f"{path}?department={sales1.pk}&tag={q(tag.name)}",  # the page takes a tag name
            {"department": sales1.pk, "tag": tag.pk},
        ),
        ("search name 王秀", f"{path}?q={q('王秀')}", {"q": "王秀"}),
        ("search initials wxy", f"{path}?q=wxy", {"q": "wxy"}),
        ("search partial mobile 0013", f"{path}?q=0013", {"q": "0013"}),
    ]


def run_http(args, user):
    http_client = Http(args.base)
    how = login(http_client, args.user)
    rows = []
    all_cases = cases(user, args.path)
    if args.follow_links:
        followed = follow_links(http_client, args.path, 2000)
        expected = all_cases[1][2]["cursor"]
        print(
            f"followed 1,999 next links: cursor {'matches' if followed == expected else 'DIFFERS'}"
        )
    for label, url, _params in all_cases:
        server, trip, statuses, sizes = [], [], set(), set()
        for i in range(args.warmup + args.n):
            response, data, elapsed = http_client.request("GET", url)
            statuses.add(response.status)
            sizes.add(len(data))
            if i < args.warmup:
                continue
            trip.append(elapsed)
            found = TIMING.search(response.getheader("Server-Timing") or "")
            if found:
                server.append(float(found.group(1)))
        rows.append((label, server, trip, statuses, sizes))
    return how, rows


def run_in_process(args, user):
    rows = []
    for label, _url, params in cases(user, args.path):
        cursor = params.pop("cursor", "")
        filters = selectors.CustomerFilters(**params)
        times = []
        for i in range(args.warmup + args.n):
            started = time.perf_counter()
            page = selectors.customer_list_for_user(user=user, filters=filters, cursor=cursor)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= args.warmup:
                times.append(elapsed)
        rows.append((label, times, [], {f"{len(page.items)} rows"}, {page.total}))
    return "in-process selector", rows


def fmt(values):
    if not values:
        return "–", "–", "–"
    return (
        f"{statistics.median(values):.1f}",
        f"{percentile(values, 0.95):.1f}",
        f"{max(values):.1f}",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("--path", default="/customers/", help="list page (or /api/v1/customers)")
    parser.add_argument("--user", default="manager")
    parser.add_argument("-n", type=int, default=50, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--target", type=float, default=50.0, help="p95 target in ms")
    parser.add_argument("--follow-links", action="store_true")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--label", default="", help="added to the results file name")
    args = parser.parse_args()

    user = User.objects.get(username=args.user)
    customers = Customer.objects.count()
    how, rows = run_in_process(args, user) if args.in_process else run_http(args, user)
    now = dt.datetime.now().astimezone()
    lines = [
        f"## {connection.vendor}, {customers:,} customers — {now:%Y-%m-%d %H:%M %Z}",
        "",
        f"User `{args.user}`, {args.n} timed requests per case after {args.warmup} warm-up; "
        f"{'selector in-process' if args.in_process else f'{args.base}{args.path}'}; "
        f"{how}. Times in ms.",
        "",
        "| case | server p50 | server p95 | server max | round trip p50 | round trip p95 "
        f"| status | target p95 ≤ {args.target:.0f} ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    failed = False
    for label, server, trip, statuses, _sizes in rows:
        s50, s95, smax = fmt(server)
        t50, t95, _tmax = fmt(trip)
        basis = server or trip
        ok = bool(basis) and percentile(basis, 0.95) <= args.target and statuses <= {200}
        if args.in_process:
            ok = bool(basis) and percentile(basis, 0.95) <= args.target
        failed |= not ok
        status = ",".join(str(s) for s in sorted(statuses, key=str))
        lines.append(
            f"| {label} | {s50} | {s95} | {smax} | {t50} | {t95} | {status} | "
            f"{'met' if ok else 'MISSED'} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    name = f"{now:%Y-%m-%d}-{connection.vendor}{('-' + args.label) if args.label else ''}.md"
    with open(results / name, "a", encoding="utf-8") as handle:
        handle.write(report + "\n")
    print(f"(appended to {results / name})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
