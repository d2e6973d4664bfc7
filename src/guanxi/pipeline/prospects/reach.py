"""The SQL that writes `StageReach` rows from the stage moves (issue 13, the funnel).

Set-based on both databases: one DELETE and one `INSERT … SELECT` whose window functions
read, per customer and in the order (at, id) of the moves, the latest earlier move to each
ladder order or higher and to the same stage. Takes the model classes so that the migration
that fills the table runs it with its historical models.
"""

from django.db import connection, models
from django.db.models import Case, F, Max, When, Window
from django.db.models.expressions import RowRange

from guanxi.core.sql import SlotStatement, id_list, insert_select, insert_select_sql

LEVELS = 5  # the columns before_0 … before_4 (models.REACH_LEVELS)


def _earlier(value: models.Expression, *partition: str) -> Window:
    """The latest `value` over the customer's earlier moves (`partition`), NULL if none."""
    return Window(
        Max(value),
        partition_by=[F(name) for name in partition],
        order_by=[F("at").asc(), F("id").asc()],
        frame=RowRange(start=None, end=-1),
    )


def stage_reach_write(
    *,
    move_model: type[models.Model],
    reach_model: type[models.Model],
    customer_ids: list[int] | None,
) -> int:
    """Delete and rewrite the rows of these customers (every customer: None)."""
    moves = move_model._default_manager.all()
    rows = reach_model._default_manager.all()
    if customer_ids is not None:
        if not customer_ids:
            return 0
        moves = moves.filter(customer_id__in=id_list(customer_ids))
        rows = rows.filter(customer_id__in=id_list(customer_ids))
    rows.delete()  # nothing hangs on these rows: one DELETE
    return insert_select(reach_model, moves, _reach_values())


def _reach_values() -> dict[str, object]:
    values: dict[str, object] = {
        "move_id": F("id"),
        "customer_id": F("customer_id"),
        "at": F("at"),
        "level": F("to_stage__order"),
    }
    for level in range(LEVELS):
        reached = Case(When(to_stage__order__gte=level, then=F("at")))
        values[f"before_{level}"] = Case(
            When(to_stage__order__gte=level, then=_earlier(reached, "customer_id"))
        )
    values["before_same"] = _earlier(F("at"), "customer_id", "to_stage_id")
    return values


_PLACEHOLDER = -424_242  # no customer's id: marks the slot of the customer's id


def stage_reach_statements(
    *, move_model: type[models.Model], reach_model: type[models.Model]
) -> tuple[SlotStatement, SlotStatement]:
    """`stage_reach_write` of one customer as two statements compiled once (the DELETE and
    the INSERT … SELECT), each run with the customer's id: a stage move in a request writes
    its customer's rows without compiling the window query again (~2 ms of Python)."""
    table = connection.ops.quote_name(reach_model._meta.db_table)
    column = connection.ops.quote_name(reach_model._meta.get_field("customer").column)
    delete = SlotStatement.of(
        f"DELETE FROM {table} WHERE {column} = %s",  # noqa: S608 - model meta
        [_PLACEHOLDER],
        customer=_PLACEHOLDER,
    )
    moves = move_model._default_manager.filter(customer_id=_PLACEHOLDER)
    sql, params = insert_select_sql(reach_model, moves, _reach_values())
    return delete, SlotStatement.of(sql, params, customer=_PLACEHOLDER)
