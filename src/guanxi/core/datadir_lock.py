"""One running Guanxi per data directory.

`guanxi serve` holds an exclusive lock on `<data dir>/guanxi.lock` for as long as it runs;
a second `serve` on the same directory, or a `restore` while one runs, is refused instead of
racing the first one's migrations and doubling its scheduled jobs. The lock is the kernel's
(flock): it is released when the process ends, however it ends.
"""

import fcntl
import os
from pathlib import Path
from typing import IO

from django.conf import settings

LOCK_NAME = "guanxi.lock"


class DataDirBusy(Exception):
    """Another process holds the data directory."""

    def __init__(self, path: Path, holder: str):
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is in use by process {holder or '?'}")


def datadir_lock_acquire(data_dir: Path | None = None) -> IO[str]:
    """Take the lock or raise DataDirBusy; keep the returned file open to keep the lock."""
    path = Path(data_dir or settings.DATA_DIR) / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 — held open for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise DataDirBusy(path, holder) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
