"""Issue 12 §4: administrators manage the stages' guidance (load one of the shipped guidance
sets). Data: an administrator may grant it to other roles on the role page."""

from django.db import migrations

GRANTS = {"admin": ["pipeline.manage_stages"]}


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
        ("pipeline", "0017_team_quota_signed_per_month"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
