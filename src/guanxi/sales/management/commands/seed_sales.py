"""`guanxi seed_sales`: demo contracts and money over the seeded customers (issue 4).

`guanxi seed` calls it after the pipeline (when the sales app is installed). On its own:

    guanxi seed_sales                                     # the demo, through the services
    guanxi seed_sales --bulk --contracts-per-customer 2   # the benchmark, bulk COPY
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from guanxi.sales.demo import seed_sales_bulk, seed_sales_demo


class Command(BaseCommand):
    help = (
        "Give the demo consultants' customers contracts at every status, an approval flow "
        "with approvals waiting in the manager's queue, instalment plans (some overdue), "
        "payments (partial and one over-payment), invoices, orders with partial deliveries "
        "and stock-outs, and this month's sales targets. Does nothing when contracts exist. "
        "--bulk writes contracts, items, instalments, payments and invoices for every "
        "customer straight into the tables (PostgreSQL COPY), for the benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bulk", action="store_true", help="Bulk-load (benchmarks).")
        parser.add_argument(
            "--contracts-per-customer",
            type=int,
            default=2,
            help="Contracts per customer with --bulk (default 2).",
        )
        parser.add_argument(
            "--instalments-per-contract",
            type=int,
            default=3,
            help="Instalments per contract with --bulk (default 3).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--chunk", type=int, default=20_000, help="Customers per bulk batch (default 20,000)."
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 1
        say = self.stdout.write if verbose else None
        if options["bulk"]:
            if options["contracts_per_customer"] < 1 or options["instalments_per_contract"] < 1:
                raise CommandError(
                    "--contracts-per-customer and --instalments-per-contract must be 1 or more."
                )
            self.stdout.write(f"Bulk-loading contracts into {connection.vendor} …")
            stats = seed_sales_bulk(
                contracts_per_customer=options["contracts_per_customer"],
                instalments_per_contract=options["instalments_per_contract"],
                seed=options["seed"],
                chunk=options["chunk"],
                progress=say,
            )
            if stats.skipped:
                self.stdout.write("Contracts exist already; sales data not seeded.")
                return
            phases = ", ".join(f"{k} {v:.1f} s" for k, v in stats.phases.items())
            statuses = ", ".join(f"{k} {n:,}" for k, n in sorted(stats.by_status.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {stats.contracts:,} contracts ({statuses}), {stats.items:,} items, "
                    f"{stats.instalments:,} instalments ({stats.overdue:,} overdue), "
                    f"{stats.payments:,} payments, {stats.invoices:,} invoices for "
                    f"{stats.customers:,} customers in {stats.seconds:.1f} s ({phases})."
                )
            )
            return
        stats = seed_sales_demo(seed=options["seed"], progress=say)
        if stats.skipped:
            self.stdout.write("Contracts exist already; sales data not seeded.")
            return
        statuses = ", ".join(f"{k} {n}" for k, n in sorted(stats.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Sales: {stats.contracts} contracts ({statuses}), {stats.payments} payments, "
                f"{stats.invoices} invoices, {stats.deliveries} deliveries, "
                f"{stats.pending_approvals} approvals pending, {stats.targets} targets, "
                f"in {stats.seconds:.1f} s."
            )
        )
