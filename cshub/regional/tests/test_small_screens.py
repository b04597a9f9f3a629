"""The regional picture and the alerts page at 375 px and 1280 px in headless Chromium (as
cshub/core/tests/test_small_screens.py): no sideways scrolling, every table cell in view or
in a card, no axe-core violation. SCREENSHOT_DIR=… keeps the screenshots."""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import override_settings

from cshub.access.models import User
from cshub.assurance.metrics import Count, Percent
from cshub.core.tests.test_small_screens import widths
from cshub.region.models import Peer
from cshub.regional import actions
from cshub.regional.models import AlertFlow
from cshub.regional.tests.test_pages import QUARTER, send

pytestmark = pytest.mark.usefixtures("live_db")


def problems(found: dict[str, Any]) -> dict[str, Any]:
    return {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4], page["axe"], page["consoleErrors"])
        for path, page in found.items()
        if page["status"] != 200
        or page["scrollWidth"] > page["viewport"]
        or page["hidden"]
        or page["axe"]
        or page["consoleErrors"]
    }


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_the_regional_picture_fits_small_and_large_screens(
    live_server: Any, peers: dict[str, Peer], personas: dict[str, User]
) -> None:
    for hub, n in (("bolton", 12), ("bury", 3), ("wigan", 120)):
        send(peers[hub], **{"referrals.received": Count(n), "rhi.within_72h": Percent(n // 2, n)})
    AlertFlow.objects.create(
        type="missing_found", from_hub="bolton", to_hub="bury", quarter=str(QUARTER), count=7
    )
    for width in (375, 1280):
        assert problems(widths(live_server, personas["analyst"], width, ["/regional/"])) == {}


def test_the_alerts_page_fits_small_and_large_screens(
    live_server: Any, peers: dict[str, Peer], personas: dict[str, User]
) -> None:
    text = "A child missing from Bolton was found in your area on 3 November 2026; contact Bolton quoting BOLTON-1."
    actions.receive_alert(uuid.uuid4(), "missing_found", "bolton", dt.date(2026, 11, 3), text)
    done, _ = actions.receive_alert(uuid.uuid4(), "place_border", "bury", dt.date(2026, 11, 1), text)
    actions.acknowledge(done, actor=personas["team_manager"])
    for width in (375, 1280):
        assert problems(widths(live_server, personas["team_manager"], width, ["/regional/alerts/"])) == {}
