"""The one write path for structured exploitation risk assessments and their manager review."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assessments.models import EvidenceSource, Finding, Indicator, ScoringRules
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Assessment, Episode, RiskLevel
from cshub.core import locks
from cshub.core.dates import check_dates, plausible_event
from cshub.core.limits import field_limit, too_long
from cshub.people.actions import require
from cshub.people.models import TimelineKind
from cshub.people.timeline import add_entry


@dataclass(frozen=True)
class Evidence:
    evidence: str
    observed_by: str
    source: str
    observed_on: dt.date | None


@dataclass(frozen=True)
class RiskAssessment:
    completed_date: dt.date
    risk_level: str
    child_view: str
    analysis: str
    findings: dict[str, Evidence] = field(default_factory=dict)
    family_capacity: str = ""
    strengths: str = ""
    rationale: str = ""


def suggestion(codes: set[str]) -> tuple[int, str, ScoringRules]:
    rules = ScoringRules.objects.current()
    points, level = rules.score(codes)
    return points, level, rules


def evidence_errors(findings: dict[str, Evidence], indicators: dict[str, Indicator]) -> dict[str, str]:
    """An indicator marked present without its evidence is refused (also used by the form, so
    every problem shows at once)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for code, ev in findings.items():
        if code not in indicators:
            errors["__all__"] = f"Unknown indicator {code}"
            continue
        label = indicators[code].label
        for part, value in (("evidence", ev.evidence), ("observed_by", ev.observed_by)):
            limit = field_limit(Finding, part)
            if len(value.strip()) > limit:
                what = "The evidence" if part == "evidence" else "Who saw or heard it"
                errors[f"{code}-{part}"] = too_long(f"{what} for “{label}”", limit)
        if not ev.evidence.strip():
            errors[f"{code}-evidence"] = f"Give the evidence for “{label}”: what was seen or said"
        if not ev.observed_by.strip():
            errors[f"{code}-observed_by"] = f"Say who saw or heard the evidence for “{label}”"
        if ev.source not in EvidenceSource.values:
            errors[f"{code}-source"] = f"Select where the evidence for “{label}” came from"
        if ev.observed_on is None:
            errors[f"{code}-observed_on"] = f"Enter when the evidence for “{label}” was seen or said"
        elif ev.observed_on > today:
            errors[f"{code}-observed_on"] = (
                f"The date of the evidence for “{label}” must be today or in the past"
            )
        else:
            check_dates(
                errors,
                {
                    f"{code}-observed_on": plausible_event(
                        ev.observed_on, f"date of the evidence for “{label}”"
                    )
                },
            )
    return errors


def _validate(
    episode: Episode, record: RiskAssessment, indicators: dict[str, Indicator], suggested: str
) -> None:
    errors = evidence_errors(record.findings, indicators)
    if record.risk_level not in RiskLevel.values:
        errors["risk_level"] = "Select the risk level"
    elif record.risk_level != suggested and not record.rationale.strip():
        errors["rationale"] = (
            f"The indicators suggest {RiskLevel(suggested).label.lower()} risk. "
            f"Give your reasons for setting {RiskLevel(record.risk_level).label.lower()}"
        )
    if not record.child_view.strip():
        errors["child_view"] = "Record the child's own view (or why it could not be gathered yet)"
    if not record.analysis.strip():
        errors["analysis"] = "Write the analysis: what you are worried about and why"
    if record.completed_date < episode.open_date:
        errors["completed_date"] = "The assessment cannot be completed before the episode opened"
    check_dates(errors, {"completed_date": plausible_event(record.completed_date, "completion date")})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_risk_assessment(episode: Episode, record: RiskAssessment, *, actor: User) -> Assessment:
    """An indicator without evidence is refused; a level other than the suggestion needs a
    rationale. The CIN factors are derived from the indicators present."""
    require(actor, Perm.RECORD_CASEWORK)
    indicators = {i.code: i for i in Indicator.objects.filter(active=True)}
    points, suggested, rules = suggestion(set(record.findings))
    _validate(episode, record, indicators, suggested)
    present = [indicators[code] for code in record.findings]
    cin = sorted({i.cin_factor for i in present if i.cin_factor})
    assessment = Assessment.objects.create(
        episode=episode,
        completed_date=record.completed_date,
        risk_level=record.risk_level,
        assessor=actor,
        cin_factors=cin,
        suggested_level=suggested,
        rules_version=rules.version,
        score=points,
        rationale=record.rationale.strip(),
        child_view=record.child_view.strip(),
        family_capacity=record.family_capacity.strip(),
        strengths=record.strengths.strip(),
        analysis=record.analysis.strip(),
    )
    Finding.objects.bulk_create(
        Finding(
            assessment=assessment,
            indicator=indicators[code],
            evidence=ev.evidence.strip(),
            observed_by=ev.observed_by.strip(),
            source=ev.source,
            observed_on=ev.observed_on or record.completed_date,
            recorded_by=actor,
        )
        for code, ev in record.findings.items()
    )
    record_event(
        actor,
        Action.CREATE,
        assessment,
        child_id=episode.person_id,
        detail={"indicators": sorted(record.findings)},
    )
    differs = "" if suggested == record.risk_level else f" (the indicators suggested {suggested.lower()})"
    add_entry(
        episode.person,
        TimelineKind.ASSESSMENT,
        f"Exploitation risk assessment: {assessment.get_risk_level_display().lower()} risk{differs}; "
        f"{len(present)} indicator{'s' if len(present) != 1 else ''} with evidence",
        actor=actor,
        occurred_at=record.completed_date,
        source=assessment,
        link=reverse("assessments:detail", args=[assessment.pk]),
    )
    return assessment


@transaction.atomic
def review_assessment(
    assessment: Assessment, level: str, reason: str, *, actor: User, at: dt.datetime | None = None
) -> Assessment:
    """A manager's own level for the assessment: agree, or differ with a reason."""
    require(actor, Perm.REVIEW_CASEWORK)
    locks.claim(assessment)
    errors: dict[str, str] = {}
    if assessment.reviewer_risk_level:
        errors["__all__"] = "This assessment has already been reviewed"
    if assessment.assessor_id == actor.pk:
        errors["__all__"] = "A manager other than the assessor reviews an assessment"
    if level not in RiskLevel.values:
        errors["level"] = "Select your risk level"
    elif level != assessment.risk_level and not reason.strip():
        errors["reason"] = "Give your reason for a level different from the assessor's"
    if errors:
        raise ValidationError(errors)
    reviewed = ["reviewer", "reviewer_risk_level", "reviewer_reason", "reviewed_at"]
    before = snapshot(assessment, reviewed)
    assessment.reviewer = actor
    assessment.reviewer_risk_level = level
    assessment.reviewer_reason = reason.strip()
    assessment.reviewed_at = at or timezone.now()
    assessment.save(update_fields=reviewed)
    record_event(
        actor,
        Action.UPDATE,
        assessment,
        child_id=assessment.episode.person_id,
        detail=change_detail(before, snapshot(assessment, reviewed), review=level),
    )
    verdict = (
        "agreed" if level == assessment.risk_level else f"differed: {RiskLevel(level).label.lower()} risk"
    )
    add_entry(
        assessment.episode.person,
        TimelineKind.ASSESSMENT_REVIEWED,
        f"Manager review of the assessment of {assessment.completed_date:%-d %B %Y}: {verdict}"
        + (f" — {assessment.reviewer_reason}" if assessment.reviewer_reason else ""),
        actor=actor,
        occurred_at=assessment.reviewed_at,
        source=assessment,
        link=reverse("assessments:detail", args=[assessment.pk]),
    )
    return assessment
