"""The problem profile in headless Chromium at 375 and 1280 px: no sideways scroll, every
table cell in view (tables scroll inside their own region), no axe-core violation and no
console or CSP error, as a manager (names) and as published."""

from typing import Any

import pytest

from cshub.core.tests.test_small_screens import widths
from cshub.reports.tests.conftest import QUERY

pytestmark = pytest.mark.usefixtures("live_db")

PAGES = [f"/reports/problem-profile/?{QUERY}", f"/reports/problem-profile/?{QUERY}&version=published"]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_profile_fits_the_screen_and_passes_axe(
    live_server: Any, area: dict[str, Any], personas: Any, width: int
) -> None:
    found = widths(live_server, personas["team_manager"], width, PAGES)
    for path in PAGES:
        page = found[path]
        assert page["status"] == 200, path
        assert page["scrollWidth"] <= page["viewport"], (path, page["scrollWidth"])
        assert page["hidden"] == [], (path, page["hidden"][:4])
        assert page["axe"] == [], (path, page["axe"])
        assert page["consoleErrors"] == [], (path, page["consoleErrors"])
