"""Demo annual report text (part D): the last reporting year's commentary, priorities and
the scrutiny cover report's details, so the annual and scrutiny reports read as a hub's."""

import datetime as dt

from cshub.access.models import User


def build_annual_report(users: dict[str, User], today: dt.date) -> None:
    """The texts of the last complete reporting year's annual report."""
