"""What is due for disposal, and why (the dry run): every record whose retention rule says
its time has come, or which is held (restricted, on legal hold, an open hub episode, or no
date to count from). Ids only: nothing here carries a name."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.people.models import Person, TimelineEntry
from cshub.retention.models import Basis, LegalHold, RecordType, RetentionRule


@dataclass
class Item:
    record_type: str
    person_id: int
    rule: str
    due_on: dt.date | None
    held: list[str] = field(default_factory=list)

    @property
    def record_type_label(self) -> str:
        return RecordType(self.record_type).label


BATCH = 2000  # people per round of queries


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _last_activity(person_ids: list[int]) -> dict[int, dt.date]:
    last: dict[int, dt.date] = {}
    for pk, updated in Person.objects.filter(pk__in=person_ids).values_list("pk", "updated_at"):
        last[pk] = timezone.localtime(updated).date()
    rows = (
        TimelineEntry.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    )
    for pk, at in rows:
        last[pk] = max(last.get(pk, dt.date.min), timezone.localtime(at).date())
    return last


def due_on(
    rule: RetentionRule, person: Person, last_closed: dt.date | None, activity: dt.date | None
) -> dt.date | None:
    if rule.basis == Basis.AGE:
        return add_years(person.date_of_birth, rule.years) if person.date_of_birth else None
    if rule.basis == Basis.EPISODE_CLOSED and last_closed is not None:
        return add_years(last_closed, rule.years)
    return add_years(activity, rule.years) if activity else None


def review(today: dt.date | None = None, person_ids: list[int] | None = None) -> list[Item]:
    """Every record due on `today` (default: today), each with why it is held if it is."""
    today = today or timezone.localdate()
    rules = {r.record_type: r for r in RetentionRule.objects.all()}
    people = Person.objects.filter(merged_into__isnull=True, person_type__in=list(rules)).order_by("pk")
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    found: list[Item] = []
    after = 0
    while batch := list(
        people.filter(pk__gt=after).only("pk", "person_type", "date_of_birth", "restricted")[:BATCH]
    ):
        found += _review_batch(batch, rules, today)
        after = batch[-1].pk
    return found


def _review_batch(batch: list[Person], rules: dict[str, RetentionRule], today: dt.date) -> list[Item]:
    """A batch of people at a time: the whole index is never in memory, and no query
    carries more ids than a database accepts in one statement."""
    found: list[Item] = []
    ids = [p.pk for p in batch]
    open_episodes = set(
        Episode.objects.filter(person_id__in=ids, close_date__isnull=True).values_list("person_id", flat=True)
    )
    last_closed = dict(
        Episode.objects.filter(person_id__in=ids, close_date__isnull=False)
        .values("person_id")
        .annotate(last=Max("close_date"))
        .values_list("person_id", "last")
    )
    activity = _last_activity(ids)
    holds: dict[int, list[str]] = {}
    for pk, reason in LegalHold.objects.filter(person_id__in=ids, lifted_at__isnull=True).values_list(
        "person_id", "reason"
    ):
        holds.setdefault(pk, []).append(f"Legal hold: {reason}")
    for person in batch:
        rule = rules[person.person_type]
        day = due_on(rule, person, last_closed.get(person.pk), activity.get(person.pk))
        held: list[str] = []
        if day is None:
            held.append("No date to count from (no date of birth): review it by hand")
        elif day > today:
            continue
        if person.restricted:
            held.append("Restricted record")
        if person.pk in open_episodes:
            held.append("An open hub episode")
        held.extend(holds.get(person.pk, []))
        found.append(Item(person.person_type, person.pk, str(rule), day, held))
    return found


def item_for(person_id: int, today: dt.date | None = None) -> Item | None:
    items = review(today, [person_id])
    return items[0] if items else None
