"""Places and people suggested from the return interviews, where the child was found, and
intelligence links the user may read: shown to tick, written only when ticked."""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_user
from cshub.intelligence import actions as intel
from cshub.missing import actions as missing
from cshub.philomena import actions
from cshub.philomena.models import Profile
from cshub.philomena.suggestions import PERSON, PLACE, suggestions
from cshub.philomena.tests.conftest import TEXT

pytestmark = pytest.mark.django_db


def _interview(child: Any, actor: Any, entries: tuple[tuple[str, str, str], ...], **found: Any) -> Any:
    back = timezone.now() - dt.timedelta(days=3)
    episode = missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=back - dt.timedelta(hours=12), returned_at=back, **found),
        actor=actor,
    )
    return missing.record_return_interview(
        episode,
        missing.InterviewRecord(
            outcome="COMPLETED", completed_at=back + dt.timedelta(hours=4), entries=entries
        ),
        actor=actor,
    )


def test_interview_entries_and_where_found_are_suggested_once(child: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    _interview(
        child,
        worker,
        (("PLACE", "Flat 3, Mill Court", ""), ("PERSON", "Dee", "older lad"), ("VEHICLE", "AB12 CDE", "")),
        found_location="Flat 3, Mill Court",
        found_with="Marcus",
    )
    found = suggestions(child, worker)
    assert {(s.kind, s.value) for s in found} == {
        (PLACE, "Flat 3, Mill Court"),
        (PERSON, "Dee"),
        (PERSON, "Marcus"),
    }
    assert next(s for s in found if s.value == "Dee").source.startswith("Return interview of ")
    # what the profile already lists is not suggested again (however it is written)
    left = suggestions(child, worker, places="flat 3 mill court", people="Dee\n")
    assert [s.value for s in left] == ["Marcus"]


def test_intelligence_links_are_suggested_to_those_who_may_read_them(
    child: Any, personas: dict[str, Any]
) -> None:
    worker = personas["practitioner"]
    place = intel.create_subject(
        intel.SubjectDetails(kind="PLACE", name="Golden Fry", place_kind="TAKEAWAY", postcode="M1 1AA"),
        actor=worker,
    )
    intel.record_link(
        intel.LinkDetails(subject=place, link_type="SEEN_AT", source_type="CASE_NOTE", child_id=child.pk),
        actor=worker,
    )
    police = create_user("police.officer", agency="POLICE", roles=["practitioner"], actor=None)
    group = intel.create_subject(
        intel.SubjectDetails(kind="GROUP", name="Hill Street crew", group_kind="PEER"), actor=police
    )
    intel.record_link(
        intel.LinkDetails(
            subject=group,
            link_type="MEMBER_OF",
            source_type="CASE_NOTE",
            child_id=child.pk,
            grading=intel.Grading("1", "A", "C"),  # police only
        ),
        actor=police,
    )
    assert [(s.kind, s.value) for s in suggestions(child, worker)] == [(PLACE, "Golden Fry (M1 1AA)")]
    assert {s.value for s in suggestions(child, police)} == {"Golden Fry (M1 1AA)", "Hill Street crew"}
    # a nurse-like role without intelligence sees none of them
    assert suggestions(child, personas["analyst"]) == []


def test_ticked_suggestions_are_added_and_no_longer_offered(
    child: Any, personas: dict[str, Any], client_for: Any
) -> None:
    worker = personas["practitioner"]
    actions.write_profile(child, TEXT, actor=worker)
    _interview(child, worker, (("PLACE", "Flat 3, Mill Court", ""), ("PERSON", "Dee", "")))
    client = client_for("missing_worker")
    url = reverse("philomena:edit", args=[child.pk])
    page = client.get(url).content.decode()
    assert (
        'name="confirm_places" type="checkbox" value="Flat 3, Mill Court"' in page and 'value="Dee"' in page
    )
    form = {**dataclasses.asdict(TEXT), "in_care": "Y", "photo": ""}
    assert client.post(url, {**form, "confirm_places": ["Flat 3, Mill Court"]}).status_code == 302
    latest = Profile.objects.order_by("-version").first()
    assert latest is not None
    assert (
        latest.places == "Piccadilly Gardens\nFlat 3, Mill Court" and latest.people == TEXT.people
    )  # Dee not ticked
    page = client.get(url).content.decode()
    assert 'value="Flat 3, Mill Court"' not in page and 'value="Dee"' in page
    # a value that was never suggested is refused, not written
    answer = client.post(url, {**form, "confirm_people": ["Someone made up"]})
    assert answer.status_code == 200 and Profile.objects.count() == 2
