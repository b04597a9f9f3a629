"""Entries stamped at midday before date-only entries existed become date-only (migration)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cshub.core.dates import LONDON

BEFORE = [("people", "0010_timeline_intelligence_kind")]
AFTER = [("people", "0011_timeline_date_only")]


@pytest.mark.django_db(transaction=True)
def test_midday_entries_become_date_only_at_the_start_of_their_day():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    person = old.get_model("people", "Person").objects.create(
        forename="Kofi", surname="Ashcombe", date_of_birth=dt.date(2011, 5, 1), sex="M"
    )
    entry = old.get_model("people", "TimelineEntry")
    summer = dt.date(2026, 7, 1)  # BST: local midday is 11:00 UTC
    midday = entry.objects.create(
        person=person, kind="VISIT", summary="Visit", occurred_at=dt.datetime(2026, 7, 1, 12, tzinfo=LONDON)
    )
    timed = entry.objects.create(
        person=person,
        kind="VISIT",
        summary="Visit",
        occurred_at=dt.datetime(2026, 7, 1, 12, 0, 1, tzinfo=LONDON),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("people", "TimelineEntry")
    moved, kept = new.objects.get(pk=midday.pk), new.objects.get(pk=timed.pk)
    assert moved.date_only and moved.occurred_at == dt.datetime.combine(summer, dt.time(0), LONDON)
    assert not kept.date_only and kept.occurred_at == timed.occurred_at
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
