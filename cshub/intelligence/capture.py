"""Capture without retyping: return-interview entries and where (and with whom) a missing
child was found become links to subjects, matched to subjects already known (a plate or
phone in its normal form, an adult through the person-index search, a place by postcode
and name) or proposed as new subjects for a worker to confirm.

`missing` sends a signal from its actions (`missing.signals`), in their transaction;
this room listens, so `missing` never imports it. Capture never stops the interview or
the episode being recorded: an entry that cannot be captured is left as it is (it is
still on the interview and on the "places and people" page)."""

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.codes import Agency
from cshub.core.dates import LONDON
from cshub.intelligence import normalise
from cshub.intelligence.actions import (
    LinkDetails,
    SubjectDetails,
    _identity,
    _record_link,
    create_subject,
    rule_grading,
)
from cshub.intelligence.models import Handling, Link, LinkType, PlaceKind, SourceType, Subject, SubjectKind
from cshub.meetings.models import AgendaItem
from cshub.meetings.models import SourceKind as MeetingSource
from cshub.missing import signals
from cshub.missing.models import EntryKind, InterviewEntry, MissingEpisode, ReturnInterview
from cshub.people.actions import require
from cshub.people.models import Person, PersonType
from cshub.people.search import search_people

log = logging.getLogger(__name__)

ENTRY_LINKS = {
    EntryKind.PLACE: (SubjectKind.PLACE, LinkType.SEEN_AT),
    EntryKind.PERSON: (SubjectKind.ADULT, LinkType.ASSOCIATES),
    EntryKind.VEHICLE: (SubjectKind.VEHICLE, LinkType.TRAVELS_IN),
    EntryKind.PHONE: (SubjectKind.PHONE, LinkType.CONTACTS),
}
CERTAIN = 97.0  # as missing's police reports: a near-identical name


def subject_key(kind: str, value: str) -> tuple[str, str]:
    """(key, shown name) of a mention, as capture and the data migration match it. A value
    that is not a plate or phone CSHub recognises keeps its words as typed ('as given:')."""
    try:
        if kind == SubjectKind.VEHICLE:
            plate = normalise.plate(value)
            return plate, plate
        if kind == SubjectKind.PHONE:
            number = normalise.phone(value)
            return number, number
    except normalise.NotRecognisedError:
        return f"as given:{normalise.text_key(value)}", value.strip()
    if kind == SubjectKind.PLACE:
        return f"|{normalise.text_key(value)}", value.strip()
    return f"name:{normalise.text_key(value)}", value.strip()


def proposable(kind: str, value: str) -> bool:
    """Whether a mention may become a subject by itself: a phone only when it is a phone
    number (phonenumbers reads it: "Snapchat account" is not one). The entry stays on the
    interview, and on *Places and people*, as the child said it."""
    if kind != SubjectKind.PHONE:
        return True
    try:
        normalise.phone(value)
    except normalise.NotRecognisedError:
        return False
    return True


def match_subject(kind: str, value: str, *, actor: User) -> tuple[Subject, bool]:
    """The subject a mention is about, and whether it was just proposed."""
    key, name = subject_key(kind, value)
    known = Subject.objects.filter(kind=kind)
    if kind == SubjectKind.PLACE:
        found = known.filter(key__endswith=key).order_by("-confirmed", "id").first()
    else:
        found = known.filter(key=key).order_by("-confirmed", "id").first()
    if found is None and kind == SubjectKind.ADULT:
        adults = Person.objects.visible_to(actor).filter(person_type=PersonType.ADULT)
        matches = search_people(adults, value, limit=2)
        if matches and matches[0].score >= CERTAIN and (len(matches) == 1 or matches[1].score < CERTAIN):
            person = matches[0].person
            found = known.filter(person=person).first()
            if found is None:
                found = Subject(kind=kind, name=person.full_name, key=str(person.pk), person=person)
    if found is not None and found.pk is not None:
        return found, False
    subject = found or Subject(kind=kind, name=name[:200], key=key[:200])
    subject.confirmed, subject.created_by = False, actor
    if kind == SubjectKind.PLACE:
        subject.place_kind = "OTHER"
    subject.save()
    record_event(actor, Action.CREATE, subject, detail={"kind": kind, "proposed": True})
    return subject, True


