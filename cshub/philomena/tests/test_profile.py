"""Writing and updating the profile: every save a version, audited, the old ones kept;
saving it unchanged or "Reviewed: nothing has changed" is a review; the photograph must be
a scanned image of this child that is not police-only."""

import dataclasses
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.audit.models import AuditEvent
from cshub.conftest import make_child
from cshub.philomena import actions
from cshub.philomena.models import Change, Profile
from cshub.philomena.tests.conftest import TEXT, photo

pytestmark = pytest.mark.django_db


def test_each_save_is_a_version_with_its_audit_event(child: Any, personas: dict[str, Any]) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    first = actions.write_profile(child, TEXT, actor=worker)
    second = actions.write_profile(
        child,
        dataclasses.replace(TEXT, hair="Shaved", places="Piccadilly Gardens\nThe arcade"),
        actor=manager,
    )
    assert (first.version, first.change, second.version, second.change) == (
        1,
        Change.WRITTEN,
        2,
        Change.UPDATED,
    )
    first.refresh_from_db()
    assert first.hair == "Short, dark brown"  # the earlier version is kept as it was
    events = AuditEvent.objects.filter(object_type="philomena.profile", child_id=child.pk).order_by("id")
    assert [(e.action, e.object_id, e.detail["version"]) for e in events] == [
        ("CREATE", str(first.pk), 1),
        ("UPDATE", str(second.pk), 2),
    ]
    assert events[1].detail["fields"] == ["hair", "places"]
    assert events[1].actor == manager


def test_saving_it_unchanged_and_confirming_it_are_reviews(child: Any, personas: dict[str, Any]) -> None:
    worker = personas["missing_worker"]
    actions.write_profile(child, TEXT, actor=worker)
    again = actions.write_profile(child, TEXT, actor=worker)
    confirmed = actions.confirm_profile(child, actor=personas["practitioner"])
    assert (again.change, confirmed.change) == (Change.REVIEWED, Change.REVIEWED)
    assert confirmed.version == 3 and confirmed.text() == again.text()
    assert AuditEvent.objects.filter(object_type="philomena.profile", action="UPDATE").count() == 2


def test_confirming_needs_a_profile_and_who_to_call_is_required(child: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    with pytest.raises(ValidationError, match="no profile to review"):
        actions.confirm_profile(child, actor=worker)
    with pytest.raises(ValidationError) as caught:
        actions.write_profile(child, dataclasses.replace(TEXT, who_to_call="  "), actor=worker)
    assert caught.value.message_dict == {"who_to_call": ["Write who to call when Kofi goes missing"]}
    assert not Profile.objects.exists()


def test_only_people_who_record_missing_episodes_write_it(child: Any, personas: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.write_profile(child, TEXT, actor=personas["analyst"])


def test_the_photograph_is_a_clean_image_of_this_child_not_police_only(
    child: Any, personas: dict[str, Any]
) -> None:
    worker = personas["practitioner"]
    other = make_child(worker, "Amara", "Brambleford")
    refused = [
        photo(other, worker),
        photo(child, worker, status="PENDING"),
        photo(child, worker, status="INFECTED"),
        photo(child, worker, police_only=True),
    ]
    for document in refused:
        with pytest.raises(ValidationError) as caught:
            actions.write_profile(child, TEXT, actor=worker, photo=document)
        assert list(caught.value.message_dict) == ["photo"]
    good = photo(child, worker, title="School photo")
    assert actions.photo_choices(child) == [good]
    assert actions.write_profile(child, TEXT, actor=worker, photo=good).photo == good


def test_the_form_writes_the_profile_and_an_earlier_version_can_be_read(
    child: Any, personas: dict[str, Any], client_for: Any
) -> None:
    worker = personas["practitioner"]
    picture = photo(child, worker, title="School photo")
    client = client_for("missing_worker")
    url = reverse("philomena:edit", args=[child.pk])
    page = client.get(url).content.decode()
    assert "School photo" in page and 'name="who_to_call"' in page
    form = {**dataclasses.asdict(TEXT), "in_care": "Y", "photo": str(picture.pk)}
    answer = client.post(url, {**form, "who_to_call": ""})
    assert answer.status_code == 200
    assert "Write who to call when Kofi goes missing" in answer.content.decode()
    assert client.post(url, form).status_code == 302
    client.post(url, {**form, "hair": "Shaved"})
    now = client.get(reverse("philomena:profile", args=[child.pk])).content.decode()
    assert "Shaved" in now and "Short, dark brown" not in now and "Version 2 (this one)" in now
    before = client.get(reverse("philomena:profile", args=[child.pk]) + "?version=1").content.decode()
    assert "Short, dark brown" in before and "An earlier version" in before
    assert client.get(reverse("philomena:profile", args=[child.pk]) + "?version=9").status_code == 404
    assert Profile.objects.get(version=2).photo == picture


def test_the_review_button_moves_the_review_on(child: Any, personas: dict[str, Any], client_for: Any) -> None:
    actions.write_profile(child, TEXT, actor=personas["practitioner"])
    answer = client_for("team_manager").post(reverse("philomena:confirm", args=[child.pk]))
    assert answer.status_code == 302
    latest = Profile.objects.order_by("-version").first()
    assert latest is not None and (latest.version, latest.change) == (2, Change.REVIEWED)
