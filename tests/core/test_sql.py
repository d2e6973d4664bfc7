"""core.sql: a list of ids as one parameter, and INSERT … SELECT compiled by the ORM
(issue 13 §5), on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from guanxi.core.models import AuditLog
from guanxi.core.sql import id_list, insert_select

pytestmark = pytest.mark.django_db


def _audit(n):
    return [
        AuditLog.objects.create(action="test.sql", summary=f"row {i}", target_id=str(i))
        for i in range(n)
    ]


def test_id_list_selects_exactly_the_ids_in_one_parameter():
    rows = _audit(5)
    chosen = [rows[0].pk, rows[3].pk, rows[4].pk, 10**12]  # one id that does not exist
    with CaptureQueriesContext(connection) as queries:
        found = sorted(AuditLog.objects.filter(pk__in=id_list(chosen)).values_list("pk", flat=True))
    assert found == sorted(chosen[:3])
    assert len(queries.captured_queries) == 1
    assert not AuditLog.objects.filter(pk__in=id_list([])).exists()
    # the SQL is the same whatever the number of ids
    small = str(AuditLog.objects.filter(pk__in=id_list([1])).query)
    sql, params = AuditLog.objects.filter(pk__in=id_list(range(5000))).query.sql_with_params()
    assert sql.count("%s") == 1 and len(params) == 1
    assert "IN (SELECT" in small


def test_insert_select_writes_one_row_per_source_row_in_the_fields_order():
    rows = _audit(3)
    source = AuditLog.objects.filter(pk__in=id_list([r.pk for r in rows[:2]]))
    written = insert_select(
        AuditLog,
        source,
        {
            # given out of the model's field order on purpose
            "summary": Concat(Value("copy of "), F("summary")),
            "target_id": F("target_id"),
            "action": Value("test.copied"),
            "target_type": Value(""),
            "detail": F("detail"),
            "at": F("at"),
        },
    )
    assert written == 2
    copies = AuditLog.objects.filter(action="test.copied")
    assert sorted(copies.values_list("summary", "target_id")) == [
        ("copy of row 0", "0"),
        ("copy of row 1", "1"),
    ]


def test_insert_select_skips_rows_that_break_a_unique_key():
    rows = _audit(2)
    source = AuditLog.objects.filter(pk__in=id_list([r.pk for r in rows]))
    values = {
        "id": F("id"),
        "summary": Value("again"),
        "target_id": F("target_id"),
        "action": Value("test.again"),
        "target_type": Value(""),
        "detail": F("detail"),
        "at": F("at"),
    }
    assert insert_select(AuditLog, source, values, ignore_conflicts=("id",)) == 0
    assert not AuditLog.objects.filter(action="test.again").exists()
    fresh = {**values, "id": F("id") + 10**9}
    assert insert_select(AuditLog, source, fresh, ignore_conflicts=("id",)) == 2
    assert insert_select(AuditLog, source, fresh, ignore_conflicts=("id",)) == 0
