"""Carrying out an audit (issue 22, part B): sections saved and submitted, the lead's overall
grade, findings with themes, learning actions on the actions list, the worker's feedback."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.caseaudits import actions
from cshub.caseaudits.models import AnswerChoice, AuditAnswer, AuditStatus, Question, Theme
from cshub.caseaudits.tests.helpers import answers, complete, make_audit, submit_all, user
from cshub.conftest import TODAY
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Source, Task

pytestmark = pytest.mark.django_db


def _record_part(hub: dict[str, Any]) -> Any:
    """The hub audit's first section, "The record": three questions."""
    return hub["case_audit"].parts.select_related("section").get(section__title="The record")


def test_a_draft_save_starts_the_audit_and_is_on_the_trail(hub: dict[str, Any]) -> None:
    part = _record_part(hub)
    first = Question.objects.filter(section=part.section).first()
    assert first is not None
    actions.save_part(
        part, {first.pk: actions.AnswerInput("YES", "GOOD", "Summary is current")}, actor=hub["manager"]
    )
    audit = hub["case_audit"]
    audit.refresh_from_db()
    part.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS and audit.started_at is not None
    assert part.submitted_at is None
    assert AuditAnswer.objects.get(audit=audit, question=first).comment == "Summary is current"
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="caseaudits.auditpart", child_id=hub["child"].pk
    ).exists()


def test_submitting_needs_every_question_and_names_those_unanswered(hub: dict[str, Any]) -> None:
    part = _record_part(hub)
    questions = list(Question.objects.filter(section=part.section))
    given = {questions[0].pk: actions.AnswerInput("YES", "GOOD")}
    with pytest.raises(ValidationError) as caught:
        actions.save_part(part, given, actor=hub["manager"], submit=True)
    message = " ".join(caught.value.message_dict["__all__"])
    for q in questions[1:]:
        assert q.text in message
    assert questions[0].text not in message
    part.refresh_from_db()
    assert part.submitted_at is None and not AuditAnswer.objects.filter(audit=part.audit).exists()
    actions.save_part(part, answers(part), actor=hub["manager"], submit=True)
    part.refresh_from_db()
    assert part.submitted_at is not None


def test_only_the_parts_auditor_answers_it(hub: dict[str, Any], personas: dict[str, Any]) -> None:
    part = _record_part(hub)
    for other in (
        personas["practitioner"],
        personas["missing_worker"],
        user("other.manager", "team_manager"),
    ):
        with pytest.raises(PermissionDenied):
            actions.save_part(part, answers(part), actor=other)
    assert not AuditAnswer.objects.filter(audit=part.audit).exists()


def test_not_applicable_needs_no_grade_other_answers_do(hub: dict[str, Any]) -> None:
    part = _record_part(hub)
    first, second, *_ = Question.objects.filter(section=part.section)
    with pytest.raises(ValidationError) as caught:
        actions.save_part(part, {second.pk: actions.AnswerInput("PARTLY", "")}, actor=hub["manager"])
    assert f"grade_{second.pk}" in caught.value.message_dict
    actions.save_part(
        part,
        {first.pk: actions.AnswerInput(AnswerChoice.NOT_APPLICABLE, "GOOD", "No meetings")},
        actor=hub["manager"],
    )
    saved = AuditAnswer.objects.get(audit=part.audit, question=first)
    assert saved.answer == AnswerChoice.NOT_APPLICABLE and saved.grade == ""


def test_completion_needs_every_part_submitted_and_a_rationale(hub: dict[str, Any]) -> None:
    audit = hub["case_audit"]
    with pytest.raises(ValidationError) as caught:
        actions.complete_audit(
            audit, overall_grade="GOOD", rationale="Fine", feedback="", actor=hub["manager"]
        )
    assert "The record" in " ".join(caught.value.message_dict["__all__"])
    submit_all(audit)
    audit.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        actions.complete_audit(audit, overall_grade="", rationale=" ", feedback="", actor=hub["manager"])
    assert {"overall_grade", "rationale"} <= set(caught.value.message_dict)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    actions.complete_audit(
        audit,
        overall_grade="REQUIRES_IMPROVEMENT",
        rationale="Summary old",
        feedback="Update it",
        actor=hub["manager"],
    )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.COMPLETED and audit.completed_at is not None
    assert audit.overall_grade == "REQUIRES_IMPROVEMENT"


