"""Django's `migrate`, one at a time per installation: two first starts at once (two
`make demo`, two containers) otherwise both apply the same migrations, and the second fails
half-way with "table already exists" or records a migration twice."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from guanxi.core.installation_lock import installation_lock_try


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        database = connections[options["database"]]
        if database.vendor == "sqlite" and database.is_in_memory_db():
            return super().handle(*args, **options)  # private to this process
        lock = installation_lock_try("migrate", wait=True)
        try:
            return super().handle(*args, **options)
        finally:
            if lock is not None:
                lock.release()
