"""Contracts and money latency over HTTP (issue 4 "Performance"; bench/README.md, "Sales").

Expects a running server on the same database (see bench/README.md). Times, with the
`Server-Timing: app;dur=…` header:
  * as `admin`, the receivables ageing report for the whole company
                           GET  /sales/receivables/                         target ≤ 1 s
  * as a consultant (default sales1a), the contract list and its page 2 (keyset cursor)
                           GET  /sales/  and  /sales/?cursor=…              target p95 ≤ 50 ms
  * recording a payment on one of the consultant's contracts with an open instalment,
    a different contract per request,                                       target p95 ≤ 30 ms
      - through the page's htmx form  POST /sales/receivables/contract/<id>/payments/
      - through the API               POST /api/v1/contracts/<id>/payments
                                      (Bearer token, Idempotency-Key header)

The payments are ¥100.00 (--amount) on signed / executing contracts whose open amount is at
least that much, and only on contracts for which no active payment approval flow matches
(`approvals.flow_for`), so every payment is confirmed at once and the timing is the plain
write path. They stay in the database (like pipeline_bench.py's follow-ups): each run adds
2 × (n + warm-up) small payments. The API token is created for the run and revoked after.

    PYTHONPATH=src python bench/sales_bench.py --base http://127.0.0.1:8123 -n 50
"""

import argparse
import datetime as dt
import json
import re
import sys
import urllib.parse
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection
from django.db.models import F
from django.utils import timezone
from run_list_search import TIMING, Http, fmt, login, percentile

from guanxi.accounts.models import User
from guanxi.accounts.services import token_create, token_revoke
from guanxi.customers.models import Customer
from guanxi.sales.approvals import selectors as approval_selectors
from guanxi.sales.approvals import services as approvals
from guanxi.sales.contracts.selectors import contract_list_for_user
from guanxi.sales.models import Contract, ContractItem, Instalment, Payment
from guanxi.sales.receivables.services import PAYABLE_STATUSES


def timed(http_client, method, url, n, warmup, body_for=None, headers_for=None):
    """(server ms, round trip ms, statuses, bodies of non-2xx answers) of warmup + n requests;
    url, body_for and headers_for may depend on the request's index."""
    server, trip, statuses, errors = [], [], set(), []
    for i in range(warmup + n):
        path = url(i) if callable(url) else url
        body = body_for(i) if body_for else None
        headers = headers_for(i) if headers_for else None
        response, data, elapsed = http_client.request(method, path, body=body, headers=headers)
        statuses.add(response.status)
        if response.status >= 400 and len(errors) < 3:
            errors.append(f"{response.status} {path}: {data[:300].decode(errors='replace')}")
        if i < warmup:
            continue
        trip.append(elapsed)
        found = TIMING.search(response.getheader("Server-Timing") or "")
        if found:
            server.append(float(found.group(1)))
    return server, trip, statuses, errors


