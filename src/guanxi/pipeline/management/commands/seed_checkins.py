"""`guanxi seed_checkins`: demo field check-ins (INTG-5) over the seeded pipeline.

`guanxi seed` calls it after the pipeline, sales and care."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.pipeline.checkins.demo import seed_checkins_demo


class Command(BaseCommand):
    help = (
        "Seed demo field check-ins: each consultant visited customers today and yesterday, "
        "most near the customer's recorded location, one far away (flagged), one customer "
        "without a location on record."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] >= 1 else None
        stats = seed_checkins_demo(seed=options["seed"], progress=say)
        if stats.skipped:
            self.stdout.write("Check-ins exist already; not seeded.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Check-ins: {stats.checkins} ({stats.far} far), "
                f"{stats.located} customer locations."
            )
        )
