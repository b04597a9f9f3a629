"""The one write path for referrals and threshold decisions."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.changes import change_detail, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.core.codes import ExploitationType
from cshub.core.dates import check_dates, plausible_event
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.referrals.models import Decision, Referral


@dataclass(frozen=True)
class ReferralDetails:
    received_date: dt.date
    primary_type: str
    other_types: list[str] = field(default_factory=list)
    source_code: str = ""
    referrer_name: str = ""
    referrer_agency: str = ""
    concerns: str = ""
    mash_consulted: bool = False
    mash_consulted_on: dt.date | None = None
    mash_consultee: str = ""
    mash_advice: str = ""


def _validate(details: ReferralDetails) -> None:
    errors: dict[str, str] = {}
    check_dates(
        errors,
        {
            "received_date": plausible_event(details.received_date, "date received"),
            "mash_consulted_on": plausible_event(details.mash_consulted_on, "MASH consultation date"),
        },
    )
    if details.primary_type not in ExploitationType.values:
        errors["primary_type"] = "Select the main type of exploitation"
    if details.primary_type in details.other_types:
        errors["other_types"] = "Do not repeat the main type of exploitation as another type"
    if details.mash_consulted and details.mash_consulted_on is None:
        errors["mash_consulted_on"] = "Enter when the MASH was consulted"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_referral(
    person: Person, details: ReferralDetails, *, actor: User, source_id: str | None = None
) -> Referral:
    require(actor, Perm.RECORD_REFERRAL)
    _validate(details)
    referral = Referral.objects.create(
        person=person, recorded_by=actor, source_id=source_id, **details.__dict__
    )
    record_event(actor, Action.CREATE, referral, child_id=person.pk)
    add_entry(
        person,
        TimelineKind.REFERRAL,
        f"Referral received: {referral.get_primary_type_display()}",
        actor=actor,
        occurred_at=referral.received_date,
        source=referral,
        link=reverse("referrals:detail", args=[referral.pk]),
    )
    return referral


@transaction.atomic
def decide_referral(
    referral: Referral, decision: str, rationale: str, *, actor: User, decision_date: dt.date | None = None
) -> Referral:
    require(actor, Perm.DECIDE_REFERRAL)
    locks.claim(referral)
    decision_date = decision_date or timezone.localdate()
    errors: dict[str, str] = {}
    if referral.decision != Decision.PENDING:
        errors["decision"] = "This referral already has a decision"
    if decision not in (Decision.OPEN, Decision.NFA, Decision.SIGNPOSTED):
        errors["decision"] = "Select the threshold decision"
    if not rationale.strip():
        errors["rationale"] = "Enter the reasons for the decision"
    if decision_date < referral.received_date:
        errors["decision_date"] = "The decision date must be on or after the date the referral was received"
    check_dates(errors, {"decision_date": plausible_event(decision_date, "decision date")})
    if errors:
        raise ValidationError(errors)
    decided = ["decision", "decision_rationale", "decision_date", "decided_by"]
    before = snapshot(referral, decided)
    referral.decision = decision
    referral.decision_rationale = rationale.strip()
    referral.decision_date = decision_date
    referral.decided_by = actor
    referral.save()
    record_event(
        actor,
        Action.UPDATE,
        referral,
        child_id=referral.person_id,
        detail=change_detail(
            before, snapshot(referral, decided), decision=decision, before=before["decision"]
        ),
    )
    add_entry(
        referral.person,
        TimelineKind.DECISION,
        f"Threshold decision: {referral.get_decision_display()}. {referral.decision_rationale}",
        actor=actor,
        occurred_at=decision_date,
        source=referral,
        link=reverse("referrals:detail", args=[referral.pk]),
    )
    return referral
