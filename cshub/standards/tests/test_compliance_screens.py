"""The compliance dashboard and the children behind a figure at 375 and 1280 px in headless
Chromium (the harness of cshub/core/tests/test_small_screens.py): nothing scrolls sideways
or is cut off, tables are cards at 375 px with each cell's column named, no serious or
critical axe violation."""

import datetime as dt
from typing import Any

import pytest

from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child
from cshub.contact.models import Contact, ContactKind
from cshub.core.tests.test_small_screens import widths

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_compliance_pages_fit(
    live_server: Any, hub: dict[str, Any], personas: dict[str, Any], width: int
) -> None:
    worker, manager = hub["worker"], hub["manager"]
    child = make_child(worker, "Jaylen-Montgomery", "Featherstonehaugh-Wolstenholme")
    episode = Episode.objects.create(
        person=child, open_date=TODAY - dt.timedelta(days=90), allocated_worker=worker
    )
    Contact.objects.create(
        episode=episode, kind=ContactKind.VISIT, on=TODAY, where="School", recorded_by=worker
    )
    paths = [
        "/standards/compliance/",
        f"/standards/compliance/visit/team/{hub['team'].pk}/",
        f"/standards/compliance/plan-review/worker/{worker.pk}/",
    ]
    found = {
        f"analyst {p}": v
        for p, v in widths(live_server, personas["analyst"], width, ["/standards/compliance/"]).items()
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
