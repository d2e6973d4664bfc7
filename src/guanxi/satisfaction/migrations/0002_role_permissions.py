"""Give the shipped roles the satisfaction permissions (data: an administrator changes them).
Customer relations owns surveys, action plans and imports (issue 15 §8); managers collect
answers and plan improvements for their team."""

from django.db import migrations

GRANTS = {
    "manager": ["satisfaction.collect", "satisfaction.plans"],
    "customer_relations": [
        "satisfaction.surveys",
        "satisfaction.collect",
        "satisfaction.plans",
        "satisfaction.import",
    ],
    "admin": [
        "satisfaction.surveys",
        "satisfaction.collect",
        "satisfaction.plans",
        "satisfaction.import",
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
    dependencies = [("satisfaction", "0001_initial"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
