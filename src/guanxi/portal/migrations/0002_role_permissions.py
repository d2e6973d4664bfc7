"""Give the shipped roles the portal permission (data: an administrator changes it).
Marketing sets up web-to-lead forms for its campaigns; administrators too."""

from django.db import migrations

GRANTS = {
    "marketing": ["portal.forms"],
    "admin": ["portal.forms"],
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
    dependencies = [
        ("portal", "0001_customer_portal_and_web_forms"),
        ("accounts", "0002_default_roles"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
