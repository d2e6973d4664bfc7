"""`guanxi seed_service`: demo complaints in every state over the seeded customers (issue 15).

`guanxi seed` calls it after care (when the service app is installed)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.seed_command import counts_text
from guanxi.service.demo import seed_service_demo


class Command(BaseCommand):
    help = (
        "Seed the complaints demo: complaints waiting, in progress, closed fast, in time, "
        "slowly or unresolved, reopened and escalated."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = seed_service_demo(seed=options["seed"])
        if stats.skipped:
            self.stdout.write("Complaints exist already; not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(self.style.SUCCESS(f"Complaints: {counts or 'nothing to seed'}."))
