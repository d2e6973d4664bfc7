"""guanxi calendar_load [--year 2027 …]: add the public holidays and 调休 make-up days a newer
`chinese-calendar` package ships to the working calendar, leaving the administrator's edits."""

from django.core.management.base import BaseCommand

from guanxi.core.workdays import load_shipped_days


class Command(BaseCommand):
    help = (
        "Add the public holidays and make-up working days the chinese-calendar package ships "
        "(years without calendar days, or the years given) to the working calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years")

    def handle(self, *args, years=None, **options):
        added = load_shipped_days(years=years)
        self.stdout.write(f"{added} calendar days added.")
