"""Changes to the whole-area register (docs/register.md). Each action is atomic, checks the
permission, writes its audit event and the child's timeline entry in the same transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.people.actions import require
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.register import queries
from cshub.register.models import Triage, TriageDecision


@transaction.atomic
def triage(person: Person, *, decision: str, reason: str, actor: User) -> Triage:
    """A worker's decision about a child on the triage list ("Not known to the hub"): bring
    them to the next daily meeting (the agenda rule `register.agenda` puts them on its
    agenda) or "considered, not for the hub". The reason is required. The child leaves the
    list until a flag is recorded after this decision. Refused for a child who is not on the
    list: no flag in force, known to the hub, or decided about since their last flag (the
    same decision sent twice)."""
    require(actor, Perm.MANAGE_REGISTER)
    errors: dict[str, str] = {}
    if decision not in TriageDecision.values:
        errors["decision"] = "Select what you decided"
    if not reason.strip():
        errors["reason"] = (
            "Say why the daily meeting should discuss this child"
            if decision == TriageDecision.MEETING
            else "Say why the hub does not need to be involved"
        )
    if errors:
        raise ValidationError(errors)
    locks.hold(locks.child(person.pk))
    now = timezone.now()
    if not queries.triage_rows(timezone.localdate(now), now).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "decision": "This child is not on the list of children to consider: a decision has been recorded "
                "since their last flag, the hub knows them, or no flag is in force"
            }
        )
    made = Triage.objects.create(
        person=person, decision=decision, reason=reason.strip(), decided_by=actor, decided_at=now
    )
    record_event(actor, Action.CREATE, made, child_id=person.pk, detail={"decision": decision})
    by = f"{actor.get_full_name()} ({actor.get_agency_display()})"
    if decision == TriageDecision.MEETING:
        summary = f"Brought to the daily meeting from the whole-area register by {by}: {made.reason}"
        kind = TimelineKind.FLAGGED_FOR_MEETING
    else:
        summary = f"Considered from the whole-area register by {by}, not for the hub: {made.reason}"
        kind = TimelineKind.AREA_FLAG
    add_entry(
        person,
        kind,
        summary,
        actor=actor,
        occurred_at=now,
        source=made,
        link=reverse("casework:child", args=[person.pk]),
    )
    return made
