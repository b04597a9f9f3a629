"""The templates and themes pages at 375 px and 1280 px in headless Chromium: no sideways
scroll, every table cell in view (the lists are cards on a phone), no serious axe-core
violation, no console error."""

from typing import Any

import pytest

from cshub.caseaudits import actions
from cshub.caseaudits.models import AuditTemplate
from cshub.core.tests.test_small_screens import widths

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_template_and_theme_pages_fit_and_pass_axe(
    live_server: Any, hub: dict[str, Any], width: int
) -> None:
    manager, draft, section = hub["manager"], hub["audit_template"], hub["audit_section"]
    actions.add_question(
        section, "Is the chronology current?", "Updated this month.", "CHRONOLOGY", actor=manager
    )
    v2 = actions.new_version(hub["published_template"], actor=manager)
    multi = AuditTemplate.objects.get(name="Multi-agency case audit")
    paths = [
        "/audits/templates/",
        "/audits/templates/new/",
        f"/audits/templates/{draft.pk}/",
        f"/audits/templates/{draft.pk}/edit/",
        f"/audits/templates/{draft.pk}/sections/new/",
        f"/audits/templates/sections/{section.pk}/questions/new/",
        f"/audits/templates/questions/{hub['audit_question'].pk}/edit/",
        f"/audits/templates/sections/{section.pk}/remove/",
        f"/audits/templates/{v2.pk}/publish/",
        f"/audits/templates/{multi.pk}/",
        f"/audits/templates/{multi.pk}/new-version/",
        f"/audits/templates/{multi.pk}/withdraw/",
        "/audits/themes/",
        "/audits/themes/new/",
        f"/audits/themes/{hub['theme'].pk}/edit/",
    ]
    found = widths(live_server, manager, width, paths)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4], page["axe"], page["unlabelled"][:4])
        for path, page in found.items()
        if page["status"] != 200
        or page["scrollWidth"] > page["viewport"]
        or page["hidden"]
        or page["axe"]
        or page["consoleErrors"]
        or (width == 375 and page["unlabelled"])  # cards: at small widths only
    }
    assert problems == {}
