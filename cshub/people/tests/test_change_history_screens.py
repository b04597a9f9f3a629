"""Who changed what on a phone and on a desk: at 375 px each change is a card with its
column names and nothing scrolls sideways; at 1280 px a table. Headless Chromium (the
small-screens test's script), axe-core and the CSP included."""

from typing import Any

import pytest
from django.utils import timezone

from cshub.casework import actions as casework
from cshub.conftest import make_child
from cshub.core.tests.test_small_screens import widths
from cshub.people import actions
from cshub.people.models import Person

pytestmark = pytest.mark.usefixtures("live_db")


def test_the_change_history_is_cards_at_375_px_and_a_table_at_1280_px(
    live_server: Any, hub: dict[str, Any]
) -> None:
    child, worker, manager = hub["child"], hub["worker"], hub["manager"]
    details = actions.PersonDetails(
        forename=child.forename,
        surname=child.surname,
        date_of_birth=child.date_of_birth,
        sex="M",
        ethnicity="BAFR",
    )
    actions.update_person(child, details, actor=worker)
    casework.write_case_summary(
        child,
        casework.CaseSummaryText(
            "Who", "He is seen with older boys at the station most evenings. " * 8, "Working", "Plan"
        ),
        actor=worker,
    )
    duplicate = make_child(worker, "Kofi", "Ashcomb")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=child, merged_at=timezone.now())
    path = f"/children/{child.pk}/access/changes/"
    small = widths(live_server, manager, 375, [path])[path]
    assert small["status"] == 200
    assert (small["scrollWidth"], small["hidden"], small["unlabelled"]) == (small["viewport"], [], [])
    assert small["axe"] == [] and small["consoleErrors"] == []
    wide = widths(live_server, manager, 1280, [path])[path]
    assert wide["status"] == 200 and wide["scrollWidth"] <= 1280 and wide["hidden"] == []
    assert wide["axe"] == []
