"""Set-based SQL the ORM cannot say, on PostgreSQL and SQLite alike.

* `id_list(ids)`: a whole list of ids as ONE parameter, for `pk__in=id_list(ids)` — the
  same SQL and one query whatever the number of ids (PostgreSQL `unnest` of an array,
  SQLite `json_each` of a JSON array), instead of one IN (...) list per thousand ids.
* `insert_select(model, rows, {field: expression})`: `INSERT INTO <model> (<fields>)
  SELECT …`, the SELECT compiled by the ORM (`query.sql_with_params()`) from a queryset of
  rows the database already has: no model instance per row in Python.
* `values_for_each(queryset, placeholder, values)`: one `.values()` query compiled once and
  run once per value of a parameter (the board's columns: one per stage), instead of the ORM
  compiling the same query again for each.
* `SlotStatement`: a statement compiled once and kept, run again with another value of its
  one varying parameter (a hot write that would otherwise compile the same SQL per request).
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import NOT_PROVIDED
from django.db.models.expressions import RawSQL
from django.utils import timezone

# fields whose values the drivers take as Python gives them; every other field's values go
# through the field's own get_db_prep_save (dates on SQLite, JSON, decimals, UUIDs …)
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_PLAIN_TYPES = (str, int, bool)


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
    sql, params = insert_select_sql(model, rows, values, ignore_conflicts=ignore_conflicts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def insert_select_sql(
    model: type[models.Model],
    rows: models.QuerySet,
    values: Mapping[str, Any],
    *,
    ignore_conflicts: Sequence[str] = (),
) -> tuple[str, tuple[Any, ...]]:
    """The statement and parameters `insert_select` runs, compiled but not run."""
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
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) {sql}", params


def _slot(params: Sequence[Any], placeholder: Any) -> int:
    slots = [i for i, param in enumerate(params) if param == placeholder]
    if len(slots) != 1:
        raise ValueError("The placeholder must be exactly one parameter of the query.")
    return slots[0]


@dataclass(frozen=True)
class SlotStatement:
    """A compiled statement whose named parameters (`slots`: name → index) take other values
    on each run. Compiling the ORM's query costs milliseconds; a statement kept at module
    level for a hot write pays that once a process. Each placeholder, a value used nowhere
    else in the statement's parameters, marks its slot."""

    sql: str
    params: tuple[Any, ...]
    slots: Mapping[str, int]

    @classmethod
    def of(cls, sql: str, params: Sequence[Any], **placeholders: Any) -> "SlotStatement":
        slots = {name: _slot(params, value) for name, value in placeholders.items()}
        return cls(sql=sql, params=tuple(params), slots=slots)

    def run(self, **values: Any) -> int:
        """Execute with `values` (as the driver takes them) in their slots; the number of
        rows the statement changed."""
        bound = list(self.params)
        for name, index in self.slots.items():
            bound[index] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, bound)
            return max(cursor.rowcount, 0)


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of `field` becomes a parameter; None: as it is."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    passes: tuple[type, ...] = ()
    if isinstance(field, _PLAIN_FIELDS):
        passes = _PLAIN_TYPES
    elif connection.vendor == "postgresql":
        # psycopg takes these as they are (the field would only hand them on); a naive
        # datetime still goes through the field, which makes it aware
        if isinstance(field, models.DateTimeField):
            passes = (dt.datetime,)
        elif isinstance(field, models.DateField):
            passes = (dt.date,)
        elif isinstance(field, models.DecimalField):
            passes = (Decimal,)

    def convert(value: Any) -> Any:
        if value is None or (type(value) in passes and getattr(value, "tzinfo", 1) is not None):
            return value
        return field.get_db_prep_save(value, connection)

    return convert


