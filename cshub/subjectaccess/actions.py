"""Preparing, reviewing and releasing a subject access export; every step audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.limits import SHORT_TEXT_MAX
from cshub.people.models import Person
from cshub.subjectaccess import export
from cshub.subjectaccess.models import Decision, ReviewItem, SubjectAccessRequest


def require(user: User, perm: Perm) -> None:
    if not user.has(perm):
        raise PermissionDenied(f"missing permission {perm}")


@transaction.atomic
def start(actor: User, person: Person, reference: str = "") -> SubjectAccessRequest:
    require(actor, Perm.SUBJECT_ACCESS)
    request = SubjectAccessRequest.objects.create(
        person=person, reference=reference.strip(), created_by=actor
    )
    ReviewItem.objects.bulk_create(
        ReviewItem(request=request, kind=kind, key=key, text=text, where=where[:SHORT_TEXT_MAX])
        for kind, key, text, where in export.items_for(person)
    )
    record_event(actor, Action.CREATE, request, child_id=person.pk, detail={"items": request.items.count()})
    return request


@transaction.atomic
def decide(actor: User, item: ReviewItem, decision: str, reason: str) -> ReviewItem:
    require(actor, Perm.SUBJECT_ACCESS)
    item = ReviewItem.objects.select_for_update().select_related("request").get(pk=item.pk)
    if item.request.released_at is not None:
        raise ValidationError("This export has been released: start a new one to change it")
    if decision not in (Decision.REDACT, Decision.KEEP):
        raise ValidationError({"decision": "Choose whether to redact or keep it"})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason"})
    if len(reason) > SHORT_TEXT_MAX:
        raise ValidationError({"reason": f"Reason must be {SHORT_TEXT_MAX} characters or fewer"})
    item.decision, item.reason, item.decided_by, item.decided_at = decision, reason, actor, timezone.now()
    item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    record_event(
        actor,
        Action.REDACT if decision == Decision.REDACT else Action.UPDATE,
        item,
        child_id=item.request.person_id,
        reason=reason,
        detail={"request": item.request.pk, "kind": item.kind, "decision": decision},
    )
    return item


@transaction.atomic
def release(actor: User, request: SubjectAccessRequest) -> bytes:
    require(actor, Perm.SUBJECT_ACCESS)
    request = SubjectAccessRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    items = list(request.items.all())
    pending = sum(1 for i in items if i.decision == Decision.PENDING)
    if pending:
        raise ValidationError(f"Review every marked item before release: {pending} not reviewed")
    data = export.build_zip(request.person, items)
    request.released_at, request.released_by, request.released_sha256 = (
        timezone.now(),
        actor,
        export.sha256(data),
    )
    request.save(update_fields=["released_at", "released_by", "released_sha256"])
    record_event(
        actor,
        Action.EXPORT,
        request,
        child_id=request.person_id,
        detail={"subject_access": request.pk, "sha256": request.released_sha256},
    )
    return data
