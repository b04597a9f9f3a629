"""Demo teams and training (part C): the hub's teams, its courses and training needs
analysis, and training records with some gaps and some expired, so the pages show
something true on the first run."""

import datetime as dt

from cshub.access.models import User


def build_workforce(users: dict[str, User], today: dt.date, *, seed: int) -> None:
    """Teams (every demo worker in one), courses, requirements and training records."""
