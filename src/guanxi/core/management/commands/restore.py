"""`guanxi restore ARCHIVE`: replace the database and the uploads with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guanxi.core.backup import backup_restore
from guanxi.core.datadir_lock import DataDirBusy, datadir_lock_acquire
from guanxi.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Restore a backup made by `guanxi backup` (Guanxi must be stopped)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask; replace the current data."
        )

    def handle(self, *args, **options):
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file.")
        try:
            lock = datadir_lock_acquire()
        except DataDirBusy as exc:
            raise CommandError(
                f"Guanxi is running on this data directory (process {exc.holder}); stop it first."
            ) from exc
        try:
            if not options["yes"]:
                answer = input("Every customer, contract and file will be replaced. Type yes: ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing restored.")
            result = backup_restore(archive_path=archive)
        except (ValidationFailed, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            lock.close()
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {result.created_at}")
            + f" ({result.engine}, {result.uploads} uploaded files). Run `guanxi migrate` next"
            " if this Guanxi is newer than the backup."
        )