def test_only_the_lead_completes(hub: dict[str, Any], personas: dict[str, Any]) -> None:
    police = user("police.auditor", "practitioner", "POLICE")
    health = user("health.auditor", "practitioner", "HEALTH")
    multi = hub["published_template"].__class__.objects.get(name="Multi-agency case audit")
    audit = make_audit(
        hub, auditor=hub["manager"], template=multi, section_auditors={"POLICE": police, "HEALTH": health}
    )
    submit_all(audit)
    audit.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.complete_audit(audit, overall_grade="GOOD", rationale="Good", feedback="", actor=police)
    actions.complete_audit(audit, overall_grade="GOOD", rationale="Good", feedback="", actor=hub["manager"])


def test_a_finding_needs_an_active_theme(hub: dict[str, Any]) -> None:
    audit = hub["case_audit"]
    with pytest.raises(ValidationError) as caught:
        actions.record_finding(audit, kind="IMPROVE", text="No voice", theme_ids=[], actor=hub["manager"])
    assert "themes" in caught.value.message_dict
    retired = Theme.objects.create(name="Retired theme", active=False)
    with pytest.raises(ValidationError):
        actions.record_finding(
            audit, kind="IMPROVE", text="No voice", theme_ids=[retired.pk], actor=hub["manager"]
        )
    voice = Theme.objects.get(name="Voice of the child")
    finding = actions.record_finding(
        audit, kind="IMPROVE", text="No voice", theme_ids=[voice.pk], actor=hub["manager"]
    )
    assert list(finding.themes.all()) == [voice]


def test_a_learning_action_is_an_audit_task_on_the_actions_list(hub: dict[str, Any], client_for: Any) -> None:
    finding = hub["finding"]
    complete(hub["case_audit"])
    task = actions.add_learning_action(
        finding,
        NewTask(
            "Refresh the case summary with the child",
            "SOCIAL_CARE",
            TODAY.replace(year=TODAY.year + 1),
            hub["worker"],
        ),
        actor=hub["manager"],
    )
    assert task.source == Source.AUDIT and list(finding.actions.all()) == [task]
    assert list(task.people.all()) == [hub["child"]]
    page = client_for("practitioner").get(reverse("tasks:list"))
    assert "Refresh the case summary with the child" in page.content.decode()
    assert Task.objects.get(pk=task.pk).link == reverse("caseaudits:detail", args=[hub["case_audit"].pk])


