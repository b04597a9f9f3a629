"""The workforce pages in headless Chromium at 1280 and 375 px, on the demo's teams and
training: no sideways scroll, every table cell in view (cards at 375 px), axe (WCAG 2.2 AA)
clean, no console errors (the CSP refuses inline script and style)."""

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from cshub.core.tests.test_small_screens import widths
from cshub.demo.accounts import ensure_demo_accounts
from cshub.demo.workforce import build_workforce
from cshub.workforce.models import Team

pytestmark = pytest.mark.usefixtures("live_db")


def test_the_workforce_pages_at_1280_and_375_px(live_server: Any, tmp_path: Path) -> None:
    users = ensure_demo_accounts()
    build_workforce(users, dt.date.today(), seed=7)  # noqa: DTZ011
    team = Team.objects.get(name="Complex safeguarding social work")
    worker = users["practitioner"]
    pages = [
        "/workforce/training/",
        f"/workforce/training/people/?team={team.pk}",
        "/workforce/teams/",
        f"/workforce/teams/{team.pk}/",
        "/workforce/courses/",
        "/workforce/training-needs/",
        "/workforce/training/record/",
        f"/workforce/people/{worker.pk}/",
        f"/workforce/people/{worker.pk}/record/",
    ]
    if os.environ.get("CSHUB_SCREENSHOTS"):  # to look at them by hand
        os.environ["SCREENSHOT_DIR"] = os.environ["CSHUB_SCREENSHOTS"]
    for width in (1280, 375):
        found = widths(live_server, users["manager"], width, pages)
        found |= widths(live_server, worker, width, ["/account/"])
        found |= widths(live_server, users["analyst"], width, ["/workforce/training/"])
        problems = {
            path: (
                page["status"],
                page["scrollWidth"],
                page["hidden"][:3],
                page["axe"],
                page["consoleErrors"],
            )
            for path, page in found.items()
            if page["status"] != 200
            or page["scrollWidth"] > page["viewport"]
            or page["hidden"]
            or page["axe"]
            or page["consoleErrors"]
            or (width == 375 and page["unlabelled"])
        }
        assert problems == {}, width
