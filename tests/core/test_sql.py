"""core.sql: a list of ids as one parameter, and INSERT … SELECT compiled by the ORM
(issue 13 §5), on SQLite and PostgreSQL alike."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.models import AuditLog
from guanxi.core.sql import id_list, insert_models, insert_rows, insert_select
from guanxi.customers.models import DedupKey
from tests.customers.factories import CustomerFactory

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


def test_insert_rows_reserves_ids_and_converts_every_kind_of_value():
    _audit(1)  # the table has its id counter
    at = timezone.now().replace(microsecond=0)
    actor = User.objects.create_user(username="sql_actor")
    rows = [
        [
            at,
            actor.pk,
            "test.bulk",
            "",
            "",
            f"row {i}",
            {"n": i, "名": "值"},
            "10.0.0.1" if i else None,
        ]
        for i in range(3)
    ]
    ids = insert_rows(
        AuditLog,
        ["at", "actor", "action", "target_type", "target_id", "summary", "detail", "ip"],
        rows,
        returning_ids=True,
    )
    assert len(ids) == 3 and ids == sorted(ids)
    written = {row.pk: row for row in AuditLog.objects.filter(action="test.bulk")}
    assert sorted(written) == ids
    first, last = written[ids[0]], written[ids[2]]
    assert first.at == at and first.actor_id == actor.pk
    assert first.detail == {"n": 0, "名": "值"} and last.detail["n"] == 2
    assert first.ip is None and last.ip == "10.0.0.1"
    # the next ORM insert follows the reserved ids
    assert AuditLog.objects.create(action="test.after").pk > ids[-1]


def test_insert_models_sets_pks_and_auto_now_add():
    objects = [AuditLog(action="test.models", summary=_("Customer created")) for _i in range(4)]
    insert_models(objects)
    assert all(obj.pk and not obj._state.adding for obj in objects)
    stored = AuditLog.objects.filter(pk__in=[o.pk for o in objects])
    assert stored.count() == 4
    assert all(row.at is not None and row.summary == str(_("Customer created")) for row in stored)


def test_insert_rows_raises_integrity_error_or_skips_conflicts(org):
    customer = CustomerFactory(owner=org["sales1a"])
    DedupKey.objects.create(customer=customer, rule="mobile", value="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(
            DedupKey,
            ["customer", "rule", "value", "inherited"],
            [[customer.pk, "mobile", "free", False], [customer.pk, "mobile", "taken", False]],
        )
    assert not DedupKey.objects.filter(value="free").exists()  # nothing of the failed call
    insert_rows(
        DedupKey,
        ["customer", "rule", "value", "inherited"],
        [[customer.pk, "mobile", "free", False], [customer.pk, "mobile", "taken", False]],
        ignore_conflicts=["rule", "value"],
    )
    values = list(DedupKey.objects.filter(customer=customer).values_list("value", flat=True))
    assert values.count("free") == 1 and values.count("taken") == 1


def test_values_for_each_gives_what_values_gives_per_value(sales1a, sales2a):
    """One compiled query run per value: the same rows, in the same order and with the same
    Python types (aware datetimes, decimals) as `.values()` run for each value."""
    from decimal import Decimal

    from guanxi.core.sql import values_for_each
    from guanxi.pipeline.models import Prospect

    for i, owner in enumerate([sales1a, sales2a, sales1a, sales1a]):
        customer = CustomerFactory(owner=owner, name=f"每值{i}")
        Prospect.objects.filter(pk=customer.pk).update(
            expected_amount=Decimal("100.50") * (i + 1), next_due_at=timezone.now()
        )
    fields = ("customer_id", "customer__name", "expected_amount", "next_due_at")

    def per(owner_id):
        return (
            Prospect.objects.filter(owner_id=owner_id, customer__name__startswith="每值")
            .order_by("-customer_id")
            .values(*fields)[:2]
        )

    owners = [sales1a.pk, sales2a.pk, 999_999]
    with CaptureQueriesContext(connection) as queries:
        found = values_for_each(per(-5), placeholder=-5, values=owners)
    assert len(queries.captured_queries) == len(owners)
    for owner_id in owners:
        assert found[owner_id] == list(per(owner_id))
    assert isinstance(found[sales1a.pk][0]["expected_amount"], Decimal)
    assert timezone.is_aware(found[sales1a.pk][0]["next_due_at"])
    assert found[999_999] == []


def test_values_for_each_needs_the_placeholder_exactly_once(sales1a):
    from guanxi.core.sql import values_for_each

    twice = User.objects.filter(pk=-5).exclude(reports_to_id=-5).values("id")
    with pytest.raises(ValueError, match="exactly one"):
        values_for_each(twice, placeholder=-5, values=[1])
    with pytest.raises(ValueError, match="exactly one"):
        values_for_each(User.objects.values("id"), placeholder=-5, values=[1])


def test_a_slot_statement_runs_again_with_other_values():
    """Compiled once, run with the value of each slot; the other parameters stay."""
    from guanxi.core.sql import SlotStatement

    rows = _audit(3)
    sql, params = (
        AuditLog.objects.filter(pk=-7, action="test.sql").values("pk").query.sql_with_params()
    )
    selected = SlotStatement.of(sql, params, pk=-7)
    deleted = SlotStatement.of(
        "DELETE FROM core_auditlog WHERE id = %s AND action = %s", [-7, "test.sql"], pk=-7
    )
    assert selected.slots == {"pk": params.index(-7)} and selected.params == tuple(params)
    assert deleted.run(pk=rows[0].pk) == 1
    assert deleted.run(pk=rows[0].pk) == 0  # gone
    assert deleted.run(pk=rows[2].pk) == 1
    assert list(AuditLog.objects.filter(action="test.sql").values_list("pk", flat=True)) == [
        rows[1].pk
    ]
    with pytest.raises(ValueError, match="exactly one"):
        SlotStatement.of("SELECT %s, %s", [-7, -7], pk=-7)
    with pytest.raises(ValueError, match="exactly one"):
        SlotStatement.of("SELECT %s", [1], pk=-7)
