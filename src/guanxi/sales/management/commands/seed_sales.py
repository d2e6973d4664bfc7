"""`guanxi seed_sales`: demo contracts and money over the seeded customers (issue 4).

`guanxi seed` calls it after the pipeline (when the sales app is installed). On its own:

    guanxi seed_sales                                     # the demo, through the services
    guanxi seed_sales --bulk --contracts-per-customer 2   # the benchmark, bulk COPY
"""

from guanxi.core.seed_command import SeedCommand, counts_text, phases_text
from guanxi.sales.demo import seed_sales_bulk, seed_sales_demo


class Command(SeedCommand):
    help = (
        "Give the demo consultants' customers contracts at every status, an approval flow "
        "with approvals waiting in the manager's queue, instalment plans (some overdue), "
        "payments (partial and one over-payment), invoices, orders with partial deliveries "
        "and stock-outs, and this month's sales targets. Does nothing when contracts exist. "
        "--bulk writes contracts, items, instalments, payments and invoices for every "
        "customer straight into the tables (PostgreSQL COPY), for the benchmarks."
    )
    loading = "contracts"
    skipped = "Contracts exist already; sales data not seeded."
    seed_demo = staticmethod(seed_sales_demo)
    seed_bulk = staticmethod(seed_sales_bulk)
    bulk_options = {
        "contracts_per_customer": (2, "Contracts per customer with --bulk (default 2)."),
        "instalments_per_contract": (3, "Instalments per contract with --bulk (default 3)."),
    }

    def bulk_summary(self, stats):
        return (
            f"Seeded {stats.contracts:,} contracts ({counts_text(stats.by_status, grouped=True)}), "
            f"{stats.items:,} items, {stats.instalments:,} instalments ({stats.overdue:,} "
            f"overdue), {stats.payments:,} payments, {stats.invoices:,} invoices for "
            f"{stats.customers:,} customers in {stats.seconds:.1f} s ({phases_text(stats)})."
        )

    def demo_summary(self, stats):
        return (
            f"Sales: {stats.contracts} contracts ({counts_text(stats.by_status)}), "
            f"{stats.payments} payments, {stats.invoices} invoices, {stats.deliveries} "
            f"deliveries, {stats.pending_approvals} approvals pending, {stats.targets} "
            f"targets, in {stats.seconds:.1f} s."
        )
