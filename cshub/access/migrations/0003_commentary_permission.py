"""Strategic leads and team managers write the commentary that goes with the figures."""

from django.db import migrations

GRANTS = {"strategic_lead": ["write_commentary"], "team_manager": ["write_commentary"]}


def grant(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    for code, perms in GRANTS.items():
        role = Role.objects.filter(code=code).first()
        if role is not None:
            for perm in perms:
                RolePermission.objects.get_or_create(role=role, permission=perm)


def revoke(apps, schema_editor):
    apps.get_model("access", "RolePermission").objects.filter(permission="write_commentary").delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0002_seed_roles")]
    operations = [migrations.RunPython(grant, revoke)]
