"""The council's record of a child on a day: their child-in-need, child protection and
looked-after status, who holds the case, and the factors of the council's latest
assessment (the child's page shows it; the whole-area picture reads the same function)."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from cshub.people.models import Person
from cshub.socialcare.models import (
    EXPLOITATION_FACTORS,
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    ClaEpisode,
    CpPlan,
    Involvement,
)


@dataclass
class CouncilRecord:
    on: dt.date
    cin: CinEpisode | None = None  # the child-in-need episode open on the day
    cp_plan: CpPlan | None = None  # the child protection plan in force on the day
    cla: ClaEpisode | None = None  # the episode of care the child is in on the day
    looked_after_since: dt.date | None = None  # the start of that period of care
    team: str = ""  # who holds the case: the allocated team …
    worker: str = ""  # … and worker (a name when CSHub knows the professional, else as given)
    assessment: CinAssessment | None = None  # the latest assessment with factors
    factors: list[str] = field(default_factory=list)
    anything: bool = False  # whether the council's record holds anything about the child

    @property
    def team_label(self) -> str:
        """The team as the card names it: Liquidlogic and Mosaic give a department id (no
        letters in it, "104"), whose name the extract does not carry."""
        team = self.team.strip()
        if team and not any(c.isalpha() for c in team):
            return f"Team {team} (name not in the extract)"
        return team

    @property
    def exploitation_factors(self) -> list[tuple[str, str]]:
        """The factors about exploitation (the hub's own assessments derive the same codes)."""
        return [(code, EXPLOITATION_FACTORS[code]) for code in self.factors if code in EXPLOITATION_FACTORS]


def _covers(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


def allocated_roles() -> set[str]:
    """The involvement roles that mean the allocated worker (each council's own codes)."""
    return {role.strip().casefold() for role in settings.CSHUB_ALLOCATED_WORKER_ROLES if role.strip()}


def council_record(person: Person, on: dt.date | None = None) -> CouncilRecord:
    on = on or timezone.localdate()
    record = CouncilRecord(on)
    episodes = list(CinEpisode.objects.filter(person=person))
    open_cin = [e for e in episodes if _covers(e.referral_date, e.close_date, on) and not e.referral_nfa]
    record.cin = max(open_cin, key=lambda e: (e.referral_date or dt.date.min, e.pk), default=None)
    plans = [p for p in CpPlan.objects.filter(person=person) if _covers(p.start_date, p.end_date, on)]
    record.cp_plan = max(plans, key=lambda p: (p.start_date or dt.date.min, p.pk), default=None)
    care = list(ClaEpisode.objects.filter(person=person).order_by("start_date", "pk"))
    current = [c for c in care if _covers(c.start_date, c.ceased_date, on)]
    record.cla = current[-1] if current else None
    if record.cla is not None:
        record.looked_after_since = record.cla.entered_care_date or _period_start(care, record.cla)
    involvements = [
        i
        for i in Involvement.objects.filter(person=person).select_related("professional_user")
        if _covers(i.start_date, i.end_date, on)
    ]
    roles = allocated_roles()
    allocated = [i for i in involvements if i.role.casefold() in roles] or involvements
    holder = max(allocated, key=lambda i: (i.start_date or dt.date.min, i.pk), default=None)
    if holder is not None:
        user = holder.professional_user
        record.team = holder.team
        record.worker = (user.get_full_name() if user else "") or holder.professional
    elif record.cin is not None:
        user = record.cin.worker_user
        record.team = record.cin.team
        record.worker = (user.get_full_name() if user else "") or record.cin.worker
    rows = AssessmentFactor.objects.filter(person=person).select_related("assessment")
    latest = max(
        rows,
        key=lambda f: (f.assessment.auth_date or f.assessment.start_date or dt.date.min, f.pk),
        default=None,
    )
    if latest is not None:
        record.assessment, record.factors = latest.assessment, list(latest.factors)
    record.anything = bool(episodes or care or involvements or latest) or (
        CpPlan.objects.filter(person=person).exists() or CinAssessment.objects.filter(person=person).exists()
    )
    return record


def _period_start(care: list[ClaEpisode], current: ClaEpisode) -> dt.date | None:
    """The start of the period of care an episode is part of: episodes that follow one
    another with no gap (a new episode the day the last ceased) are one period."""
    start = current.start_date
    for episode in reversed(care[: care.index(current)]):
        if episode.ceased_date is not None and start is not None and episode.ceased_date >= start:
            start = episode.start_date
        else:
            break
    return start
