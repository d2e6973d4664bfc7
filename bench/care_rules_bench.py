"""Care plans (issue 14, CARE-2) at scale: bench/README.md, "Care rules".

    events   times the requests that fire care events — logging a showroom follow-up (visit
             logged, and a price objection with a next contact) and signing a contract
             (contract won) — with the care rules switched on and with them all off, and
             the care callback alone. Target: the callbacks add ≤ 5 ms to the request.
    nightly  runs the nightly date-rule evaluation twice for one day, with the shipped date
             rules on plus a "no contact for 30 days" rule. Targets: ≤ 60 s over 1M
             customers on PostgreSQL; the second run records nothing.

Runs in-process on the database of DATABASE_URL / GUANXI_DATA_DIR (the services are what the
views call, so the figures are the request's work without HTTP). What it writes stays
(follow-ups, contracts, touches): use a bench database.

    export PYTHONPATH=src DJANGO_SETTINGS_MODULE=guanxi.settings
    python bench/care_rules_bench.py events -n 100
    python bench/care_rules_bench.py nightly
"""

import argparse
import datetime as dt
import statistics
import sys
import time

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from guanxi.accounts.models import User  # noqa: E402
from guanxi.care.models import CareRule, CareTouch  # noqa: E402
from guanxi.care.rules import events as rule_events  # noqa: E402
from guanxi.care.rules.services import date_rules_evaluate  # noqa: E402
from guanxi.customers.models import Customer  # noqa: E402
from guanxi.pipeline.models import FollowUp  # noqa: E402
from guanxi.pipeline.prospects.services import FollowUpInput, followup_log  # noqa: E402
from guanxi.sales.common.lines import LineInput  # noqa: E402
from guanxi.sales.contracts.services import contract_create, contract_submit  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def fmt(values: list[float]) -> str:
    return (
        f"n={len(values)} median {statistics.median(values):.2f} ms, "
        f"p95 {percentile(values, 95):.2f} ms, max {max(values):.2f} ms"
    )


def _customers(user: User, n: int) -> list[Customer]:
    return list(
        Customer.objects.filter(owner=user, deleted_at__isnull=True).order_by("-id")[: n * 2 + 20]
    )


def _followups(user: User, customers: list[Customer], n: int, offset: int) -> list[float]:
    times = []
    for i in range(n):
        customer = customers[(offset + i) % len(customers)]
        data = FollowUpInput(
            channel="showroom",
            content="到店看车,嫌贵,约了周末再谈",
            next_contact_at=timezone.now() + dt.timedelta(days=2),
            objections=[{"type": "price"}],
        )
        started = time.perf_counter()
        followup_log(actor=user, customer=customer, data=data)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _contracts(user: User, customers: list[Customer], n: int, offset: int) -> list[float]:
    times = []
    for i in range(n):
        customer = customers[(offset + i) % len(customers)]
        draft = contract_create(
            actor=user,
            customer=customer,
            title="年度服务合同",
            items=[
                LineInput(
                    description="年度服务",
                    unit="套",
                    quantity="1",
                    unit_price="100.00",
                    discount_rate="0",
                    tax_rate="0.13",
                )
            ],
        )
        started = time.perf_counter()
        contract_submit(actor=user, contract=draft)
        times.append((time.perf_counter() - started) * 1000)
    return times


def events(args: argparse.Namespace) -> None:
    user = User.objects.get(username=args.user)
    customers = _customers(user, args.n)
    shipped = dict(CareRule.objects.values_list("pk", "enabled"))
    try:
        CareRule.objects.filter(code__isnull=False).update(enabled=True)
        _followups(user, customers, 10, 0)  # warm-up
        on = _followups(user, customers, args.n, 10)
        contracts_on = _contracts(user, customers, args.n, 0)
        # the callback alone, on follow-ups just logged (rolled back: nothing recorded)
        alone = []
        logged = FollowUp.objects.filter(user=user).select_related("customer").order_by("-id")
        for followup in logged[: args.n]:
            with transaction.atomic():
                started = time.perf_counter()
                rule_events.on_followup_logged(
                    followup=followup,
                    customer=followup.customer,
                    objections=[{"type": "price", "outcome": "open"}],
                )
                alone.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
        CareRule.objects.update(enabled=False)
        off = _followups(user, customers, args.n, 10 + args.n)
        contracts_off = _contracts(user, customers, args.n, args.n)
    finally:
        for pk, enabled in shipped.items():
            CareRule.objects.filter(pk=pk).update(enabled=enabled)
    print(f"customers owned by {user.username}: sample of {len(customers)}")
    print(f"follow-up (showroom, price objection), rules on : {fmt(on)}")
    print(f"follow-up (showroom, price objection), rules off: {fmt(off)}")
    print(
        "  difference: median "
        f"{statistics.median(on) - statistics.median(off):+.2f} ms, "
        f"p95 {percentile(on, 95) - percentile(off, 95):+.2f} ms"
    )
    print(f"care callback alone (visit + objection rules)  : {fmt(alone)}")
    print(f"contract signing, rules on : {fmt(contracts_on)}")
    print(f"contract signing, rules off: {fmt(contracts_off)}")
    print(
        "  difference: median "
        f"{statistics.median(contracts_on) - statistics.median(contracts_off):+.2f} ms, "
        f"p95 {percentile(contracts_on, 95) - percentile(contracts_off, 95):+.2f} ms"
    )


def nightly(args: argparse.Namespace) -> None:
    today = dt.date.fromisoformat(args.day) if args.day else timezone.localdate()
    # two rules over every customer, on top of the shipped ones (whose birthday and holiday
    # greetings only look at 成交 customers)
    extra = [
        CareRule.objects.get_or_create(
            code=code,
            defaults={
                "name": f"{code} (bench)",
                "trigger": trigger,
                "params": params,
                "action": "task",
                "channel": "phone",
                "task_kind": "call",
                "enabled": True,
            },
        )[0]
        for code, trigger, params in (
            ("bench_no_contact", "no_contact", {"days": 30}),
            ("bench_birthday", "birthday", {}),
        )
    ]
    print(f"customers: {Customer.objects.count():,}; day evaluated: {today}")
    print(
        "rules:",
        ", ".join(
            CareRule.objects.filter(enabled=True)
            .exclude(trigger__in=rule_events.Trigger.event_triggers())
            .values_list("code", flat=True)
        ),
    )
    before = CareTouch.objects.count()
    for run in (1, 2):
        started = time.perf_counter()
        counts = date_rules_evaluate(today=today)
        seconds = time.perf_counter() - started
        print(f"run {run}: {seconds:.1f} s, touches recorded {sum(counts.values()):,}: {counts}")
    print(f"touches in the table: {before:,} → {CareTouch.objects.count():,}")
    if not args.keep:
        CareTouch.objects.filter(rule__in=extra).delete()
        for rule in extra:
            rule.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ev = sub.add_parser("events")
    ev.add_argument("-n", type=int, default=100)
    ev.add_argument("--user", default="sales1a")
    ni = sub.add_parser("nightly")
    ni.add_argument("--day", default="", help="YYYY-MM-DD (default: today)")
    ni.add_argument("--keep", action="store_true", help="keep the bench no-contact rule")
    args = parser.parse_args()
    events(args) if args.what == "events" else nightly(args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
