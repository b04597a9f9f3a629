"""Who a report about a child is about, when the sender does not know the CSHub id: the one
rule for a police report naming a child (`missing.actions.receive_report_about`) and a
flag naming a child (`register.actions.receive_flag_about`).

One certain match (the same date of birth, a near-identical name, and no other likely
match, restricted or not) is that child. No likely match at all, with a date of birth: a
new record. Anything in between is for a worker to decide (the caller holds the report),
so nothing is dropped and no child gets two records. Call it inside the caller's
transaction, after holding `locks.PERSON_CREATION` (one "does this child have a record?"
at a time)."""

import datetime as dt
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError

from cshub.access.models import User
from cshub.core.dates import plausible_birth
from cshub.core.text import hidden_problem, nfc
from cshub.people.duplicates import DuplicateCheck, check_duplicates
from cshub.people.models import Person

CERTAIN_SCORE = 97.0


@dataclass(frozen=True)
class ReportedChild:
    """Who a report is about, as the sending system names them."""

    forename: str
    surname: str
    date_of_birth: dt.date | None = None
    sex: str = ""


@dataclass(frozen=True)
class Identified:
    """The answer: `person` is the child (a certain match, or a record just created), or
    None when a worker must decide; `matches` the likely matches that were weighed."""

    person: Person | None
    created: bool
    matches: DuplicateCheck


def clean_child(child: ReportedChild) -> ReportedChild:
    """The names as stored (NFC, no hidden characters) and a plausible date of birth, or a
    ValidationError keyed `person`: checked before anything is held."""
    if not (child.forename.strip() and child.surname.strip()):
        raise ValidationError({"person": "Give the child's forename and surname"})
    for label, value in (("The child's forename", child.forename), ("The child's surname", child.surname)):
        if problem := hidden_problem(value, label):
            raise ValidationError({"person": problem})
    if problem := plausible_birth(child.date_of_birth, "child's date of birth"):
        raise ValidationError({"person": problem})
    return replace(child, forename=nfc(child.forename).strip(), surname=nfc(child.surname).strip())


def identify_child(child: ReportedChild, *, actor: User, part: str, decide: bool = True) -> Identified:
    """The child `child` names (see the module). `part` names the path on the audit trail
    of each record weighed. `decide=False`: the caller holds the report whatever the
    matches say (the reference is already known on a record the sender may not see), so
    nothing is matched or created; the matches are still weighed and audited."""
    from cshub.people import actions as people

    matches = check_duplicates(actor, child.forename, child.surname, child.date_of_birth, part=part)
    if not decide:
        return Identified(None, False, matches)
    certain = [
        m
        for m in matches.visible
        if child.date_of_birth and m.person.date_of_birth == child.date_of_birth and m.score >= CERTAIN_SCORE
    ]
    if not matches.restricted and len(certain) == 1 and len(matches.visible) == 1:
        return Identified(certain[0].person, False, matches)
    if not matches and child.date_of_birth is not None:
        person = people.create_person(
            people.PersonDetails(
                forename=child.forename.strip(),
                surname=child.surname.strip(),
                date_of_birth=child.date_of_birth,
                sex=child.sex,
            ),
            actor=actor,
        )
        return Identified(person, True, matches)
    return Identified(None, False, matches)


def create_from_held(
    forename: str, surname: str, date_of_birth: dt.date | None, sex: str, *, actor: User, what: str
) -> Person:
    """A worker says a held report's child is new to CSHub: their record, from the report's
    details. `what` names the report in the message when it has no date of birth."""
    from cshub.people import actions as people

    if date_of_birth is None:
        raise ValidationError(
            f"The {what} has no date of birth: add the child on 'Add a person' (with an estimated "
            f"date of birth if need be), then match the {what} to them"
        )
    return people.create_person(
        people.PersonDetails(forename=forename, surname=surname, date_of_birth=date_of_birth, sex=sex),
        actor=actor,
    )
