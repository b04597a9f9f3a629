"""Who may see what of a disruption or an operation (docs/disruption.md, "Who sees what").

- A disruption is seen, with its subject, by those who may see intelligence
  (`VIEW_INTELLIGENCE`); one recorded for a joint operation only by those who may open the
  operation. An adult of concern whose person record the user may not see is "a
  restricted record" (as on intelligence's pages).
- A child's timeline says that a disruption happened (its type, date and status) and never
  names its subject, so the child's other users learn what was done, not about whom.
- An operation opens only for its members and whoever opened it (who must also hold
  `VIEW_INTELLIGENCE`); anyone else gets 404, as `get_child_for_user` answers for a record
  they may not see."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.disruption.models import Disruption, Operation
from cshub.intelligence.models import Subject
from cshub.people.access import may_see

RESTRICTED_RECORD = "a restricted record"


def subject_name(user: User, subject: Subject) -> str:
    if subject.person is not None and not may_see(user, subject.person):
        return RESTRICTED_RECORD
    return subject.name


def get_operation_for_user(user: User, pk: int, *, audit: bool = True, part: str = "") -> Operation:
    """The operation, if this user may open it; else Http404. Writes a VIEW event."""
    operation = Operation.objects.filter(pk=pk).first()
    if operation is None or not user.has(Perm.VIEW_INTELLIGENCE) or not operation.open_to(user):
        raise Http404("No such operation")
    if audit:
        record_event(user, Action.VIEW, operation, detail={"part": part} if part else None)
    return operation


def get_disruption_for_user(user: User, pk: int) -> Disruption:
    disruption = get_object_or_404(
        Disruption.objects.visible_to(user).select_related("subject__person", "officer", "operation"), pk=pk
    )
    if not user.has(Perm.VIEW_INTELLIGENCE):
        raise Http404("No such disruption")
    return disruption
