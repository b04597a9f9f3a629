"""The records behind a figure: for the figures listed here, the records counted in the
numerator (or the count), from the same querysets the metrics modules count, so a
drill-down can never disagree with the figure. Each entry: a description and a function
from the period to (records, the path from a record to its child)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cshub.assurance.metrics import area, consultations, demand, impact, missing
from cshub.assurance.metrics.base import Period
from cshub.casework.due import standard
from cshub.casework.models import Episode
from cshub.supervision.models import without_supervision


@dataclass(frozen=True)
class Drill:
    title: str
    records: Callable[[Period], "QuerySet[Any]"]
    person_path: str


DRILLS: dict[str, Drill] = {
    "referrals.received": Drill("Referrals received", demand.received, "person"),
    "referrals.previously_open": Drill(
        "Referrals about a child open to the hub before", demand.previously_open, "person"
    ),
    "referrals.progressed": Drill("Referrals opened to the hub", demand.progressed, "person"),
    "missing.reports": Drill("Missing reports", missing.reported, "person"),
    "missing.children": Drill("Children reported missing", missing.reported_about_children, "person"),
    "rhi.completed": Drill("Return interviews completed", missing.completed, "missing_episode__person"),
    "rhi.within_72h": Drill(
        "Return interviews completed within 72 hours", missing.within_72h, "missing_episode__person"
    ),
    "closures": Drill("Closures", impact.closures, "person"),
    "outcomes.eet": Drill(
        "Closures: in education, employment or training",
        lambda p: impact.outcome_achieved(p, "outcomes.eet"),
        "person",
    ),
    "outcomes.stable_accommodation": Drill(
        "Closures: in stable accommodation",
        lambda p: impact.outcome_achieved(p, "outcomes.stable_accommodation"),
        "person",
    ),
    "outcomes.positive_relationship": Drill(
        "Closures: with a positive, trusted relationship",
        lambda p: impact.outcome_achieved(p, "outcomes.positive_relationship"),
        "person",
    ),
    "supervision.overdue": Drill(
        "Open episodes with no supervision within the supervision standard",
        lambda p: without_supervision(
            Episode.objects.all(), p.measured_on, standard("SUPERVISION", p.measured_on)
        ),
        "person",
    ),
    # Anonymous consultations are counted (records) but name no child (person null).
    "consultations.total": Drill("Consultations", consultations.in_period, "person"),
    "area.children": Drill("Children flagged at risk of exploitation in the area", area.children, "pk"),
    "area.known_to_hub": Drill("Children flagged in the area and known to the hub", area.known_to_hub, "pk"),
    "area.seen_at_daily_meeting": Drill(
        "Children flagged in the area and discussed at the daily meeting", area.seen_at_daily_meeting, "pk"
    ),
}


def children(name: str, period: Period) -> "tuple[QuerySet[Any], int]":
    """The child ids behind a figure (a values queryset) and how many records it counts."""
    drill = DRILLS[name]
    records = drill.records(period)
    return records.values_list(drill.person_path, flat=True).distinct(), records.count()


def unnamed(name: str, period: Period) -> int:
    """How many of the records behind a figure name no child (anonymous consultations)."""
    drill = DRILLS[name]
    return drill.records(period).filter(**{f"{drill.person_path}__isnull": True}).count()
