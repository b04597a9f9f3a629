"""The register's pages at 375 and 1280 px in headless Chromium (the harness of
cshub/core/tests/test_small_screens.py): nothing scrolls sideways or is cut off, the tables
are cards at 375 px with each cell's column named, no serious or critical axe violation."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cshub.conftest import TODAY, make_child
from cshub.core.tests.test_small_screens import widths
from cshub.missing import actions as missing
from cshub.register.tests.helpers import born, flag

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_register_pages_fit(
    live_server: Any, hub: dict[str, Any], personas: dict[str, Any], width: int
) -> None:
    worker, manager = hub["worker"], hub["manager"]
    flag(hub["child"], "CCE", source="HUB", holder="HUB")
    flag(
        hub["child"], "GANGS", source="POLICE", holder="POLICE", holder_team="Central neighbourhood policing"
    )
    first = make_child(worker, "Jaylen-Montgomery", "Featherstonehaugh-Wolstenholme", born=born(13))
    flag(first, "CSE", source="SCHOOL", holder="EARLY_HELP", holder_team="North and east early help team")
    flag(first, "MISSING", source="POLICE", holder="POLICE", flagged_on=TODAY - dt.timedelta(days=3))
    reported = timezone.now() - dt.timedelta(days=4)
    missing.record_missing_episode(
        first,
        missing.MissingReport(
            reported_at=reported, returned_at=reported + dt.timedelta(hours=9), police_risk="HIGH"
        ),
        actor=worker,
    )
    second = make_child(worker, "Ola", "Otherby", born=born(15))
    flag(second, "TRAFFICKING", source="YOUTH_JUSTICE", holder="YOUTH_JUSTICE")
    paths = [
        "/register/",
        "/register/triage/",
        f"/register/triage/{first.pk}/?decision=MEETING",
        f"/children/{first.pk}/",
    ]
    # The analyst's counts first (a screenshot, with SCREENSHOT_DIR, is named by its path).
    found = {
        f"analyst {p}": v for p, v in widths(live_server, personas["analyst"], width, ["/register/"]).items()
    }
    found |= widths(live_server, manager, width, paths)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4], page["axe"], page["unlabelled"][:4])
        for path, page in found.items()
        if page["status"] != 200
        or page["scrollWidth"] > page["viewport"]
        or page["hidden"]
        or page["axe"]
        or (width < 641 and page["unlabelled"])
    }
    assert problems == {}
