"""Issue 12 §4: administrators manage the stages' guidance (load one of the shipped guidance
sets). Data: an administrator may grant it to other roles on the role page."""

from django.db import migrations

from guanxi.accounts.role_grants import role_permissions_grant

GRANTS = {"admin": ["pipeline.manage_stages"]}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_roles"),
        ("pipeline", "0017_team_quota_signed_per_month"),
    ]
    operations = [role_permissions_grant(GRANTS)]
