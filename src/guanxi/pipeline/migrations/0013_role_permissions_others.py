"""Seeing is not changing (issue 11 §1): give the shipped roles the permissions for acting on
other people's customers that their job needs. Managers and administrators run the team
(stages, follow-ups, releases, quotas); customer relations keeps the archive up to date but
does not steer the salespeople's pipeline; service agents and marketing get none. Data: an
administrator changes them on the role page."""

from django.db import migrations

GRANTS = {
    "manager": [
        "customer.edit_others",
        "pipeline.set_stage",
        "pipeline.follow_up_others",
        "pipeline.release_others",
        "pipeline.manage_quotas",
    ],
    "customer_relations": ["customer.edit_others"],
    "admin": [
        "customer.edit_others",
        "pipeline.set_stage",
        "pipeline.follow_up_others",
        "pipeline.release_others",
        "pipeline.manage_quotas",
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
        ("pipeline", "0012_neutral_stage_guidance"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
