import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.access.models import User
from cshub.audit.models import Action, AuditEvent
from cshub.notes import actions
from cshub.notes.actions import NoteText

pytestmark = pytest.mark.django_db


def _bearer(user: User) -> dict[str, Any]:
    _, raw = create_api_token(user, "notes", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_childs_notes_are_listed_read_only_over_the_api(
    hub: dict[str, Any], personas: dict[str, Any]
) -> None:
    child, worker = hub["child"], hub["worker"]
    when = timezone.now() - dt.timedelta(days=1)
    note = actions.record_note(
        child, NoteText("CASE_DISCUSSION", when, "Discussed with school.", "DSL"), actor=worker
    )
    actions.edit_note(
        note, NoteText("CASE_DISCUSSION", when, "Discussed with the school.", "DSL"), actor=worker
    )
    hidden = actions.record_note(
        hub["restricted"], NoteText("OTHER", when, "Restricted."), actor=hub["manager"]
    )
    headers = _bearer(personas["practitioner"])

    listed = Client().get("/api/v1/case-notes/", {"child": str(child.pk)}, **headers)
    assert listed.status_code == 200
    assert listed.json()["results"] == [
        {
            "id": note.pk,
            "child": child.pk,
            "kind": "CASE_DISCUSSION",
            "occurred_at": listed.json()["results"][0]["occurred_at"],
            "present": "DSL",
            "body": "Discussed with the school.",
            "author": str(worker),
            "created_at": listed.json()["results"][0]["created_at"],
            "version": 2,
        }
    ]
    assert AuditEvent.objects.filter(action=Action.VIEW, child_id=child.pk, via="api").exists()
    # Every note the user may see, without the filter: never the restricted child's.
    ids = [n["id"] for n in Client().get("/api/v1/case-notes/", **headers).json()["results"]]
    assert note.pk in ids and hidden.pk not in ids
    # A hidden child, or no child at all, is not found; so is a hidden note.
    for child_id in (str(hub["restricted"].pk), "99999999", "x"):
        assert Client().get("/api/v1/case-notes/", {"child": child_id}, **headers).status_code == 404
    assert Client().get(f"/api/v1/case-notes/{hidden.pk}/", **headers).status_code == 404
    assert Client().get(f"/api/v1/case-notes/{note.pk}/", **headers).json()["version"] == 2
    # Read only.
    assert Client().post("/api/v1/case-notes/", {}, **headers).status_code == 405
    assert Client().get("/api/v1/case-notes/", **_bearer(personas["analyst"])).status_code == 403
