"""Two team managers change one standard at the same moment (CI runs this on SQLite and on
PostgreSQL, where the two transactions really run side by side): versions n+1 and n+2,
never two n+1 (an IntegrityError, a 500)."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, transaction

from cshub.access.actions import create_user
from cshub.core.dates import local_today
from cshub.standards.actions import set_standard
from cshub.standards.models import PracticeStandard

pytestmark = pytest.mark.usefixtures("live_db")


def test_two_changes_at_once_make_the_next_two_versions(personas: dict[str, Any]) -> None:
    other = create_user(
        "second.manager",
        agency="SOCIAL_CARE",
        roles=["team_manager"],
        actor=None,
        password="a-long-test-password-2",
    )
    day = local_today() + dt.timedelta(days=7)
    first_set, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                set_standard("SUPERVISION", 21, day, "Case audit finding", actor=personas["team_manager"])
                first_set.set()
                release.wait(10)  # the second runs into this uncommitted version
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_set.wait(10)
            set_standard("SUPERVISION", 14, day, "Inspection recommendation", actor=other)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_set.wait(10)
    threading.Event().wait(1)  # the second is now waiting on the first's lock (PostgreSQL)
    release.set()
    for t in threads:
        t.join(30)
    assert failures == []
    rows = PracticeStandard.objects.filter(code="SUPERVISION").order_by("version")
    assert [(r.version, r.days) for r in rows] == [(1, 21), (2, 14)]
