"""Give the administrator role the working calendar's permission (data: changed in the UI)."""

from django.db import migrations

GRANTS = {"admin": ["calendar.manage"]}


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
    dependencies = [("accounts", "0003_api_token_expiry_and_axes_lockout")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
