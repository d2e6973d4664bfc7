"""Give the shipped roles the care permissions (data: an administrator changes them).
Customer relations runs 回访, spot checks, rules and templates; marketing templates and
consents (issue 14 §6)."""

from django.db import migrations

GRANTS = {
    "manager": ["care.task_others", "care.spot_check"],
    "customer_relations": [
        "care.task_others",
        "care.spot_check",
        "care.rules",
        "care.templates",
        "care.consent",
        "care.send",
        "care.reception_others",
    ],
    "marketing": ["care.templates", "care.consent", "care.send"],
    "admin": [
        "care.task_others",
        "care.spot_check",
        "care.rules",
        "care.templates",
        "care.consent",
        "care.send",
        "care.reception_others",
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
    dependencies = [("care", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
