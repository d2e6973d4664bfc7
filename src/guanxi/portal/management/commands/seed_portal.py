"""`guanxi seed_portal`: a demo web-to-lead form and a customer who can sign in to the
customer portal (issue 16). `guanxi seed` calls it after care."""

from typing import Any

from django.core.management.base import BaseCommand

from guanxi.portal.demo import seed_portal_demo


class Command(BaseCommand):
    help = "Seed the portal demo: a web-to-lead form with a submission; who can sign in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (unused).")

    def handle(self, *args: Any, **options: Any) -> None:
        demo = seed_portal_demo()
        if demo.skipped:
            self.stdout.write("Portal data exists already; not seeded.")
        elif demo.form is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Portal: web form “{demo.form.name}” at /portal/f/{demo.form.key}/"
                )
            )
        if demo.customer is not None:
            self.stdout.write(
                f"Customer portal: open /portal/sign-in/ and enter {demo.customer.mobile} "
                f"({demo.customer.name}). The code goes out by SMS through the task worker; with "
                "the console SMS adapter it is printed in the worker's log and shown in "
                "After-sales → Send log."
            )
