"""Team managers may import records in bulk."""

from django.db import migrations


def grant(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    role = Role.objects.filter(code="team_manager").first()
    if role is not None:
        RolePermission.objects.get_or_create(role=role, permission="import_data")


def revoke(apps, schema_editor):
    apps.get_model("access", "RolePermission").objects.filter(permission="import_data").delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0004_user_source_id_alter_rolepermission_permission")]
    operations = [migrations.RunPython(grant, revoke)]
