"""The templates and themes pages (issue 22, part A): what a team manager sees and does,
the messages, the confirmation pages, and that nobody else changes anything."""

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cshub.caseaudits import actions
from cshub.caseaudits.models import AuditTemplate, Subject, TemplateSection, TemplateStatus, Theme

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    """The page's words, without tags and runs of spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_list_shows_templates_in_use_drafts_and_replaced_with_their_counts(
    hub: dict[str, Any], client_for: Any
) -> None:
    manager = hub["manager"]
    v2 = actions.new_version(hub["published_template"], actor=manager)
    actions.publish_template(v2, actor=manager)
    page = text(client_for("team_manager").get(reverse("caseaudits:templates")))
    in_use, rest = page.split("In use", 1)[1].split("Drafts", 1)
    drafts, retired = rest.split("Replaced or withdrawn", 1)
    # Hub case audit version 2, 17 questions, no audits; version 1 keeps its one audit.
    assert "Hub case audit 2 A child's hub episode (case audit)" in in_use
    assert "Return interview peer audit" in in_use and "Multi-agency case audit" in in_use
    assert "Draft audit 1 A child's hub episode (case audit) 1 0" in drafts
    questions = AuditTemplate.objects.get(pk=v2.pk).sections.values("questions").count()
    assert f"Hub case audit 1 A child's hub episode (case audit) {questions} 1" in retired


def test_the_list_says_when_there_is_nothing_in_a_group(hub: dict[str, Any], client_for: Any) -> None:
    page = text(client_for("team_manager").get(reverse("caseaudits:templates")))
    assert "No template has been replaced or withdrawn." in page


def test_a_templates_page_shows_who_answers_each_section_and_what_cshub_shows(
    hub: dict[str, Any], client_for: Any
) -> None:
    multi = AuditTemplate.objects.get(name="Multi-agency case audit")
    page = text(client_for("team_manager").get(reverse("caseaudits:template", args=[multi.pk])))
    assert "Answered by the lead auditor." in page
    assert "Answered by an auditor from Police." in page and "Answered by an auditor from Health." in page
    hub_audit = client_for("team_manager").get(
        reverse("caseaudits:template", args=[hub["published_template"].pk])
    )
    assert "Shown beside it: The case summary and its age" in text(hub_audit)
    assert "Version 1 (this page)" in text(hub_audit)
    assert "Make a new version" in text(hub_audit) and "Withdraw" in text(hub_audit)
    # A template in use offers no change.
    assert (
        reverse("caseaudits:section_add", args=[hub["published_template"].pk])
        not in hub_audit.content.decode()
    )


def test_a_template_is_created_and_built_up_from_its_pages(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    made = client.post(
        reverse("caseaudits:template_create"),
        {"name": "Missing episode audit", "subject": Subject.EPISODE, "description": "Missing children."},
    )
    template = AuditTemplate.objects.get(name="Missing episode audit")
    assert made.status_code == 302 and made["Location"] == reverse("caseaudits:template", args=[template.pk])
    client.post(reverse("caseaudits:section_add", args=[template.pk]), {"title": "The return", "agency": ""})
    client.post(
        reverse("caseaudits:section_add", args=[template.pk]), {"title": "Police", "agency": "POLICE"}
    )
    first, police = template.sections.order_by("position")
    client.post(
        reverse("caseaudits:question_add", args=[first.pk]),
        {
            "text": "Was a return interview offered within 72 hours?",
            "guidance": "",
            "evidence": "RETURN_INTERVIEW",
        },
    )
    client.post(
        reverse("caseaudits:question_add", args=[police.pk]),
        {"text": "Was the found-with person checked?", "evidence": ""},
    )
    client.post(reverse("caseaudits:section_move", args=[police.pk]), {"direction": "up"})
    assert [(s.title, s.agency) for s in template.sections.order_by("position")] == [
        ("Police", "POLICE"),
        ("The return", ""),
    ]
    page = text(client.get(reverse("caseaudits:template", args=[template.pk])))
    assert "Shown beside it: The return interview: offered, completed, what the child said" in page
    published = client.post(reverse("caseaudits:template_publish", args=[template.pk]))
    assert published.status_code == 302
    assert AuditTemplate.objects.get(pk=template.pk).status == TemplateStatus.PUBLISHED


def test_a_name_in_use_is_shown_in_the_error_summary_and_nothing_is_made(
    hub: dict[str, Any], client_for: Any
) -> None:
    count = AuditTemplate.objects.count()
    response = client_for("team_manager").post(
        reverse("caseaudits:template_create"), {"name": "hub case audit", "subject": Subject.EPISODE}
    )
    page = text(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_name"' in response.content.decode()
    assert "A template called hub case audit already exists" in page
    assert AuditTemplate.objects.count() == count


def test_publishing_a_template_with_an_empty_section_says_which_and_changes_nothing(
    hub: dict[str, Any], client_for: Any
) -> None:
    draft = hub["audit_template"]
    actions.add_section(draft, "The plan", "", actor=hub["manager"])
    response = client_for("team_manager").post(reverse("caseaudits:template_publish", args=[draft.pk]))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Add at least one question to every section before publishing: The plan has none" in page
    assert AuditTemplate.objects.get(pk=draft.pk).status == TemplateStatus.DRAFT


def test_the_publish_page_says_what_happens_to_the_version_it_replaces(
    hub: dict[str, Any], client_for: Any
) -> None:
    v1 = hub["published_template"]
    v2 = actions.new_version(v1, actor=hub["manager"])
    page = text(client_for("team_manager").get(reverse("caseaudits:template_publish", args=[v2.pk])))
    assert "It replaces version 1, which no new sample or audit will use." in page
    assert "The 1 audit still open from version 1 carries on with it" in page
    client_for("team_manager").post(reverse("caseaudits:template_publish", args=[v2.pk]))
    assert AuditTemplate.objects.get(pk=v1.pk).status == TemplateStatus.RETIRED
    assert AuditTemplate.objects.get(pk=v2.pk).status == TemplateStatus.PUBLISHED


def test_a_new_version_from_its_page_and_a_second_one_refused(hub: dict[str, Any], client_for: Any) -> None:
    v1, client = hub["published_template"], client_for("team_manager")
    url = reverse("caseaudits:template_new_version", args=[v1.pk])
    assert "Version 2 starts as a draft copy" in text(client.get(url))
    made = client.post(url)
    v2 = AuditTemplate.objects.get(previous=v1)
    assert made["Location"] == reverse("caseaudits:template", args=[v2.pk])
    again = client.post(url)
    assert again.status_code == 400
    assert "There is already a draft of version 2: change that draft instead" in text(again)
    assert AuditTemplate.objects.filter(previous=v1).count() == 1
    assert "Version 2 is a draft: carry on with version 2" in text(
        client.get(reverse("caseaudits:template", args=[v1.pk]))
    )


def test_a_published_templates_editing_pages_send_the_manager_back_and_change_nothing(
    hub: dict[str, Any], client_for: Any
) -> None:
    template, client = hub["published_template"], client_for("team_manager")
    section = template.sections.order_by("position")[0]
    question = section.questions.order_by("position")[0]
    page = reverse("caseaudits:template", args=[template.pk])
    for url, data in [
        (reverse("caseaudits:template_edit", args=[template.pk]), {"name": "Renamed", "subject": "EPISODE"}),
        (reverse("caseaudits:section_add", args=[template.pk]), {"title": "More"}),
        (reverse("caseaudits:section_edit", args=[section.pk]), {"title": "Renamed"}),
        (reverse("caseaudits:section_remove", args=[section.pk]), {}),
        (reverse("caseaudits:section_move", args=[section.pk]), {"direction": "down"}),
        (reverse("caseaudits:question_add", args=[section.pk]), {"text": "More?"}),
        (reverse("caseaudits:question_edit", args=[question.pk]), {"text": "Changed?"}),
        (reverse("caseaudits:question_remove", args=[question.pk]), {}),
        (reverse("caseaudits:question_move", args=[question.pk]), {"direction": "down"}),
        (reverse("caseaudits:template_publish", args=[template.pk]), {}),
    ]:
        response = client.post(url, data)
        assert (response.status_code, response["Location"]) == (302, page), url
    shown = text(client.get(page))
    assert "This template is in use and cannot be changed: make a new version to change it" in shown
    template.refresh_from_db()
    assert template.name == "Hub case audit"
    assert TemplateSection.objects.get(pk=section.pk).title == section.title
    assert section.questions.get(pk=question.pk).text == question.text


def test_withdrawing_a_template_says_its_open_audits_carry_on(hub: dict[str, Any], client_for: Any) -> None:
    template, client = hub["published_template"], client_for("team_manager")
    url = reverse("caseaudits:template_retire", args=[template.pk])
    assert "The 1 audit still open from it carries on" in text(client.get(url))
    assert client.post(url).status_code == 302
    assert AuditTemplate.objects.get(pk=template.pk).status == TemplateStatus.RETIRED
    again = client.post(url)
    assert again.status_code == 400 and "Only a template in use can be withdrawn" in text(again)


def test_a_section_is_removed_after_a_confirmation(hub: dict[str, Any], client_for: Any) -> None:
    section, client = hub["audit_section"], client_for("team_manager")
    url = reverse("caseaudits:section_remove", args=[section.pk])
    assert "Its 1 question is removed with it." in text(client.get(url))
    assert TemplateSection.objects.filter(pk=section.pk).exists()
    client.post(url)
    assert not TemplateSection.objects.filter(pk=section.pk).exists()


def test_the_themes_page_counts_findings_and_themes_are_added_retired_and_restored(
    hub: dict[str, Any], client_for: Any
) -> None:
    client, theme = client_for("team_manager"), hub["theme"]
    page = text(client.get(reverse("caseaudits:themes")))
    assert (
        "Case summaries A case summary present, current and useful to someone new to the child 1 In use"
        in page
    )
    added = client.post(reverse("caseaudits:theme_create"), {"name": "Transitions", "description": "At 18."})
    assert added["Location"] == reverse("caseaudits:themes")
    assert Theme.objects.get(name="Transitions").active
    taken = client.post(reverse("caseaudits:theme_create"), {"name": "transitions"})
    assert "There is a problem" in text(taken) and "A theme called transitions already exists" in text(taken)
    client.post(
        reverse("caseaudits:theme_edit", args=[theme.pk]), {"name": "Case summary", "description": ""}
    )
    client.post(reverse("caseaudits:theme_active", args=[theme.pk]), {"active": "no"})
    theme.refresh_from_db()
    assert (theme.name, theme.description, theme.active) == ("Case summary", "", False)
    assert "Case summary — 1 Retired" in text(client.get(reverse("caseaudits:themes")))
    client.post(reverse("caseaudits:theme_active", args=[theme.pk]), {"active": "yes"})
    assert Theme.objects.get(pk=theme.pk).active


@pytest.mark.parametrize("role", ["practitioner", "missing_worker", "analyst", "strategic_lead", "sysadmin"])
def test_nobody_else_changes_templates_or_themes(hub: dict[str, Any], client_for: Any, role: str) -> None:
    client, draft, theme = client_for(role), hub["audit_template"], hub["theme"]
    for url, data in [
        (reverse("caseaudits:template_create"), {"name": "Mine", "subject": "EPISODE"}),
        (reverse("caseaudits:section_add", args=[draft.pk]), {"title": "Mine"}),
        (reverse("caseaudits:template_publish", args=[draft.pk]), {}),
        (reverse("caseaudits:template_new_version", args=[hub["published_template"].pk]), {}),
        (reverse("caseaudits:template_retire", args=[hub["published_template"].pk]), {}),
        (reverse("caseaudits:theme_active", args=[theme.pk]), {"active": "no"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert not AuditTemplate.objects.filter(name="Mine").exists()
    assert AuditTemplate.objects.get(pk=draft.pk).status == TemplateStatus.DRAFT
    assert AuditTemplate.objects.get(pk=hub["published_template"].pk).status == TemplateStatus.PUBLISHED
    assert Theme.objects.get(pk=theme.pk).active


def test_a_post_without_the_csrf_token_is_refused(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(reverse("caseaudits:theme_active", args=[hub["theme"].pk]), {"active": "no"})
    assert response.status_code == 403
    assert Theme.objects.get(pk=hub["theme"].pk).active
