"""Who is looked after, when the profile is due a review (CSHUB_PHILOMENA_REVIEW_DAYS, and
after each missing episode), and the prompt on the child's page and the missing pages."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.conftest import TODAY, make_child
from cshub.missing import actions as missing
from cshub.philomena import actions
from cshub.philomena.review import status
from cshub.philomena.tests.conftest import TEXT, in_care
from cshub.socialcare.models import ClaEpisode

pytestmark = pytest.mark.django_db

NO_PROFILE = "is looked after and has no missing-from-care profile"
DAY = dt.timedelta(days=1)


def _episode(child: Any, actor: Any, reported: dt.datetime, *, from_care: bool | None = None) -> Any:
    return missing.record_missing_episode(
        child,
        missing.MissingReport(
            reported_at=reported, returned_at=reported + dt.timedelta(hours=6), from_care=from_care
        ),
        actor=actor,
    )


def test_what_says_a_child_is_looked_after(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    council = make_child(worker, "Ada", "Cla")
    in_care(council, since=dt.date(2025, 3, 3))
    assert status(council).looked_after
    assert status(council).why_looked_after == "The council's record says looked after since 3 March 2025."
    left = make_child(worker, "Bea", "Left")  # an episode of care that ceased is not "in care"
    ClaEpisode.objects.create(
        person=left, start_date=TODAY - 300 * DAY, ceased_date=TODAY - 10 * DAY, source_id="cla-left"
    )
    assert not status(left).looked_after
    from_care = make_child(worker, "Cal", "Missing")
    _episode(from_care, worker, timezone.now() - 3 * DAY, from_care=True)
    assert status(from_care).looked_after and "missing from care" in status(from_care).why_looked_after
    marked = make_child(worker, "Dee", "Marked")
    assert not status(marked).looked_after
    actions.write_profile(marked, TEXT, actor=worker, in_care=True)
    assert status(marked).why_looked_after == "Marked as looked after on the profile."
    actions.write_profile(marked, TEXT, actor=worker, in_care=False)
    assert not status(marked).looked_after


def test_the_review_is_due_after_the_cadence(child: Any, personas: dict[str, Any], settings: Any) -> None:
    settings.CSHUB_PHILOMENA_REVIEW_DAYS = 90
    written = timezone.now() - 90 * DAY
    actions.write_profile(child, TEXT, actor=personas["practitioner"], at=written)
    state = status(child)
    assert state.due_on == timezone.localtime(written).date() + 90 * DAY
    assert not state.out_of_date and not state.prompt  # due today: not yet out of date
    assert status(child, today=state.due_on + DAY).out_of_date
    settings.CSHUB_PHILOMENA_REVIEW_DAYS = 30
    assert status(child).out_of_date and status(child).prompt


def test_the_review_is_due_after_each_missing_episode(child: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    actions.write_profile(child, TEXT, actor=worker, at=timezone.now() - 20 * DAY)
    _episode(child, worker, timezone.now() - 25 * DAY)  # before the profile: no review for it
    assert not status(child).out_of_date
    episode = _episode(child, worker, timezone.now() - 5 * DAY)
    state = status(child)
    assert state.out_of_date and state.missing_since == episode
    assert state.due_on == timezone.localtime(episode.returned_at).date()
    actions.confirm_profile(child, actor=worker)
    assert not status(child).out_of_date


def test_the_childs_page_asks_for_a_profile_and_its_review(
    child: Any, personas: dict[str, Any], client_for: Any
) -> None:
    worker = personas["practitioner"]
    page = reverse("casework:child", args=[child.pk])
    client = client_for("practitioner")
    text = client.get(page).content.decode()
    assert f"Kofi {NO_PROFILE}" in text and reverse("philomena:edit", args=[child.pk]) in text
    actions.write_profile(child, TEXT, actor=worker, at=timezone.now() - 2 * DAY)
    text = client.get(page).content.decode()
    assert NO_PROFILE not in text and "Check it is still right" not in text
    assert reverse("philomena:pdf", args=[child.pk]) in text
    _episode(child, worker, timezone.now() - DAY)
    text = client.get(page).content.decode()
    assert "after the profile was last reviewed. Check it is still right." in text
    not_in_care = make_child(worker, "Amara", "Brambleford")
    text = client.get(reverse("casework:child", args=[not_in_care.pk])).content.decode()
    assert NO_PROFILE not in text and "Nothing in CSHub says Amara is looked after." in text


def test_the_missing_pages_link_the_profile_to_send_with_the_report(
    child: Any, personas: dict[str, Any], client_for: Any
) -> None:
    worker = personas["practitioner"]
    episode = _episode(child, worker, timezone.now() - 2 * DAY)
    client = client_for("missing_worker")
    pages = [reverse("missing:interview", args=[episode.pk]), reverse("missing:record", args=[child.pk])]
    for url in pages:
        assert NO_PROFILE in client.get(url).content.decode()
    actions.write_profile(child, TEXT, actor=worker)
    for url in pages:
        text = client.get(url).content.decode()
        assert "Download the profile to send with the missing report (PDF)" in text
        assert reverse("philomena:pdf", args=[child.pk]) in text and NO_PROFILE not in text
