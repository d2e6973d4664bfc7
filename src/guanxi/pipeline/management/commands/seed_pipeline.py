"""`guanxi seed_pipeline`: the demo pipeline over the seeded customers (issue 3 item 12).

`guanxi seed` calls it after the customers (when the pipeline app is installed). On its own:

    guanxi seed_pipeline                                  # the demo, through the services
    guanxi seed_pipeline --bulk --followups-per-customer 10   # the benchmark, bulk COPY
"""

from guanxi.core.seed_command import SeedCommand, counts_text, phases_text
from guanxi.pipeline.demo import seed_pipeline_bulk, seed_pipeline_demo


class Command(SeedCommand):
    help = (
        "Give the customers a live pipeline: prospects at every stage, follow-ups over the "
        "last weeks (some overdue, some due today), objections, MAN, referrals, tracked "
        "customers within the quotas, locked and signed (E) customers, and customers "
        "released into the public pool 公司公海. Does nothing when follow-ups exist. "
        "--bulk writes prospects, follow-ups and stage moves for every customer straight "
        "into the tables (PostgreSQL COPY), for the benchmarks."
    )
    loading = "the pipeline"
    skipped = "Follow-ups exist already; pipeline not seeded."
    seed_demo = staticmethod(seed_pipeline_demo)
    seed_bulk = staticmethod(seed_pipeline_bulk)
    bulk_options = {
        "followups_per_customer": (10, "Average follow-ups per customer with --bulk (default 10)."),
    }

    def bulk_summary(self, stats):
        return (
            f"Seeded {stats.prospects:,} prospects, {stats.followups:,} follow-ups, "
            f"{stats.stage_moves:,} stage moves, {stats.tracked:,} tracked, "
            f"{stats.released:,} in the public pool in {stats.seconds:.1f} s "
            f"({phases_text(stats)})."
        )

    def demo_summary(self, stats):
        return (
            f"Pipeline: {stats.prospects} prospects ({counts_text(stats.by_stage)}), "
            f"{stats.followups} follow-ups, {stats.objections} objections, {stats.tracked} "
            f"tracked, {stats.locked} locked, {stats.dealt} signed (E), {stats.referrals} "
            f"referrals, {stats.released} in the public pool, in {stats.seconds:.1f} s."
        )