def _reserve_ids(table: str, count: int) -> list[int] | None:
    """`count` ids of `table`'s id sequence, taken for this transaction (PostgreSQL's
    nextval; on SQLite the AUTOINCREMENT counter moved on under the write lock the UPDATE
    takes). None on SQLite when the table has no counter yet (it never had a row)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq",
            [count, table],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    last = int(row[0])
    return list(range(last - count + 1, last + 1))


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _missing_columns(
    model: type[models.Model], given: Sequence[str]
) -> list[tuple[models.Field, Callable[[], Any]]]:
    """The model's other columns with what the ORM would put in them for a new instance
    (its default, a timestamp for auto_now fields); columns with only a database default are
    left to the database."""
    named = {model._meta.get_field(name) for name in given}
    now = timezone.now()
    out: list[tuple[models.Field, Callable[[], Any]]] = []
    for field in model._meta.concrete_fields:
        if field in named or isinstance(field, models.AutoField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            out.append((field, _constant(now)))
        elif field.has_default() and callable(field.default):
            out.append((field, field.get_default))
        elif field.has_default() or field.db_default is NOT_PROVIDED:
            out.append((field, _constant(field.get_default())))
    return out


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_ids: bool = False,
    ignore_conflicts: Sequence[str] = (),
) -> list[int]:
    """Write `rows` (one value per field name of `columns`, as Python values) into `model`'s
    table, the other columns as a new instance would have them (defaults); with
    `returning_ids`, each row gets a fresh id and the ids come back in the rows' order. With
    `ignore_conflicts` (the fields of a unique constraint), a row that would break it is
    skipped; without, it raises IntegrityError like any INSERT. No signals, no save()."""
    if not rows:
        return []
    if returning_ids and ignore_conflicts:
        raise AssertionError("insert_rows: a skipped row would leave a reserved id unused")
    given = [model._meta.get_field(name) for name in columns]
    if not all(isinstance(field, models.Field) and field.column for field in given):
        raise AssertionError(f"insert_rows: {columns} are not all columns of {model.__name__}")
    fields: list[models.Field] = list(given)  # type: ignore[arg-type]
    missing = _missing_columns(model, columns)
    fields += [field for field, _value in missing]
    makers = [make for _field, make in missing]
    convert = [_converter(field) for field in fields]
    table = model._meta.db_table
    names = [str(field.column) for field in fields]
    ids: list[int] = []
    if returning_ids:
        reserved = _reserve_ids(table, len(rows))
        if reserved is None:  # SQLite, a table without its counter yet: let the ORM start it
            objects = [
                model(
                    **{
                        f.attname: v
                        for f, v in zip(fields, [*row, *(m() for m in makers)], strict=True)
                    }
                )
                for row in rows
            ]
            model._default_manager.bulk_create(objects)
            return [int(obj.pk) for obj in objects]
        ids = reserved
        names.insert(0, str(model._meta.pk.column))
    values = [
        [
            c(v) if c is not None else v
            for c, v in zip(convert, [*row, *(m() for m in makers)], strict=True)
        ]
        for row in rows
    ]
    if returning_ids:
        for pk, row in zip(ids, values, strict=True):
            row.insert(0, pk)
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(name) for name in names)
    conflicts = ""
    if ignore_conflicts:
        keys = ", ".join(quote(_column(model, name)) for name in ignore_conflicts)
        conflicts = f" ON CONFLICT ({keys}) DO NOTHING"
    if connection.vendor != "postgresql":  # SQLite runs one prepared statement for every row
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({column_list}) VALUES ({marks}){conflicts}",  # noqa: S608 - model meta
                values,
            )
        return ids
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper: COPY
        target = quote(table)
        if ignore_conflicts:
            # COPY cannot skip a row; it fills a scratch copy of the table, from which one
            # INSERT … SELECT skips the conflicts (a multi-row VALUES list of the same rows
            # costs psycopg more to parse than the database to run)
            target = quote(f"gx_stage_{table}")
            raw.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {target} ON COMMIT DELETE ROWS AS "  # noqa: S608 - model meta
                f"SELECT {column_list} FROM {quote(table)} WITH NO DATA"
            )
            raw.execute(f"TRUNCATE {target}")
        with raw.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        if ignore_conflicts:
            raw.execute(
                f"INSERT INTO {quote(table)} ({column_list}) "  # noqa: S608 - model meta
                f"SELECT {column_list} FROM {target}{conflicts}"
            )
            raw.execute(f"TRUNCATE {target}")
    return ids


def insert_models[M: models.Model](objects: Sequence[M]) -> Sequence[M]:
    """Unsaved instances of one model written as insert_rows writes rows, their ids set
    (auto_now and auto_now_add fields filled as save() fills them)."""
    if not objects:
        return objects
    model = type(objects[0])
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and (f.has_default() or f.db_default is NOT_PROVIDED)
    ]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objects:
        for field in stamped:
            field.pre_save(obj, True)
    rows = [[getattr(obj, field.attname) for field in fields] for obj in objects]
    ids = insert_rows(model, [f.name for f in fields], rows, returning_ids=True)
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def values_for_each(
    queryset: models.QuerySet, *, placeholder: int, values: Iterable[int]
) -> dict[int, list[dict[str, Any]]]:
    """The rows of a `.values(...)` queryset for each of `values`, as dicts like `.values()`
    gives them. `placeholder`, an integer the queryset filters on where the value goes (and
    nowhere else), marks the parameter; the SQL is compiled once and run once per value with
    the ORM's own converters (dates, decimals). Compiling a filtered, scoped query costs ~1
    ms of Python; running it again ~0.2."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    slot = _slot(params, placeholder)
    names = [alias for _expression, _sql, alias in compiler.select]
    converters = compiler.get_converters([expression for expression, _sql, _a in compiler.select])
    found: dict[int, list[dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for value in values:
            bound = list(params)
            bound[slot] = value
            cursor.execute(sql, bound)
            rows: Iterable[Any] = cursor.fetchall()
            if converters:
                rows = compiler.apply_converters(rows, converters)
            found[value] = [dict(zip(names, row, strict=True)) for row in rows]
    return found
