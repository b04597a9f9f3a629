"""What is due on an open episode, by the hub's practice standards (cshub.standards).

One place answers "when is the next assessment due?", so the child's page, the caseloads
and the daily meeting's agenda cannot disagree. A due list is drawn on a day (today, or the
meeting's day) and uses the standards in force on that day (docs/practice-standards.md):
read them once with `in_force(day)` and pass them on, never once a row."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import models
from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from cshub.casework.models import Assessment, Episode
from cshub.core.limits import without_long_text
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.people.models import Person
from cshub.standards import standards as practice

# Every standard's days, as `in_force(day)` gives them: what a due list drawn on a day uses.
Standards = Mapping[str, int]


def standard(name: str, on: dt.date) -> int:
    """The practice standard `name` in force on `on` (one query); a setting that is not a
    practice standard (TEAM_SIZE) from CSHUB_STANDARDS."""
    return practice.standard(name, on)


def in_force(on: dt.date | None = None) -> Standards:
    """Every practice standard in force on `on` (today by default), in one query."""
    return practice.in_force(on or timezone.localdate())


@dataclass(frozen=True)
class Due:
    what: str
    due_date: dt.date
    why: str

    def overdue(self, today: dt.date) -> bool:
        return self.due_date < today


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def assessment_due(
    open_date: dt.date,
    last_completed: dt.date | None,
    first_event_since: dt.date | None,
    rules: Standards,
) -> Due:
    """The next exploitation risk assessment: the first within 4 weeks of opening, then a
    review every 3 months, sooner after a significant event since the last one (the days
    of `rules`, the standards in force on the day the list is drawn)."""
    if last_completed is None:
        first = rules["ASSESSMENT_FIRST"]
        return Due(
            "First exploitation risk assessment",
            open_date + dt.timedelta(days=first),
            f"within {_days(first)} of the episode opening",
        )
    review = rules["ASSESSMENT_REVIEW"]
    due = Due(
        "Assessment review",
        last_completed + dt.timedelta(days=review),
        f"every {_days(review)}",
    )
    if first_event_since is not None:
        after_event = first_event_since + dt.timedelta(days=rules["ASSESSMENT_AFTER_EVENT"])
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


def for_episode(episode: Episode, rules: Standards | None = None) -> Due:
    """The episode's next assessment, by `rules` (the standards in force today by default)."""
    rules = in_force() if rules is None else rules
    row = with_assessment_dates(Episode.objects.filter(pk=episode.pk).only("open_date")).get()
    return assessment_due(row.open_date, row.last_assessed, row.high_risk_since, rules)  # type: ignore[attr-defined]


def overdue_for_meeting(day: dt.date) -> list[tuple[Person, str]]:
    """Children whose assessment (or, later, plan review) is overdue on `day`, with why:
    one source of the daily meeting's agenda."""
    rows = without_long_text(
        with_assessment_dates(Episode.objects.open_on(day).filter(open_date__lte=day)).select_related(
            "person"
        ),
        "person",
    )
    rules = in_force(day)
    found: list[tuple[Person, str]] = []
    for ep in rows:
        due = assessment_due(ep.open_date, ep.last_assessed, ep.high_risk_since, rules)  # type: ignore[attr-defined]
        if due.overdue(day):
            found.append((ep.person, f"{due.what} overdue (due {due.due_date:%-d %B %Y}, {due.why})"))
    return found
