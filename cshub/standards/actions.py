"""The one write path of the practice standards (part A)."""

import datetime as dt

from cshub.access.models import User
from cshub.standards.models import PracticeStandard


def set_standard(
    code: str, days: int, effective_from: dt.date, reason: str, *, actor: User
) -> PracticeStandard:
    """A new version of one standard, in force from `effective_from` (today or later, or
    earlier only with a reason saying why). Requires Perm.SET_STANDARDS; atomic; the
    version number is the code's next under a lock (two changes at once make versions n+1
    and n+2, never two n+1); writes its audit event (old and new days, from when, why);
    ValidationError with field names for bad input (unknown code, days < 1, no reason),
    nothing changed."""
    raise NotImplementedError
