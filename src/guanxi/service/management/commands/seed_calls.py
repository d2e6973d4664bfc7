"""`guanxi seed_calls`: demo calls of every type over the seeded customers (issue 15).

`guanxi seed` calls it after care (when the service app is installed)."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.seed_command import counts_text
from guanxi.service.calls.demo import seed_calls_demo


class Command(BaseCommand):
    help = "Seed the call-centre demo: a month of calls of every type, linked to customers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = seed_calls_demo(seed=options["seed"])
        if stats.skipped:
            self.stdout.write("Calls exist already; not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(self.style.SUCCESS(f"Calls: {counts or 'nothing to seed'}."))
