"""Compile every gettext catalogue (.po) of Guanxi into its .mo, in pure Python.

Django's own `compilemessages` needs GNU gettext's `msgfmt`; this uses polib so that
`make install` works on a machine without gettext. Like msgfmt, fuzzy and obsolete
entries are left out. A .mo that is newer than its .po is skipped unless --force.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE_DIR = Path(__file__).resolve().parents[3]  # src/guanxi


def find_po_files() -> list[Path]:
    """Every locale/<lang>/LC_MESSAGES/*.po of the project (LOCALE_PATHS and app dirs)."""
    roots = {Path(p).resolve() for p in settings.LOCALE_PATHS}
    roots |= {p.resolve() for p in PACKAGE_DIR.glob("**/locale") if p.is_dir()}
    files: set[Path] = set()
    for root in roots:
        files.update(root.glob("*/LC_MESSAGES/*.po"))
    return sorted(files)


class Command(BaseCommand):
    help = "Compile the .po translation files into .mo files (pure Python, no gettext)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="Only these .po files (default: all of the project's)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Compile even when the .mo is up to date."
        )

    def handle(self, *args, files, force, **options):
        po_files = [Path(f).resolve() for f in files] if files else find_po_files()
        compiled = 0
        for po_path in po_files:
            if not po_path.is_file():
                raise CommandError(f"No such file: {po_path}")
            mo_path = po_path.with_suffix(".mo")
            if (
                not force
                and mo_path.exists()
                and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            ):
                continue
            try:
                catalogue = polib.pofile(str(po_path), check_for_duplicates=True)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            # Write to a temporary name first so a failed run never leaves a torn .mo.
            tmp_path = mo_path.with_suffix(".mo.tmp")
            catalogue.save_as_mofile(str(tmp_path))
            tmp_path.replace(mo_path)
            compiled += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"compiled {po_path}")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"compile_translations: {compiled} of {len(po_files)} catalogue(s) compiled."
            )
