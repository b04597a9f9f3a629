"""Every permission in CSHub, named once. Which role holds which is data (RolePermission),
seeded by a migration from DEFAULT_ROLE_PERMISSIONS and shown on the roles page."""

from django.db import models


class Perm(models.TextChoices):
    VIEW_CHILD = "view_child", "See children's records"
    EDIT_CHILD = "edit_child", "Create and change people's details"
    RECORD_REFERRAL = "record_referral", "Record referrals to the hub"
    DECIDE_REFERRAL = "decide_referral", "Make the threshold decision on a referral"
    OPEN_EPISODE = "open_episode", "Open and allocate hub episodes"
    RECORD_MISSING = "record_missing", "Record missing episodes and return interviews"
    WRITE_CASE_SUMMARY = "write_case_summary", "Write case summaries and mark the chronology"
    CLOSE_EPISODE = "close_episode", "Record an episode's closure for authorisation"
    AUTHORISE_CLOSURE = "authorise_closure", "Authorise the closure of an episode"
    VIEW_TEAM_CASELOAD = "view_team_caseload", "See the whole team's caseload"
    RESTRICT_RECORD = "restrict_record", "Restrict a record and name who may see it"
    REVIEW_ACCESS = "review_access", "See who viewed a record, and break-glass access"
    VIEW_AGGREGATES = "view_aggregates", "See aggregate figures (no names)"
    WRITE_COMMENTARY = "write_commentary", "Write the commentary that goes with the figures"
    IMPORT_DATA = "import_data", "Import records in bulk (interchange files)"
    MANAGE_USERS = "manage_users", "Manage user accounts and roles"
    USE_API = "use_api", "Create personal API tokens"
    RECORD_CASEWORK = (
        "record_casework",
        "Record assessments, plans, visits, direct work and the child's voice",
    )
    REVIEW_CASEWORK = "review_casework", "Review assessments and record management oversight"
    RECORD_SUPERVISION = "record_supervision", "Record supervision"
    RUN_MEETINGS = "run_meetings", "Prepare, chair and minute meetings"
    VIEW_MINUTES = "view_minutes", "Read meeting minutes and decisions"
    VIEW_POLICE_ONLY = "view_police_only", "See police-only information shared at meetings"
    VIEW_INTELLIGENCE = "view_intelligence", "See intelligence: subjects, links and networks"
    RECORD_INTELLIGENCE = "record_intelligence", "Record intelligence subjects and links"
    MERGE_PEOPLE = "merge_people", "Merge and unmerge duplicate records"
    APPROVE_ROLES = "approve_roles", "Approve roles at team manager and above"
    MANAGE_RETENTION = "manage_retention", "Set retention rules, see what is due and place legal holds"
    DISPOSE_RECORDS = "dispose_records", "Dispose of records due under the retention rules"
    SUBJECT_ACCESS = "subject_access", "Prepare, redact and release subject access exports"
    RECORD_CONSULTATION = "record_consultation", "Record consultations from other professionals"
    MANAGE_REGISTER = "manage_register", "Record flags and triage the whole-area register"
    MANAGE_AUDITS = (
        "manage_audits",
        "Set audit templates and themes, draw dip samples and allocate case audits",
    )
    CONDUCT_AUDIT = "conduct_audit", "Carry out the case audits allocated to them"
    SET_STANDARDS = "set_standards", "Set the hub's practice standards"
    DECIDE_CROSS_BORDER = (
        "decide_cross_border",
        "Confirm or reject matches with other hubs, and request or approve sharing with them",
    )
    VIEW_REGION = "view_region", "See the regional picture: figures per hub, flows and pending matches"
    MANAGE_REGION = "manage_region", "Register the region's hubs and rotate this instance's keys"
    MANAGE_WORKFORCE = (
        "manage_workforce",
        "Set teams, courses and the training each role needs, and record staff training",
    )


