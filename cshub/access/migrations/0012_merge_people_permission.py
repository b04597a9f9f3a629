# Merging duplicate records: the permission (issue 19)

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0011_intelligence_permission_choices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rolepermission",
            name="permission",
            field=models.CharField(
                choices=[
                    ("view_child", "See children's records"),
                    ("edit_child", "Create and change people's details"),
                    ("record_referral", "Record referrals to the hub"),
                    ("decide_referral", "Make the threshold decision on a referral"),
                    ("open_episode", "Open and allocate hub episodes"),
                    ("record_missing", "Record missing episodes and return interviews"),
                    ("write_case_summary", "Write case summaries and mark the chronology"),
                    ("close_episode", "Record an episode's closure for authorisation"),
                    ("authorise_closure", "Authorise the closure of an episode"),
                    ("view_team_caseload", "See the whole team's caseload"),
                    ("restrict_record", "Restrict a record and name who may see it"),
                    ("review_access", "See who viewed a record, and break-glass access"),
                    ("view_aggregates", "See aggregate figures (no names)"),
                    ("write_commentary", "Write the commentary that goes with the figures"),
                    ("import_data", "Import records in bulk (interchange files)"),
                    ("manage_users", "Manage user accounts and roles"),
                    ("use_api", "Create personal API tokens"),
                    (
                        "record_casework",
                        "Record assessments, plans, visits, direct work and the child's voice",
                    ),
                    ("review_casework", "Review assessments and record management oversight"),
                    ("record_supervision", "Record supervision"),
                    ("run_meetings", "Prepare, chair and minute meetings"),
                    ("view_minutes", "Read meeting minutes and decisions"),
                    ("view_police_only", "See police-only information shared at meetings"),
                    ("view_intelligence", "See intelligence: subjects, links and networks"),
                    ("record_intelligence", "Record intelligence subjects and links"),
                    ("merge_people", "Merge and unmerge duplicate records"),
                ],
                max_length=40,
            ),
        ),
    ]


# Merging duplicate records (issue 19) is a data officer's task: team managers hold it by
# default; a council can give it to a data officer role on the roles page.
GRANTS = {"team_manager": ["merge_people"]}


def grant(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    for role in Role.objects.filter(code__in=GRANTS):
        for permission in GRANTS[role.code]:
            # A migration runs once, alone: no concurrent caller (unique_role_permission holds).
            RolePermission.objects.get_or_create(role=role, permission=permission)


def revoke(apps, schema_editor):
    apps.get_model("access", "RolePermission").objects.filter(permission="merge_people").delete()


Migration.operations.append(migrations.RunPython(grant, revoke))
