"""Issue 20's pages at 375 px and 1280 px in headless Chromium (as core's small-screens
test): Your account with tokens (scope, expiry, last use), a user's page with a role waiting
and tokens, Roles to approve and the user's page for a strategic lead. No sideways scroll,
no cell off-screen or unlabelled, no axe violations, no console errors."""

from typing import Any

import pytest

from cshub.access import actions
from cshub.access.models import User
from cshub.access.scopes import Scope
from cshub.core.tests.test_small_screens import widths

pytestmark = pytest.mark.usefixtures("live_db")


def test_token_and_role_pages_fit_375_and_1280_px(live_server: Any, personas: dict[str, User]) -> None:
    admin, worker, lead = personas["sysadmin"], personas["missing_worker"], personas["strategic_lead"]
    actions.create_api_token(
        worker, "Police missing reports feed", actor=worker, scopes=[Scope.MISSING_REPORT]
    )
    actions.create_api_token(worker, "Dashboard", actor=worker, scopes=[Scope.READ], days=365)
    actions.update_user(
        worker,
        actor=admin,
        agency=worker.agency,
        roles=["missing_worker", "team_manager"],
        first_name=worker.first_name,
        last_name=worker.last_name,
        email="",
        job_title="Missing-service worker",
        is_active=True,
    )
    pages = {
        worker: ["/account/"],
        admin: [f"/users/{worker.pk}/"],
        lead: ["/users/role-requests/", f"/users/{worker.pk}/roles/"],
    }
    problems = {}
    for width in (375, 1280):
        for user, paths in pages.items():
            for path, page in widths(live_server, user, width, paths).items():
                found = (
                    page["status"],
                    page["scrollWidth"] > page["viewport"],
                    page["hidden"][:3],
                    page["unlabelled"][:3] if width == 375 else [],  # cards only on a phone
                    page["axe"],
                    page["consoleErrors"],
                )
                if found != (200, False, [], [], [], []):
                    problems[(width, path)] = found
    assert problems == {}, problems
