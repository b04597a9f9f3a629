"""The write paths of the reports room: the problem profile's commentary, the annual
report's texts and the scrutiny cover report's details (each save a new version)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.metrics import Period
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.people.actions import require
from cshub.reports.models import AnnualPart, AnnualText, ProfileCommentary, ProfileSection, ScrutinyCover


@transaction.atomic
def write_profile_commentary(section: str, period: Period, text: str, *, actor: User) -> ProfileCommentary:
    require(actor, Perm.WRITE_COMMENTARY)
    if section not in ProfileSection.values:
        raise ValidationError({"section": "Unknown section"})
    if not text.strip():
        raise ValidationError({"text": "Enter the commentary: what the figures show and why"})
    entry = ProfileCommentary.objects.create(
        section=section, period_start=period.start, period_end=period.end, text=text.strip(), written_by=actor
    )
    record_event(actor, Action.CREATE, entry, detail={"section": section, "report": "problem profile"})
    return entry


@transaction.atomic
def write_annual_text(year: int, part: str, text: str, *, actor: User) -> AnnualText:
    """A new version of one of the annual report's texts for the reporting year starting in
    April of `year` (the introduction, a section's commentary, the priorities)."""
    require(actor, Perm.WRITE_COMMENTARY)
    if part not in AnnualPart.values:
        raise ValidationError({"part": "Unknown part of the annual report"})
    if not text.strip():
        raise ValidationError({"text": "Enter the text"})
    entry = AnnualText.objects.create(year=year, part=part, text=text.strip(), written_by=actor)
    record_event(actor, Action.CREATE, entry, detail={"part": part, "year": year, "report": "annual report"})
    return entry


@dataclass(frozen=True)
class CoverDetails:
    report_to: str
    meeting_date: dt.date
    subject: str
    report_of: str
    summary: str
    recommendations: str  # one a line
    wards_affected: str
    contact: str


@transaction.atomic
def write_scrutiny_cover(year: int, details: CoverDetails, *, actor: User) -> ScrutinyCover:
    """A new version of the scrutiny committee's cover report for the year's annual report."""
    require(actor, Perm.WRITE_COMMENTARY)
    values = {name: getattr(details, name) for name in CoverDetails.__dataclass_fields__}
    missing = {
        name: "Enter this detail of the cover report"
        for name, value in values.items()
        if name != "meeting_date" and not str(value).strip()
    }
    if missing:
        raise ValidationError(missing)
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    entry = ScrutinyCover(year=year, written_by=actor, **cleaned)
    entry.full_clean()
    entry.save()
    record_event(actor, Action.CREATE, entry, detail={"year": year, "report": "scrutiny cover"})
    return entry
