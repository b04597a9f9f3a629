"""What is due on an open episode, by the hub's practice standards (settings.CSHUB_STANDARDS).

One place answers "when is the next assessment due?", so the child's page, the caseloads
and the daily meeting's agenda cannot disagree."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Min, OuterRef, Subquery

from cshub.casework.models import Assessment, Episode
from cshub.core.limits import without_long_text
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.people.models import Person


def standard(name: str) -> int:
    return int(settings.CSHUB_STANDARDS[name])


@dataclass(frozen=True)
class Due:
    what: str
    due_date: dt.date
    why: str

    def overdue(self, today: dt.date) -> bool:
        return self.due_date < today


def assessment_due(
    open_date: dt.date, last_completed: dt.date | None, first_event_since: dt.date | None
) -> Due:
    """The next exploitation risk assessment: the first within 4 weeks of opening, then a
    review every 3 months, sooner after a significant event since the last one."""
    if last_completed is None:
        return Due(
            "First exploitation risk assessment",
            open_date + dt.timedelta(days=standard("ASSESSMENT_FIRST")),
            "within 4 weeks of the episode opening",
        )
    due = Due(
        "Assessment review",
        last_completed + dt.timedelta(days=standard("ASSESSMENT_REVIEW")),
        "every 3 months",
    )
    if first_event_since is not None:
        after_event = first_event_since + dt.timedelta(days=standard("ASSESSMENT_AFTER_EVENT"))
        if after_event < due.due_date:
            due = Due("Assessment review", after_event, "after a high-risk missing episode")
    return due


def _high_risk_since(last_completed: "OuterRef | str") -> Subquery:
    return Subquery(
        MissingEpisode.objects.filter(
            person=OuterRef("person"),
            police_risk=PoliceRisk.HIGH,
            reported_at__date__gt=OuterRef(last_completed),
        )
        .values("person")
        .annotate(first=Min("reported_at__date"))
        .values("first")[:1]
    )


def with_assessment_dates(episodes: "models.QuerySet[Episode]") -> "models.QuerySet[Episode]":
    """Annotated with subqueries (not a join and an aggregate, which would multiply rows
    when the high-risk subquery joins the grouping)."""
    last = (
        Assessment.objects.filter(episode=OuterRef("pk"))
        .order_by("-completed_date")
        .values("completed_date")[:1]
    )
    return episodes.annotate(last_assessed=Subquery(last)).annotate(
        high_risk_since=_high_risk_since("last_assessed")
    )


def for_episode(episode: Episode) -> Due:
    row = with_assessment_dates(Episode.objects.filter(pk=episode.pk).only("open_date")).get()
    return assessment_due(row.open_date, row.last_assessed, row.high_risk_since)  # type: ignore[attr-defined]


def overdue_for_meeting(day: dt.date) -> list[tuple[Person, str]]:
    """Children whose assessment (or, later, plan review) is overdue on `day`, with why:
    one source of the daily meeting's agenda."""
    rows = without_long_text(
        with_assessment_dates(Episode.objects.open_on(day).filter(open_date__lte=day)).select_related(
            "person"
        ),
        "person",
    )
    found: list[tuple[Person, str]] = []
    for ep in rows:
        due = assessment_due(ep.open_date, ep.last_assessed, ep.high_risk_since)  # type: ignore[attr-defined]
        if due.overdue(day):
            found.append((ep.person, f"{due.what} overdue (due {due.due_date:%-d %B %Y}, {due.why})"))
    return found
