"""Small screens (issue 16): at 375 px the pages a hub worker and a manager use most do not
scroll sideways and every table cell is in view (a table becomes a card per row). Measured
in headless Chromium (Debian's, driven by playwright-core from node_modules) against a
live server."""

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cshub.access.testing import sign_in_verified
from cshub.missing import actions as missing

pytestmark = pytest.mark.usefixtures("live_db")

ROOT = Path(__file__).resolve().parents[3]
PAGES = [
    "/missing/return-interviews/",
    "/missing/panel/",
    "/performance/",
    "/caseload/team/",
    "/referrals/",
    "/imports/",
    "/meetings/",
]
PRACTITIONER_PAGES = ["/caseload/"]


def widths(live_server: Any, user: Any, width: int, paths: list[str], *, js: bool = True) -> dict[str, Any]:
    node, chromium = shutil.which("node"), Path("/usr/bin/chromium")
    assert node and chromium.exists(), "the small-screens test needs node and Debian's chromium"
    cookie = sign_in_verified(Client(), user).cookies["sessionid"].value
    done = subprocess.run(  # noqa: S603 - our own script, arguments we made
        [node, str(ROOT / "frontend" / "page-widths.mjs"), live_server.url, cookie, str(width), *paths],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        cwd=ROOT,
        env={**os.environ, "NO_JS": "" if js else "1"},
    )
    return dict(json.loads(done.stdout))


@pytest.fixture
def on_the_panel(hub: dict[str, Any]) -> dict[str, Any]:
    """The hub, with its child brought to the missing panel by a high-risk episode."""
    started = timezone.now() - dt.timedelta(hours=60)
    missing.record_missing_episode(
        hub["child"],
        missing.MissingReport(
            reported_at=started, returned_at=started + dt.timedelta(hours=5), police_risk="HIGH"
        ),
        actor=hub["manager"],
    )
    return hub


def test_key_pages_do_not_scroll_sideways_at_375_px(live_server: Any, on_the_panel: dict[str, Any]) -> None:
    hub = on_the_panel
    panel = sign_in_verified(Client(), hub["manager"]).get("/missing/panel/").content.decode()
    assert f'id="child-{hub["child"].pk}"' in panel  # the panel's table is there to measure
    found = widths(live_server, hub["manager"], 375, PAGES)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4])
        for path, page in found.items()
        if page["status"] != 200 or page["scrollWidth"] > page["viewport"] or page["hidden"]
    }
    assert problems == {}


def test_my_caseload_is_cards_at_375_px_and_a_table_at_1280_px(live_server: Any, hub: dict[str, Any]) -> None:
    worker = hub["episode"].allocated_worker
    page = sign_in_verified(Client(), worker).get("/caseload/").content.decode()
    assert hub["child"].full_name in page  # a row to measure
    small = widths(live_server, worker, 375, PRACTITIONER_PAGES)["/caseload/"]
    assert small["status"] == 200
    assert (small["scrollWidth"], small["hidden"], small["unlabelled"]) == (small["viewport"], [], [])
    assert small["axe"] == [] and small["consoleErrors"] == []
    wide = widths(live_server, worker, 1280, PRACTITIONER_PAGES)["/caseload/"]
    assert wide["status"] == 200 and wide["scrollWidth"] <= 1280 and wide["hidden"] == []


def test_cards_keep_their_column_names_without_javascript(
    live_server: Any, on_the_panel: dict[str, Any]
) -> None:
    hub = on_the_panel
    found = widths(live_server, hub["manager"], 375, PAGES, js=False)
    found |= widths(live_server, hub["episode"].allocated_worker, 375, PRACTITIONER_PAGES, js=False)
    problems = {
        path: (page["status"], page["scrollWidth"], page["unlabelled"][:4])
        for path, page in found.items()
        if page["status"] != 200 or page["scrollWidth"] > page["viewport"] or page["unlabelled"]
    }
    assert problems == {}
    assert found["/missing/return-interviews/"]["consoleErrors"] == []


def test_the_same_pages_keep_their_tables_at_1280_px(live_server: Any, hub: dict[str, Any]) -> None:
    found = widths(live_server, hub["manager"], 1280, PAGES)
    for path in PAGES:
        assert found[path]["status"] == 200 and found[path]["scrollWidth"] <= 1280, path


def test_the_api_docs_page_passes_axe_and_the_csp(live_server: Any, personas: dict[str, Any]) -> None:
    for width in (1280, 375):
        page = widths(live_server, personas["practitioner"], width, ["/api/v1/docs/"])["/api/v1/docs/"]
        assert page["status"] == 200
        assert page["axe"] == [], (width, page["axe"])
        assert page["consoleErrors"] == [], (width, page["consoleErrors"])
        assert page["scrollWidth"] <= page["viewport"], width


def test_the_meeting_page_does_not_scroll_sideways_at_375_px(live_server: Any, hub: dict[str, Any]) -> None:
    """The agenda (item, about, decision, up/down/remove) is a card per item on a phone."""
    path = f"/meetings/{hub['meeting'].pk}/"
    page = widths(live_server, hub["manager"], 375, [path])[path]
    assert page["status"] == 200
    assert page["scrollWidth"] <= page["viewport"], page["hidden"][:4]
