"""The one write path for consultations: recording one, linking an anonymous one to a child,
converting one into a hub referral and recording its follow-up. Each action is atomic and
writes its audit event (and the child's timeline entry) in the same transaction."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assessments.models import Indicator
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.consultations.models import Consultation, How, Outcome
from cshub.core import locks
from cshub.core.codes import Agency, ExploitationType
from cshub.core.dates import check_dates, format_date, london, plausible_event
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.referrals import actions as referrals
from cshub.referrals.models import Referral

# A third consultation about the same child within this many days (London dates, the
# earlier ones on or after the day this many days before) prompts a referral.
PROMPT_DAYS = 90
PROMPT_AT = 3
REFERENCE_MAX = 64


@dataclass(frozen=True)
class ConsultationDetails:
    occurred_at: dt.datetime | None
    how: str
    caller_agency: str
    advice: str
    outcome: str
    caller_name: str = ""
    caller_role: str = ""
    caller_organisation: str = ""
    caller_contact: str = ""
    types: Sequence[str] = field(default_factory=list)
    indicators: Sequence[str] = field(default_factory=list)
    worry: str = ""
    anonymous_initials: str = ""
    anonymous_age: int | None = None
    anonymous_where: str = ""
    follow_up_on: dt.date | None = None


def validate(details: ConsultationDetails) -> None:
    """Field-keyed messages, the same for the page, the API and the importer."""
    errors: dict[str, str] = {}
    if details.occurred_at is None:
        errors["occurred_at"] = "Enter when the consultation took place"
    if details.how not in How.values:
        errors["how"] = "Select how the caller got in touch"
    if details.caller_agency not in Agency.values:
        errors["caller_agency"] = "Select the caller's agency"
    if not details.advice.strip():
        errors["advice"] = "Enter the advice given"
    if details.outcome not in Outcome.values:
        errors["outcome"] = "Select the outcome of the consultation"
    unknown = [t for t in details.types if t not in ExploitationType.values]
    if unknown:
        errors["types"] = "Select types of exploitation from the list"
    if details.indicators:
        known = set(
            Indicator.objects.filter(code__in=list(details.indicators)).values_list("code", flat=True)
        )
        if set(details.indicators) - known:
            errors["indicators"] = "Select indicators from the list"
    if details.anonymous_age is not None and not 0 <= details.anonymous_age <= 25:
        errors["anonymous_age"] = "The age must be between 0 and 25"
    check_dates(
        errors,
        {
            "occurred_at": plausible_event(details.occurred_at, "date of the consultation"),
            "follow_up_on": plausible_event(details.follow_up_on, "follow-up date", future=True),
        },
    )
    if (
        details.follow_up_on
        and details.occurred_at
        and "occurred_at" not in errors
        and details.follow_up_on < london(details.occurred_at).date()
    ):
        errors.setdefault(
            "follow_up_on", "The follow-up date must be on or after the date of the consultation"
        )
    if errors:
        raise ValidationError(errors)


def _summary(consultation: Consultation) -> str:
    who = consultation.caller_role or "A professional"
    return (
        f"Consultation with the hub ({consultation.get_how_display().lower()}): {who}, "
        f"{consultation.get_caller_agency_display()}. Outcome: {consultation.get_outcome_display()}"
    )


def _on_timeline(consultation: Consultation, person: Person, actor: User) -> None:
    add_entry(
        person,
        TimelineKind.CONSULTATION,
        _summary(consultation),
        actor=actor,
        occurred_at=consultation.occurred_at,
        source=consultation,
        link=reverse("consultations:detail", args=[consultation.pk]),
    )


def reference_lock(sender: User, reference: str) -> str:
    return f"consultations:reference:{sender.pk}:{reference}"


@transaction.atomic
def record_consultation(
    details: ConsultationDetails,
    *,
    actor: User,
    person: Person | None = None,
    reference: str | None = None,
    source_id: str | None = None,
) -> Consultation:
    """A consultation about `person` (a known child, or one just created after the duplicate
    check) or, with no person, an anonymous one. With a partner's `reference`, the same
    reference again returns the consultation already recorded (see `record_from_partner`)."""
    consultation, _ = record_from_partner(
        details, actor=actor, person=person, reference=reference, source_id=source_id
    )
    return consultation


@transaction.atomic
def record_from_partner(
    details: ConsultationDetails,
    *,
    actor: User,
    person: Person | None = None,
    reference: str | None = None,
    source_id: str | None = None,
) -> tuple[Consultation, bool]:
    """(the consultation, True when created). Idempotent on the sender's `reference` (each
    sender's references are its own: another partner's same reference is another
    consultation): one check-then-create at a time per sender and reference, so two
    requests at once make one row."""
    require(actor, Perm.RECORD_CONSULTATION)
    reference = (reference or "").strip() or None
    if reference is not None:
        if len(reference) > REFERENCE_MAX:
            raise ValidationError({"reference": f"The reference must be {REFERENCE_MAX} characters or fewer"})
        locks.hold(reference_lock(actor, reference))
        existing = Consultation.objects.filter(recorded_by=actor, reference=reference).first()
        if existing is not None:
            return existing, False
    validate(details)
    assert details.occurred_at is not None  # validate() refuses a consultation without one
    anonymous = person is None
    consultation = Consultation.objects.create(
        occurred_at=details.occurred_at,
        how=details.how,
        caller_name=details.caller_name.strip(),
        caller_role=details.caller_role.strip(),
        caller_agency=details.caller_agency,
        caller_organisation=details.caller_organisation.strip(),
        caller_contact=details.caller_contact.strip(),
        person=person,
        anonymous_initials=details.anonymous_initials.strip() if anonymous else "",
        anonymous_age=details.anonymous_age if anonymous else None,
        anonymous_where=details.anonymous_where.strip() if anonymous else "",
        types=list(details.types),
        indicators=list(details.indicators),
        worry=details.worry.strip(),
        advice=details.advice.strip(),
        outcome=details.outcome,
        follow_up_on=details.follow_up_on,
        reference=reference,
        source_id=source_id,
        recorded_by=actor,
    )
    record_event(actor, Action.CREATE, consultation, child_id=person.pk if person else None)
    if person is not None:
        _on_timeline(consultation, person, actor)
    return consultation, True


@transaction.atomic
def link_to_child(consultation: Consultation, person: Person, *, actor: User) -> Consultation:
    """An anonymous consultation linked to a child's record (audited; then on the timeline)."""
    require(actor, Perm.RECORD_CONSULTATION)
    locks.claim(consultation)
    if consultation.person_id is not None:
        raise ValidationError({"person": "This consultation is already linked to a child"})
    consultation.person = person
    consultation.linked_at = timezone.now()
    consultation.linked_by = actor
    consultation.save(update_fields=["person", "linked_at", "linked_by"])
    record_event(
        actor, Action.UPDATE, consultation, child_id=person.pk, detail={"linked": True, "person": person.pk}
    )
    _on_timeline(consultation, person, actor)
    return consultation


