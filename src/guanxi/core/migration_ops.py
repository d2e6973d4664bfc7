"""Migration operations of Guanxi's own, for changes Django's would make the slow way."""

from collections.abc import Sequence
from typing import Any, Protocol, cast

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement
from django.db.migrations.state import ProjectState
from django.db.models import Field, Model


class _IndexStatements(Protocol):
    """The schema editor's statements for a field's own index, with which Django's AlterField
    makes and drops it; private to Django, so django-stubs leaves them out."""

    def _create_index_name(
        self, table_name: str, column_names: Sequence[str], suffix: str = ""
    ) -> str: ...

    def _delete_index_sql(self, model: type[Model], name: str) -> Statement: ...

    def _create_index_sql(self, model: type[Model], *, fields: Sequence[Field]) -> Statement: ...


class AlterFieldIndex(migrations.AlterField):
    """An AlterField that changes only the field's `db_index`, and in the database only its
    own single-column index: DROP INDEX when it goes, CREATE INDEX when it comes back.

    Django's AlterField rebuilds the whole table on SQLite for any change of a foreign key
    (copying every row, and dropping the triggers the customers' search index keeps on its
    tables), and on PostgreSQL drops and adds the foreign key constraint again, which checks
    every row under a lock. Neither is needed to drop an index. The state changes as
    AlterField's does; a change of anything but `db_index` is refused.
    """

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        # AlterField renders every model related to a foreign key again, recursively (with the
        # user and the customer, most of the state): ~0.15 s an operation, 15 s for a new
        # database. Only db_index differs, which no relation depends on: the model state
        # changes as AlterField's does, and the rendered field only takes the new db_index.
        rendered = state.__dict__.pop("apps", None)
        super().state_forwards(app_label, state)
        if rendered is not None:
            state.__dict__["apps"] = rendered
            model = rendered.get_model(app_label, self.model_name_lower)
            model._meta.get_field(self.name).db_index = self.field.db_index  # type: ignore[attr-defined]

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        # The two states say whether the index goes or comes, so going back is the same step.
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        # from the model states: the rendered models are shared between the two states
        old = from_state.models[app_label, self.model_name_lower].get_field(self.name)
        new = to_state.models[app_label, self.model_name_lower].get_field(self.name)
        if _without_db_index(old) != _without_db_index(new):
            raise ValueError(
                f"AlterFieldIndex on {app_label}.{self.model_name}.{self.name} changes more "
                "than db_index; use AlterField."
            )
        statements = cast(_IndexStatements, schema_editor)
        if old.db_index and not new.db_index:
            # The name Django gave the index when it made it (_create_index_sql below).
            column = model._meta.get_field(self.name).column
            name = statements._create_index_name(model._meta.db_table, [column], suffix="")
            schema_editor.execute(statements._delete_index_sql(model, name))
        elif new.db_index and not old.db_index:
            field = model._meta.get_field(self.name)
            schema_editor.execute(statements._create_index_sql(model, fields=[field]))

    database_backwards = database_forwards

    def describe(self) -> str:
        indexed = self.field.db_index  # type: ignore[attr-defined]  # missing from django-stubs
        index = "db_index" if indexed else "no db_index"
        return f"Alter field {self.name} on {self.model_name} ({index}: its own index only)"

    @property
    def migration_name_fragment(self) -> str:
        return f"alter_{self.model_name_lower}_{self.name_lower}_index"


def _without_db_index(field: Field) -> tuple[str, Sequence[Any], dict[str, Any]]:
    _name, path, args, kwargs = field.deconstruct()
    kwargs.pop("db_index", None)
    return path, args, kwargs