def payable_contracts(user, amount: Decimal, count: int, *, exclude=()) -> list[int]:
    """`count` of the user's signed / executing contracts with at least `amount` open on an
    instalment and no active payment approval flow matching a payment of `amount`; newest
    due dates first (the owner/due_on partial index)."""
    chosen: list[int] = []
    seen = set(exclude)
    open_rows = (
        Instalment.objects.filter(owner_id=user.pk, active=True, settled=False)
        .annotate(open=F("amount") - F("paid_amount"))
        .filter(open__gte=amount)
        .order_by("-due_on", "-id")
        .values_list("contract_id", flat=True)
    )
    offset, batch = 0, 2000
    while len(chosen) < count:
        found = list(open_rows[offset : offset + batch])
        if not found:
            break
        offset += batch
        order = {contract_id: index for index, contract_id in reversed(list(enumerate(found)))}
        contracts = Contract.objects.filter(
            pk__in=[i for i in order if i not in seen],
            owner_id=user.pk,
            status__in=PAYABLE_STATUSES,
        ).values_list("pk", "department_id")
        for contract_id, department_id in sorted(contracts, key=lambda c: order[c[0]]):
            if contract_id in seen:
                continue
            seen.add(contract_id)
            products = list(
                ContractItem.objects.filter(contract_id=contract_id, product__isnull=False)
                .values_list("product_id", flat=True)
                .distinct()
            )
            flow = approval_selectors.flow_for(
                target="payment", amount=amount, department_id=department_id, product_ids=products
            )
            if flow is None:
                chosen.append(contract_id)
            if len(chosen) == count:
                break
    if len(chosen) < count:
        raise SystemExit(
            f"{user.username} has only {len(chosen)} contracts with ¥{amount} open and no "
            f"payment approval in the way; {count} needed"
        )
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8123")
    parser.add_argument("--user", default="sales1a")
    parser.add_argument("--admin", default="admin")
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--amount", default="100.00", help="amount of each payment (yuan)")
    parser.add_argument(
        "--cases",
        default="ageing,list,form,api",
        help="comma-separated subset of ageing, list (pages 1 and 2), form, api (payments)",
    )
    args = parser.parse_args()
    cases = {case.strip() for case in args.cases.split(",") if case.strip()}
    unknown = cases - {"ageing", "list", "form", "api"}
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")

    user = User.objects.get(username=args.user)
    amount = Decimal(args.amount)
    today = timezone.localdate()  # the server's day (Asia/Shanghai): not in the future
    base = urllib.parse.urlsplit(args.base)
    origin = f"{base.scheme}://{base.netloc}"
    rows, notes = [], []

    # ---- 1. ageing report, whole company, as admin
    if "ageing" in cases:
        admin_client = Http(args.base)
        login(admin_client, args.admin)
        rows.append(
            (
                "receivables ageing, company (admin) /sales/receivables/",
                1000,
                {200},
                *timed(admin_client, "GET", "/sales/receivables/", max(5, args.n // 5), 2),
            )
        )

    # ---- 2. the consultant's contract list, page 1 and 2
    http_client = Http(args.base)
    how = login(http_client, args.user)
    if "list" in cases:
        cursor = contract_list_for_user(user=user).next_cursor
        if cursor is None:
            raise SystemExit(f"{args.user} has a single page of contracts")
        _response, page_one, _ = http_client.request("GET", "/sales/")
        if not re.search(rf"cursor={cursor}\b".encode(), page_one):
            notes.append(f"page 1 has no next link with cursor={cursor} (checked the selector's)")
        rows.append(
            (
                f"contract list /sales/ ({args.user})",
                50,
                {200},
                *timed(http_client, "GET", "/sales/", args.n, args.warmup),
            )
        )
        rows.append(
            (
                f"contract list page 2 /sales/?cursor={cursor}",
                50,
                {200},
                *timed(http_client, "GET", f"/sales/?cursor={cursor}", args.n, args.warmup),
            )
        )

    # ---- 3. recording payments
    per_case = args.n + args.warmup
    active_flows = list(
        approvals.ApprovalFlow.objects.filter(target="payment", active=True).values_list(
            "name", flat=True
        )
    )
    if {"form", "api"} & cases:
        notes.append(
            f"Payments of ¥{amount} dated {today}; active payment approval flows: "
            f"{', '.join(active_flows) or 'none'} — contracts chosen so that none matches."
        )
    last_before = Payment.objects.order_by("-id").values_list("id", flat=True).first() or 0
    used: list[int] = []
    if "form" in cases:
        targets = payable_contracts(user, amount, per_case)
        used += targets
        # the panel once: csrftoken cookie, and the page a person records the payment on
        http_client.request("GET", f"/sales/receivables/contract/{targets[0]}/")

        def form_body(i):
            return urllib.parse.urlencode(
                {
                    "amount": str(amount),
                    "received_on": today.isoformat(),
                    "method": "transfer",
                    "reference": f"BENCH{today:%Y%m%d}{targets[i]:010d}",
                    "instalment": "",
                    "notes": "",
                    "idempotency_key": uuid.uuid4().hex,
                    "csrfmiddlewaretoken": http_client.cookies.get("csrftoken", ""),
                }
            )

        def form_headers(i):
            return {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{origin}/sales/receivables/contract/{targets[i]}/",
                "HX-Request": "true",
                "HX-Target": "gx-receivables",
            }

        rows.append(
            (
                "record payment, htmx form (POST …/payments/ → 204 + reload event)",
                30,
                {204},
                *timed(
                    http_client,
                    "POST",
                    lambda i: f"/sales/receivables/contract/{targets[i]}/payments/",
                    args.n,
                    args.warmup,
                    body_for=form_body,
                    headers_for=form_headers,
                ),
            )
        )
        # what the browser does next: the panel reloads itself with the notice (guanxi.js)
        rows.append(
            (
                "money panel reload after a payment (GET …/contract/<id>/?notice=payment)",
                50,
                {200},
                *timed(
                    http_client,
                    "GET",
                    lambda i: f"/sales/receivables/contract/{targets[i]}/?notice=payment",
                    args.n,
                    args.warmup,
                    headers_for=lambda i: {"HX-Request": "true"},
                ),
            )
        )
    if "api" in cases:
        targets_api = payable_contracts(user, amount, per_case, exclude=used)
        used += targets_api
        token, raw = token_create(user=user, name="sales_bench")
        api_client = Http(args.base)  # no session cookie: the Bearer token authenticates
        keys = [uuid.uuid4().hex for _ in range(per_case)]

        def api_body(i):
            return json.dumps(
                {
                    "amount": str(amount),
                    "received_on": today.isoformat(),
                    "method": "transfer",
                    "reference": f"API{today:%Y%m%d}{targets_api[i]:010d}",
                }
            )

        def api_headers(i):
            return {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {raw}",
                "Idempotency-Key": keys[i],
            }

        try:
            rows.append(
                (
                    "record payment, API (POST /api/v1/contracts/<id>/payments)",
                    30,
                    {201},
                    *timed(
                        api_client,
                        "POST",
                        lambda i: f"/api/v1/contracts/{targets_api[i]}/payments",
                        args.n,
                        args.warmup,
                        body_for=api_body,
                        headers_for=api_headers,
                    ),
                )
            )
            # a retry with the same key answers 200 with the same payment (not timed)
            response, _data, _ = api_client.request(
                "POST",
                f"/api/v1/contracts/{targets_api[0]}/payments",
                body=api_body(0),
                headers=api_headers(0),
            )
            notes.append(f"API retry with the same Idempotency-Key: HTTP {response.status}")
        finally:
            token_revoke(token=token, actor=user)
    written = Payment.objects.filter(pk__gt=last_before, recorded_by=user)
    if used:
        notes.append(
            f"Payments written: {written.count()} on {len(used)} contracts, "
            f"{written.filter(status=Payment.Status.CONFIRMED).count()} of them confirmed "
            "at once (no approval)."
        )

    now = dt.datetime.now().astimezone()
    lines = [
        f"## sales, {connection.vendor}, {Customer.objects.count():,} customers, "
        f"{Contract.objects.count():,} contracts, {Instalment.objects.count():,} instalments "
        f"— {now:%Y-%m-%d %H:%M %Z}",
        "",
        f"Consultant `{args.user}` ({how}), admin `{args.admin}`; {args.n} timed requests per "
        f"case after {args.warmup} warm-up (the ageing report {max(5, args.n // 5)} after 2); "
        f"{args.base}. Times in ms.",
        "",
        "| case | server p50 | server p95 | server max | round trip p50 | round trip p95 "
        "| status | target p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    failed = False
    errors = []
    for label, target, expected, server, trip, statuses, bad in rows:
        s50, s95, smax = fmt(server)
        t50, t95, _ = fmt(trip)
        basis = server or trip
        ok = bool(basis) and percentile(basis, 0.95) <= target and statuses <= expected
        failed |= not ok
        errors += bad
        status = ",".join(str(s) for s in sorted(statuses))
        lines.append(
            f"| {label} | {s50} | {s95} | {smax} | {t50} | {t95} | {status} | "
            f"≤ {target:,} ms {'met' if ok else 'MISSED'} |"
        )
    lines += ["", *notes]
    if errors:
        lines += ["", "Errors (first of each case):", *(f"    {e}" for e in errors)]
    report = "\n".join(lines) + "\n"
    print(report)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    name = f"{now:%Y-%m-%d}-{connection.vendor}-sales.md"
    with open(results / name, "a", encoding="utf-8") as f:
        f.write(report + "\n")
    print(f"(appended to {results / name})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
