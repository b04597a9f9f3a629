"""The authorisation matrix: for every URL pattern, what each role gets.

Generated from the URL configuration: a new view without a row here fails the suite."""

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cshub.conftest import ROLES

P, M, MW, A, SL, SA = ROLES
CASE = {P: 200, M: 200, MW: 200, A: 403, SL: 403, SA: 403}
ALL_OK = dict.fromkeys(ROLES, 200)


def only(*roles: str, ok: int = 200, other: int = 403) -> dict[str, int]:
    return {r: ok if r in roles else other for r in ROLES}


# url name -> (kwargs from the hub fixture, {role: status}, status for a signed-out visitor)
EXPECTED: dict[str, tuple[dict[str, str], dict[str, int], int]] = {
    "home": ({}, {**ALL_OK, SA: 302}, 302),
    "accessibility": ({}, ALL_OK, 200),
    "healthz": ({}, ALL_OK, 200),
    "access:sign_in": ({}, dict.fromkeys(ROLES, 302), 200),
    "access:sign_in_code": ({}, dict.fromkeys(ROLES, 302), 302),
    "access:set_up_code": ({}, dict.fromkeys(ROLES, 302), 302),
    "access:sign_out": ({}, dict.fromkeys(ROLES, 405), 405),
    # Single sign-on is off unless CSHUB_OIDC=1 (on: cshub/sso/tests/test_sso_urls.py, where
    # signed-in users are sent home from both and signed-out visitors to the provider or refused).
    "sso:start": ({}, dict.fromkeys(ROLES, 404), 404),
    "sso:callback": ({}, dict.fromkeys(ROLES, 404), 404),
    "access:account": ({}, ALL_OK, 302),
    "access:change_password": ({}, ALL_OK, 302),
    "access:revoke_token": ({"pk": "token"}, dict.fromkeys(ROLES, 405), 302),
    "access:sign_out_everywhere": ({}, dict.fromkeys(ROLES, 405), 302),
    "notifications:email_choices": ({}, dict.fromkeys(ROLES, 405), 302),
    "access:users": ({}, only(SA), 302),
    "access:user_create": ({}, only(SA), 302),
    "access:user_edit": ({"pk": "worker"}, only(SA), 302),
    # Roles at team manager and above wait for a strategic lead's approval.
    "access:role_requests": ({}, only(SL), 302),
    "access:user_roles": ({"pk": "worker"}, only(SL), 302),
    "access:roles": ({}, only(SA, M), 302),
    "access_review": ({}, only(M), 302),
    "people:search": ({}, CASE, 302),
    "people:create": ({}, CASE, 302),
    "people:details": ({"pk": "child"}, CASE, 302),
    "people:edit": ({"pk": "child"}, CASE, 302),
    "people:add_alias": ({"pk": "child"}, CASE, 302),
    "people:add_address": ({"pk": "child"}, CASE, 302),
    "people:timeline": ({"pk": "child"}, CASE, 302),
    "people:chronology": ({"pk": "child"}, CASE, 302),
    "people:mark_significant": ({"pk": "child", "entry_pk": "entry"}, only(P, M, ok=405), 302),
    # The manager who restricted the record is named on it, so goes straight to it.
    "people:break_glass": ({"pk": "restricted"}, {**CASE, M: 302}, 302),
    "people:access": ({"pk": "child"}, only(M), 302),
    "people:history": ({"pk": "child"}, only(M), 302),
    "people:revoke_grant": ({"pk": "restricted", "grant_pk": "grant"}, only(M, ok=405), 302),
    # Merging duplicates: the merge permission (team managers by default).
    "people:compare": ({"pk": "child"}, only(M), 302),
    "people:compare_with": ({"pk": "child", "other_pk": "second"}, only(M), 302),
    # The child is not merged into another, so there is nothing to unmerge (the page of a
    # merged record: people/tests/test_merge_pages.py).
    "people:unmerge": ({"pk": "child"}, only(M, ok=404), 302),
    "referrals:list": ({}, only(M), 302),
    "referrals:detail": ({"pk": "referral"}, CASE, 302),
    "referrals:decide": ({"pk": "pending_referral"}, only(M), 302),
    "referrals:create": ({"pk": "child"}, CASE, 302),
    "casework:child": ({"pk": "child"}, CASE, 302),
    "casework:edit_summary": ({"pk": "child"}, only(P, M), 302),
    "casework:open_episode": ({"referral_pk": "open_referral"}, only(M), 302),
    "casework:episode": ({"pk": "episode"}, CASE, 302),
    "casework:allocate": ({"pk": "episode"}, only(M), 302),
    "casework:close": ({"pk": "episode"}, only(P, M), 302),
    "casework:authorise": ({"pk": "episode"}, only(M, ok=405), 302),
    "casework:my_caseload": ({}, only(P, M), 302),
    "casework:team_caseload": ({}, only(M), 302),
    "assurance:performance": ({}, only(M, A, SL), 302),
    # The compliance dashboard: figures for aggregate viewers; workers and children for managers.
    "standards:compliance": ({}, only(M, A, SL), 302),
    "standards:compliance_team": ({"standard": "compliance_standard", "pk": "team"}, only(M), 302),
    "standards:compliance_worker": ({"standard": "compliance_standard", "pk": "worker"}, only(M), 302),
    # The audit dashboard: figures only (MANAGE_AUDITS or VIEW_AGGREGATES).
    "caseaudits:dashboard": ({}, only(M, A, SL), 302),
    # Names the children behind a figure: aggregates and children's records both needed.
    "assurance:drilldown": ({"name": "figure"}, only(M), 302),
    # The problem profile follows the dashboard: managers, analysts and strategic leads.
    "reports:problem_profile": ({}, only(M, A, SL), 302),
    "reports:problem_profile_pdf": ({}, only(M, A, SL), 302),
    # The annual and scrutiny reports follow the dashboard too (texts: WRITE_COMMENTARY).
    "reports:annual_report": ({}, only(M, A, SL), 302),
    "reports:annual_report_pdf": ({}, only(M, A, SL), 302),
    "reports:annual_report_docx": ({}, only(M, A, SL), 302),
    "reports:scrutiny_report": ({}, only(M, A, SL), 302),
    "reports:scrutiny_report_pdf": ({}, only(M, A, SL), 302),
    "reports:scrutiny_report_docx": ({}, only(M, A, SL), 302),
    # The quarterly regional return (issue 23, part E): figures only, as the performance page.
    "returns:regional_return": ({}, only(M, A, SL), 302),
    # The region (issue 24, part A): the link status for VIEW_REGION and MANAGE_REGION; the
    # inbox takes signed POSTs only (cshub/region/tests/test_inbox.py).
    "region:status": ({}, only(M, A, SL, SA), 302),
    "region:inbox": ({}, dict.fromkeys(ROLES, 405), 405),
    # Cross-border matches and sharing (issue 24, part C): the list for managers; a match and a
    # request for whoever may see the child; deciding and requesting for DECIDE_CROSS_BORDER.
    "crossborder:list": ({}, only(M), 302),
    "crossborder:match": ({"pk": "cross_border_match"}, CASE, 302),
    "crossborder:decide_match": ({"pk": "cross_border_pending"}, only(M), 302),
    "crossborder:request_information": ({"pk": "cross_border_match"}, only(M), 302),
    "crossborder:request": ({"pk": "cross_border_request"}, CASE, 302),
    "crossborder:decide_request": ({"pk": "cross_border_request"}, only(M), 302),
    # Cross-border alerts and the regional picture (issue 24, part D). The regional picture is
    # only on the region (these tests run as a hub: 404 to those allowed; on the region:
    # cshub/regional/tests/test_pages.py). Acknowledging is a POST (any alert pk will do here).
    "regional:dashboard": ({}, only(M, A, SL, ok=404), 302),
    "regional:alerts": ({}, only(M), 302),
    "regional:acknowledge": ({"pk": "child"}, only(M, ok=405), 302),
    "interchange:imports": ({}, only(M), 302),
    "missing:record": ({"pk": "child"}, only(P, M, MW), 302),
    "missing:queue": ({}, only(P, M, MW), 302),
    "missing:interview": ({"pk": "missing_episode"}, only(P, M, MW), 302),
    "missing:panel": ({}, only(P, M, MW), 302),
    "missing:triggers": ({}, only(M), 302),
    "missing:patterns": ({}, only(P, M, MW), 302),
    "missing:held_reports": ({}, only(P, M, MW), 302),
    "missing:held_report": ({"pk": "held"}, only(P, M, MW), 302),
    # The whole-area register's flags: MANAGE_REGISTER (practitioners and team managers);
    # the flag file, IMPORT_DATA.
    "register_flags:record": ({"pk": "second"}, only(P, M), 302),
    "register_flags:end": ({"pk": "area_flag"}, only(P, M), 302),
    "register_flags:held_flags": ({}, only(P, M), 302),
    "register_flags:held_flag": ({"pk": "held_flag"}, only(P, M), 302),
    "register_flags:upload": ({}, only(M), 302),
    "missing:reviews": ({}, only(M), 302),
    "missing:review": ({"pk": "interview"}, only(M), 302),
    "tasks:list": ({}, CASE, 302),
    "assessments:new": ({"pk": "episode"}, only(P, M), 302),
    "assessments:detail": ({"pk": "assessment"}, CASE, 302),
    "assessments:review": ({"pk": "assessment"}, only(M), 302),
    "assessments:rules": ({}, CASE, 302),
    "supervision:new": ({"pk": "episode"}, only(M), 302),
    "supervision:oversight": ({"pk": "episode"}, only(M), 302),
    "supervision:detail": ({"pk": "supervision"}, CASE, 302),
    "supervision:mine": ({}, CASE, 302),
    "supervision:child": ({"pk": "child"}, CASE, 302),
    "plans:casework": ({"pk": "child"}, CASE, 302),
    "contact:child": ({"pk": "child"}, CASE, 302),
    "language:phrases": ({}, CASE, 302),
    "language:json": ({}, CASE, 302),
    # Case audits (issue 22), templates and themes: MANAGE_AUDITS (team managers). The draft's
    # editing pages; a published template's new version and withdrawal. Moves are POST only.
    "caseaudits:templates": ({}, only(M), 302),
    "caseaudits:template_create": ({}, only(M), 302),
    "caseaudits:template": ({"pk": "audit_template"}, only(M), 302),
    "caseaudits:template_edit": ({"pk": "audit_template"}, only(M), 302),
    "caseaudits:template_publish": ({"pk": "audit_template"}, only(M), 302),
    "caseaudits:template_new_version": ({"pk": "published_template"}, only(M), 302),
    "caseaudits:template_retire": ({"pk": "published_template"}, only(M), 302),
    "caseaudits:section_add": ({"pk": "audit_template"}, only(M), 302),
    "caseaudits:section_edit": ({"pk": "audit_section"}, only(M), 302),
    "caseaudits:section_remove": ({"pk": "audit_section"}, only(M), 302),
    "caseaudits:section_move": ({"pk": "audit_section"}, only(M, ok=405), 302),
    "caseaudits:question_add": ({"pk": "audit_section"}, only(M), 302),
    "caseaudits:question_edit": ({"pk": "audit_question"}, only(M), 302),
    "caseaudits:question_remove": ({"pk": "audit_question"}, only(M), 302),
    "caseaudits:question_move": ({"pk": "audit_question"}, only(M, ok=405), 302),
    "caseaudits:themes": ({}, only(M), 302),
    "caseaudits:theme_create": ({}, only(M), 302),
    "caseaudits:theme_edit": ({"pk": "theme"}, only(M), 302),
    "caseaudits:theme_active": ({"pk": "theme"}, only(M, ok=405), 302),
    "contact:voice": ({"pk": "child"}, only(P, M), 302),
    "contact:contact": ({"pk": "child"}, only(P, M), 302),
    "contact:team": ({"pk": "child"}, only(P, M), 302),
    "contact:end_member": ({"pk": "child", "member_pk": "member"}, only(P, M, ok=405), 302),
    "contact:nrm": ({"pk": "child"}, only(P, M), 302),
    "contact:nrm_update": ({"pk": "child", "nrm_pk": "nrm"}, only(P, M), 302),
    "contact:transition": ({"pk": "child"}, only(P, M), 302),
    "notes:child": ({"pk": "second"}, CASE, 302),
    "notes:detail": ({"pk": "second", "note_pk": "case_note"}, CASE, 302),
    "notes:new": ({"pk": "second"}, only(P, M), 302),
    # The practitioner wrote the note: within the edit window its amend page leads to the edit
    # form. Nobody else edits or amends it (403), the team manager included.
    "notes:edit": ({"pk": "second", "note_pk": "case_note"}, only(P), 302),
    "notes:amend": ({"pk": "second", "note_pk": "case_note"}, only(P, ok=302), 302),
    "plans:safety_plan": ({"pk": "child"}, CASE, 302),
    "plans:edit_safety_plan": ({"pk": "child"}, only(P, M), 302),
    "plans:trigger_plan": ({"pk": "child"}, CASE, 302),
    "plans:edit_trigger_plan": ({"pk": "child"}, only(P, M), 302),
    "plans:edit_plan": ({"pk": "episode"}, only(P, M), 302),
    "plans:review_plan": ({"pk": "plan"}, only(P, M), 302),
    "tasks:detail": ({"pk": "task"}, CASE, 302),
    # Case audits, carrying out an audit (issue 22, part B): the hub's audit is the manager's,
    # about the practitioner's case (not completed: the worker does not see it yet).
    "caseaudits:home": ({}, only(P, M, MW), 302),
    "caseaudits:my_practice": ({}, CASE, 302),
    "caseaudits:detail": ({"pk": "case_audit"}, {**CASE, P: 404, MW: 404}, 302),
    "caseaudits:save_part": ({"pk": "case_audit", "part_pk": "audit_part"}, only(P, M, MW, ok=405), 302),
    "caseaudits:complete": ({"pk": "case_audit"}, only(P, M, MW, ok=405), 302),
    "caseaudits:add_finding": ({"pk": "case_audit"}, only(P, M, MW, ok=405), 302),
    "caseaudits:add_action": ({"pk": "case_audit", "finding_pk": "finding"}, only(P, M, MW, ok=405), 302),
    "caseaudits:feedback_read": ({"pk": "case_audit"}, only(P, M, MW, ok=405), 302),
    "caseaudits:compare": ({"pk": "case_audit"}, {**CASE, P: 404, M: 404, MW: 404}, 302),
    "meetings:list": ({}, only(P, M, MW), 302),
    "meetings:new": ({}, only(P, M), 302),
    "meetings:start": ({}, only(P, M, ok=405), 302),
    "meetings:detail": ({"pk": "meeting"}, only(P, M, MW), 302),
    "meetings:refresh": ({"pk": "meeting"}, only(P, M, ok=405), 302),
    "meetings:add_item": ({"pk": "meeting"}, only(P, M), 302),
    "meetings:attendance": ({"pk": "meeting"}, only(P, M, ok=405), 302),
    "meetings:close": ({"pk": "meeting"}, only(P, M), 302),
    "meetings:minutes": ({"pk": "meeting"}, only(P, M, MW), 302),
    "meetings:download": ({"pk": "meeting"}, only(P, M, MW), 302),
    "meetings:save_item": ({"pk": "item"}, only(P, M, ok=405), 302),
    "meetings:item": ({"pk": "item"}, only(P, M, ok=302), 302),  # without fetch: the meeting, item open
    "meetings:autosave": ({"pk": "item"}, only(P, M, ok=405), 302),
    "meetings:move": ({"pk": "item"}, only(P, M, ok=405), 302),
    "meetings:remove_item": ({"pk": "item"}, only(P, M), 302),
    "meetings:share": ({"pk": "item"}, only(P, M, ok=405), 302),
    "meetings:add_action": ({"pk": "item"}, only(P, M, ok=405), 302),
    "meetings:unshare": ({"pk": "shared"}, only(P, M, ok=405), 302),
    "meetings:remove_action": ({"pk": "proposed"}, only(P, M, ok=405), 302),
    "meetings:remove_attendance": ({"pk": "attendance"}, only(P, M, ok=405), 302),
    "meetings:flag": ({"pk": "child"}, only(P, M, MW), 302),
    "interchange:review": ({}, only(M, ok=302), 302),  # nothing uploaded: back to the upload page
    "interchange:confirm": ({}, only(M, ok=405), 302),
    "interchange:run": ({"pk": "import_run"}, only(M), 302),
    "interchange:codes": ({}, only(M, ok=405), 302),
    "interchange:mapping": ({"pk": "code_mapping"}, only(M, ok=405), 302),
    # Names for those who work with children; counts for analysts and strategic leads.
    "intelligence:dashboard": ({}, only(P, M, MW, A, SL), 302),
    "intelligence:subject": ({"pk": "subject"}, only(P, M, MW), 302),
    "intelligence:subject_network": ({"pk": "subject"}, only(P, M, MW), 302),
    "intelligence:new_subject": ({}, only(P, M), 302),
    "intelligence:confirm": ({"pk": "subject"}, only(P, M, ok=405), 302),
    "intelligence:new_subject_link": ({"pk": "subject"}, only(P, M), 302),
    "intelligence:grade": ({"pk": "link"}, dict.fromkeys(ROLES, 403), 302),  # police officers only
    "intelligence:child_network": ({"pk": "child"}, only(P, M, MW), 302),
    "intelligence:grading_rules": ({}, only(M), 302),
    "intelligence:child_export": ({"pk": "child"}, only(P, M, MW), 302),
    "intelligence:subject_export": ({"pk": "subject"}, only(P, M, MW), 302),
    "intelligence:new_child_link": ({"pk": "child"}, only(P, M), 302),
    "intelligence:meeting_item": ({"pk": "item", "child_pk": "child"}, only(P, M), 302),
    # The whole-area register: names for those who work with children, counts for analysts
    # and strategic leads; the triage list and its decisions for those who manage the register.
    "register:register": ({}, only(P, M, MW, A, SL), 302),
    "register:triage": ({}, only(P, M), 302),
    "register:decide": ({"pk": "child"}, only(P, M), 302),
    "disruption:list": ({}, only(P, M, MW), 302),
    "disruption:detail": ({"pk": "disruption"}, only(P, M, MW), 302),
    "disruption:status": ({"pk": "disruption"}, only(P, M), 302),
    "disruption:new": ({"pk": "subject"}, only(P, M), 302),
    "disruption:operations": ({}, only(P, M, MW), 302),
    "disruption:new_operation": ({}, only(P, M), 302),
    # Opened by the practitioner, the manager on its list: anyone else who may see
    # intelligence is told it does not exist.
    # Consultations: recorded and read by those who record them (not analysts, leads or
    # administrators); one about a child follows the child's record (tests in consultations).
    "consultations:list": ({}, only(P, M, MW), 302),
    "consultations:record": ({}, only(P, M, MW), 302),
    "consultations:find": ({}, only(P, M, MW), 302),
    "consultations:record_for": ({"pk": "child"}, only(P, M, MW), 302),
    "consultations:detail": ({"pk": "consultation"}, only(P, M, MW), 302),
    "consultations:link": ({"pk": "anonymous_consultation"}, only(P, M, MW), 302),
    "consultations:convert": ({"pk": "consultation"}, only(P, M, MW), 302),
    "consultations:follow_up": ({"pk": "consultation"}, only(P, M, MW, ok=405), 302),
    "disruption:operation": ({"pk": "operation"}, {**only(P, M), MW: 404}, 302),
    "disruption:members": ({"pk": "operation"}, only(P, M), 302),
    "disruption:decision": ({"pk": "operation"}, only(P, M), 302),
    "disruption:action": ({"pk": "operation"}, only(P, M), 302),
    "disruption:meeting": ({"pk": "operation"}, only(P, M), 302),
    "disruption:close": ({"pk": "operation"}, only(P, M), 302),
    # Documents: uploading needs recording rights (a meeting item: running meetings); the
    # practitioner uploaded the hub's document, so they and a manager may remove it.
    "documents:child": ({"pk": "child"}, CASE, 302),
    "documents:upload_child": ({"pk": "child"}, CASE, 302),
    "documents:upload_referral": ({"pk": "referral"}, CASE, 302),
    "documents:upload_note": ({"pk": "case_note"}, CASE, 302),
    "documents:upload_item": ({"pk": "item"}, only(P, M), 302),
    "documents:view": ({"pk": "document"}, CASE, 302),
    "documents:download": ({"pk": "document"}, CASE, 302),
    "documents:remove": ({"pk": "document"}, only(P, M), 302),
    # The missing-from-care profile: read by all who see children, written by those who
    # record missing episodes; the PDF of a child with no profile goes back to the page.
    "philomena:profile": ({"pk": "child"}, CASE, 302),
    "philomena:edit": ({"pk": "child"}, only(P, M, MW), 302),
    "philomena:confirm": ({"pk": "child"}, only(P, M, MW, ok=405), 302),
    "philomena:pdf": ({"pk": "child"}, only(P, M, MW, ok=302), 302),
    "api:schema": ({}, ALL_OK, 401),
    "api:docs": ({}, ALL_OK, 401),
    "api:child-list": ({}, CASE, 401),
    "api:child-detail": ({"pk": "child"}, CASE, 401),
    "api:referral-list": ({}, CASE, 401),
    "api:referral-detail": ({"pk": "referral"}, CASE, 401),
    "api:episode-list": ({}, CASE, 401),
    "api:episode-detail": ({"pk": "episode"}, CASE, 401),
    "api:missing-episode-list": ({}, CASE, 401),
    "api:missing-episode-detail": ({"pk": "missing_episode"}, CASE, 401),
    "api:case-note-list": ({}, CASE, 401),
    "api:case-note-detail": ({"pk": "case_note"}, CASE, 401),
    "api:consultation-list": ({}, only(P, M, MW, other=403), 401),
    "api:consultation-detail": ({"pk": "consultation"}, only(P, M, MW), 401),
    "api:person-search": ({}, only(P, M, MW, ok=405), 401),  # POST only
    # Retention: the system administrator sets the rules and sees what is due (ids only);
    # disposal is given to no default role (the council's information-governance role).
    "retention:overview": ({}, only(SA), 302),
    "retention:edit_rule": ({"rule_pk": "retention_rule"}, only(SA), 302),
    "retention:hold": ({"pk": "child"}, only(SA, ok=405), 302),
    "retention:lift": ({"hold_pk": "legal_hold"}, only(SA, ok=405), 302),
    "retention:dispose": ({"pk": "child"}, dict.fromkeys(ROLES, 403), 302),
    # Subject access: given to no default role (with seeing children's records).
    "subjectaccess:start": ({"pk": "child"}, dict.fromkeys(ROLES, 403), 302),
    "subjectaccess:review": ({"request_pk": "subject_access"}, dict.fromkeys(ROLES, 403), 302),
    "subjectaccess:decide": (
        {"request_pk": "subject_access", "item_pk": "review_item"},
        dict.fromkeys(ROLES, 403),
        302,
    ),
    "subjectaccess:release": ({"request_pk": "subject_access"}, dict.fromkeys(ROLES, 403), 302),
    # Teams and training (issue 23, part C): managers (MANAGE_WORKFORCE) change them; the
    # shares are figures for analysts and strategic leads too; a person's training is theirs
    # and their managers' (anyone else: 404, workforce/tests/test_pages.py).
    "workforce:teams": ({}, only(M), 302),
    "workforce:team_create": ({}, only(M), 302),
    "workforce:team": ({"pk": "team"}, only(M), 302),
    "workforce:team_edit": ({"pk": "team"}, only(M), 302),
    "workforce:team_active": ({"pk": "team"}, only(M, ok=405), 302),
    "workforce:member_remove": ({"pk": "team", "user_pk": "worker"}, only(M), 302),
    "workforce:courses": ({}, only(M), 302),
    "workforce:course_create": ({}, only(M), 302),
    "workforce:course_edit": ({"pk": "course"}, only(M), 302),
    "workforce:course_active": ({"pk": "course"}, only(M, ok=405), 302),
    "workforce:training_needs": ({}, only(M), 302),
    "workforce:requirement_remove": ({"pk": "course_requirement"}, only(M), 302),
    "workforce:training": ({}, only(M, A, SL), 302),
    "workforce:training_people": ({}, only(M), 302),
    "workforce:session_record": ({}, only(M), 302),
    "workforce:person": ({"pk": "worker"}, {**dict.fromkeys(ROLES, 404), P: 200, M: 200}, 302),
    "workforce:record_add": ({"pk": "worker"}, only(M), 302),
    "workforce:record_edit": ({"pk": "training_record"}, only(M), 302),
    "workforce:record_withdraw": ({"pk": "training_record"}, only(M), 302),
    # Case audit rounds and allocation (issue 22, part C): MANAGE_AUDITS, team managers.
    "caseaudits:samples": ({}, only(M), 302),
    "caseaudits:sample_new": ({}, only(M), 302),
    "caseaudits:sample": ({"pk": "sample"}, only(M), 302),
    "caseaudits:reallocate": ({"pk": "case_audit"}, only(M), 302),
    "caseaudits:cancel_audit": ({"pk": "case_audit"}, only(M), 302),
    "caseaudits:audit_episode": ({"pk": "episode"}, only(M), 302),
    # Practice standards (issue 23, part A): read by all who see children or figures, changed
    # by SET_STANDARDS holders (team managers). `code`: the fixture version's code.
    "standards:home": ({}, only(P, M, MW, A, SL), 302),
    "standards:history": ({"code": "practice_standard"}, only(P, M, MW, A, SL), 302),
    "standards:change": ({"code": "practice_standard"}, only(M), 302),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found |= _names(pattern, ns)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and "format" not in pattern.pattern.regex.groupindex
        ):
            found.add(prefix + pattern.name)
    return found