def _link_once(
    child: Person, subject: Subject, link_type: str, source: str, source_id: str, *, actor: User, **kw: Any
) -> None:
    if Link.objects.filter(
        child=child, subject=subject, link_type=link_type, source_type=source, source_id=source_id
    ).exists():
        return
    _record_link(
        LinkDetails(
            subject=subject,
            link_type=link_type,
            source_type=source,
            source_id=source_id,
            child_id=child.pk,
            **kw,
        ),
        actor=actor,
    )


def _safely(what: str, run: Callable[[], None]) -> None:
    try:
        with transaction.atomic():  # a savepoint: a failed capture leaves the record saved
            run()
    except ValidationError as exc:
        log.warning("intelligence capture of %s skipped: %s", what, sorted(getattr(exc, "message_dict", {})))


def capture_interview(interview: ReturnInterview, *, actor: User) -> None:
    episode = interview.missing_episode
    seen = (interview.completed_at or episode.returned_at or episode.reported_at).astimezone(LONDON).date()
    entries: list[InterviewEntry] = list(interview.entries.all())
    for entry in entries:
        kind, link_type = ENTRY_LINKS[EntryKind(entry.kind)]
        if not proposable(kind, entry.value):
            continue

        def run(entry: InterviewEntry = entry, kind: str = kind, link_type: str = link_type) -> None:
            subject, _ = match_subject(kind, entry.value, actor=actor)
            _link_once(
                episode.person,
                subject,
                link_type,
                SourceType.RETURN_INTERVIEW,
                str(interview.pk),
                actor=actor,
                first_seen=seen,
                detail=entry.detail,
            )

        _safely(f"interview entry {entry.pk}", run)


def capture_found(episode: MissingEpisode, *, actor: User) -> None:
    seen = (episode.returned_at or episode.reported_at or timezone.now()).astimezone(LONDON).date()
    for kind, link_type, value in (
        (SubjectKind.PLACE, LinkType.FOUND_AT, episode.found_location),
        (
            SubjectKind.ADULT,
            LinkType.FOUND_WITH,
            episode.found_with if episode.found_with_adult_of_concern else "",
        ),
    ):
        if not value.strip():
            continue

        def run(kind: str = kind, link_type: str = link_type, value: str = value) -> None:
            subject, _ = match_subject(kind, value, actor=actor)
            _link_once(
                episode.person,
                subject,
                link_type,
                SourceType.MISSING_EPISODE,
                str(episode.pk),
                actor=actor,
                first_seen=seen,
            )

        _safely(f"missing episode {episode.pk}", run)


@dataclass
class Captured:
    subjects: list[Subject] = field(default_factory=list)  # proposed by this capture
    links: list[Link] = field(default_factory=list)  # written by this capture


CHUNK = 2000


def _first_known(kind: str, keys: set[str]) -> dict[str, int]:
    """The subject each key names (confirmed first, then the oldest), as `match_subject`."""
    found: dict[str, int] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), CHUNK if kind != SubjectKind.PLACE else 100):
        chunk = ordered[start : start + CHUNK]
        if kind == SubjectKind.PLACE:  # a place mentioned by name: any postcode
            query = Subject.objects.filter(reduce(or_, (Q(key__endswith=k) for k in chunk)), kind=kind)
        else:
            query = Subject.objects.filter(kind=kind, key__in=chunk)
        for key, pk in query.order_by("-confirmed", "id").values_list("key", "pk"):
            mention = "|" + key.rpartition("|")[2] if kind == SubjectKind.PLACE else key
            found.setdefault(mention, pk)
    return found


