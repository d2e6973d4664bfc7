"""Set-based SQL the ORM cannot say, on PostgreSQL and SQLite alike.

* `id_list(ids)`: a whole list of ids as ONE parameter, for `pk__in=id_list(ids)` — the
  same SQL and one query whatever the number of ids (PostgreSQL `unnest` of an array,
  SQLite `json_each` of a JSON array), instead of one IN (...) list per thousand ids.
* `insert_select(model, rows, {field: expression})`: `INSERT INTO <model> (<fields>)
  SELECT …`, the SELECT compiled by the ORM (`query.sql_with_params()`) from a queryset of
  rows the database already has: no model instance per row in Python.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.expressions import RawSQL


def id_list(ids: Iterable[int]) -> RawSQL:
    """The ids as a one-column subquery, for `filter(<field>__in=id_list(ids))`."""
    values = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (values,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise AssertionError(f"insert_select: {name} is no column of {model.__name__}")
    return str(field.column)


def insert_select(
    model: type[models.Model],
    rows: models.QuerySet,
    values: Mapping[str, Any],
    *,
    ignore_conflicts: Sequence[str] = (),
) -> int:
    """INSERT INTO model's table one row per row of `rows`: {field name: expression over
    `rows`' model (F(), Value(), functions)}. The SELECT is the ORM's, compiled as it would
    run it; the database writes the rows. With `ignore_conflicts` (the fields of a unique
    constraint), rows that would break it are skipped (ON CONFLICT … DO NOTHING). Returns
    the number of rows written."""
    aliases = {f"gx_insert_{index}": expression for index, expression in enumerate(values.values())}
    selected = rows.order_by().annotate(**aliases).values_list(*aliases)
    if list(selected.query.annotation_select) != list(aliases) or selected.query.values_select:
        raise AssertionError("insert_select: the SELECT's columns are not the fields' order")
    quote = connection.ops.quote_name
    columns = [quote(_column(model, name)) for name in values]
    sql, params = selected.query.sql_with_params()
    if ignore_conflicts:
        keys = ", ".join(quote(_column(model, name)) for name in ignore_conflicts)
        # SQLite reads "SELECT … ON CONFLICT" as a join clause unless the SELECT has a WHERE
        sql = f"SELECT * FROM ({sql}) AS gx_rows WHERE 1 = 1 ON CONFLICT ({keys}) DO NOTHING"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) {sql}",
            params,
        )
        return max(cursor.rowcount, 0)
