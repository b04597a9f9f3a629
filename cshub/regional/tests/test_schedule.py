"""`schedule.tick()` on a hub: alerts raised for missing episodes found in another hub's area
and for hotspot places there (once each, with no postcode or location in the message), the
last ended quarter's return sent once; nothing when no region is registered."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from cshub.access.models import User
from cshub.conftest import make_child
from cshub.core.dates import local_today
from cshub.disruption.tests.conftest import link, place
from cshub.missing.actions import MissingReport, record_missing_episode
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.region.models import Message, Peer
from cshub.regional import schedule
from cshub.regional.models import RaisedAlert
from cshub.returns.export import last_ended
from cshub.returns.schema import Quarter


def episode(child: Person, found: str, *, days_ago: int = 2) -> MissingEpisode:
    back = timezone.now() - dt.timedelta(days=days_ago)
    return MissingEpisode.objects.create(
        person=child, reported_at=back - dt.timedelta(hours=20), returned_at=back, found_location=found
    )


def raised(kind: str) -> list[Message]:
    return [
        m for m in Message.objects.filter(direction="out", kind="alert.raise") if m.payload["type"] == kind
    ]


@pytest.fixture
def worker(personas: dict[str, User]) -> User:
    return personas["practitioner"]


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan")
def test_a_child_found_in_another_hubs_area_raises_one_alert(peers: dict[str, Peer], worker: User) -> None:
    child = make_child(worker)
    found = episode(child, "Found by police at Bury interchange, BL9 0AB", days_ago=2)
    episode(child, "At home, WN1 1AA", days_ago=5)  # Wigan's own area: WN1 is ours, not a peer's
    episode(child, "Near the M60, junction 17", days_ago=6)  # no postcode
    episode(make_child(worker, "Amara", "Brambleford"), "Bolton BL1 1AA", days_ago=40)  # too long ago
    schedule.scan_missing()
    schedule.scan_missing()  # the next round raises nothing again
    (message,) = raised("missing_found")
    assert message.peer == peers["region"]
    when = timezone.localdate(found.returned_at)
    assert message.payload["to"] == ["bury"] and message.payload["when"] == when.isoformat()
    text = message.payload["text"]
    assert text.startswith("A child missing from Wigan was found in your area on ")
    assert "WIGAN-" in text
    flat = str(message.payload)
    for secret in ("BL9", "0AB", "interchange", "Kofi", "Ashcombe", str(child.date_of_birth)):
        assert secret not in flat
    assert RaisedAlert.objects.get().source == f"missing:{found.pk}"


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan")
def test_an_episode_in_an_area_two_hubs_cover_alerts_both(peers: dict[str, Peer], worker: User) -> None:
    peers["bolton"].districts = ["BL1", "BL9"]
    peers["bolton"].save()
    episode(make_child(worker), "bl9 0ab")
    assert schedule.scan_missing() == 1
    (message,) = raised("missing_found")
    assert message.payload["to"] == ["bolton", "bury"]


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan", CSHUB_INTEL_ADULT_CHILDREN=3)
def test_a_hotspot_in_another_hubs_area_raises_one_alert(peers: dict[str, Peer], worker: User) -> None:
    busy = place(worker, "Bus station", "BL1 1AA")
    quiet = place(worker, "Corner shop", "BL2 2AB")
    home = place(worker, "Our park", "WN1 1AB")
    kids = [make_child(worker, f"Child{i}", "Ashby") for i in range(3)]
    seen = local_today() - dt.timedelta(days=10)
    for k in kids:
        link(worker, busy, k, seen)
        link(worker, home, k, seen)
    for k in kids[:2]:
        link(worker, quiet, k, seen)  # 2 children: not a hotspot
    schedule.scan_places()
    schedule.scan_places()
    (message,) = raised("place_border")
    assert message.payload["to"] == ["bolton"]
    assert "3 or more children known to Wigan" in message.payload["text"]
    assert "BL1" not in str(message.payload) and "Bus station" not in str(message.payload)
    assert RaisedAlert.objects.get().source == schedule.place_source(
        busy.pk, Quarter.containing(local_today())
    )


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan")
def test_tick_sends_the_last_ended_quarters_return_once(peers: dict[str, Peer]) -> None:
    schedule.tick()
    schedule.tick()
    (message,) = Message.objects.filter(direction="out", kind="return.quarterly")
    assert message.payload["quarter"] == str(last_ended()) and message.payload["replace"] is False


def test_tick_with_no_region_registered_does_nothing(db: Any, personas: dict[str, User]) -> None:
    child = make_child(personas["practitioner"])
    episode(child, "Bury BL9 0AB")
    schedule.tick()
    assert not Message.objects.exists() and not RaisedAlert.objects.exists()


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_tick_on_the_region_with_no_matching_yet_sends_nothing(peers: dict[str, Peer]) -> None:
    schedule.tick()
    assert not Message.objects.exists()


@override_settings(CSHUB_HUB_ID="not a hub id", CSHUB_HUB_NAME="Wigan")
def test_a_return_that_cannot_be_made_does_not_stop_the_alerts(peers: dict[str, Peer], worker: User) -> None:
    episode(make_child(worker), "Bury BL9 0AB")
    schedule.tick()
    assert not Message.objects.filter(kind="return.quarterly").exists()
    assert len(raised("missing_found")) == 1


def found_through_the_action(child: Person, found: str, actor: User) -> MissingEpisode:
    back = timezone.now() - dt.timedelta(hours=3)
    report = MissingReport(reported_at=back - dt.timedelta(hours=20), returned_at=back, found_location=found)
    return record_missing_episode(child, report, actor=actor)


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan")
def test_an_episode_recorded_as_found_in_another_hubs_area_raises_its_alert_at_once(
    peers: dict[str, Peer], personas: dict[str, User]
) -> None:
    worker = personas["missing_worker"]
    found = found_through_the_action(make_child(worker), "Bury interchange, BL9 0AB", worker)
    (message,) = raised("missing_found")  # in the outbox now, before any round
    assert message.payload["to"] == ["bury"]
    assert RaisedAlert.objects.get().source == f"missing:{found.pk}"
    assert schedule.scan_missing() == 0  # the round does not raise it again
    found_through_the_action(make_child(worker, "Amara", "Brambleford"), "At home, WN1 1AA", worker)
    assert len(raised("missing_found")) == 1  # our own area: no alert


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan")
def test_with_no_region_an_episode_found_elsewhere_is_recorded_and_alerted_by_no_one(
    db: Any, personas: dict[str, User]
) -> None:
    worker = personas["missing_worker"]
    found = found_through_the_action(make_child(worker), "Bury interchange, BL9 0AB", worker)
    assert MissingEpisode.objects.filter(pk=found.pk).exists()
    assert not RaisedAlert.objects.exists() and not Message.objects.exists()


@override_settings(CSHUB_HUB_ID="wigan", CSHUB_HUB_NAME="Wigan", CSHUB_INTEL_ADULT_CHILDREN=3)
def test_a_place_alerted_last_quarter_is_alerted_again_while_it_is_still_a_hotspot(
    peers: dict[str, Peer], worker: User
) -> None:
    busy = place(worker, "Bus station", "BL1 1AA")
    seen = local_today() - dt.timedelta(days=10)
    for i in range(3):
        link(worker, busy, make_child(worker, f"Child{i}", "Ashby"), seen)
    quarter = Quarter.containing(local_today())
    RaisedAlert.objects.create(
        type="place_border",
        source=schedule.place_source(busy.pk, quarter.previous()),
        to=["bolton"],
        when=seen,
    )
    assert schedule.scan_places() == 1
    assert schedule.scan_places() == 0  # once this quarter
    assert RaisedAlert.objects.filter(source=schedule.place_source(busy.pk, quarter)).exists()


def test_a_place_alerted_under_the_old_source_is_not_told_again_this_quarter(db: Any) -> None:
    """The migration to one alert a quarter renames what was raised before, by its quarter."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cshub.regional.migrations.0002_place_alert_per_quarter")
    day = dt.date(2026, 11, 20)
    RaisedAlert.objects.create(type="place_border", source="place:7", to=["bolton"], when=day)
    RaisedAlert.objects.create(type="missing_found", source="missing:7", to=["bolton"], when=day)
    migration.forwards(apps, None)
    assert set(RaisedAlert.objects.values_list("source", flat=True)) == {
        schedule.place_source(7, Quarter.containing(day)),
        "missing:7",
    }
