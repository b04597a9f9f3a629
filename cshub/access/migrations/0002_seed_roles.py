"""Seed the six roles and their permissions (the role→permission map is data)."""

from django.db import migrations

ROLES = {
    "practitioner": (
        "Practitioner",
        "Hub social workers, police officers, nurses and other workers who hold cases.",
    ),
    "team_manager": (
        "Team manager",
        "Threshold decisions, allocation, oversight, closure authorisation, access review.",
    ),
    "missing_worker": ("Missing-service worker", "Return interviews and missing-from-home work."),
    "analyst": ("Analyst", "Aggregate figures only: no names."),
    "strategic_lead": ("Strategic lead", "Reports and figures, read-only."),
    "sysadmin": ("System administrator", "Manages users; sees no case content unless given another role."),
}

PERMISSIONS = {
    "practitioner": [
        "view_child",
        "use_api",
        "edit_child",
        "record_referral",
        "write_case_summary",
        "close_episode",
    ],
    "team_manager": [
        "view_child",
        "use_api",
        "edit_child",
        "record_referral",
        "decide_referral",
        "open_episode",
        "write_case_summary",
        "close_episode",
        "authorise_closure",
        "view_team_caseload",
        "restrict_record",
        "review_access",
        "view_aggregates",
    ],
    "missing_worker": ["view_child", "use_api", "edit_child", "record_referral"],
    "analyst": ["view_aggregates", "use_api"],
    "strategic_lead": ["view_aggregates"],
    "sysadmin": ["manage_users"],
}


def seed(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    for code, (name, description) in ROLES.items():
        role, _ = Role.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        for perm in PERMISSIONS[code]:
            RolePermission.objects.get_or_create(role=role, permission=perm)


def unseed(apps, schema_editor):
    apps.get_model("access", "Role").objects.filter(code__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