def test_the_page_shows_evidence_beside_questions_and_saves_a_section(
    hub: dict[str, Any], client_for: Any
) -> None:
    audit, part = hub["case_audit"], _record_part(hub)
    client = client_for("team_manager")
    page = client.get(reverse("caseaudits:detail", args=[audit.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Case summary written" in html and "0 of 4 sections submitted" in html
    questions = list(Question.objects.filter(section=part.section))
    url = reverse("caseaudits:save_part", args=[audit.pk, part.pk])
    posted = client.post(
        url, {f"answer_{questions[0].pk}": "YES", f"grade_{questions[0].pk}": "GOOD", "action": "submit"}
    )
    assert posted.status_code == 400
    assert escape(questions[1].text) in posted.content.decode()
    data = {"action": "submit"}
    for q in questions:
        data |= {f"answer_{q.pk}": "YES", f"grade_{q.pk}": "GOOD", f"comment_{q.pk}": "Seen"}
    assert client.post(url, data).status_code == 302
    part.refresh_from_db()
    assert part.submitted_at is not None


def test_the_lead_completes_on_the_page(hub: dict[str, Any], client_for: Any) -> None:
    audit = hub["case_audit"]
    submit_all(audit)
    client = client_for("team_manager")
    url = reverse("caseaudits:complete", args=[audit.pk])
    refused = client.post(url, {"overall_grade": "GOOD", "rationale": ""})
    assert refused.status_code == 400 and "Say why you gave this grade" in refused.content.decode()
    assert client.post(url, {"overall_grade": "GOOD", "rationale": "Well evidenced"}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.COMPLETED


def test_opening_an_audit_is_on_the_childs_access_record(hub: dict[str, Any], client_for: Any) -> None:
    audit = hub["case_audit"]
    client = client_for("team_manager")
    assert client.get(reverse("caseaudits:detail", args=[audit.pk])).status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.VIEW, child_id=hub["child"].pk, detail__part=f"case audit {audit.pk}"
    ).exists()
    access = client.get(reverse("people:access", args=[hub["child"].pk]))
    assert f"Case audit {audit.pk}" in access.content.decode()


def test_who_may_open_an_open_audit(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("caseaudits:detail", args=[hub["case_audit"].pk])
    # The audited worker waits for the completed audit; others not on it never see it.
    assert client_for("practitioner").get(url).status_code == 404
    assert client_for("missing_worker").get(url).status_code == 404
    # Another manager sees status and progress, not the answers.
    other = sign_in_verified(Client(), user("second.manager", "team_manager"))
    submit_all(hub["case_audit"], comment="The lead's own words")
    page = other.get(url)
    assert page.status_code == 200
    assert "2 of 4" not in page.content.decode() and "4 of 4 sections submitted" in page.content.decode()
    assert "The lead&#x27;s own words" not in page.content.decode()


def test_the_workers_feedback(hub: dict[str, Any], client_for: Any) -> None:
    audit = hub["case_audit"]
    client = client_for("practitioner")
    assert (
        "None of your cases has been audited yet"
        in client.get(reverse("caseaudits:my_practice")).content.decode()
    )
    complete(audit, grade="GOOD", rationale="Thorough and child-centred")
    page = client.get(reverse("caseaudits:my_practice")).content.decode()
    assert "Thorough and child-centred" in page and "Keep the summary current." in page
    assert "The summary is a year old." in page  # the finding
    assert client.get(reverse("caseaudits:detail", args=[audit.pk])).status_code == 200
    # Only the worker marks it read.
    url = reverse("caseaudits:feedback_read", args=[audit.pk])
    assert client_for("missing_worker").post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.mark_feedback_read(audit, actor=hub["manager"])
    audit.refresh_from_db()
    assert audit.feedback_read_at is None
    assert client.post(url).status_code == 302
    audit.refresh_from_db()
    assert audit.feedback_read_at is not None


def test_a_restricted_childs_audit_is_not_found_for_an_auditor_not_named(
    hub: dict[str, Any], client_for: Any, personas: dict[str, Any]
) -> None:
    restricted = hub["restricted"]
    not_named = personas["missing_worker"]
    assert not restricted.access_grants.filter(user=not_named).exists()
    audit = make_audit(hub, auditor=not_named, person=restricted)
    assert client_for("missing_worker").get(reverse("caseaudits:detail", args=[audit.pk])).status_code == 404
    named = hub["grant"].user
    if named.pk != hub["worker"].pk:
        audit.auditor = named
        audit.save()
        audit.parts.update(auditor=named)
        assert (
            sign_in_verified(Client(), named).get(reverse("caseaudits:detail", args=[audit.pk])).status_code
            == 200
        )


def test_case_audits_home(hub: dict[str, Any], client_for: Any) -> None:
    audit = hub["case_audit"]
    audit.due_date = TODAY.replace(year=TODAY.year - 1)
    audit.save()
    page = client_for("team_manager").get(reverse("caseaudits:home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hub case audit" in html and "0 of 4 sections" in html and "Overdue" in html
    assert "Case audits" in html  # the service navigation
    assert (
        "You have no audits to do"
        in client_for("missing_worker").get(reverse("caseaudits:home")).content.decode()
    )
    assert client_for("analyst").get(reverse("caseaudits:home")).status_code == 403


def test_manager_links_skip_pages_not_there(hub: dict[str, Any], monkeypatch: Any) -> None:
    from cshub.caseaudits.views import conduct

    monkeypatch.setattr(
        conduct,
        "MANAGER_LINKS",
        [("caseaudits:no_such_page", "Nowhere", ""), ("caseaudits:home", "Here", "")],
    )
    assert conduct._links(hub["manager"]) == [(reverse("caseaudits:home"), "Here", "")]
    assert conduct._links(hub["worker"]) == []


def test_a_learning_action_agreed_on_the_page_goes_to_the_chosen_worker(
    hub: dict[str, Any], client_for: Any
) -> None:
    audit, finding, worker = hub["case_audit"], hub["finding"], hub["worker"]
    complete(audit)
    prefix = f"action_{finding.pk}_"
    url = reverse("caseaudits:add_action", args=[audit.pk, finding.pk])
    manager = client_for("team_manager")
    day = TODAY + dt.timedelta(days=21)
    due = {
        f"due_{finding.pk}-day": day.day,
        f"due_{finding.pk}-month": day.month,
        f"due_{finding.pk}-year": day.year,
    }
    refused = manager.post(
        url, {f"{prefix}description": "Refresh the summary", f"{prefix}owner": "99999", **due}
    )
    assert refused.status_code == 400 and "Select who will do it from the list" in refused.content.decode()
    assert not finding.actions.exists()
    manager.post(
        url, {f"{prefix}description": "Refresh the summary", f"{prefix}owner": str(worker.pk), **due}
    )
    task = finding.actions.get()
    # Theirs (on "Mine" of the actions list), in their agency when none is chosen.
    assert (task.owner, task.owner_agency, task.owner_name) == (worker, worker.agency, "")
