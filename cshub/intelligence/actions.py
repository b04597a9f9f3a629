"""The one write path for intelligence: subjects, links, grading and grading rules. Each
action is atomic and writes its audit event (and, for a link to a child, the child's
timeline entry) in the same transaction; a refused input writes nothing."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.codes import Agency
from cshub.core.dates import format_date, plausible_event
from cshub.core.limits import field_limit, too_long
from cshub.core.text import hidden_problem, nfc
from cshub.intelligence import normalise
from cshub.intelligence.models import (
    Assessment,
    GradingRule,
    GroupKind,
    Handling,
    Link,
    LinkType,
    PlaceKind,
    SourceEvaluation,
    SourceType,
    Subject,
    SubjectKind,
)
from cshub.people.access import get_child_for_user, may_see
from cshub.people.actions import require
from cshub.people.models import Person, PersonType, TimelineKind
from cshub.people.timeline import add_entry

# Before the hub sets its own: what a worker's record of what a child said is worth.
DEFAULT_GRADING = ("2", "C", "P")


@dataclass(frozen=True)
class SubjectDetails:
    kind: str
    name: str = ""  # a place's or group's name; a plate, phone or handle as typed
    person_id: int | None = None  # an adult of concern: their record in the person index
    place_kind: str = ""
    postcode: str = ""
    ward: str = ""
    platform: str = ""
    group_kind: str = ""
    description: str = ""


@dataclass(frozen=True)
class Grading:
    source_evaluation: str
    assessment: str
    handling: str
    agencies: tuple[str, ...] = ()  # code C: who may see it (default: the police)
    named_user_ids: tuple[int, ...] = ()

    @property
    def code(self) -> str:
        return f"{self.source_evaluation}{self.assessment}{self.handling}"


@dataclass(frozen=True)
class LinkDetails:
    subject: Subject
    link_type: str
    source_type: str
    child_id: int | None = None
    from_subject: Subject | None = None
    source_id: str = ""
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    detail: str = ""
    grading: Grading | None = None  # None: graded by the rule for its source type
    extra: dict[str, str] = field(default_factory=dict)


def grading_errors(grading: Grading) -> dict[str, str]:
    errors: dict[str, str] = {}
    if grading.source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = "Select the source evaluation: 1, 2 or 3"
    if grading.assessment not in Assessment.values:
        errors["assessment"] = "Select the intelligence assessment: A, B, C, D or E"
    if grading.handling not in Handling.values:
        errors["handling"] = "Select the handling code: P or C"
    unknown = [a for a in grading.agencies if a not in Agency.values]
    if unknown:
        errors["agencies"] = "Select agencies from the list"
    if grading.handling == Handling.SHARE and (grading.agencies or grading.named_user_ids):
        errors["agencies"] = "Only code C has handling conditions: choose C, or name nobody"
    return errors


def is_police(user: User) -> bool:
    return user.agency == Agency.POLICE


def _identity(details: SubjectDetails, actor: User) -> tuple[str, str, Person | None, dict[str, str]]:
    """(name, key, person, errors): the subject's shown name and its normal form."""
    errors: dict[str, str] = {}
    name, key, person = nfc(details.name.strip()), "", None
    for cell, label, value in (
        ("name", "The name", details.name),
        ("platform", "The platform", details.platform),
    ):
        if problem := hidden_problem(value, label):
            errors[cell] = problem.replace("Type the name", "Type it")
    if errors:
        return name, "", None, errors
    limit = field_limit(Subject, "name")
    if len(name) > limit:
        return name, "", None, {"name": too_long("The name", limit)}
    try:
        if details.kind == SubjectKind.ADULT:
            if details.person_id is None:
                errors["person"] = "Select the adult's record in the person index"
            else:
                try:
                    person = get_child_for_user(actor, details.person_id, audit=False)
                except Http404:
                    person = None
                if person is None or person.person_type != PersonType.ADULT:
                    errors["person"] = "Select an adult's record you may see"
                else:
                    name, key = person.full_name, str(person.pk)
        elif details.kind == SubjectKind.VEHICLE:
            key = name = normalise.plate(name)
        elif details.kind == SubjectKind.PHONE:
            key = name = normalise.phone(name)
        elif details.kind == SubjectKind.ACCOUNT:
            if not details.platform.strip():
                errors["platform"] = "Enter the platform, like Snapchat"
            handle = normalise.handle(name)
            if not handle:
                errors["name"] = "Enter the account's handle"
            key = f"{normalise.text_key(nfc(details.platform))}:{handle}"
        elif details.kind == SubjectKind.PLACE:
            if not name:
                errors["name"] = "Enter the place's name or address"
            if details.place_kind not in PlaceKind.values:
                errors["place_kind"] = "Select what kind of place it is"
            key = f"{normalise.postcode(details.postcode)}|{normalise.text_key(name)}"
        elif details.kind == SubjectKind.GROUP:
            if not name:
                errors["name"] = "Enter the group's name (a county line by its line name)"
            if details.group_kind not in GroupKind.values:
                errors["group_kind"] = "Select what kind of group it is"
            key = f"{details.group_kind}:{normalise.text_key(name)}"
        else:
            errors["kind"] = "Select what the subject is"
    except normalise.NotRecognisedError as exc:
        errors["postcode" if "postcode" in str(exc) else "name"] = str(exc)
    return name, key, person, errors


