"""The one access helper: every page and API endpoint gets a child's record through
get_child_for_user(), which 404s when the user may not see it and audits the view."""

from django.http import Http404
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.people.models import AccessGrant, BreakGlass, Person


class RestrictedRecord(Http404):
    """The record exists but is restricted: pages offer break glass, the API answers 404."""

    def __init__(self, person_id: int) -> None:
        super().__init__("No such record")
        self.person_id = person_id


def may_see(user: User, person: Person) -> bool:
    if not user.is_authenticated or not user.has(Perm.VIEW_CHILD):
        return False
    if not person.restricted:
        return True
    if AccessGrant.objects.filter(person=person, user=user).exists():
        return True
    return BreakGlass.objects.filter(person=person, user=user, expires_at__gt=timezone.now()).exists()


def get_child_for_user(user: User, person_id: int, *, audit: bool = True, part: str = "") -> Person:
    """The person record, if this user may see it; else Http404. Writes a VIEW event.

    `part` names what was viewed ("timeline", "referral 12") for the audit trail.
    """
    try:
        person = Person.objects.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No such record") from None
    if not may_see(user, person):
        if user.is_authenticated:
            record_event(user, Action.ACCESS_DENIED, person, child_id=person.pk, detail={"part": part})
        if person.restricted and user.has(Perm.VIEW_CHILD):
            raise RestrictedRecord(person.pk)
        raise Http404("No such record")
    if audit:
        record_event(user, Action.VIEW, person, child_id=person.pk, detail={"part": part} if part else {})
    return person
