"""The consultation pages at 375 px and 1280 px in headless Chromium: no sideways scroll,
every table cell in view (the list is cards on a phone), no serious axe-core violation."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cshub.conftest import make_child
from cshub.consultations import actions
from cshub.consultations.tests.test_rules import at, details
from cshub.core.tests.test_small_screens import widths

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_consultation_pages_fit_and_pass_axe(
    live_server: Any, personas: dict[str, Any], width: int
) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    today = timezone.localdate()
    for days in (40, 10):
        actions.record_consultation(
            details(occurred_at=at(today - dt.timedelta(days=days)), follow_up_on=today),
            person=child,
            actor=worker,
        )
    third = actions.record_consultation(details(), person=child, actor=worker)
    anonymous = actions.record_consultation(
        details(anonymous_initials="KA", anonymous_age=14, anonymous_where="Northgate Academy"), actor=worker
    )
    paths = [
        "/consultations/",
        "/consultations/new/",
        "/consultations/find-child/",
        f"/consultations/{third.pk}/",
        f"/consultations/{third.pk}/referral/",
        f"/consultations/{anonymous.pk}/",
        f"/consultations/{anonymous.pk}/link/",
        f"/children/{child.pk}/consultations/new/",
        "/",
    ]
    found = widths(live_server, worker, width, paths)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4], page["axe"], page["unlabelled"][:4])
        for path, page in found.items()
        if page["status"] != 200
        or page["scrollWidth"] > page["viewport"]
        or page["hidden"]
        or page["axe"]
        or (width == 375 and page["unlabelled"])  # cards: at small widths only
    }
    assert problems == {}