def capture_entries(entry_ids: Sequence[int], *, actor: User | None) -> Captured:
    """`capture_interview` for many entries at once (an import), inside the caller's
    transaction: the same subjects matched or proposed, the same links graded by rule, and
    nothing twice (idempotent on child, subject, link type and interview). A few queries
    for the lot, plus one person search per distinct name of an adult that matched no
    subject. The caller audits what this returns and raises its alerts
    (`alerts.raise_for_links`). `actor` None: the console import, which may see everyone."""
    rows: list[tuple[Any, ...]] = []
    ids = sorted(set(entry_ids))
    for start in range(0, len(ids), CHUNK):
        rows += (
            InterviewEntry.objects.filter(
                pk__in=ids[start : start + CHUNK], person__person_type=PersonType.CHILD
            )
            .order_by("id")
            .values_list(
                "kind",
                "value",
                "detail",
                "person_id",
                "interview_id",
                "interview__completed_at",
                "interview__missing_episode__returned_at",
                "interview__missing_episode__reported_at",
            )
        )
    captured = Captured()
    if not rows:
        return captured
    mentions = [
        (ENTRY_LINKS[EntryKind(r[0])], subject_key(ENTRY_LINKS[EntryKind(r[0])][0], r[1]), r)
        for r in rows
        if proposable(ENTRY_LINKS[EntryKind(r[0])][0], r[1])
    ]
    by_kind: dict[str, set[str]] = {}
    for (kind, _), (key, _), _ in mentions:
        by_kind.setdefault(kind, set()).add(key)
    known = {
        (kind, key): pk for kind, keys in by_kind.items() for key, pk in _first_known(kind, keys).items()
    }
    proposed: dict[tuple[str, str], Subject] = {}
    adults = Person.objects.filter(person_type=PersonType.ADULT)
    if actor is not None:
        adults = Person.objects.visible_to(actor).filter(person_type=PersonType.ADULT)
    searched: dict[str, tuple[str, str]] = {}  # a name given -> the subject (kind, key) it is
    for (kind, _), (key, name), (_, value, *_) in mentions:
        if (
            (kind, key) in known
            or (kind, key) in proposed
            or (kind == SubjectKind.ADULT and value in searched)
        ):
            continue
        if kind == SubjectKind.ADULT:
            matches = search_people(adults, value, limit=2)
            if matches and matches[0].score >= CERTAIN and (len(matches) == 1 or matches[1].score < CERTAIN):
                person = matches[0].person
                ident = (kind, str(person.pk))
                searched[value] = ident
                if ident in known or ident in proposed:
                    continue
                record = Subject.objects.filter(kind=kind, person=person).first()
                if record is not None:
                    known[ident] = record.pk
                    continue
                proposed[ident] = Subject(kind=kind, name=person.full_name, key=ident[1], person=person)
                continue
        proposed[(kind, key)] = Subject(kind=kind, name=name[:200], key=key[:200])
    for subject in proposed.values():
        subject.confirmed, subject.created_by = False, actor
        if subject.kind == SubjectKind.PLACE:
            subject.place_kind = PlaceKind.OTHER
    Subject.objects.bulk_create(list(proposed.values()), batch_size=1000)
    captured.subjects = list(proposed.values())
    pk_of = {ident: s.pk for ident, s in proposed.items()} | known
    sources = sorted({str(r[4]) for r in rows})
    held: set[tuple[int, int, str, str]] = set()
    for start in range(0, len(sources), CHUNK):
        held |= set(
            Link.objects.filter(
                source_type=SourceType.RETURN_INTERVIEW, source_id__in=sources[start : start + CHUNK]
            ).values_list("child_id", "subject_id", "link_type", "source_id")
        )
    grading = rule_grading(SourceType.RETURN_INTERVIEW)
    for (kind, link_type), (key, _), (_, value, detail, child, interview, *when) in mentions:
        subject_pk = pk_of[searched.get(value, (kind, key)) if kind == SubjectKind.ADULT else (kind, key)]
        once = (child, subject_pk, link_type, str(interview))
        if once in held:
            continue
        held.add(once)
        seen = next(w for w in when if w is not None).astimezone(LONDON).date()
        captured.links.append(
            Link(
                child_id=child,
                subject_id=subject_pk,
                link_type=link_type,
                first_seen=seen,
                last_seen=seen,
                source_type=SourceType.RETURN_INTERVIEW,
                source_id=str(interview),
                detail=detail.strip(),
                source_evaluation=grading.source_evaluation,
                assessment=grading.assessment,
                handling=grading.handling,
                agencies=[Agency.POLICE.value] if grading.handling == Handling.CONDITIONS else [],
                graded_by_rule=True,
                recorded_by=actor,
            )
        )
    Link.objects.bulk_create(captured.links, batch_size=1000)
    return captured