class RoleCode(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    MISSING_WORKER = "missing_worker", "Missing-service worker"
    ANALYST = "analyst", "Analyst"
    STRATEGIC_LEAD = "strategic_lead", "Strategic lead"
    SYSADMIN = "sysadmin", "System administrator"


_CASE_READ = [Perm.VIEW_CHILD, Perm.USE_API]

DEFAULT_ROLE_PERMISSIONS: dict[str, list[Perm]] = {
    RoleCode.PRACTITIONER: [
        *_CASE_READ,
        Perm.EDIT_CHILD,
        Perm.RECORD_REFERRAL,
        Perm.WRITE_CASE_SUMMARY,
        Perm.CLOSE_EPISODE,
        Perm.RECORD_MISSING,
        Perm.RECORD_CASEWORK,
        Perm.RUN_MEETINGS,
        Perm.VIEW_MINUTES,
        Perm.VIEW_INTELLIGENCE,
        Perm.RECORD_INTELLIGENCE,
        Perm.RECORD_CONSULTATION,
        Perm.MANAGE_REGISTER,
        Perm.CONDUCT_AUDIT,
    ],
    RoleCode.TEAM_MANAGER: [
        *_CASE_READ,
        Perm.EDIT_CHILD,
        Perm.RECORD_REFERRAL,
        Perm.DECIDE_REFERRAL,
        Perm.OPEN_EPISODE,
        Perm.WRITE_CASE_SUMMARY,
        Perm.CLOSE_EPISODE,
        Perm.AUTHORISE_CLOSURE,
        Perm.VIEW_TEAM_CASELOAD,
        Perm.RESTRICT_RECORD,
        Perm.REVIEW_ACCESS,
        Perm.VIEW_AGGREGATES,
        Perm.WRITE_COMMENTARY,
        Perm.IMPORT_DATA,
        Perm.RECORD_MISSING,
        Perm.RECORD_CASEWORK,
        Perm.REVIEW_CASEWORK,
        Perm.RECORD_SUPERVISION,
        Perm.RUN_MEETINGS,
        Perm.VIEW_MINUTES,
        Perm.VIEW_POLICE_ONLY,
        Perm.VIEW_INTELLIGENCE,
        Perm.RECORD_INTELLIGENCE,
        Perm.MERGE_PEOPLE,
        Perm.RECORD_CONSULTATION,
        Perm.MANAGE_REGISTER,
        Perm.MANAGE_AUDITS,
        Perm.CONDUCT_AUDIT,
        Perm.SET_STANDARDS,
        Perm.MANAGE_WORKFORCE,
        Perm.DECIDE_CROSS_BORDER,
        Perm.VIEW_REGION,
    ],
    RoleCode.MISSING_WORKER: [
        *_CASE_READ,
        Perm.EDIT_CHILD,
        Perm.RECORD_REFERRAL,
        Perm.RECORD_MISSING,
        Perm.VIEW_MINUTES,
        Perm.VIEW_INTELLIGENCE,
        Perm.RECORD_CONSULTATION,
        Perm.CONDUCT_AUDIT,
    ],
    RoleCode.ANALYST: [Perm.VIEW_AGGREGATES, Perm.USE_API, Perm.VIEW_REGION],
    RoleCode.STRATEGIC_LEAD: [
        Perm.VIEW_AGGREGATES,
        Perm.WRITE_COMMENTARY,
        Perm.APPROVE_ROLES,
        Perm.VIEW_REGION,
    ],
    RoleCode.SYSADMIN: [Perm.MANAGE_USERS, Perm.MANAGE_RETENTION, Perm.MANAGE_REGION],
}

# Roles a system administrator gives that take effect only once a strategic lead approves:
# those that decide about children (team manager), oversee the hub (strategic lead) or
# give roles (system administrator). Data (Role.needs_approval), seeded from this.
NEEDS_APPROVAL = (RoleCode.TEAM_MANAGER, RoleCode.STRATEGIC_LEAD, RoleCode.SYSADMIN)
