"""Seeing is not changing (issue 11 §1): give the shipped roles the permissions for acting on
other people's customers that their job needs. Managers and administrators run the team
(stages, follow-ups, releases, quotas); customer relations keeps the archive up to date but
does not steer the salespeople's pipeline; service agents and marketing get none. Data: an
administrator changes them on the role page."""

from django.db import migrations

from guanxi.accounts.role_grants import role_permissions_grant

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


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_roles"),
        ("pipeline", "0012_neutral_stage_guidance"),
    ]
    operations = [role_permissions_grant(GRANTS)]
