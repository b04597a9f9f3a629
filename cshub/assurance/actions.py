"""The one write path for commentary."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.assurance.metrics import Period
from cshub.assurance.models import Commentary, Section
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.people.actions import require


@transaction.atomic
def write_commentary(section: str, period: Period, text: str, *, actor: User) -> Commentary:
    require(actor, Perm.WRITE_COMMENTARY)
    if section not in Section.values:
        raise ValidationError({"section": "Unknown section"})
    if not text.strip():
        raise ValidationError({"text": "Enter the commentary: what the figures show and why"})
    entry = Commentary.objects.create(
        section=section, period_start=period.start, period_end=period.end, text=text.strip(), written_by=actor
    )
    record_event(actor, Action.CREATE, entry, detail={"section": section})
    return entry
