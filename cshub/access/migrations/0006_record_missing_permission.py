"""Practitioners, team managers and missing-service workers record missing episodes and interviews."""

from django.db import migrations

ROLES = ["practitioner", "team_manager", "missing_worker"]


def grant(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    for role in Role.objects.filter(code__in=ROLES):
        RolePermission.objects.get_or_create(role=role, permission="record_missing")


def revoke(apps, schema_editor):
    apps.get_model("access", "RolePermission").objects.filter(permission="record_missing").delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0005_import_permission")]
    operations = [migrations.RunPython(grant, revoke)]
