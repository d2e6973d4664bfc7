"""`guanxi seed`: the demo organisation and demo customers (README, `make demo`, bench/)."""

import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from guanxi.accounts.demo import DEMO_PASSWORD, ensure_demo_organisation
from guanxi.customers.demo import (
    BULK_THRESHOLD,
    DEMO_CONSULTANTS,
    ensure_demo_tags,
    seed_customers_bulk,
    seed_customers_slow,
)
from guanxi.customers.models import Customer

# Demo data of higher apps, run after the customers in this order when installed.
HIGHER_SEED_COMMANDS = (
    "seed_pipeline",
    "seed_sales",
    "seed_checkins",
    "seed_care",
    "seed_calls",
    "seed_service",
    "seed_satisfaction",
    "seed_webhooks",
    "seed_portal",
    "seed_imports",
)


class Command(BaseCommand):
    help = (
        "Create the demo organisation (departments, one user per role, password "
        f"{DEMO_PASSWORD}) and generate demo customers owned by the consultants "
        f"{', '.join(DEMO_CONSULTANTS)}. Up to {BULK_THRESHOLD - 1:,} customers go through "
        "the normal create service (dedup keys, change history, timeline). From "
        f"{BULK_THRESHOLD:,} on, or with --fast, rows are bulk-loaded (PostgreSQL COPY, "
        "SQLite executemany): customers, tags, dedup keys, contacts and a 'created' timeline "
        "event are written, but no change-history rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers", type=int, default=300, help="How many customers (default 300)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if there are customers already (so `make demo` keeps data).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--fast", action="store_true", help="Bulk-load even below the threshold."
        )
        parser.add_argument(
            "--chunk", type=int, default=50_000, help="Rows per bulk batch (default 50,000)."
        )

    def handle(self, *args, **options):
        count = options["customers"]
        if count < 0:
            raise CommandError("--customers must be 0 or more.")
        started = time.perf_counter()
        if options["if_empty"] and Customer.objects.exists():
            ensure_demo_organisation()
            self.stdout.write("Customers exist already; nothing seeded (--if-empty).")
            return
        ensure_demo_organisation()
        ensure_demo_tags()
        if count == 0:
            self.stdout.write("Demo organisation ready; no customers requested.")
            return
        verbose = options["verbosity"] >= 1
        if options["fast"] or count >= BULK_THRESHOLD:
            self.stdout.write(f"Bulk-loading {count:,} customers into {connection.vendor} …")
            stats = seed_customers_bulk(
                count=count,
                seed=options["seed"],
                chunk=options["chunk"],
                progress=self.stdout.write if verbose else None,
            )
            phases = ", ".join(f"{k} {v:.1f} s" for k, v in stats.phases.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {stats.customers:,} customers, {stats.contacts:,} contacts, "
                    f"{stats.tags:,} tag links, {stats.dedup_keys:,} dedup keys in "
                    f"{stats.seconds:.1f} s ({phases})."
                )
            )
            return

        def progress(done):
            if verbose:
                self.stdout.write(f"{done:,} / {count:,} customers")

        created = seed_customers_slow(count=count, seed=options["seed"], progress=progress)
        # Higher apps add their demo data in layer order (the pipeline, then contracts and
        # money), found by name so that customers never imports them.
        commands = get_commands()
        for name in HIGHER_SEED_COMMANDS:
            if name in commands:
                call_command(
                    name, seed=options["seed"], verbosity=options["verbosity"], stdout=self.stdout
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {created:,} customers in {time.perf_counter() - started:.1f} s. "
                f"Log in as manager / {DEMO_PASSWORD} (or sales1a, admin …)."
            )
        )
