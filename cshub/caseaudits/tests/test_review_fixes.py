"""Rules an independent review of issue 22's code found missing: learning actions wait for a
blind pair to finish, an auditor who lost an audit while their request waited changes
nothing, break-glass is not "named on the record" for allocation, the case's current worker
is never given its audit, section auditors see the whole audit's progress."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cshub.access.testing import sign_in_verified
from cshub.caseaudits import actions
from cshub.caseaudits.models import Audit, AuditTemplate
from cshub.caseaudits.tests.helpers import answers, complete, make_audit, user
from cshub.conftest import TODAY
from cshub.people import actions as people
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def _action(finding: Any, owner: Any) -> NewTask:
    return NewTask(
        "Write the case summary with the child", "SOCIAL_CARE", TODAY + dt.timedelta(days=14), owner
    )


def test_no_learning_action_before_the_audit_and_its_moderation_are_completed(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    audit, finding = hub["case_audit"], hub["finding"]
    moderator = user("moderator", "team_manager")
    moderation = make_audit(hub, auditor=moderator, moderates=audit)
    # Open: it would reach the child's timeline, which the moderator and the worker read.
    with pytest.raises(ValidationError, match="once the audit is completed"):
        actions.add_learning_action(finding, _action(finding, hub["worker"]), actor=hub["manager"])
    complete(audit)
    with pytest.raises(ValidationError, match="moderation of this audit is completed too"):
        actions.add_learning_action(finding, _action(finding, hub["worker"]), actor=hub["manager"])
    assert not Task.objects.filter(source="AUDIT").exists()
    complete(moderation)
    task = actions.add_learning_action(finding, _action(finding, hub["worker"]), actor=hub["manager"])
    assert list(finding.actions.all()) == [task]


def test_an_auditor_who_lost_the_audit_while_waiting_changes_nothing(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    audit = hub["case_audit"]
    stale_part = audit.parts.select_related("audit").first()
    stale_audit = Audit.objects.get(pk=audit.pk)
    other = user("other", "team_manager")
    actions.reallocate(audit, other, actor=hub["manager"])
    # The manager's request had loaded the audit before it was given to someone else.
    with pytest.raises(PermissionDenied):
        actions.save_part(stale_part, answers(stale_part), actor=hub["manager"], submit=True)
    for part in audit.parts.all():
        actions.save_part(part, answers(part), actor=part.auditor, submit=True)
    with pytest.raises(PermissionDenied):
        actions.complete_audit(
            stale_audit, overall_grade="GOOD", rationale="Fine", feedback="", actor=hub["manager"]
        )
    audit.refresh_from_db()
    assert audit.status != "COMPLETED" and not audit.answers.filter(answered_by=hub["manager"]).exists()


def test_break_glass_is_not_enough_to_be_given_a_restricted_childs_audit(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    restricted, worker = hub["restricted"], personas["missing_worker"]
    people.break_glass(restricted, "Urgent: child missing tonight", actor=worker)
    template = AuditTemplate.objects.get(name="Hub case audit", version=1)
    episode = hub["episode"]
    episode.person = restricted  # an episode of the restricted child
    episode.save(update_fields=["person"])
    with pytest.raises(ValidationError) as refused:
        actions.audit_case(
            template,
            auditor=worker,
            due_date=TODAY + dt.timedelta(days=7),
            actor=hub["manager"],
            episode=episode,
        )
    assert "may not see this child's record" in str(refused.value)


def test_the_cases_current_worker_is_never_given_its_audit(hub: dict[str, Any]) -> None:
    audit, episode = hub["case_audit"], hub["episode"]
    now_theirs = user("newworker", "practitioner")
    type(episode).objects.filter(pk=episode.pk).update(allocated_worker=now_theirs)
    with pytest.raises(ValidationError) as refused:
        actions.reallocate(audit, now_theirs, actor=hub["manager"])
    assert "is this case's worker now" in str(refused.value)
    audit.refresh_from_db()
    assert audit.auditor == hub["manager"]


def test_a_section_auditor_sees_the_whole_audits_progress(hub: dict[str, Any]) -> None:
    template = AuditTemplate.objects.get(name="Multi-agency case audit", version=1)
    police = user("pc.auditor", "practitioner", agency="POLICE")
    make_audit(
        hub, auditor=hub["manager"], template=template, section_auditors={"POLICE": police, "HEALTH": police}
    )
    client = sign_in_verified(Client(), police)
    page = client.get(reverse("caseaudits:home")).content.decode()
    assert "0 of 3 sections" in page


def test_a_finding_or_an_action_sent_twice_is_recorded_once(hub: dict[str, Any]) -> None:
    audit = hub["case_audit"]
    themes = [hub["theme"].pk]
    first = actions.record_finding(
        audit, kind="IMPROVE", text="No chronology.", theme_ids=themes, actor=hub["manager"]
    )
    again = actions.record_finding(
        audit, kind="IMPROVE", text="No chronology. ", theme_ids=themes, actor=hub["manager"]
    )
    assert again == first and audit.findings.filter(text="No chronology.").count() == 1
    complete(audit)
    task = actions.add_learning_action(first, _action(first, hub["worker"]), actor=hub["manager"])
    assert actions.add_learning_action(first, _action(first, hub["worker"]), actor=hub["manager"]) == task
    assert first.actions.count() == 1 and Task.objects.filter(source="AUDIT").count() == 1
