"""A child's current risk level, where a worker looks first: the last assessment a manager
reviewed (the reviewer's level and the assessment's date) and whether the next assessment
is overdue (`casework.due`'s rule, in SQL).

One annotation (`with_current_risk`) for any query whose rows lead to a child, so the
identity bar, the overview, the caseloads, the return-interview queue and the meeting's
items read it the same way and in one query, however many rows there are."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import BooleanField, Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from cshub.casework.due import in_force
from cshub.casework.models import Assessment, Episode, RiskLevel
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.people.models import Person

QS = TypeVar("QS", bound="models.QuerySet[Any]")

# Higher is more worrying; a child with no reviewed assessment ranks below low.
RANK: dict[str, int] = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
COLOUR: dict[str, str] = {RiskLevel.HIGH: "red", RiskLevel.MEDIUM: "orange", RiskLevel.LOW: "green"}


def with_current_risk(qs: QS, person: str = "person", today: dt.date | None = None) -> QS:
    """`qs` annotated with `risk_level` (the reviewer's level on the child's last reviewed
    assessment, or None), `risk_assessed_on` (that assessment's date), `risk_rank` (3 high
    … 0 none, for sorting) and `risk_review_overdue` (the next assessment on the child's
    open episode is overdue today, by the standards in force today: one query for them,
    however many rows). `person` is the path from a row to the child's id."""
    today = today or timezone.localdate()
    rules = in_force(today)
    child = OuterRef(person)
    reviewed = (
        Assessment.objects.filter(episode__person=child)
        .exclude(reviewer_risk_level="")
        .order_by("-completed_date", "-id")
    )
    open_episode = Episode.objects.filter(person=child, close_date__isnull=True)
    last_on_open = (
        Assessment.objects.filter(episode__person=child, episode__close_date__isnull=True)
        .order_by("-completed_date", "-id")
        .values("completed_date")[:1]
    )
    # The first high-risk missing episode after the last assessment brings the review
    # forward (`due.assessment_due`): overdue when that was more than a week ago.
    high_risk_since_then = MissingEpisode.objects.filter(
        person=child,
        police_risk=PoliceRisk.HIGH,
        reported_at__date__gt=OuterRef("risk_last_assessed"),
        reported_at__date__lt=today - dt.timedelta(days=rules["ASSESSMENT_AFTER_EVENT"]),
    )
    annotated: QS = qs.annotate(
        risk_level=Subquery(reviewed.values("reviewer_risk_level")[:1]),
        risk_assessed_on=Subquery(reviewed.values("completed_date")[:1]),
        risk_open_since=Subquery(open_episode.values("open_date")[:1]),
        risk_last_assessed=Subquery(last_on_open),
    ).annotate(
        risk_rank=Case(
            *(When(risk_level=level, then=Value(rank)) for level, rank in RANK.items()),
            default=Value(0),
            output_field=IntegerField(),
        ),
        risk_review_overdue=Case(
            When(risk_open_since__isnull=True, then=Value(False)),
            When(
                risk_last_assessed__isnull=True,
                risk_open_since__lt=today - dt.timedelta(days=rules["ASSESSMENT_FIRST"]),
                then=Value(True),
            ),
            When(risk_last_assessed__isnull=True, then=Value(False)),
            When(
                Q(risk_last_assessed__lt=today - dt.timedelta(days=rules["ASSESSMENT_REVIEW"]))
                | Exists(high_risk_since_then),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    return annotated


@dataclass(frozen=True)
class CurrentRisk:
    level: str | None
    assessed_on: dt.date | None
    review_overdue: bool
    open: bool

    @property
    def label(self) -> str:
        return RiskLevel(self.level).label if self.level else ""

    @property
    def colour(self) -> str:
        return COLOUR.get(self.level or "", "grey")


def risk_of(row: Any) -> CurrentRisk:
    """The current risk of an annotated row (see `with_current_risk`)."""
    return CurrentRisk(
        row.risk_level,
        row.risk_assessed_on,
        bool(row.risk_review_overdue),
        row.risk_open_since is not None,
    )


def current_risk(person_id: int, today: dt.date | None = None) -> CurrentRisk:
    """One child's current risk (the identity bar, the overview)."""
    return risk_of(with_current_risk(Person.objects.filter(pk=person_id).only("pk"), "pk", today).get())
