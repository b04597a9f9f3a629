"""The profile, its form and the child's page with its prompt in headless Chromium at 375 and
1280 px: no sideways scroll, no axe-core violation, no console or CSP error (the photograph is
a data: URI or the documents room's page, both allowed)."""

from typing import Any

import pytest
from django.urls import reverse

from cshub.core.tests.test_small_screens import widths
from cshub.philomena import actions
from cshub.philomena.tests.conftest import TEXT, photo

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_profile_pages_fit_the_screen_and_pass_axe(
    live_server: Any, child: Any, personas: dict[str, Any], width: int
) -> None:
    worker = personas["practitioner"]
    picture = photo(child, worker)
    actions.write_profile(child, TEXT, actor=worker, photo=picture)
    actions.confirm_profile(child, actor=worker)  # a second version: the list of versions
    pages = [
        reverse("philomena:profile", args=[child.pk]),
        reverse("philomena:profile", args=[child.pk]) + "?version=1",
        reverse("philomena:edit", args=[child.pk]),
        reverse("casework:child", args=[child.pk]),
    ]
    found = widths(live_server, worker, width, pages)
    for path in pages:
        page = found[path]
        assert page["status"] == 200, path
        assert page["scrollWidth"] <= page["viewport"], (path, page["scrollWidth"])
        assert page["axe"] == [], (path, page["axe"])
        assert page["consoleErrors"] == [], (path, page["consoleErrors"])
