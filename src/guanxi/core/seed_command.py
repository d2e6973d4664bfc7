"""The base of the demo/benchmark seed commands of the higher apps (`seed_pipeline`,
`seed_sales`): the same options (`--bulk`, `--seed`, `--chunk`), the same two paths (the
demo through the services, or the benchmark's bulk load) and the same reporting."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


@dataclass
class SeedStats:
    """What every seeder answers, and the base of each one's counts (a dataclass that adds
    its own fields): `skipped` when the data was there already, the seconds it took and, for
    a bulk load, the seconds of each phase (`phases_text`)."""

    skipped: bool = False
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


class SeedCommand(BaseCommand):
    # What a subclass names: what the bulk load writes ("the pipeline"), what is said when
    # there is data already, the seeding functions (the demo through the services, the bulk
    # load) and the bulk load's own whole-number options, name: (default, help), which must
    # be 1 or more.
    loading = ""
    skipped = ""
    seed_demo: Callable[..., SeedStats]
    seed_bulk: Callable[..., SeedStats]
    bulk_options: dict[str, tuple[int, str]] = {}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bulk", action="store_true", help="Bulk-load (benchmarks).")
        for name, (default, text) in self.bulk_options.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default, help=text)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed.")
        parser.add_argument(
            "--chunk", type=int, default=20_000, help="Customers per bulk batch (default 20,000)."
        )

    def bulk_summary(self, stats: SeedStats) -> str:
        raise NotImplementedError

    def demo_summary(self, stats: SeedStats) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            if options["bulk"]:
                sizes = {name: options[name] for name in self.bulk_options}
                if any(value < 1 for value in sizes.values()):
                    names = " and ".join(f"--{n.replace('_', '-')}" for n in sizes)
                    raise CommandError(f"{names} must be 1 or more.")
                self.stdout.write(f"Bulk-loading {self.loading} into {connection.vendor} …")
                stats = self.seed_bulk(
                    **sizes, seed=options["seed"], chunk=options["chunk"], progress=say
                )
            else:
                stats = self.seed_demo(seed=options["seed"], progress=say)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if stats.skipped:
            self.stdout.write(self.skipped)
            return
        summary = self.bulk_summary(stats) if options["bulk"] else self.demo_summary(stats)
        self.stdout.write(self.style.SUCCESS(summary))


def phases_text(stats: SeedStats) -> str:
    """The bulk load's phases and their seconds, for the summary line."""
    return ", ".join(f"{k} {v:.1f} s" for k, v in stats.phases.items())


def counts_text(counts: Mapping[str, int], *, grouped: bool = False) -> str:
    """Counts by name (a status, a stage, a kind of record), in the order of the names, for the
    summary line: "draft 3, signed 5". `grouped` writes thousands with commas, for the large
    counts of a bulk load."""
    return ", ".join(
        f"{name} {n:,}" if grouped else f"{name} {n}" for name, n in sorted(counts.items())
    )
