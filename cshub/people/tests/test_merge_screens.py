"""The compare, merge and unmerge pages in headless Chromium at 1280 and 375 px: no
sideways scrolling, every card cell labelled, no axe violations, no CSP refusals
(frontend/page-widths.mjs, as cshub/core/tests/test_small_screens.py; SCREENSHOT_DIR=DIR
keeps screenshots)."""

from typing import Any

import pytest

from cshub.core.tests.test_small_screens import widths
from cshub.people.merge import merge_people

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [1280, 375])
def test_compare_and_unmerge_pages_fit_and_pass_axe(
    live_server: Any, hub: dict[str, Any], width: int
) -> None:
    child, second, manager = hub["child"], hub["second"], hub["manager"]
    compare = f"/children/{child.pk}/compare/{second.pk}/"
    found = widths(live_server, manager, width, [f"/children/{child.pk}/compare/", compare])
    merge_people(child, second, actor=manager, reason="Same NHS number.")
    unmerge = f"/children/{second.pk}/unmerge/"
    found |= widths(live_server, manager, width, [unmerge, f"/children/{child.pk}/details/"])
    for path, page in found.items():
        assert page["status"] == 200, path
        assert page["scrollWidth"] <= page["viewport"], (path, page["hidden"][:4])
        if width < 641:  # cards (at 1280 the header row names each column)
            assert page["unlabelled"] == [], (path, page["unlabelled"][:4])
        assert page["axe"] == [], (path, page["axe"])
        assert page["consoleErrors"] == [], (path, page["consoleErrors"])
