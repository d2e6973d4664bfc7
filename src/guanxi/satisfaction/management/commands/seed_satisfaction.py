"""`guanxi seed_satisfaction`: demo satisfaction data over the seeded customers (issue 15).

`guanxi seed` calls it after care (when the satisfaction app is installed)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.seed_command import counts_text
from guanxi.satisfaction.demo import seed_satisfaction_demo


class Command(BaseCommand):
    help = (
        "Seed the satisfaction demo: six months of survey answers with a trend and a weak "
        "factor, third-party results, one-time links, and improvement action plans."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] >= 1 else None
        stats = seed_satisfaction_demo(seed=options["seed"], progress=say)
        if stats.skipped:
            self.stdout.write("Satisfaction data exists already (or no customers); not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(self.style.SUCCESS(f"Satisfaction: {counts} in {stats.seconds:.1f} s."))
