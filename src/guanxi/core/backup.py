"""Backup and restore of a whole installation: the database and the uploaded files.

An archive is a .tar.gz with `manifest.json`, the database (`database.sqlite3` made with
SQLite's online backup API, or `database.pgdump` made by `pg_dump --format=custom`) and
`uploads/`. The keys are not in it unless asked for: without the field key the ID numbers in
a backup cannot be read, and with it whoever holds the archive can read them — keep the keys
apart from the backups.

A backup can be taken while Guanxi runs (both databases give a consistent snapshot);
a restore replaces everything and must run while Guanxi is stopped.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from guanxi.core.errors import ValidationFailed

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
UPLOADS_MEMBER = "uploads"
KEYS_MEMBER = "keys.json"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    uploads: int
    keys_included: bool


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    uploads: int
    created_at: str


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ValidationFailed(_("Backups support SQLite and PostgreSQL only."))
    return vendor


def _uploads_dir() -> Path:
    storage = cast(dict[str, Any], settings.STORAGES["default"])
    return Path(storage.get("OPTIONS", {}).get("location", settings.MEDIA_ROOT))


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password travels in the environment."""
    conf = connections[alias].settings_dict
    env = os.environ.copy()
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = ["--dbname", str(conf["NAME"])]
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(alias: str, engine: str, target: Path) -> None:
    connection = connections[alias]
    if connection.in_atomic_block:
        # SQLite's backup waits forever on a database its own connection is writing to.
        raise RuntimeError("a backup cannot run inside a transaction")
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return
    args, env = _pg_env(alias)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
        ],
        env,
    )


def _migrations(alias: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup_create(
    *, output: Path | None = None, include_keys: bool = False, alias: str = "default"
) -> BackupResult:
    engine = _engine(alias)
    created = dt.datetime.now(dt.UTC)
    if output is None:
        folder = Path(settings.DATA_DIR) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"guanxi-backup-{created:%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    uploads = _uploads_dir()
    with tempfile.TemporaryDirectory(dir=output.parent) as work:
        database = Path(work) / (SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER)
        _dump_database(alias, engine, database)
        upload_files = [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": created.isoformat(),
            "migrations": _migrations(alias),
            "uploads": len(upload_files),
            "keys_included": include_keys,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            manifest_path = Path(work) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.add(manifest_path, MANIFEST)
            archive.add(database, database.name)
            for path in upload_files:
                archive.add(path, f"{UPLOADS_MEMBER}/{path.relative_to(uploads).as_posix()}")
            if include_keys:
                archive.add(Path(settings.DATA_DIR) / KEYS_MEMBER, KEYS_MEMBER)
        os.chmod(partial, 0o600)  # the archive holds every customer's data
        partial.replace(output)
    return BackupResult(
        path=output, engine=engine, uploads=len(upload_files), keys_included=include_keys
    )


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError) as exc:
        raise ValidationFailed(_("This file is not a Guanxi backup.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValidationFailed(_("This file is not a Guanxi backup."))
    return manifest


def _restore_database(alias: str, engine: str, source: Path) -> None:
    connection = connections[alias]
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as original:
            # Copies every page into the live database: the file is replaced in one go,
            # with its WAL, and open connections see the restored data.
            original.backup(connection.connection)
        original.close()
        return
    args, env = _pg_env(alias)
    connection.close()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", *args, str(source)],
        env,
    )  # fmt: skip


def _extract(archive_path: Path, work: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            manifest = _read_manifest(archive)
            archive.extractall(work, filter="data")  # refuses absolute paths, links out, devices
    except (OSError, EOFError, tarfile.TarError) as exc:
        raise ValidationFailed(_("This file is not a Guanxi backup.")) from exc
    return manifest


def backup_restore(*, archive_path: Path, alias: str = "default") -> RestoreResult:
    """Replace the database and the uploads with the archive's (keys are never replaced)."""
    engine = _engine(alias)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        manifest = _extract(archive_path, work)
        if manifest.get("engine") != engine:
            raise ValidationFailed(
                _("This backup is of a %(engine)s database; this installation uses %(current)s.")
                % {"engine": manifest.get("engine"), "current": engine}
            )
        database = work / (SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER)
        if not database.is_file():
            raise ValidationFailed(_("This file is not a Guanxi backup."))
        _restore_database(alias, engine, database)
        uploads = _uploads_dir()
        if uploads.exists():
            shutil.rmtree(uploads)
        restored = work / UPLOADS_MEMBER
        if restored.exists():
            shutil.copytree(restored, uploads)
        else:
            uploads.mkdir(parents=True, exist_ok=True)
    return RestoreResult(
        engine=engine,
        uploads=int(manifest.get("uploads") or 0),
        created_at=str(manifest.get("created_at", "")),
    )
