"""Seeing is not changing (issue 11 §1): working on other people's quotes and contracts (and
their orders, deliveries, payments and invoices) needs `sales.edit_others`; the sales manager
and the administrator get it. Data: an administrator changes it on the role page."""

from django.db import migrations

from guanxi.accounts.role_grants import role_permissions_grant

GRANTS = {"manager": ["sales.edit_others"], "admin": ["sales.edit_others"]}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_default_roles"),
        ("sales", "0006_postgres_instalment_ageing_index"),
    ]
    operations = [role_permissions_grant(GRANTS)]
