"""Seeing is not changing (issue 11 §1): working on other people's quotes and contracts (and
their orders, deliveries, payments and invoices) needs `sales.edit_others`; the sales manager
and the administrator get it. Data: an administrator changes it on the role page."""

from django.db import migrations

GRANTS = {"manager": ["sales.edit_others"], "admin": ["sales.edit_others"]}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, permissions in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        merged = list(dict.fromkeys([*(role.permissions or []), *permissions]))
        if merged != role.permissions:
            role.permissions = merged
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, permissions in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        role.permissions = [p for p in role.permissions or [] if p not in permissions]
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_roles"),
        ("sales", "0006_postgres_instalment_ageing_index"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
