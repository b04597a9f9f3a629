"""Issue 16: an entry recorded with a date only shows as a date, and is not ordered at midday."""

import datetime as dt
import re

from django.utils import timezone

from cshub.conftest import TODAY
from cshub.people.models import TimelineKind
from cshub.people.timeline import add_entry

DAY = TODAY - dt.timedelta(days=3)


def _entries(hub, personas):
    worker = personas["practitioner"]
    child = hub["child"]
    # A missing report known by its date only (it was at 2 a.m.), and a visit at 9:30 that morning.
    dated = add_entry(child, TimelineKind.VISIT, "Dated-only entry", actor=worker, occurred_at=DAY)
    timed = add_entry(
        child,
        TimelineKind.VISIT,
        "Timed entry",
        actor=worker,
        occurred_at=timezone.make_aware(dt.datetime.combine(DAY, dt.time(9, 30))),
    )
    return dated, timed


def test_a_date_only_entry_shows_as_a_date_without_a_time(hub, personas, client_for):
    dated, timed = _entries(hub, personas)
    assert dated.date_only and not timed.date_only
    assert timezone.localtime(dated.occurred_at).date() == DAY
    html = client_for("practitioner").get(f"/children/{hub['child'].pk}/timeline/").content.decode()
    assert "midday" not in html
    assert f'datetime="{DAY.isoformat()}"' in html
    assert re.search(r"9:30am", html)


def test_a_date_only_entry_comes_before_the_day_s_timed_entries(hub, personas, client_for):
    dated, timed = _entries(hub, personas)
    child = hub["child"]
    newest_first = [e.pk for e in child.timeline.filter(pk__in=[dated.pk, timed.pk])]
    assert newest_first == [timed.pk, dated.pk]
    client = client_for("practitioner")
    for entry in (dated, timed):
        client.post(f"/children/{child.pk}/timeline/{entry.pk}/significant/", {"significant": "yes"})
    chronology = client.get(f"/children/{child.pk}/chronology/").content.decode()
    assert chronology.index("Dated-only entry") < chronology.index("Timed entry")
