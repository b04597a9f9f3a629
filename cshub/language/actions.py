"""The one write path for the phrase list."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core import locks
from cshub.language.models import Kind, Phrase
from cshub.people.actions import require


@transaction.atomic
def add_phrase(phrase: str, kind: str, why: str, instead: str, *, actor: User) -> Phrase:
    require(actor, Perm.REVIEW_CASEWORK)
    errors: dict[str, str] = {}
    phrase = " ".join(phrase.split()).lower()
    locks.hold(f"language:phrase:{phrase}")
    if not phrase:
        errors["phrase"] = "Enter the phrase"
    elif Phrase.objects.filter(phrase__iexact=phrase).exists():
        errors["phrase"] = "This phrase is already in the list"
    if kind not in Kind.values:
        errors["kind"] = "Select what is wrong with the phrase"
    if not instead.strip():
        errors["instead"] = "Say what to write instead"
    if errors:
        raise ValidationError(errors)
    row = Phrase.objects.create(
        phrase=phrase, kind=kind, why=why.strip(), instead=instead.strip(), added_by=actor
    )
    record_event(actor, Action.CREATE, row)
    return row
