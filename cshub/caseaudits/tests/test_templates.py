"""The rules of audit templates and themes, through the write path (issue 22, part A)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cshub.audit.models import Action, AuditEvent
from cshub.caseaudits import actions
from cshub.caseaudits.models import (
    AuditStatus,
    AuditTemplate,
    Question,
    Subject,
    TemplateSection,
    TemplateStatus,
    Theme,
)

pytestmark = pytest.mark.django_db


def events(obj: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def layout(template: AuditTemplate) -> list[tuple[int, str, str, list[tuple[int, str, str, str]]]]:
    """Sections and questions, in order, without their ids."""
    return [
        (
            s.position,
            s.title,
            s.agency,
            [(q.position, q.text, q.guidance, q.evidence) for q in s.questions.order_by("position")],
        )
        for s in template.sections.order_by("position")
    ]


# Creating a template -------------------------------------------------------------------


def test_a_new_template_is_a_draft_of_version_one_and_audited(hub: dict[str, Any]) -> None:
    manager = hub["manager"]
    made = actions.create_template("  Missing  episode audit ", Subject.EPISODE, "Why.", actor=manager)
    assert (made.name, made.version, made.status, made.created_by) == (
        "Missing episode audit",
        1,
        TemplateStatus.DRAFT,
        manager,
    )
    assert [e.action for e in events(made)] == [Action.CREATE]


def test_a_template_needs_a_name_and_a_subject(hub: dict[str, Any]) -> None:
    before = AuditTemplate.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.create_template("  ", "NEITHER", "", actor=hub["manager"])
    assert refused.value.message_dict == {
        "name": ["Enter the name of the template"],
        "subject": ["Select what the template audits"],
    }
    assert AuditTemplate.objects.count() == before


def test_a_name_another_template_uses_is_refused_whatever_its_case(hub: dict[str, Any]) -> None:
    before = AuditTemplate.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.create_template("HUB CASE AUDIT", Subject.EPISODE, "", actor=hub["manager"])
    assert refused.value.message_dict["name"] == [
        "A template called HUB CASE AUDIT already exists: choose another name, or make a new version of it"
    ]
    assert AuditTemplate.objects.count() == before


def test_a_name_over_its_limit_is_refused(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_template("A" * 121, Subject.EPISODE, "", actor=hub["manager"])
    assert refused.value.message_dict["name"] == ["The name must be 120 characters or fewer"]


@pytest.mark.parametrize("role", ["practitioner", "missing_worker", "analyst", "strategic_lead", "sysadmin"])
def test_only_a_manager_of_audits_changes_templates_and_themes(
    hub: dict[str, Any], personas: dict[str, Any], role: str
) -> None:
    user = personas[role]
    with pytest.raises(PermissionDenied):
        actions.create_template("Another audit", Subject.EPISODE, "", actor=user)
    with pytest.raises(PermissionDenied):
        actions.add_section(hub["audit_template"], "More", "", actor=user)
    with pytest.raises(PermissionDenied):
        actions.publish_template(hub["audit_template"], actor=user)
    with pytest.raises(PermissionDenied):
        actions.new_version(hub["published_template"], actor=user)
    with pytest.raises(PermissionDenied):
        actions.save_theme("Transitions", "", actor=user)
    assert hub["audit_template"].sections.count() == 1
    assert not Theme.objects.filter(name="Transitions").exists()


# Editing a draft ----------------------------------------------------------------------


def test_sections_and_questions_are_added_at_the_end_of_a_draft(hub: dict[str, Any]) -> None:
    manager, draft = hub["manager"], hub["audit_template"]
    police = actions.add_section(draft, " Police  intelligence ", "POLICE", actor=manager)
    asked = actions.add_question(police, "Were the police told?", "Within 24 hours.", "", actor=manager)
    second = actions.add_question(police, "Was a disruption plan made?", "", "PLAN", actor=manager)
    assert (police.position, police.title, police.agency) == (2, "Police intelligence", "POLICE")
    assert [(q.position, q.text) for q in (asked, second)] == [
        (1, "Were the police told?"),
        (2, "Was a disruption plan made?"),
    ]
    assert [e.action for e in events(police)] == [Action.CREATE]
    assert [e.action for e in events(second)] == [Action.CREATE]


def test_a_section_needs_a_title_and_a_known_agency(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_section(hub["audit_template"], "", "MI5", actor=hub["manager"])
    assert refused.value.message_dict == {
        "title": ["Enter the title of the section"],
        "agency": ["Select who answers this section"],
    }
    assert hub["audit_template"].sections.count() == 1


def test_a_question_needs_its_text_and_a_known_kind_of_evidence(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.add_question(hub["audit_section"], " ", "", "HUNCH", actor=hub["manager"])
    assert refused.value.message_dict == {
        "text": ["Enter the question"],
        "evidence": ["Select what CSHub shows beside the question"],
    }
    assert hub["audit_section"].questions.count() == 1


def test_a_drafts_details_sections_and_questions_can_be_changed(hub: dict[str, Any]) -> None:
    manager, draft = hub["manager"], hub["audit_template"]
    actions.edit_template(draft, "Draft case audit", Subject.RETURN_INTERVIEW, "For peers.", actor=manager)
    actions.edit_section(hub["audit_section"], "The file", "HEALTH", actor=manager)
    actions.edit_question(
        hub["audit_question"], "Is the summary current?", "A year.", "CHRONOLOGY", actor=manager
    )
    draft.refresh_from_db()
    assert (draft.name, draft.subject, draft.description) == (
        "Draft case audit",
        Subject.RETURN_INTERVIEW,
        "For peers.",
    )
    assert layout(draft) == [
        (1, "The file", "HEALTH", [(1, "Is the summary current?", "A year.", "CHRONOLOGY")])
    ]
    changed = events(hub["audit_question"])[0]
    assert changed.action == Action.UPDATE
    assert changed.detail["changes"]["evidence"] == ["CASE_SUMMARY", "CHRONOLOGY"]


def test_sections_and_questions_move_up_and_down_and_close_gaps_when_removed(hub: dict[str, Any]) -> None:
    manager, draft, first = hub["manager"], hub["audit_template"], hub["audit_section"]
    second = actions.add_section(draft, "The plan", "", actor=manager)
    third = actions.add_section(draft, "The child", "", actor=manager)
    actions.move_section(third, "up", actor=manager)
    assert [s.title for s in draft.sections.order_by("position")] == ["The record", "The child", "The plan"]
    actions.move_section(first, "down", actor=manager)
    assert [s.title for s in draft.sections.order_by("position")] == ["The child", "The record", "The plan"]
    with pytest.raises(ValidationError) as refused:
        actions.move_section(TemplateSection.objects.get(pk=third.pk), "up", actor=manager)
    assert refused.value.message_dict == {"direction": ["The section is already first"]}

    q2 = actions.add_question(first, "Is there a chronology?", "", "CHRONOLOGY", actor=manager)
    q3 = actions.add_question(first, "Is the plan on file?", "", "PLAN", actor=manager)
    actions.move_question(q3, "up", actor=manager)
    assert [q.text for q in first.questions.order_by("position")] == [
        "Is there a case summary?",
        "Is the plan on file?",
        "Is there a chronology?",
    ]
    with pytest.raises(ValidationError):
        actions.move_question(Question.objects.get(pk=q2.pk), "down", actor=manager)

    actions.remove_question(hub["audit_question"], actor=manager)
    assert [(q.position, q.text) for q in first.questions.order_by("position")] == [
        (1, "Is the plan on file?"),
        (2, "Is there a chronology?"),
    ]
    actions.remove_section(TemplateSection.objects.get(pk=first.pk), actor=manager)
    assert [(s.position, s.title) for s in draft.sections.order_by("position")] == [
        (1, "The child"),
        (2, "The plan"),
    ]
    assert not Question.objects.filter(pk__in=[q2.pk, q3.pk]).exists()
    assert second.pk in set(draft.sections.values_list("pk", flat=True))


def test_a_published_template_cannot_be_changed(hub: dict[str, Any]) -> None:
    manager, template = hub["manager"], hub["published_template"]
    section = template.sections.order_by("position").first()
    question = section.questions.order_by("position").first()
    before, name = layout(template), template.name
    in_use = "This template is in use and cannot be changed: make a new version to change it"
    attempts = [
        lambda: actions.edit_template(template, "Renamed", Subject.EPISODE, "", actor=manager),
        lambda: actions.add_section(template, "More", "", actor=manager),
        lambda: actions.edit_section(section, "Renamed", "", actor=manager),
        lambda: actions.move_section(section, "down", actor=manager),
        lambda: actions.remove_section(section, actor=manager),
        lambda: actions.add_question(section, "Another?", "", "", actor=manager),
        lambda: actions.edit_question(question, "Changed?", "", "", actor=manager),
        lambda: actions.move_question(question, "down", actor=manager),
        lambda: actions.remove_question(question, actor=manager),
        lambda: actions.publish_template(template, actor=manager),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.message_dict == {"template": [in_use]}
    template.refresh_from_db()
    assert (template.name, template.status, layout(template)) == (name, TemplateStatus.PUBLISHED, before)
    assert events(template) == []


# Publishing ---------------------------------------------------------------------------


def test_a_template_without_questions_cannot_be_published(hub: dict[str, Any]) -> None:
    manager = hub["manager"]
    empty = actions.create_template("Empty audit", Subject.EPISODE, "", actor=manager)
    with pytest.raises(ValidationError) as refused:
        actions.publish_template(empty, actor=manager)
    assert refused.value.message_dict == {
        "sections": ["Add at least one section with a question before publishing: the template has none"]
    }
    empty.refresh_from_db()
    assert (empty.status, empty.published_at, empty.published_by) == (TemplateStatus.DRAFT, None, None)
    assert [e.action for e in events(empty)] == [Action.CREATE]


def test_a_template_with_a_section_without_questions_cannot_be_published(hub: dict[str, Any]) -> None:
    manager, draft = hub["manager"], hub["audit_template"]
    actions.remove_question(hub["audit_question"], actor=manager)
    actions.add_section(draft, "The plan", "", actor=manager)
    with pytest.raises(ValidationError) as refused:
        actions.publish_template(draft, actor=manager)
    assert refused.value.message_dict == {
        "sections": [
            "Add at least one question to every section before publishing: The record and The plan have none"
        ]
    }
    actions.add_question(hub["audit_section"], "Is there a case summary?", "", "", actor=manager)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.publish_template(draft, actor=manager)
    assert refused.value.message_dict == {
        "sections": ["Add at least one question to every section before publishing: The plan has none"]
    }
    draft.refresh_from_db()
    assert draft.status == TemplateStatus.DRAFT and draft.published_at is None
    assert AuditEvent.objects.count() == count


def test_publishing_a_draft_puts_it_in_use(hub: dict[str, Any]) -> None:
    manager, draft = hub["manager"], hub["audit_template"]
    actions.publish_template(draft, actor=manager)
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (TemplateStatus.PUBLISHED, manager)
    assert draft.published_at is not None
    published = events(draft)[0]
    assert published.detail["changes"] == {"status": ["DRAFT", "PUBLISHED"]}


# Versions -----------------------------------------------------------------------------


def test_a_new_version_is_a_draft_copy_of_the_sections_and_questions(hub: dict[str, Any]) -> None:
    manager, v1 = hub["manager"], hub["published_template"]
    v2 = actions.new_version(v1, actor=manager)
    assert (v2.name, v2.subject, v2.version, v2.previous, v2.status) == (
        v1.name,
        v1.subject,
        2,
        v1,
        TemplateStatus.DRAFT,
    )
    assert layout(v2) == layout(v1) and layout(v1)
    assert not set(v2.sections.values_list("pk", flat=True)) & set(v1.sections.values_list("pk", flat=True))
    v1.refresh_from_db()
    assert v1.status == TemplateStatus.PUBLISHED  # in use until the new version is published
    assert events(v2)[0].detail == {"name": v1.name, "version": 2, "copy_of": v1.pk}


def test_a_new_version_published_retires_the_version_it_replaces(hub: dict[str, Any]) -> None:
    manager, v1, audit = hub["manager"], hub["published_template"], hub["case_audit"]
    v2 = actions.new_version(v1, actor=manager)
    section = v2.sections.order_by("position")[0]
    actions.add_question(section, "Was the worker's manager consulted?", "", "SUPERVISION", actor=manager)
    actions.publish_template(v2, actor=manager)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (TemplateStatus.RETIRED, TemplateStatus.PUBLISHED)
    assert events(v1)[0].detail["changes"] == {"status": ["PUBLISHED", "RETIRED"]}
    assert events(v1)[0].detail["replaced_by"] == v2.pk
    audit.refresh_from_db()  # an audit made from version 1 carries on with version 1
    assert (audit.template_id, audit.status) == (v1.pk, AuditStatus.ALLOCATED)


def test_one_draft_at_a_time(hub: dict[str, Any]) -> None:
    manager, v1 = hub["manager"], hub["published_template"]
    actions.new_version(v1, actor=manager)
    with pytest.raises(ValidationError) as refused:
        actions.new_version(v1, actor=manager)
    assert refused.value.message_dict == {
        "template": ["There is already a draft of version 2: change that draft instead"]
    }
    assert AuditTemplate.objects.filter(name=v1.name).count() == 2


def test_a_new_version_is_made_from_the_newest_version_only(hub: dict[str, Any]) -> None:
    manager, v1 = hub["manager"], hub["published_template"]
    actions.publish_template(actions.new_version(v1, actor=manager), actor=manager)
    with pytest.raises(ValidationError) as refused:
        actions.new_version(AuditTemplate.objects.get(pk=v1.pk), actor=manager)
    assert refused.value.message_dict == {
        "template": ["Version 2 has replaced this version: make a new version of that one"]
    }
    with pytest.raises(ValidationError):
        actions.new_version(hub["audit_template"], actor=manager)  # a draft: change it instead
    assert AuditTemplate.objects.filter(name=v1.name).count() == 2


def test_a_new_version_may_be_renamed_but_not_to_another_templates_name(hub: dict[str, Any]) -> None:
    manager, v1 = hub["manager"], hub["published_template"]
    v2 = actions.new_version(v1, actor=manager)
    actions.edit_template(v2, "hub case audit", v1.subject, "", actor=manager)  # its own line's name
    with pytest.raises(ValidationError) as refused:
        actions.edit_template(v2, "Return interview peer audit", v1.subject, "", actor=manager)
    assert "already exists" in refused.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as refused:
        actions.edit_template(v2, "Hub case audit", Subject.RETURN_INTERVIEW, "", actor=manager)
    assert refused.value.message_dict == {
        "subject": ["A new version audits what the version it replaces audits"]
    }
    actions.edit_template(v2, "Hub case audit (2027)", v1.subject, "", actor=manager)
    # Version 1's name stays its line's: no other template may take it.
    with pytest.raises(ValidationError):
        actions.create_template("Hub case audit", Subject.EPISODE, "", actor=manager)


# Retiring -----------------------------------------------------------------------------


def test_retiring_a_template_leaves_its_open_audits_going(hub: dict[str, Any]) -> None:
    manager, template, audit = hub["manager"], hub["published_template"], hub["case_audit"]
    actions.retire_template(template, actor=manager)
    template.refresh_from_db()
    audit.refresh_from_db()
    assert template.status == TemplateStatus.RETIRED
    assert audit.status == AuditStatus.ALLOCATED and audit.template_id == template.pk
    with pytest.raises(ValidationError) as refused:
        actions.retire_template(template, actor=manager)
    assert refused.value.message_dict == {"template": ["Only a template in use can be withdrawn"]}
    with pytest.raises(ValidationError):
        actions.retire_template(hub["audit_template"], actor=manager)


def test_a_withdrawn_template_can_come_back_as_a_new_version(hub: dict[str, Any]) -> None:
    manager, template = hub["manager"], hub["published_template"]
    actions.retire_template(template, actor=manager)
    v2 = actions.new_version(template, actor=manager)
    actions.publish_template(v2, actor=manager)
    template.refresh_from_db()
    assert template.status == TemplateStatus.RETIRED
    assert AuditTemplate.objects.get(pk=v2.pk).status == TemplateStatus.PUBLISHED


# Themes -------------------------------------------------------------------------------


def test_a_theme_is_added_changed_retired_and_restored(hub: dict[str, Any]) -> None:
    manager = hub["manager"]
    theme = actions.save_theme(" Transitions ", "Moving to adult services.", actor=manager)
    assert (theme.name, theme.description, theme.active, theme.created_by) == (
        "Transitions",
        "Moving to adult services.",
        True,
        manager,
    )
    actions.save_theme("Transitions to adulthood", theme.description, actor=manager, theme=theme)
    actions.save_theme(theme.name, theme.description, actor=manager, theme=theme, active=False)
    theme.refresh_from_db()
    assert (theme.name, theme.active) == ("Transitions to adulthood", False)
    actions.save_theme(theme.name, theme.description, actor=manager, theme=theme, active=True)
    assert Theme.objects.get(pk=theme.pk).active
    changes = [e.detail.get("changes") for e in reversed(events(theme))]
    assert changes == [
        None,
        {"name": ["Transitions", "Transitions to adulthood"]},
        {"active": [True, False]},
        {"active": [False, True]},
    ]


def test_a_theme_name_is_unique_whatever_its_case(hub: dict[str, Any]) -> None:
    manager, theme = hub["manager"], hub["theme"]
    count = Theme.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.save_theme("case SUMMARIES", "", actor=manager)
    assert refused.value.message_dict == {"name": ["A theme called case SUMMARIES already exists"]}
    with pytest.raises(ValidationError):
        actions.save_theme("Chronology", "", actor=manager, theme=theme)
    assert Theme.objects.count() == count
    assert Theme.objects.get(pk=theme.pk).name == "Case summaries"
    actions.save_theme("Case Summaries", theme.description, actor=manager, theme=theme)  # its own name
    with pytest.raises(ValidationError) as refused:
        actions.save_theme("", "", actor=manager)
    assert refused.value.message_dict == {"name": ["Enter the name of the theme"]}
