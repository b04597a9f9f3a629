import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.assessments import actions
from cshub.assessments.models import ScoringRules
from cshub.conftest import TODAY
from cshub.people.models import TimelineKind

pytestmark = pytest.mark.django_db


def _ev(text: str = "Seen getting into a car with two adults outside school") -> actions.Evidence:
    return actions.Evidence(text, "Ms Okafor, head of year", "SCHOOL", TODAY - dt.timedelta(days=3))


def _record(findings: dict[str, actions.Evidence], level: str, rationale: str = "") -> actions.RiskAssessment:
    return actions.RiskAssessment(
        completed_date=TODAY,
        risk_level=level,
        child_view="They are my mates, they look after me.",
        analysis="Adults are grooming Kofi with gifts and lifts.",
        findings=findings,
        rationale=rationale,
    )


def test_an_indicator_without_evidence_is_refused(hub: dict[str, Any]) -> None:
    blank = actions.Evidence("  ", "", "SCHOOL", None)
    with pytest.raises(ValidationError) as err:
        actions.record_risk_assessment(
            hub["episode"], _record({"gifts-from-adults": blank}, "LOW"), actor=hub["worker"]
        )
    assert {
        "gifts-from-adults-evidence",
        "gifts-from-adults-observed_by",
        "gifts-from-adults-observed_on",
    } <= set(err.value.message_dict)
    assert hub["episode"].assessments.count() == 1  # only the fixture's


def test_the_rules_suggest_a_level_and_a_different_level_needs_a_rationale(hub: dict[str, Any]) -> None:
    findings = {"older-partner": _ev(), "gifts-from-adults": _ev(), "trusted-adult": _ev("Talks to her aunt")}
    # 3 + 2 - 1 = 4 points: below medium (5).
    assert actions.suggestion(set(findings))[:2] == (4, "LOW")
    with pytest.raises(ValidationError) as err:
        actions.record_risk_assessment(hub["episode"], _record(findings, "MEDIUM"), actor=hub["worker"])
    assert "suggest low risk" in err.value.message_dict["rationale"][0]
    saved = actions.record_risk_assessment(
        hub["episode"], _record(findings, "MEDIUM", "Escalating quickly this month."), actor=hub["worker"]
    )
    assert (saved.suggested_level, saved.score, saved.rules_version) == ("LOW", 4, 1)
    assert saved.cin_factors == ["11A"]
    assert saved.findings.count() == 3
    entry = hub["child"].timeline.filter(kind=TimelineKind.ASSESSMENT).first()
    assert entry is not None and "medium risk (the indicators suggested low)" in entry.summary


def test_an_indicator_that_is_high_on_its_own() -> None:
    rules = ScoringRules.objects.current()
    assert rules.score({"weapons"}) == (3, "HIGH")
    assert rules.score({"county-lines", "carrying-drugs-cash", "debt-bondage", "online-contact"}) == (
        11,
        "HIGH",
    )
    assert rules.score({"county-lines", "unexplained-items"}) == (5, "MEDIUM")


def test_a_manager_reviews_agreeing_or_differing_with_a_reason(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    assessment, manager = hub["assessment"], hub["manager"]
    with pytest.raises(ValidationError) as err:
        actions.review_assessment(assessment, "HIGH", "", actor=manager)
    assert "reason" in err.value.message_dict
    actions.review_assessment(assessment, "HIGH", "Found with adults far from home twice.", actor=manager)
    assessment.refresh_from_db()
    assert assessment.reviewer_risk_level == "HIGH" and assessment.reviewer_agrees is False
    entry = hub["child"].timeline.get(kind=TimelineKind.ASSESSMENT_REVIEWED)
    assert "differed: high risk" in entry.summary
    with pytest.raises(ValidationError):
        actions.review_assessment(assessment, "HIGH", "again", actor=manager)


def test_a_manager_cannot_review_their_own_assessment(hub: dict[str, Any]) -> None:
    own = actions.record_risk_assessment(
        hub["episode"], _record({"weapons": _ev()}, "HIGH"), actor=hub["manager"]
    )
    with pytest.raises(ValidationError):
        actions.review_assessment(own, "HIGH", "", actor=hub["manager"])


def test_the_form_shows_errors_and_saves(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("assessments:new", args=[hub["episode"].pk])
    client = client_for("practitioner")
    form = {
        "completed_date_day": TODAY.day,
        "completed_date_month": TODAY.month,
        "completed_date_year": TODAY.year,
        "weapons": "on",
        "child_view": "Scared of them.",
        "analysis": "An adult threatened Kofi with a knife over a debt.",
        "risk_level": "MEDIUM",
    }
    page = client.post(url, form).content.decode()
    assert "Give the evidence for" in page and "The indicators you ticked suggest high risk" in page
    form |= {
        "weapons-evidence": "Kofi told me a man showed him a knife.",
        "weapons-observed_by": "Hub worker",
        "weapons-source": "CHILD",
        "weapons-observed_on_day": TODAY.day,
        "weapons-observed_on_month": TODAY.month,
        "weapons-observed_on_year": TODAY.year,
        "risk_level": "HIGH",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Kofi told me a man showed him a knife." in detail
    assert "13A" in detail
