"""`guanxi seed_care`: demo after-sales data over the seeded customers and contracts (issue 14).

`guanxi seed` calls it after sales (when the care app is installed)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.care.demo import seed_care_demo
from guanxi.core.seed_command import counts_text


class Command(BaseCommand):
    help = (
        "Seed the after-sales demo: front-desk entries, the installed base from deliveries, "
        "回访 in every outcome, spot checks, care rules switched on and their messages."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] >= 1 else None
        stats = seed_care_demo(seed=options["seed"], progress=say)
        if stats.skipped:
            self.stdout.write("Care data exists already; not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(
            self.style.SUCCESS(f"Care: {counts or 'nothing to seed'} in {stats.seconds:.1f} s.")
        )
