"""Demo practice standards (part A): a short history of changes, so "the standard in
force on the day" shows on the first run.

Written through `set_standard` (the one write path, with its checks and audit events),
then dated back to when the changes were made, as the other demo builders date their
records: `set_standard` itself accepts no date before the current month. Their audit
events (append-only) say when the demo was generated. Supervision
tightened from 28 to 21 days some months ago changes the demo's supervision figures from
that day on (and only from then: earlier days keep 28)."""

import datetime as dt

from django.utils import timezone

from cshub.access.models import User
from cshub.core.dates import LONDON
from cshub.standards.actions import earliest_start, set_standard
from cshub.standards.models import PracticeStandard

# (code, days, days from today the change applies from (negative: past), why)
HISTORY: list[tuple[str, int, int, str]] = [
    (
        "VOICE",
        30,
        -300,
        "The partnership's launch standards: the child's own words recorded at least monthly, "
        "as the children's participation strategy asks.",
    ),
    (
        "SUPERVISION",
        21,
        -120,
        "Case audit finding: supervision was not regular on several cases and drift was not "
        "picked up. Supervision every three weeks, as the audit's action plan agreed.",
    ),
    (
        "SUMMARY",
        42,
        -60,
        "Summaries are now reviewed at each six-weekly plan review, agreed at the practice "
        "development meeting.",
    ),
    (
        "VISIT",
        7,
        14,
        "Peer review recommendation: children at risk of exploitation seen at least weekly. "
        "Agreed by the partnership, from the start of the new rota.",
    ),
]


def build_standards(users: dict[str, User], today: dt.date) -> None:
    """A version or two of some standards, set by the demo team manager in the past, and
    one change still to come."""
    manager = users["manager"]
    for code, days, offset, reason in HISTORY:
        start = today + dt.timedelta(days=offset)
        row = set_standard(code, days, max(start, earliest_start()), reason, actor=manager)
        set_at = dt.datetime.combine(min(start, today) - dt.timedelta(days=3), dt.time(10, 0), tzinfo=LONDON)
        set_at = min(set_at, timezone.now())
        PracticeStandard.objects.filter(pk=row.pk).update(effective_from=start, set_at=set_at)
