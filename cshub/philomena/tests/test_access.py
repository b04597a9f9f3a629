"""Every read of the profile goes through get_child_for_user: audited as a VIEW of the child,
a restricted record sends to break glass, and roles without children's records get 403."""

from typing import Any

import pytest
from django.urls import reverse

from cshub.audit.models import AuditEvent
from cshub.conftest import make_child
from cshub.people import actions as people
from cshub.philomena import actions
from cshub.philomena.tests.conftest import TEXT, in_care

pytestmark = pytest.mark.django_db


def test_each_read_is_audited_for_the_child(child: Any, personas: dict[str, Any], client_for: Any) -> None:
    actions.write_profile(child, TEXT, actor=personas["practitioner"])
    client = client_for("team_manager")
    before = AuditEvent.objects.filter(action="VIEW", child_id=child.pk).count()
    for url in (
        reverse("philomena:profile", args=[child.pk]),
        reverse("philomena:profile", args=[child.pk]) + "?version=1",
        reverse("philomena:edit", args=[child.pk]),
        reverse("philomena:pdf", args=[child.pk]),
    ):
        assert client.get(url).status_code == 200, url
    views = AuditEvent.objects.filter(action="VIEW", child_id=child.pk).order_by("id")[before:]
    assert [e.detail.get("part") for e in views] == [
        "missing-from-care profile",
        "missing-from-care profile, version 1",
        "missing-from-care profile",
        "missing-from-care profile (PDF)",
    ]


def test_a_restricted_childs_profile_needs_break_glass(personas: dict[str, Any], client_for: Any) -> None:
    manager, worker = personas["team_manager"], personas["practitioner"]
    secret = make_child(worker, "Tia", "Cinderwick")
    in_care(secret)
    actions.write_profile(secret, TEXT, actor=worker)
    people.set_restriction(secret, True, "Relative of staff", actor=manager)
    client = client_for("practitioner")
    for name in ("philomena:profile", "philomena:pdf", "philomena:edit"):
        answer = client.get(reverse(name, args=[secret.pk]))
        assert answer.status_code == 302 and "break-glass" in answer["Location"], name
    assert client.post(reverse("philomena:confirm", args=[secret.pk])).status_code == 302
    assert secret.philomena_profiles.count() == 1  # nothing written
    assert AuditEvent.objects.filter(action="ACCESS_DENIED", child_id=secret.pk).exists()


def test_roles_without_childrens_records_are_refused(child: Any, client_for: Any) -> None:
    for role in ("analyst", "strategic_lead", "sysadmin"):
        assert client_for(role).get(reverse("philomena:profile", args=[child.pk])).status_code == 403
    assert client_for("missing_worker").get(reverse("philomena:edit", args=[child.pk])).status_code == 200
