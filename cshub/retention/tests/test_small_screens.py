"""The retention and subject access pages at 375 and 1280 px in headless Chromium: nothing
scrolls sideways, nothing is cut off (the harness of cshub/core/tests/test_small_screens.py)."""

from typing import Any

import pytest

from cshub.access.models import Role, RolePermission, User
from cshub.access.permissions import Perm
from cshub.core.tests.test_small_screens import widths
from cshub.subjectaccess import actions as subject_access

pytestmark = pytest.mark.usefixtures("live_db")


@pytest.mark.parametrize("width", [375, 1280])
def test_retention_and_subject_access_pages_fit(live_server: Any, hub: dict[str, Any], width: int) -> None:
    role = Role.objects.create(code="information_governance", name="Information governance")
    for perm in (Perm.DISPOSE_RECORDS, Perm.MANAGE_RETENTION, Perm.SUBJECT_ACCESS, Perm.VIEW_CHILD):
        RolePermission.objects.create(role=role, permission=perm)
    officer = hub["manager"]
    officer.roles.add(role)
    officer = User.objects.get(pk=officer.pk)
    sar = subject_access.start(officer, hub["child"], "SAR-3")
    paths = [
        "/retention/",
        f"/retention/rules/{hub['retention_rule'].pk}/",
        f"/retention/records/{hub['child'].pk}/dispose/",
        f"/children/{hub['child'].pk}/subject-access/",
        f"/subject-access/{sar.pk}/",
    ]
    found = widths(live_server, officer, width, paths)
    problems = {
        path: (page["status"], page["scrollWidth"], page["hidden"][:4])
        for path, page in found.items()
        if page["status"] != 200 or page["scrollWidth"] > page["viewport"] or page["hidden"]
    }
    assert problems == {}
