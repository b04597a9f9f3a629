"""The one write path of the reports room: the problem profile's commentary."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.metrics import Period
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.people.actions import require
from cshub.reports.models import ProfileCommentary, ProfileSection


@transaction.atomic
def write_profile_commentary(section: str, period: Period, text: str, *, actor: User) -> ProfileCommentary:
    require(actor, Perm.WRITE_COMMENTARY)
    if section not in ProfileSection.values:
        raise ValidationError({"section": "Unknown section"})
    if not text.strip():
        raise ValidationError({"text": "Enter the commentary: what the figures show and why"})
    entry = ProfileCommentary.objects.create(
        section=section, period_start=period.start, period_end=period.end, text=text.strip(), written_by=actor
    )
    record_event(actor, Action.CREATE, entry, detail={"section": section, "report": "problem profile"})
    return entry
