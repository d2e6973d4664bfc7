"""Ship the six roles of SPEC "Roles" with their default data scopes and permissions.
They are data: an administrator changes them in the UI."""

from django.db import migrations

ROLES = [
    ("consultant", "销售顾问", "Sales consultant", "own", ["customer.reveal"]),
    (
        "manager",
        "销售经理",
        "Sales manager",
        "department_tree",
        [
            "customer.reveal",
            "customer.export",
            "customer.delete",
            "customer.merge",
            "customer.reassign",
        ],
    ),
    (
        "customer_relations",
        "客户关系专员",
        "Customer relations",
        "all",
        ["customer.reveal", "customer.export", "customer.merge", "customer.manage_fields"],
    ),
    ("service_agent", "客服坐席", "Service agent", "all", []),
    ("marketing", "市场专员", "Marketing", "all", ["customer.export"]),
    (
        "admin",
        "系统管理员",
        "Administrator",
        "all",
        [
            "customer.reveal",
            "customer.export",
            "customer.delete",
            "customer.purge",
            "customer.merge",
            "customer.handover",
            "customer.reassign",
            "customer.manage_fields",
            "accounts.manage",
            "audit.view",
        ],
    ),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, name_en, scope, permissions in ROLES:
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "data_scope": scope,
                "permissions": permissions,
                "is_system": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
