"""`guanxi backup`: the database and the uploaded files in one archive (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guanxi.core.backup import backup_create
from guanxi.core.errors import ValidationFailed

KEYS_WARNING = (
    "The keys are NOT in this archive. ID numbers in it are encrypted with the field key "
    "(GUANXI_FIELD_KEY, or keys.json in the data directory): keep a copy of the keys in a "
    "safe place apart from the backups, or the ID numbers of a restored copy cannot be read."
)
KEYS_INCLUDED_WARNING = (
    "This archive CONTAINS the keys: whoever has it can read every ID number in it. "
    "Store it encrypted and apart from ordinary backups."
)


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="Archive path (default: <data dir>/backups/…)."
        )
        parser.add_argument(
            "--include-keys", action="store_true", help="Put keys.json into the archive too."
        )

    def handle(self, *args, **options):
        try:
            result = backup_create(output=options["output"], include_keys=options["include_keys"])
        except (ValidationFailed, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {result.path}")
            + f" ({result.engine}, {result.uploads} uploaded files)"
        )
        warning = KEYS_INCLUDED_WARNING if result.keys_included else KEYS_WARNING
        self.stderr.write(self.style.WARNING(warning))
