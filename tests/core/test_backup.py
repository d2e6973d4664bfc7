"""`guanxi backup` / `guanxi restore` (issue 11 §5): a round trip gives identical table
contents and uploads on SQLite and PostgreSQL, and the application runs on the restored copy."""

import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from guanxi.core.backup import backup_create, backup_restore
from guanxi.core.datadir_lock import datadir_lock_acquire
from guanxi.core.errors import ValidationFailed
from guanxi.customers.models import Customer


def _snapshot() -> dict[str, list[tuple]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 — table names from the schema
            tables[table] = sorted(tuple(map(repr, row)) for row in cursor.fetchall())
    return tables


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_tables_and_uploads(org, make_customer, tmp_path, client_for):
    customer = make_customer(org["sales1a"], name="备份测试客户")
    default_storage.save("attachments/contract.txt", ContentFile(b"signed copy"))
    before = _snapshot()
    assert any(rows for rows in before.values())

    result = backup_create(output=tmp_path / "backup.tar.gz")
    assert result.path.is_file()
    assert oct(result.path.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(result.path) as archive:
        names = archive.getnames()
    assert "manifest.json" in names
    assert "keys.json" not in names
    assert "uploads/attachments/contract.txt" in names

    Customer.objects.filter(pk=customer.pk).delete()
    make_customer(org["sales1b"], name="备份之后的客户")
    default_storage.delete("attachments/contract.txt")
    default_storage.save("attachments/other.txt", ContentFile(b"later"))
    assert _snapshot() != before

    restored = backup_restore(archive_path=result.path)
    assert restored.uploads == 1

    assert _snapshot() == before
    assert default_storage.open("attachments/contract.txt").read() == b"signed copy"
    assert not default_storage.exists("attachments/other.txt")
    page = client_for(org["sales1a"]).get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    assert "备份测试客户" in page.content.decode()


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(ValidationFailed):
        backup_restore(archive_path=junk)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(ValidationFailed):
        backup_restore(archive_path=empty)


@pytest.mark.django_db(transaction=True)  # a backup runs outside any open transaction
def test_backup_command_warns_about_keys(tmp_path, capsys):
    call_command("backup", output=tmp_path / "b.tar.gz")
    assert "keys are NOT in this archive" in capsys.readouterr().err
    call_command("backup", output=tmp_path / "k.tar.gz", include_keys=True)
    assert "CONTAINS the keys" in capsys.readouterr().err
    with tarfile.open(tmp_path / "k.tar.gz") as archive:
        assert "keys.json" in archive.getnames()


def test_restore_command_refuses_while_guanxi_runs(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"x")
    held = datadir_lock_acquire(Path(tmp_path))
    try:
        with pytest.raises(CommandError, match="running on this data directory"):
            call_command("restore", str(archive), yes=True)
    finally:
        held.close()
