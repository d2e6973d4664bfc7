"""A database that stays locked answers 503 with Retry-After, never a 500 (issue 11 §5)."""

import json
import sqlite3

import pytest
from django.db import OperationalError
from django.db.utils import DatabaseErrorWrapper
from django.test import RequestFactory

from guanxi.core.middleware import DatabaseBusyMiddleware, is_database_busy


def _real_locked_error(tmp_path) -> OperationalError:
    """The error Django raises when SQLite's busy timeout runs out: a second connection
    writes while the first holds the write lock."""
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0.05, isolation_level=None)

    class _Fake:  # DatabaseErrorWrapper only reads .Database from the wrapper
        Database = sqlite3

    try:
        with DatabaseErrorWrapper(_Fake()):
            waiter.execute("INSERT INTO t VALUES (1)")
    except OperationalError as exc:
        return exc
    finally:
        holder.close()
        waiter.close()
    raise AssertionError("the write did not wait for the lock")


def test_the_real_sqlite_error_is_recognised(tmp_path):
    assert is_database_busy(_real_locked_error(tmp_path))
    assert not is_database_busy(OperationalError("no such table: x"))
    assert not is_database_busy(ValueError("database is locked"))


@pytest.mark.django_db
def test_api_answers_json_503_with_retry_after(tmp_path):
    request = RequestFactory().post("/api/v1/customers")
    response = DatabaseBusyMiddleware(lambda r: None).process_exception(
        request, _real_locked_error(tmp_path)
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == "DatabaseBusy"


@pytest.mark.django_db
def test_pages_answer_a_503_page(tmp_path, rf, admin_user):
    request = RequestFactory().post("/customers/new/")
    request.user = admin_user
    response = DatabaseBusyMiddleware(lambda r: None).process_exception(
        request, _real_locked_error(tmp_path)
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "503" in response.content.decode()


def test_other_errors_are_not_touched():
    request = RequestFactory().get("/")
    assert DatabaseBusyMiddleware(lambda r: None).process_exception(request, KeyError()) is None
