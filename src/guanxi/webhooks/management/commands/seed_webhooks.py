"""`guanxi seed_webhooks`: demo webhook subscriptions with deliveries in several states
(issue 16). `guanxi seed` calls it after the care demo."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.core.seed_command import counts_text
from guanxi.webhooks.demo import seed_webhooks_demo


class Command(BaseCommand):
    help = (
        "Seed the webhooks demo: an ERP subscription and a 企业微信 robot on this machine, "
        "real deliveries of recent events to a receiver run for the moment."
    )

    def add_arguments(self, parser: Any) -> None:
        # `guanxi seed` passes its --seed to every seed command; this demo draws nothing
        parser.add_argument("--seed", type=int, default=2026, help="Unused (nothing random).")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = seed_webhooks_demo()
        if stats.skipped:
            self.stdout.write("Webhook subscriptions exist already (or no admin user); not seeded.")
            return
        counts = counts_text(stats.counts)
        self.stdout.write(self.style.SUCCESS(f"Webhooks: {counts} in {stats.seconds:.1f} s."))
