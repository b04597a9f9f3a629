from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.notifications import choices
from cshub.notifications.models import EmailChoice


@transaction.atomic
def set_email_choices(user: User, kinds: Collection[str], *, actor: User) -> set[str]:
    """A person chooses the emails they get (only their own). Every kind offered to them is
    saved, on or off, so a default changed later does not change what they chose."""
    if actor.pk != user.pk:
        raise PermissionDenied("people choose their own emails")
    offered = choices.offered(user)
    if unknown := set(kinds) - set(offered):
        raise ValidationError({"kinds": f"Choose from the emails offered ({len(unknown)} not offered)"})
    # Two saves at once run one after the other (the last one wins), never both deleting
    # and both inserting.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    EmailChoice.objects.filter(user=user).delete()
    EmailChoice.objects.bulk_create(EmailChoice(user=user, kind=k, send=k in kinds) for k in offered)
    on = sorted(set(kinds))
    record_event(actor, Action.UPDATE, user, detail={"emails": on})
    return set(on)
