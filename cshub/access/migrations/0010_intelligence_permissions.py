"""Intelligence (issue 14): seeing it (practitioners, managers, missing-service workers)
and recording it (practitioners, who include the hub's police officers, and managers).
Analysts and strategic leads see its counts through view_aggregates, never names."""

from django.db import migrations

GRANTS = {
    "practitioner": ["view_intelligence", "record_intelligence"],
    "team_manager": ["view_intelligence", "record_intelligence"],
    "missing_worker": ["view_intelligence"],
}


def grant(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    for role in Role.objects.filter(code__in=GRANTS):
        for permission in GRANTS[role.code]:
            RolePermission.objects.get_or_create(role=role, permission=permission)


def revoke(apps, schema_editor):
    names = {p for perms in GRANTS.values() for p in perms}
    apps.get_model("access", "RolePermission").objects.filter(permission__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0009_text_limits")]
    operations = [migrations.RunPython(grant, revoke)]
