"""The duplicate check before a new record, the same on every path (the *Add a person*
page, a police report naming a child, a held report being matched).

Records the user may see are likely duplicates by a similar name and a close date of
birth. Restricted records the user is not named on match on the name alone: a date of
birth must never confirm who a restricted child is (a hit that depended on it would
answer the question the search page refuses). Every record the check shows or weighs is
on that child's audit trail: visible ones as a view, restricted ones as a search.
"""

import datetime as dt
from dataclasses import dataclass

from cshub.access.models import User
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.people.models import Person
from cshub.people.search import Match, likely_duplicates, restricted_by_name

RESTRICTED_SHOWN = 10


@dataclass(frozen=True)
class DuplicateCheck:
    visible: list[Match]  # records the user may see: similar name, close date of birth
    restricted: list[Match]  # restricted records the user is not named on: similar name

    def __bool__(self) -> bool:
        return bool(self.visible or self.restricted)


def check_duplicates(
    user: User, forename: str, surname: str, date_of_birth: dt.date | None, *, part: str
) -> DuplicateCheck:
    """Likely existing records for a new person, audited on each child (`part` names where
    the check ran). Call inside the transaction of the page or action that uses it."""
    visible_people = Person.objects.visible_to(user)
    visible = likely_duplicates(visible_people, forename, surname, date_of_birth)
    hidden = Person.objects.filter(restricted=True).exclude(pk__in=visible_people)
    restricted = restricted_by_name(hidden, forename, surname, limit=RESTRICTED_SHOWN)
    record_views(user, [m.person.pk for m in visible], part=part)
    for match in restricted:
        record_event(
            user,
            Action.SEARCH,
            match.person,
            child_id=match.person.pk,
            detail={"restricted": True, "part": part},
        )
    return DuplicateCheck(visible, restricted)
