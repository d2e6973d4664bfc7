"""Give the shipped administrator role the webhooks permission (data: an administrator can
give it to another role, e.g. an integration user's)."""

from django.db import migrations

GRANTS = {"admin": ["webhooks.manage"]}


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
    dependencies = [
        ("webhooks", "0001_subscriptions_deliveries"),
        ("accounts", "0002_default_roles"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
