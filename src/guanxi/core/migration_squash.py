"""What a squashed migration needs from the migrations it replaces."""

import importlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState, StateApps


def replaced_data_operation(app_label: str, names: list[str]) -> migrations.RunPython:
    """One RunPython that runs the RunPython operations of the replaced migrations `names`, in
    their order (and their reverses in the opposite order).

    A squashed migration creates the tables as the models are now and then runs this, so a new
    database gets the same shipped data (roles, permissions, defaults, PostgreSQL-only indexes)
    as one that applied the migrations one by one. The operations are taken from the replaced
    modules rather than copied, so there is one definition of each while both paths exist. One
    operation instead of one per replaced operation: Django builds the historical models again
    for each RunPython, a tenth of a second each.
    """
    replaced: list[migrations.RunPython] = []
    for name in names:
        module = importlib.import_module(f"guanxi.{app_label}.migrations.{name}")
        replaced.extend(
            op for op in module.Migration.operations if isinstance(op, migrations.RunPython)
        )

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for operation in replaced:
            operation.code(apps, schema_editor)

    reverses = [operation.reverse_code for operation in reversed(replaced)]

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for reverse in reverses:
            if reverse is not None:
                reverse(apps, schema_editor)

    reversible = all(reverse is not None for reverse in reverses)
    return migrations.RunPython(forwards, backwards if reversible else None)


class SquashedCreateModel(migrations.CreateModel):
    """A CreateModel for a squashed migration, which creates a hundred models in a row.

    Django keeps its rendered historical models up to date after every operation, and a new
    model makes it render again every model related to it, recursively: with the user and the
    customer related to most tables, about half of a new database's migration time. Here only
    the new model and its direct relations are rendered (as Django does for changes that do
    not alter relations); the next RunPython renders the whole state before it runs, so data
    code still sees complete models. The database it builds is the same (docs/decisions.md).
    """

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        rendered = state.__dict__.pop("apps", None)
        super().state_forwards(app_label, state)
        if rendered is not None:
            state.__dict__["apps"] = rendered
            state.reload_model(app_label, self.name_lower, delay=True)
