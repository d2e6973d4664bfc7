"""A search table that SQLite keeps from `customers_customer` by triggers (the name bigrams,
`name_index`; the phone trigrams, `phone_index`): both are created, refilled after a bulk
load and dropped the same way, only their table, triggers and filling SQL differ."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

CUSTOMERS = "customers_customer"


def customer_triggers(
    table: str, *, insert_new: str, delete_old: str, update_of: str, when: str = ""
) -> dict[str, str]:
    """The triggers that keep `table` in step with the customers, by name: a customer
    inserted is added (`insert_new`), one deleted removed (`delete_old`), and an update of
    the columns `update_of` (if `when`) removes the old rows and adds the new ones."""
    condition = f" WHEN {when}" if when else ""
    return {
        f"{table}_insert": f"AFTER INSERT ON {CUSTOMERS} BEGIN {insert_new} END",
        f"{table}_delete": f"AFTER DELETE ON {CUSTOMERS} BEGIN {delete_old} END",
        f"{table}_update": (
            f"AFTER UPDATE OF {update_of} ON {CUSTOMERS}{condition} "
            f"BEGIN {delete_old} {insert_new} END"
        ),
    }


@dataclass(frozen=True)
class TriggerKeptTable:
    table: str
    create: str  # the CREATE statement of the table
    triggers: Mapping[str, str]  # trigger name: what follows CREATE TRIGGER <name>
    fill: tuple[str, ...]  # statements that (re)fill the table from the customers

    def ensure(self, connection: BaseDatabaseWrapper, *, refill: bool = False) -> bool:
        """Create the table and its triggers where missing, then (or with `refill`) fill the
        table; True if something was created. Nothing on other databases.

        SQLite's ALTER TABLE in Django rebuilds a table, which drops its triggers: this runs
        from the migrations and after every `migrate`."""
        if connection.vendor != "sqlite":
            return False
        with connection.cursor() as cursor:
            if CUSTOMERS not in connection.introspection.table_names(cursor):
                return False
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE %s", [f"{self.table}%"])
            present = {name for (name,) in cursor.fetchall()}
            created = False
            if self.table not in present:
                cursor.execute(self.create)
                created = True
            for name, body in self.triggers.items():
                if name not in present:
                    cursor.execute(f"CREATE TRIGGER {name} {body}")
                    created = True
            if created or refill:
                for statement in self.fill:
                    cursor.execute(statement)
        return created

    def suspend_insert_trigger(self, connection: BaseDatabaseWrapper) -> bool:
        """For a bulk load (SQLite): rows inserted from now on are not indexed one by one;
        `ensure` afterwards puts the trigger back and refills the table. False when there is
        no such trigger (another database, or before the table's migration)."""
        if connection.vendor != "sqlite":
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{self.table}_insert"],
            )
            if cursor.fetchone() is None:
                return False
            cursor.execute(f"DROP TRIGGER {self.table}_insert")
        return True

    def drop(self, connection: BaseDatabaseWrapper) -> None:
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            for name in self.triggers:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
