"""export(): every table of the interchange format, as the importer reads it
(import → export → import changes nothing)."""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from cshub.access.models import User
from cshub.assurance.models import ReferencePopulation
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Assessment, Episode
from cshub.consultations.models import Consultation
from cshub.intelligence.models import Handling, Link, SourceType, Subject, SubjectKind
from cshub.interchange import socialcare_export, supervision
from cshub.interchange.records import interchange_id
from cshub.interchange.spec import BY_KEY
from cshub.interchange.values import format_date, format_datetime, format_flag, guard
from cshub.missing.models import InterviewEntry, MissingEpisode, ReturnInterview
from cshub.people.models import Address, NameKind, Person
from cshub.referrals.models import Referral


def _ids(model: Any, pks: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in pks if pk is not None}
    return {
        o.pk: interchange_id(o) for o in model._default_manager.filter(pk__in=wanted).only("pk", "source_id")
    }


def _professionals() -> Iterable[list[str]]:
    users = User.objects.exclude(source_id__isnull=True) | User.objects.filter(pk__in=_referenced_staff())
    for u in users.order_by("pk"):
        yield [interchange_id(u), u.get_full_name() or u.username, u.job_title, u.agency]


def _people() -> Iterable[list[str]]:
    for p in Person.objects.prefetch_related("names").order_by("pk"):
        aliases = ";".join(str(n) for n in p.names.all() if n.kind == NameKind.ALIAS)
        yield [
            interchange_id(p),
            p.forename,
            p.surname,
            format_date(p.date_of_birth),
            p.sex,
            p.gender,
            p.ethnicity,
            p.upn,
            p.person_type,
            aliases,
            format_date(p.date_of_birth) if p.dob_estimated else "",
        ]


def _addresses() -> Iterable[list[str]]:
    people = _ids(Person, Address.objects.values_list("person_id", flat=True))
    for a in Address.objects.order_by("pk"):
        yield [
            interchange_id(a),
            people[a.person_id],
            a.postcode,
            format_date(a.start_date),
            format_date(a.end_date),
            _s(a.imd_decile),
        ]


def _referrals() -> Iterable[list[str]]:
    people = _ids(Person, Referral.objects.values_list("person_id", flat=True))
    for r in Referral.objects.order_by("pk"):
        yield [
            interchange_id(r),
            people[r.person_id],
            format_date(r.received_date),
            r.source_code,
            r.primary_type,
            ";".join(r.other_types),
            r.decision,
            format_date(r.decision_date),
            r.decision_rationale,
        ]


def _consultations() -> Iterable[list[str]]:
    items = list(Consultation.objects.order_by("pk"))
    people = _ids(Person, (c.person_id for c in items))
    referrals = _ids(Referral, (c.referral_id for c in items))
    staff = _ids(User, (c.recorded_by_id for c in items))
    for c in items:
        yield [
            interchange_id(c),
            format_datetime(c.occurred_at),
            c.how,
            c.caller_name,
            c.caller_role,
            c.caller_agency,
            c.caller_organisation,
            c.caller_contact,
            people.get(c.person_id or 0, ""),
            c.anonymous_initials,
            _s(c.anonymous_age),
            c.anonymous_where,
            ";".join(c.types),
            ";".join(c.indicators),
            c.worry,
            c.advice,
            c.outcome,
            referrals.get(c.referral_id or 0, ""),
            format_date(c.follow_up_on),
            format_datetime(c.followed_up_at),
            staff[c.recorded_by_id],
        ]


def _episodes() -> Iterable[list[str]]:
    episodes = list(Episode.objects.order_by("pk"))
    people = _ids(Person, (e.person_id for e in episodes))
    referrals = _ids(Referral, (e.referral_id for e in episodes))
    staff = _ids(User, (e.allocated_worker_id for e in episodes))
    for e in episodes:
        yield [
            interchange_id(e),
            people[e.person_id],
            referrals.get(e.referral_id or 0, ""),
            format_date(e.open_date),
            format_date(e.close_date),
            staff.get(e.allocated_worker_id or 0, ""),
            e.outcome_eet,
            e.outcome_stable_accommodation,
            e.outcome_positive_relationship,
            format_flag(e.feedback_child),
            format_flag(e.feedback_parent_carer),
            e.feedback_child_said,
            e.feedback_child_how,
            e.feedback_parent_carer_said,
            e.feedback_parent_carer_how,
        ]


def _assessments() -> Iterable[list[str]]:
    items = list(Assessment.objects.order_by("pk"))
    episodes = _ids(Episode, (a.episode_id for a in items))
    staff = _ids(User, [a.assessor_id for a in items] + [a.reviewer_id for a in items])
    for a in items:
        yield [
            interchange_id(a),
            episodes[a.episode_id],
            format_date(a.completed_date),
            a.risk_level,
            staff.get(a.assessor_id or 0, ""),
            staff.get(a.reviewer_id or 0, ""),
            a.reviewer_risk_level,
            ";".join(a.cin_factors),
        ]


