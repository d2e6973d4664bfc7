"""Locks that hold for a whole installation, not only one machine: a session-level
PostgreSQL advisory lock, or with SQLite (one machine by nature) a file lock in the data
directory. Held until released or until the process ends."""

import fcntl
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connections


@dataclass
class InstallationLock:
    name: str
    key: int
    handle: IO[str] | None = None

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
            return
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])


def installation_lock_try(name: str, *, wait: bool = False) -> InstallationLock | None:
    """The lock called `name`; None when another process holds it (with `wait`, wait for
    it instead)."""
    key = zlib.crc32(f"guanxi:{name}".encode())
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if wait:
                cursor.execute("SELECT pg_advisory_lock(%s), true", [key])
            else:
                cursor.execute("SELECT 0, pg_try_advisory_lock(%s)", [key])
            row = cursor.fetchone()
        return InstallationLock(name=name, key=key) if row and row[1] else None
    handle = open(Path(settings.DATA_DIR) / f"{name}.lock", "a+")  # noqa: SIM115 — held open
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return InstallationLock(name=name, key=key, handle=handle)
