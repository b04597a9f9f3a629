"""Issue 16: the access review named each record "Record 52". It names the child to a manager
who may see the record, and says "A restricted record" (no name, no id) to one who may not."""

from django.test import Client

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.audit.events import record_event
from cshub.audit.models import Action


def test_the_access_review_names_what_each_record_is(hub, personas, client_for):
    restricted, child = hub["restricted"], hub["child"]
    practitioner = client_for("practitioner")
    assert practitioner.get(f"/children/{restricted.pk}/").status_code == 302  # refused, on the review
    practitioner.post(
        f"/children/{restricted.pk}/break-glass/",
        {"reason": "Child found in crisis at A&E tonight, need the safety plan"},
    )
    record_event(personas["analyst"], Action.ACCESS_DENIED, child, child_id=child.pk)
    named = client_for("team_manager").get("/access-review/").content.decode()
    assert f"Record {restricted.pk}<" not in named and f"Record {child.pk}<" not in named
    assert "Tia Cinderwick" in named  # restricted it: named on it
    assert "Kofi Ashcombe" in named
    other = sign_in_verified(
        Client(), create_user("other.manager", agency="SOCIAL_CARE", roles=["team_manager"], actor=None)
    ).get("/access-review/")
    html = other.content.decode()
    assert "Cinderwick" not in html and f"Record {restricted.pk}" not in html
    assert "A restricted record" in html
    assert "Kofi Ashcombe" in html
