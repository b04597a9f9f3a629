"""The one access helper: every page and API endpoint gets a child's record through
get_child_for_user(), which 404s when the user may not see it and audits the view."""

from collections.abc import Iterable

from django.db.models import F, OuterRef, Subquery
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


class MergedRecord(Http404):
    """The record was merged into another: pages go to the survivor's same page (with a
    banner saying so, people.middleware); the API answers 404."""

    def __init__(self, person_id: int, survivor_id: int) -> None:
        super().__init__("No such record")
        self.person_id = person_id
        self.survivor_id = survivor_id


def may_see(user: User, person: Person) -> bool:
    if not user.is_authenticated or not user.has(Perm.VIEW_CHILD):
        return False
    if not person.restricted:
        return True
    if AccessGrant.objects.filter(person=person, user=user).exists():
        return True
    return BreakGlass.objects.filter(person=person, user=user, expires_at__gt=timezone.now()).exists()


def is_named(user: User, person: Person) -> bool:
    """Named on the record (an access grant), not just inside a break-glass window."""
    return AccessGrant.objects.filter(person=person, user=user).exists()


def may_change_access(user: User, person: Person) -> bool:
    """Who may restrict a record, lift its restriction or name people on it: a user with the
    permission who, for a restricted record, is named on it. Break glass is for reading in
    an emergency; it never lets anyone change who may see the record."""
    return user.has(Perm.RESTRICT_RECORD) and (not person.restricted or is_named(user, person))


def break_glass_reasons_visible(user: User, child_ids: Iterable[int]) -> set[int]:
    """The children whose break-glass reasons this user may read: those they are named on,
    and those of their own team (the agency of the hub worker on the child's open episode,
    or the last one). Other managers see that glass was broken, not why."""
    ids = set(child_ids)
    if not ids or not user.has(Perm.REVIEW_ACCESS):
        return set()
    named = set(AccessGrant.objects.filter(user=user, person_id__in=ids).values_list("person_id", flat=True))
    episode_model = Person._meta.get_field("episodes").related_model  # casework is to our right
    assert not isinstance(episode_model, str)
    team = episode_model._default_manager.filter(person=OuterRef("pk")).order_by(
        F("close_date").desc(nulls_first=True), "-open_date", "-id"
    )
    ours = Person.objects.filter(pk__in=ids - named).annotate(
        team=Subquery(team.values("allocated_worker__agency")[:1])
    )
    return named | set(ours.filter(team=user.agency).values_list("pk", flat=True))


def get_child_for_user(
    user: User, person_id: int, *, audit: bool = True, part: str = "", forward: bool = True
) -> Person:
    """The person record, if this user may see it; else Http404. Writes a VIEW event.

    `part` names what was viewed ("timeline", "referral 12") for the audit trail. A record
    merged into another raises MergedRecord (naming the survivor), unless `forward` is
    False (the unmerge page, which is about the merged record itself).
    """
    try:
        person = Person.objects.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No such record") from None
    if forward and person.merged_into_id is not None:
        raise MergedRecord(person.pk, person.survivor().pk)
    if not may_see(user, person):
        if user.is_authenticated:
            record_event(user, Action.ACCESS_DENIED, person, child_id=person.pk, detail={"part": part})
        if person.restricted and user.has(Perm.VIEW_CHILD):
            raise RestrictedRecord(person.pk)
        raise Http404("No such record")
    if audit:
        record_event(user, Action.VIEW, person, child_id=person.pk, detail={"part": part} if part else {})
    return person