def referral_details(consultation: Consultation) -> referrals.ReferralDetails:
    """The referral as the consultation pre-fills it: the caller as referrer, their agency,
    the types (the first as the main one), the worry as the concerns."""
    types = [t for t in consultation.types if t in ExploitationType.values]
    return referrals.ReferralDetails(
        received_date=london(consultation.occurred_at).date(),
        primary_type=types[0] if types else "",
        other_types=types[1:],
        referrer_name=consultation.caller_name[:120],
        referrer_agency=consultation.caller_agency,
        concerns=consultation.worry,
    )


@transaction.atomic
def convert_to_referral(
    consultation: Consultation, *, actor: User, details: referrals.ReferralDetails | None = None
) -> Referral:
    """Open a hub referral from the consultation (pre-filled from it unless `details` are
    given), linked both ways: `consultation.referral` and `referral.consultation`."""
    require(actor, Perm.RECORD_CONSULTATION)
    locks.claim(consultation)
    if consultation.person is None:
        raise ValidationError({"person": "Link the consultation to a child before referring them to the hub"})
    if consultation.referral_id is not None:
        raise ValidationError({"referral": "This consultation has already become a referral"})
    referral = referrals.record_referral(
        consultation.person, details or referral_details(consultation), actor=actor
    )
    before = consultation.outcome
    consultation.referral = referral
    consultation.outcome = Outcome.HUB_REFERRAL
    consultation.save(update_fields=["referral", "outcome"])
    record_event(
        actor,
        Action.UPDATE,
        consultation,
        child_id=consultation.person_id,
        detail={"referral": referral.pk, "outcome": [before, Outcome.HUB_REFERRAL.value]},
    )
    return referral


@transaction.atomic
def record_follow_up(
    consultation: Consultation, *, actor: User, at: dt.datetime | None = None
) -> Consultation:
    """The follow-up is done: the consultation leaves the recording worker's due list."""
    require(actor, Perm.RECORD_CONSULTATION)
    locks.claim(consultation)
    if consultation.follow_up_on is None:
        raise ValidationError({"followed_up_at": "This consultation has no follow-up date"})
    if consultation.followed_up_at is not None:
        raise ValidationError({"followed_up_at": "The follow-up is already recorded"})
    consultation.followed_up_at = at or timezone.now()
    consultation.followed_up_by = actor
    consultation.save(update_fields=["followed_up_at", "followed_up_by"])
    record_event(
        actor, Action.UPDATE, consultation, child_id=consultation.person_id, detail={"followed_up": True}
    )
    return consultation


def earlier_consultations(person_id: int, on: dt.date, *, exclude: int | None = None) -> list[Consultation]:
    """The child's consultations on London dates from `on` minus PROMPT_DAYS to `on`, latest
    first (the referral page's "discussed with the hub" and the third-consultation prompt)."""
    start = on - dt.timedelta(days=PROMPT_DAYS)
    # A day's margin either side in UTC, then the London date decides.
    rows = Consultation.objects.filter(
        person_id=person_id,
        occurred_at__gte=timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=1), dt.time())),
        occurred_at__lt=timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=2), dt.time())),
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return [c for c in rows if start <= london(c.occurred_at).date() <= on]


def prompts_referral(consultation: Consultation) -> bool:
    """True for the third (or later) consultation about the same child within PROMPT_DAYS,
    while it has not become a referral."""
    if consultation.person_id is None or consultation.referral_id is not None:
        return False
    day = london(consultation.occurred_at).date()
    earlier = [
        c
        for c in earlier_consultations(consultation.person_id, day, exclude=consultation.pk)
        if (c.occurred_at, c.pk) < (consultation.occurred_at, consultation.pk)
    ]
    return len(earlier) + 1 >= PROMPT_AT


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def described(consultation: Consultation) -> str:
    return f"the consultation of {format_date(london(consultation.occurred_at))}"
