"""`guanxi seed_imports`: a finished demo import (INTG-1). `guanxi seed` calls it last."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.seed_command import counts_text
from guanxi.imports.demo import seed_imports_demo


class Command(BaseCommand):
    help = "Seed a finished demo import of customers from a GBK CSV, with its error report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = seed_imports_demo(seed=options["seed"])
        if stats.skipped:
            self.stdout.write("Imports exist already (or no demo users); not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(self.style.SUCCESS(f"Imports: {counts} in {stats.seconds:.1f} s."))