def _on_interview(sender: object, *, interview: ReturnInterview, actor: User, **kwargs: object) -> None:
    capture_interview(interview, actor=actor)


def _on_found(sender: object, *, episode: MissingEpisode, actor: User, **kwargs: object) -> None:
    capture_found(episode, actor=actor)


def connect() -> None:
    signals.interview_recorded.connect(_on_interview, dispatch_uid="intelligence.capture.interview")
    signals.episode_found.connect(_on_found, dispatch_uid="intelligence.capture.found")


@dataclass(frozen=True)
class MeetingEntry:
    """What an agency shared at a meeting item, as a structured entry: a subject (an adult
    by their record in the person index, or by name to be proposed), a link type, dates."""

    subject: SubjectDetails
    link_type: str
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    detail: str = ""


def _meeting_subject(details: SubjectDetails, *, actor: User) -> Subject:
    """The subject an entry is about: a known one with the same key (confirmed first), else
    a proposal. An adult chosen by their record is that adult's subject (confirmed: the
    worker chose the record); an adult named only is matched as interview entries are."""
    if details.kind == SubjectKind.ADULT and details.person_id is None:
        if not details.name.strip():
            raise ValidationError({"name": "Enter the adult's name"})
        return match_subject(SubjectKind.ADULT, details.name, actor=actor)[0]
    name, key, person, errors = _identity(details, actor)
    if errors:
        raise ValidationError(errors)
    known = Subject.objects.filter(kind=details.kind).order_by("-confirmed", "id")
    found = known.filter(person=person).first() if person is not None else known.filter(key=key).first()
    if found is None and details.kind == SubjectKind.PLACE and not details.postcode.strip():
        found = known.filter(key__endswith=f"|{normalise.text_key(name)}").first()
    if found is not None:
        return found
    return create_subject(details, actor=actor, confirmed=person is not None)


@transaction.atomic
def capture_meeting_entry(
    item: AgendaItem, child: Person, entry: MeetingEntry, *, actor: User
) -> tuple[Link, bool]:
    """One entry shared at a meeting item of kind Intelligence about a child becomes a link
    with source "meeting item" (its id), graded by rule: (the link, whether it is new).
    Idempotent on (child, subject, link type, item)."""
    require(actor, Perm.RECORD_INTELLIGENCE)
    if item.source_kind != MeetingSource.INTELLIGENCE or item.removed_at is not None:
        raise ValidationError({"item": "Intelligence is recorded from a meeting item of kind Intelligence"})
    if not item.children.filter(pk=child.pk).exists():
        raise ValidationError({"item": "This child is not on the meeting item"})
    subject = _meeting_subject(entry.subject, actor=actor)
    source_id = str(item.pk)
    same = Link.objects.filter(
        child=child,
        subject=subject,
        link_type=entry.link_type,
        source_type=SourceType.MEETING_ITEM,
        source_id=source_id,
    ).first()
    if same is not None:
        return same, False
    link = _record_link(
        LinkDetails(
            subject=subject,
            link_type=entry.link_type,
            source_type=SourceType.MEETING_ITEM,
            source_id=source_id,
            child_id=child.pk,
            first_seen=entry.first_seen or item.meeting.date,
            last_seen=entry.last_seen,
            detail=entry.detail,
        ),
        actor=actor,
    )
    return link, True