def existing_subject(kind: str, key: str) -> Subject | None:
    return Subject.objects.filter(kind=kind, key=key, confirmed=True).order_by("id").first()


@transaction.atomic
def create_subject(details: SubjectDetails, *, actor: User, confirmed: bool = True) -> Subject:
    require(actor, Perm.RECORD_INTELLIGENCE)
    name, key, person, errors = _identity(details, actor)
    if not errors and details.kind != SubjectKind.PLACE and existing_subject(details.kind, key):
        errors["name"] = f"{SubjectKind(details.kind).label} {name} is already recorded"
    if errors:
        raise ValidationError(errors)
    subject = Subject.objects.create(
        kind=details.kind,
        name=name,
        key=key,
        person=person,
        place_kind=details.place_kind if details.kind == SubjectKind.PLACE else "",
        postcode=normalise.postcode(details.postcode) if details.kind == SubjectKind.PLACE else "",
        ward=details.ward.strip(),
        platform=nfc(details.platform.strip()),
        group_kind=details.group_kind if details.kind == SubjectKind.GROUP else "",
        description=details.description.strip(),
        confirmed=confirmed,
        created_by=actor,
    )
    record_event(actor, Action.CREATE, subject, child_id=None, detail={"kind": subject.kind})
    return subject


@transaction.atomic
def confirm_subject(subject: Subject, *, actor: User, person_id: int | None = None) -> Subject:
    """A worker confirms a subject proposed from a return interview. The same plate, phone
    or account already confirmed: its links move to that one, and the proposal goes."""
    require(actor, Perm.RECORD_INTELLIGENCE)
    if subject.confirmed:
        raise ValidationError("This subject is already confirmed")
    details = SubjectDetails(
        kind=subject.kind,
        name=subject.name,
        person_id=person_id,
        place_kind=subject.place_kind or PlaceKind.OTHER,
        postcode=subject.postcode,
        group_kind=subject.group_kind,
        platform=subject.platform,
    )
    name, key, person, errors = _identity(details, actor)
    if errors:
        raise ValidationError(errors)
    same = existing_subject(subject.kind, key) if subject.kind != SubjectKind.PLACE else None
    if same is not None:
        Link.objects.filter(subject=subject).update(subject=same)
        Link.objects.filter(from_subject=subject).update(from_subject=same)
        subject.alerts.update(subject=same)
        record_event(actor, Action.UPDATE, same, detail={"merged_proposal": subject.pk})
        subject.delete()
        return same
    subject.name, subject.key, subject.person, subject.confirmed = name, key, person, True
    subject.place_kind = details.place_kind if subject.kind == SubjectKind.PLACE else ""
    subject.save()
    record_event(actor, Action.UPDATE, subject, detail={"confirmed": True})
    return subject


def rule_grading(source_type: str) -> Grading:
    rule = GradingRule.objects.filter(source_type=source_type).first()
    if rule is None:
        return Grading(*DEFAULT_GRADING)
    return Grading(rule.source_evaluation, rule.assessment, rule.handling)


def _check_link(details: LinkDetails, actor: User) -> tuple[Person | None, dict[str, str]]:
    errors: dict[str, str] = {}
    child = None
    if (details.child_id is None) == (details.from_subject is None):
        errors["child"] = "A link is from a child or from a subject"
    if details.child_id is not None:
        try:
            child = get_child_for_user(actor, details.child_id, audit=False)
        except Http404:
            errors["child"] = "You cannot link to this child: the record does not exist or you may not see it"
        else:
            if child.person_type != PersonType.CHILD:
                errors["child"] = "Select a child (an adult of concern is a subject)"
    for part, subject in (("subject", details.subject), ("from_subject", details.from_subject)):
        if subject is not None and subject.person is not None and not may_see(actor, subject.person):
            errors[part] = "You cannot link to this subject: you may not see their record"
    if details.from_subject is not None and details.from_subject.pk == details.subject.pk:
        errors["subject"] = "A subject cannot be linked to itself"
    if details.link_type not in LinkType.values:
        errors["link_type"] = "Select the kind of link"
    if details.source_type not in SourceType.values:
        errors["source_type"] = "Select where the information came from"
    for name, value in (("first_seen", details.first_seen), ("last_seen", details.last_seen)):
        if problem := plausible_event(value, name.replace("_", " ")):
            errors[name] = problem
    if details.first_seen and details.last_seen and details.last_seen < details.first_seen:
        errors["last_seen"] = "Last seen must be the same as or after first seen"
    limit = field_limit(Link, "detail")
    if len(details.detail.strip()) > limit:
        errors["detail"] = too_long("The detail", limit)
    if details.grading is not None:
        if not is_police(actor):
            errors["source_evaluation"] = "Only a police officer grades intelligence; leave it to the rule"
        errors |= grading_errors(details.grading)
    return child, errors


