"""`guanxi seed_calls`: demo calls of every type over the seeded customers (issue 15).

`guanxi seed` calls it after care (when the service app is installed)."""

from typing import Any

from django.core.management.base import BaseCommand

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
        counts = ", ".join(f"{name} {n}" for name, n in sorted(stats.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Calls: {counts or 'nothing to seed'}."))
