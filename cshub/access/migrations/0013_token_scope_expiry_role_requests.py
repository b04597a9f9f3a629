"""Issue 20: API tokens get an expiry and a scope; roles at team manager and above need a
strategic lead's approval (Role.needs_approval, RoleRequest, the approve_roles permission).

Tokens made before this keep what they could do (every scope) and expire 90 days after
the migration runs, so nothing using the API stops at once; revoke and remake them with
a narrower scope (a police feed: missing:report only)."""

import datetime as dt

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

EVERY_SCOPE = ["read", "referrals:write", "missing:report"]
NEEDS_APPROVAL = ["team_manager", "strategic_lead", "sysadmin"]


def existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("access", "ApiToken")
    until = django.utils.timezone.now() + dt.timedelta(days=90)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=until, scopes=EVERY_SCOPE)


def approval(apps, schema_editor):
    Role = apps.get_model("access", "Role")
    Role.objects.filter(code__in=NEEDS_APPROVAL).update(needs_approval=True)
    lead = Role.objects.filter(code="strategic_lead").first()
    if lead is not None:
        # A migration runs once, alone: no concurrent caller (unique_role_permission holds).
        apps.get_model("access", "RolePermission").objects.get_or_create(
            role=lead, permission="approve_roles"
        )


def no_approval(apps, schema_editor):
    apps.get_model("access", "RolePermission").objects.filter(permission="approve_roles").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0012_merge_people_permission"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(existing_tokens, migrations.RunPython.noop),
        migrations.AddField(
            model_name="role",
            name="needs_approval",
            field=models.BooleanField(default=False),
        ),
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
                    ("approve_roles", "Approve roles at team manager and above"),
                ],
                max_length=40,
            ),
        ),
        migrations.CreateModel(
            name="RoleRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("PENDING", "Waiting for a strategic lead"),
                            ("APPROVED", "Approved"),
                            ("DECLINED", "Declined"),
                            ("WITHDRAWN", "Withdrawn"),
                        ],
                        default="PENDING",
                        max_length=16,
                    ),
                ),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="access.role"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["requested_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "PENDING")),
                        fields=("user", "role"),
                        name="one_pending_request_per_role",
                    )
                ],
            },
        ),
        migrations.RunPython(approval, no_approval),
    ]