def _missing() -> Iterable[list[str]]:
    people = _ids(Person, MissingEpisode.objects.values_list("person_id", flat=True))
    for m in MissingEpisode.objects.order_by("pk"):
        yield [
            interchange_id(m),
            people[m.person_id],
            format_datetime(m.reported_at),
            format_datetime(m.returned_at),
            m.missing_type,
            m.rhi_offered,
            m.rhi_accepted,
            m.police_risk,
            format_flag(m.from_care),
        ]


def _interviews() -> Iterable[list[str]]:
    items = list(ReturnInterview.objects.order_by("pk"))
    missing = _ids(MissingEpisode, (i.missing_episode_id for i in items))
    staff = _ids(User, (i.interviewer_id for i in items))
    for i in items:
        yield [
            interchange_id(i),
            missing[i.missing_episode_id],
            i.outcome,
            format_datetime(i.offered_at),
            format_datetime(i.completed_at),
            staff.get(i.interviewer_id or 0, ""),
            i.delay_reason,
            format_flag(i.exploitation_concern),
        ]


def _interview_entries() -> Iterable[list[str]]:
    items = list(InterviewEntry.objects.order_by("pk"))
    interviews = _ids(ReturnInterview, (e.interview_id for e in items))
    for e in items:
        yield [interviews[e.interview_id], e.kind, e.value, e.detail]


def _subject_cells(subject: Subject | None, people: dict[int, str]) -> list[str]:
    """kind, value, person_id, platform, place_kind, postcode, group_kind."""
    if subject is None:
        return [""] * 7
    if subject.kind == SubjectKind.ADULT:
        return [subject.kind, "", people.get(subject.person_id or 0, ""), "", "", "", ""]
    return [
        subject.kind,
        subject.name,
        "",
        subject.platform,
        subject.place_kind,
        subject.postcode,
        subject.group_kind,
    ]


def _intelligence() -> Iterable[list[str]]:
    """Links from police intelligence entries (those from interviews and missing episodes
    are captured again from their records on import)."""
    links = list(
        Link.objects.filter(source_type=SourceType.POLICE)
        .select_related("subject", "from_subject")
        .order_by("pk")
    )
    people = _ids(
        Person,
        [lk.child_id for lk in links]
        + [s.person_id for lk in links for s in (lk.subject, lk.from_subject) if s is not None],
    )
    for lk in links:
        graded = not lk.graded_by_rule
        yield [
            interchange_id(lk),
            people.get(lk.child_id or 0, ""),
            *_subject_cells(lk.from_subject, people),
            *_subject_cells(lk.subject, people),
            lk.link_type,
            format_date(lk.first_seen),
            format_date(lk.last_seen),
            lk.source_evaluation if graded else "",
            lk.assessment if graded else "",
            lk.handling if graded else "",
            ";".join(lk.agencies or []) if graded and lk.handling == Handling.CONDITIONS else "",
            lk.detail,
        ]


def _population() -> Iterable[list[str]]:
    for p in ReferencePopulation.objects.all():
        yield [p.dimension, p.group, str(p.count)]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _referenced_staff() -> set[int]:
    ids = set(Episode.objects.exclude(allocated_worker=None).values_list("allocated_worker_id", flat=True))
    ids |= set(Assessment.objects.exclude(assessor=None).values_list("assessor_id", flat=True))
    ids |= set(Assessment.objects.exclude(reviewer=None).values_list("reviewer_id", flat=True))
    ids |= set(ReturnInterview.objects.exclude(interviewer=None).values_list("interviewer_id", flat=True))
    ids |= set(Consultation.objects.values_list("recorded_by_id", flat=True))
    return ids | supervision.referenced_staff()


ROWS: dict[str, Callable[[], Iterable[list[str]]]] = {
    "professional": _professionals,
    "person": _people,
    "address": _addresses,
    "referral": _referrals,
    "consultation": _consultations,
    "episode": _episodes,
    "assessment": _assessments,
    "missing": _missing,
    "return_interview": _interviews,
    "population": _population,
    "interview_entry": _interview_entries,
    "intelligence": _intelligence,
}
ROWS.update(supervision.ROWS)
ROWS.update(socialcare_export.ROWS)  # the council's record of the child


def export(
    directory: Path, *, actor: User | None, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    counts: dict[str, int] = {}
    for key, rows in ROWS.items():
        table = BY_KEY[key]
        target = directory / table.filename
        target.touch(mode=0o600)
        target.chmod(0o600)  # the files name children: readable by their owner only
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in table.columns])
            n = 0
            for row in rows():
                writer.writerow([guard(cell) for cell in row])
                n += 1
        counts[key] = n
        if progress:
            progress(key, n)
    with transaction.atomic():
        record_event(actor, Action.EXPORT, detail={"counts": counts, "to": directory.name})
    return counts
