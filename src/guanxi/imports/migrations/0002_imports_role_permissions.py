"""Give the shipped roles the imports permissions (data: an administrator changes them).
Managers and administrators import customers for the consultants of their scope."""

from django.db import migrations

GRANTS = {
    "manager": ["imports.for_others"],
    "admin": ["imports.for_others"],
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
    dependencies = [("imports", "0001_imports"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
