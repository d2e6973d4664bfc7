"""Give the shipped roles the complaint permissions (data: an administrator changes them).
The service agent logs, accepts and routes complaints; customer relations also oversees them
(others' complaints, set-up, statistics); managers their team's (issue 15 §8)."""

from django.db import migrations

GRANTS = {
    "service_agent": ["service.complaint_log", "service.complaint_accept"],
    "customer_relations": [
        "service.complaint_log",
        "service.complaint_accept",
        "service.complaint_others",
        "service.complaint_setup",
        "service.complaint_stats",
    ],
    "manager": [
        "service.complaint_log",
        "service.complaint_accept",
        "service.complaint_others",
        "service.complaint_stats",
    ],
    "admin": [
        "service.complaint_log",
        "service.complaint_accept",
        "service.complaint_others",
        "service.complaint_setup",
        "service.complaint_stats",
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
    dependencies = [("service", "0004_complaints_shipped"), ("accounts", "0002_default_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
