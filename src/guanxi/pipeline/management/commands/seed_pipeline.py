"""`guanxi seed_pipeline`: the demo pipeline over the seeded customers (issue 3 item 12).

`guanxi seed` calls it after the customers (when the pipeline app is installed). On its own:

    guanxi seed_pipeline                                  # the demo, through the services
    guanxi seed_pipeline --bulk --followups-per-customer 10   # the benchmark, bulk COPY
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from guanxi.pipeline.demo import seed_pipeline_bulk, seed_pipeline_demo


class Command(BaseCommand):
    help = (
        "Give the customers a live pipeline: prospects at every stage, follow-ups over the "
        "last weeks (some overdue, some due today), objections, MAN, referrals, tracked "
        "customers within the quotas, locked and signed (E) customers, and customers "
        "released into the public pool 公司公海. Does nothing when follow-ups exist. "
        "--bulk writes prospects, follow-ups and stage moves for every customer straight "
        "into the tables (PostgreSQL COPY), for the benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bulk", action="store_true", help="Bulk-load (benchmarks).")
        parser.add_argument(
            "--followups-per-customer",
            type=int,
            default=10,
            help="Average follow-ups per customer with --bulk (default 10).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--chunk", type=int, default=20_000, help="Customers per bulk batch (default 20,000)."
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 1
        say = self.stdout.write if verbose else None
        try:
            if options["bulk"]:
                if options["followups_per_customer"] < 1:
                    raise CommandError("--followups-per-customer must be 1 or more.")
                self.stdout.write(f"Bulk-loading the pipeline into {connection.vendor} …")
                stats = seed_pipeline_bulk(
                    followups_per_customer=options["followups_per_customer"],
                    seed=options["seed"],
                    chunk=options["chunk"],
                    progress=say,
                )
                if stats.skipped:
                    self.stdout.write("Follow-ups exist already; pipeline not seeded.")
                    return
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in stats.phases.items())
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Seeded {stats.prospects:,} prospects, {stats.followups:,} follow-ups, "
                        f"{stats.stage_moves:,} stage moves, {stats.tracked:,} tracked, "
                        f"{stats.released:,} in the public pool in {stats.seconds:.1f} s "
                        f"({phases})."
                    )
                )
                return
            stats = seed_pipeline_demo(seed=options["seed"], progress=say)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if stats.skipped:
            self.stdout.write("Follow-ups exist already; pipeline not seeded.")
            return
        stages = ", ".join(f"{code} {n}" for code, n in sorted(stats.by_stage.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Pipeline: {stats.prospects} prospects ({stages}), {stats.followups} follow-ups, "
                f"{stats.objections} objections, {stats.tracked} tracked, {stats.locked} locked, "
                f"{stats.dealt} signed (E), {stats.referrals} referrals, {stats.released} in the "
                f"public pool, in {stats.seconds:.1f} s."
            )
        )
