"""Demo practice standards (part A): a short history of changes, so "the standard in
force on the day" shows on the first run."""

import datetime as dt

from cshub.access.models import User


def build_standards(users: dict[str, User], today: dt.date) -> None:
    """A version or two of some standards, set by the demo team manager in the past."""
