"""Data migrations that give shipped roles new permissions use this one operation, so every
grant merges the same way and can be reversed."""

from django.db import migrations


def role_permissions_grant(grants: dict[str, list[str]]) -> migrations.RunPython:
    """A RunPython adding `grants` {role code: [permission codes]} to the roles that exist
    (kept once, in order), and taking exactly those away when reversed."""

    def each_role(apps):
        Role = apps.get_model("accounts", "Role")
        for code, permissions in grants.items():
            role = Role.objects.filter(code=code).first()
            if role is not None:
                yield role, permissions

    def grant(apps, schema_editor):
        for role, permissions in each_role(apps):
            merged = list(dict.fromkeys([*(role.permissions or []), *permissions]))
            if merged != role.permissions:
                role.permissions = merged
                role.save(update_fields=["permissions"])

    def revoke(apps, schema_editor):
        for role, permissions in each_role(apps):
            role.permissions = [p for p in role.permissions or [] if p not in permissions]
            role.save(update_fields=["permissions"])

    return migrations.RunPython(grant, revoke)
