"""The cross-border pages at 375 px and 1280 px in headless Chromium: no sideways scroll,
every table cell in view (the lists are cards on a phone), no serious axe-core violation."""

from typing import Any

import pytest

from cshub.conftest import make_child
from cshub.core.tests.test_small_screens import widths
from cshub.crossborder import actions
from cshub.crossborder.testing import PURPOSE, make_match, other_hub, receive_request
from cshub.region.transport import dispatch

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_cross_border_pages_fit_and_pass_axe(
    live_server: Any, personas: dict[str, Any], width: int
) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker)
    pending = make_match(child, other_hub("bury", "Bury hub"))
    confirmed = make_match(
        make_child(worker, "Amara", "Brambleford"), other_hub("salford", "Salford hub"), confirmed_by=manager
    )
    received = receive_request(confirmed)
    sent = actions.request_information(confirmed, PURPOSE, "ukgdpr_6_1_e_dpa_sch1_18", actor=manager)
    dispatch(
        confirmed.their_hub,
        "sharing.reply",
        {
            "request": str(sent.id),
            "decision": "approved",
            "reason": "",
            "decided_by": {"name": "Sam Ure", "role": "Team manager"},
            "summary": {"name": "Amara Brambleford", "worker_contact": "sam.ure@salford.example.org"},
        },
    )
    paths = [
        "/cross-border/",
        "/cross-border/?status=all",
        f"/cross-border/matches/{pending.pk}/",
        f"/cross-border/matches/{pending.pk}/decide/",
        f"/cross-border/matches/{confirmed.pk}/",
        f"/cross-border/matches/{confirmed.pk}/request/",
        f"/cross-border/requests/{received.pk}/",
        f"/cross-border/requests/{received.pk}/decide/",
        f"/cross-border/requests/{sent.pk}/",
        f"/children/{child.pk}/",
    ]
    found = widths(live_server, manager, width, paths)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4], page["axe"], page["unlabelled"][:4])
        for path, page in found.items()
        if page["status"] != 200
        or page["scrollWidth"] > page["viewport"]
        or page["hidden"]
        or page["axe"]
        or (width == 375 and page["unlabelled"])
    }
    assert problems == {}
