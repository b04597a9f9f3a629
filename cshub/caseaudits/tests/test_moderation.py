"""Blind moderation and multi-agency audits on the audit's pages (issue 22, part B)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cshub.access.testing import sign_in_verified
from cshub.caseaudits import actions
from cshub.caseaudits.models import AuditTemplate
from cshub.caseaudits.tests.helpers import answers, complete, make_audit, submit_all, user

pytestmark = pytest.mark.django_db

PRIMARY_WORDS = "Primary auditor's own words"
MODERATION_WORDS = "Moderator's own words"


def _pair(hub: dict[str, Any], moderator: Any) -> tuple[Any, Any]:
    primary = hub["case_audit"]
    moderation = make_audit(hub, auditor=moderator, moderates=primary)
    return primary, moderation


def _page(client: Client, audit: Any) -> tuple[int, str]:
    response = client.get(reverse("caseaudits:detail", args=[audit.pk]))
    return response.status_code, response.content.decode()


def test_the_moderator_sees_no_answers_of_the_primary_until_both_are_completed(hub: dict[str, Any]) -> None:
    moderator = user("moderating.manager", "team_manager")
    primary, _moderation = _pair(hub, moderator)
    submit_all(primary, comment=PRIMARY_WORDS)
    primary.refresh_from_db()
    actions.complete_audit(
        primary, overall_grade="GOOD", rationale="Primary rationale", feedback="", actor=hub["manager"]
    )
    client = sign_in_verified(Client(), moderator)
    status, html = _page(client, primary)
    assert status == 200 and "graded blind" in html
    assert escape(PRIMARY_WORDS) not in html and "Primary rationale" not in html
    assert client.get(reverse("caseaudits:compare", args=[primary.pk])).status_code == 404
    # A moderator without the managers' permission does not find the primary at all.
    practitioner_moderator = user("moderating.practitioner", "practitioner")
    other = make_audit(hub, auditor=practitioner_moderator, moderates=make_audit(hub, auditor=hub["manager"]))
    assert _page(sign_in_verified(Client(), practitioner_moderator), other.moderates)[0] == 404


def test_the_primarys_auditor_sees_no_answers_of_the_moderation_until_both_are_completed(
    hub: dict[str, Any], client_for: Any
) -> None:
    moderator = user("moderating.manager", "team_manager")
    _primary, moderation = _pair(hub, moderator)
    submit_all(moderation, comment=MODERATION_WORDS)
    moderation.refresh_from_db()
    actions.complete_audit(
        moderation, overall_grade="INADEQUATE", rationale="Moderation rationale", feedback="", actor=moderator
    )
    status, html = _page(client_for("team_manager"), moderation)
    assert status == 200 and "graded blind" in html
    assert escape(MODERATION_WORDS) not in html and "Moderation rationale" not in html


def test_once_both_are_completed_they_are_side_by_side(hub: dict[str, Any], client_for: Any) -> None:
    moderator = user("moderating.manager", "team_manager")
    primary, moderation = _pair(hub, moderator)
    complete(primary, grade="GOOD", rationale="Primary rationale")
    complete(moderation, grade="REQUIRES_IMPROVEMENT", rationale="Moderation rationale")
    compare = reverse("caseaudits:compare", args=[primary.pk])
    for client in (client_for("team_manager"), sign_in_verified(Client(), moderator)):
        page = client.get(compare)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Primary rationale" in html and "Moderation rationale" in html
        assert "Grades differ by 1 step" in html
        assert "agree on 8 of 8 questions" in html
    assert client_for("practitioner").get(compare).status_code == 404  # the audited worker
    status, html = _page(sign_in_verified(Client(), moderator), primary)
    assert status == 200 and "Primary rationale" in html


def test_a_police_auditor_answers_only_the_police_section(hub: dict[str, Any]) -> None:
    police = user("police.auditor", "practitioner", "POLICE")
    health = user("health.auditor", "practitioner", "HEALTH")
    template = AuditTemplate.objects.get(name="Multi-agency case audit")
    audit = make_audit(
        hub, auditor=hub["manager"], template=template, section_auditors={"POLICE": police, "HEALTH": health}
    )
    parts = {p.section.agency: p for p in audit.parts.select_related("section")}
    police_q = parts["POLICE"].section.questions.first()
    health_q = parts["HEALTH"].section.questions.first()
    client = sign_in_verified(Client(), police)
    status, html = _page(client, audit)
    assert status == 200
    assert escape(police_q.text) in html and escape(health_q.text) not in html
    assert reverse("caseaudits:save_part", args=[audit.pk, parts["POLICE"].pk]) in html
    # Not the health section's form.
    health_url = reverse("caseaudits:save_part", args=[audit.pk, parts["HEALTH"].pk])
    data = {f"answer_{health_q.pk}": "YES", f"grade_{health_q.pk}": "GOOD", "action": "save"}
    assert client.post(health_url, data).status_code == 404
    assert not audit.answers.filter(question=health_q).exists()
    actions.save_part(parts["POLICE"], answers(parts["POLICE"]), actor=police, submit=True)
    # Once completed, the whole audit, to its auditors only.
    complete(audit, rationale="Partners' information on file")
    status, html = _page(client, audit)
    assert status == 200 and escape(health_q.text) in html and "Partners&#x27; information on file" in html
    stranger = sign_in_verified(Client(), user("other.police", "practitioner", "POLICE"))
    assert _page(stranger, audit)[0] == 404
