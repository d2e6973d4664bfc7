"""Give the shipped roles the sales permissions (data: an administrator changes them)."""

from django.db import migrations

GRANTS = {
    "manager": ["sales.amend", "sales.terminate", "sales.invoice_override", "sales.targets"],
    "admin": [
        "sales.catalog",
        "sales.flows",
        "sales.amend",
        "sales.terminate",
        "sales.invoice_override",
        "sales.void",
        "sales.targets",
    ],
}


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


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