def _apply_grading(link: Link, grading: Grading) -> None:
    link.source_evaluation, link.assessment, link.handling = (
        grading.source_evaluation,
        grading.assessment,
        grading.handling,
    )
    link.agencies = (
        list(grading.agencies or ([] if grading.named_user_ids else [Agency.POLICE.value]))
        if grading.handling == Handling.CONDITIONS
        else []
    )


def _named_users(grading: Grading) -> list[User]:
    users = [
        u
        for u in User.objects.filter(pk__in=grading.named_user_ids, is_active=True)
        if u.has(Perm.VIEW_INTELLIGENCE)
    ]
    if len(users) != len(set(grading.named_user_ids)):
        raise ValidationError({"named_users": "Name only people who may see intelligence in CSHub"})
    return users


@transaction.atomic
def record_link(details: LinkDetails, *, actor: User) -> Link:
    require(actor, Perm.RECORD_INTELLIGENCE)
    return _record_link(details, actor=actor)


def _record_link(details: LinkDetails, *, actor: User) -> Link:
    child, errors = _check_link(details, actor)
    if errors:
        raise ValidationError(errors)
    by_rule = details.grading is None
    grading = details.grading or rule_grading(details.source_type)
    named = _named_users(grading) if grading.named_user_ids else []
    link = Link(
        child=child,
        from_subject=details.from_subject,
        subject=details.subject,
        link_type=details.link_type,
        first_seen=details.first_seen,
        last_seen=details.last_seen or details.first_seen,
        source_type=details.source_type,
        source_id=details.source_id,
        detail=details.detail.strip(),
        graded_by_rule=by_rule,
        graded_by=None if by_rule else actor,
        graded_at=None if by_rule else timezone.now(),
        recorded_by=actor,
    )
    _apply_grading(link, grading)
    link.save()
    if named:
        link.named_users.set(named)
    record_event(
        actor,
        Action.CREATE,
        link,
        child_id=child.pk if child else None,
        detail={"subject": details.subject.pk, "type": link.link_type, "grading": link.grading},
    )
    if child is not None:
        when = f" ({format_date(link.last_seen)})" if link.last_seen else ""
        summary = (
            f"Intelligence link: {link.get_link_type_display().lower()} "
            f"{details.subject.get_kind_display().lower()}{when}"
        )
        add_entry(
            child,
            TimelineKind.INTELLIGENCE,
            summary,
            actor=actor,
            occurred_at=link.last_seen or timezone.now(),
            source=link,
            link=reverse("intelligence:subject", args=[details.subject.pk]),
        )
    from cshub.intelligence.alerts import raise_alerts

    raise_alerts(link, actor=actor)
    return link


@transaction.atomic
def grade_link(link: Link, grading: Grading, *, actor: User) -> Link:
    """A police officer grades (or regrades) a link: it is no longer graded by rule."""
    require(actor, Perm.RECORD_INTELLIGENCE)
    if not is_police(actor):
        raise ValidationError({"source_evaluation": "Only a police officer grades intelligence"})
    errors = grading_errors(grading)
    if errors:
        raise ValidationError(errors)
    named = _named_users(grading) if grading.named_user_ids else []
    before = link.grading
    _apply_grading(link, grading)
    link.graded_by_rule, link.graded_by, link.graded_at = False, actor, timezone.now()
    link.save()
    link.named_users.set(named)
    record_event(
        actor,
        Action.UPDATE,
        link,
        child_id=link.child_id,
        detail={
            "grading": [before, link.grading],
            "agencies": link.agencies,
            "named": sorted(u.pk for u in named),
        },
    )
    return link


@transaction.atomic
def set_grading_rule(source_type: str, grading: Grading, *, actor: User) -> GradingRule:
    """The hub's grading for links captured from a source type (managers set it)."""
    require(actor, Perm.VIEW_TEAM_CASELOAD)
    if source_type not in SourceType.values:
        raise ValidationError({"source_type": "Select a source type"})
    errors = grading_errors(grading)
    if errors:
        raise ValidationError(errors)
    rule, _ = GradingRule.objects.update_or_create(
        source_type=source_type,
        defaults={
            "source_evaluation": grading.source_evaluation,
            "assessment": grading.assessment,
            "handling": grading.handling,
        },
    )
    record_event(actor, Action.UPDATE, rule, detail={"grading": rule.grading})
    return rule


def subjects_by_ids(ids: Iterable[int]) -> dict[int, Subject]:
    return Subject.objects.in_bulk(list(ids))