URL_NAMES = sorted(_names(get_resolver()))


def test_every_url_has_an_access_rule() -> None:
    missing = [n for n in URL_NAMES if n not in EXPECTED]
    assert not missing, f"URL patterns with no row in the access matrix: {missing}"
    stale = [n for n in EXPECTED if n not in URL_NAMES]
    assert not stale, f"rows for URL names that no longer exist: {stale}"


def _url(name: str, hub: dict[str, Any]) -> str:
    kwargs, _, _ = EXPECTED[name]
    return reverse(name, kwargs={k: hub[v].code if k == "code" else hub[v].pk for k, v in kwargs.items()})


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_expected_status(name: str, role: str, hub: dict[str, Any], client_for: Any) -> None:
    expected = EXPECTED[name][1][role]
    response = client_for(role).get(_url(name, hub))
    assert response.status_code == expected, f"{role} on {name}: {response.status_code}, expected {expected}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_signed_out_visitor(name: str, hub: dict[str, Any]) -> None:
    response = Client().get(_url(name, hub))
    expected = EXPECTED[name][2]
    assert response.status_code == expected, (
        f"signed out on {name}: {response.status_code}, expected {expected}"
    )
    if expected == 302 and not name.startswith("access:sign_in") and name != "access:set_up_code":
        assert response["Location"].startswith("/sign-in/")
