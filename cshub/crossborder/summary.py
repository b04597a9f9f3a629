"""The agreed summary: the fixed, reviewed set of fields a hub may send about a confirmed
match (docs/region.md, "Sharing"). Never the whole record; never free text about the person.
The manager sees every field's value before sending, and unticks any not to send."""

from dataclasses import dataclass

from cshub.casework.models import Episode
from cshub.casework.risk import current_risk
from cshub.core.codes import ExploitationType
from cshub.core.dates import format_date
from cshub.linkage.models import LinkageRef, RecordKind
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.referrals.models import Referral


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    children_only: bool = False


FIELDS: tuple[Field, ...] = (
    Field("name", "Name"),
    Field("date_of_birth", "Date of birth"),
    Field("risk_level", "Current risk level", children_only=True),
    Field("exploitation_types", "Types of exploitation", children_only=True),
    Field("open_episode", "Open to the hub", children_only=True),
    Field("allocated_worker", "Allocated hub worker", children_only=True),
    Field("worker_contact", "Hub worker's contact", children_only=True),
    Field("last_missing", "Last missing episode", children_only=True),
)
LABELS = {f.key: f.label for f in FIELDS}
VALUE_MAX_LENGTH = 500  # a received value longer than this is refused


def in_order(summary: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) in the agreed order of `FIELDS` (a JSON object's keys come back in another
    order from PostgreSQL's jsonb), then anything this version does not know, by its key."""
    known = [(f.label, summary[f.key]) for f in FIELDS if f.key in summary]
    return known + [(k, v) for k, v in sorted(summary.items()) if k not in LABELS]


def person_of(ref: LinkageRef) -> Person:
    """The record a linkage ref stands for: the child, or the adult of concern's person."""
    if ref.person is not None:
        return ref.person
    assert ref.subject is not None
    assert ref.subject.person is not None
    return ref.subject.person


def fields_for(ref: LinkageRef) -> list[Field]:
    return [f for f in FIELDS if ref.kind == RecordKind.CHILD or not f.children_only]


def build(ref: LinkageRef) -> dict[str, str]:
    """Every field of the summary offered for this record, as words, in the fixed order."""
    person = person_of(ref)
    values: dict[str, str] = {"name": person.full_name}
    born = format_date(person.date_of_birth) if person.date_of_birth else "Not known"
    values["date_of_birth"] = f"{born} (estimated)" if person.dob_estimated else born
    if ref.kind == RecordKind.CHILD:
        risk = current_risk(person.pk)
        values["risk_level"] = risk.label or "Not assessed"
        types: list[str] = []
        for referral in Referral.objects.filter(person=person).order_by("-received_date", "-pk"):
            for code in [referral.primary_type, *referral.other_types]:
                label = ExploitationType(code).label if code in ExploitationType.values else ""
                if label and label not in types:
                    types.append(label)
        values["exploitation_types"] = ", ".join(types) or "None recorded"
        episode = (
            Episode.objects.filter(person=person, close_date__isnull=True)
            .select_related("allocated_worker")
            .order_by("-open_date", "-pk")
            .first()
        )
        values["open_episode"] = "Yes" if episode else "No"
        worker = episode.allocated_worker if episode else None
        values["allocated_worker"] = (
            (worker.get_full_name() or worker.username) if worker else "Not allocated"
        )
        values["worker_contact"] = (worker.email or "Not recorded") if worker else "Not allocated"
        last = MissingEpisode.objects.filter(person=person).order_by("-reported_at").first()
        values["last_missing"] = format_date(last.reported_at) if last else "None recorded"
    return values
