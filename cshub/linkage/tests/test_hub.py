"""A hub's side of linkage: which records it encodes, what it sends and when, and what the
region tells it."""

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from cshub.access.models import User
from cshub.conftest import make_child
from cshub.crossborder.models import CrossBorderMatch, MatchStatus
from cshub.intelligence.models import Subject, SubjectKind
from cshub.linkage import actions, encoding, schedule
from cshub.linkage.models import LinkageRef, RecordKind
from cshub.linkage.tests.helpers import make_peer
from cshub.people import actions as people
from cshub.people.merge import merge_people
from cshub.people.models import Person, PersonType
from cshub.region.models import Direction, Message, PeerRole
from cshub.region.transport import Refused, dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    return make_peer("gm-region", PeerRole.REGION)


def sent() -> list[dict[str, Any]]:
    return [
        m.payload
        for m in Message.objects.filter(direction=Direction.OUT, kind="linkage.encodings").order_by(
            "created_at"
        )
    ]


def records(payloads: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["ref"]: r for p in payloads for r in p["records"]}


def test_children_with_an_episode_or_a_referral_and_adults_of_concern_are_encoded(
    hub: dict[str, Any], personas: dict[str, User], region: Any
) -> None:
    worker = personas["practitioner"]
    mentioned = make_child(worker, "Jolene", "Quarrington")  # no referral, no episode
    adult = Person.objects.create(person_type=PersonType.ADULT, forename="Darren", surname="Keble")
    Subject.objects.create(kind=SubjectKind.ADULT, name="Darren Keble", key=str(adult.pk), person=adult)
    assert actions.send_encodings(actor=worker) > 0
    refs = LinkageRef.objects.all()
    assert hub["child"].pk in {r.person_id for r in refs}
    assert hub["second"].pk in {r.person_id for r in refs}
    assert mentioned.pk not in {r.person_id for r in refs}
    assert refs.filter(kind=RecordKind.ADULT, subject__person=adult).exists()
    [message] = Message.objects.filter(direction=Direction.OUT, kind="linkage.encodings")
    assert message.peer == region
    sent_records = records([message.payload])
    assert set(sent_records) == {r.ref for r in refs}
    one = sent_records[LinkageRef.objects.get(person=hub["child"]).ref]
    assert len(base64.b64decode(one["clk"])) == encoding.BYTES and one["blocks"]
    text = str(message.payload)
    assert "Kofi" not in text and "Ashcombe" not in text


def test_only_changed_records_are_sent_again_and_a_full_set_daily(
    hub: dict[str, Any], personas: dict[str, User], region: Any
) -> None:
    worker = personas["practitioner"]
    first = actions.send_encodings(actor=worker)
    assert actions.send_encodings(actor=worker) == 0  # nothing changed: nothing sent
    assert len(sent()) == 1
    people.add_alias(hub["child"], "Kof", "Ash", actor=worker)
    assert actions.send_encodings(actor=worker) == 1
    assert list(records(sent()[-1:])) == [LinkageRef.objects.get(person=hub["child"]).ref]
    # `cshub region run`: a full set when none was sent in the last day, else the changes.
    assert schedule.tick() == {"sent": first, "full": True}
    full = sent()[-1]
    assert full["full"] is True and full["parts"] == 1 and len(full["set"]) == 32
    assert schedule.tick() == {"sent": 0, "full": False}
    tomorrow = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert schedule.tick(now=tomorrow)["full"] is True


def test_a_full_set_comes_in_parts(
    hub: dict[str, Any], personas: dict[str, User], region: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(actions, "CHUNK", 1)
    count = actions.send_encodings(full=True, actor=personas["practitioner"])
    parts = sent()
    assert len(parts) == count >= 2
    assert [p["part"] for p in parts] == list(range(1, count + 1))
    assert {p["parts"] for p in parts} == {count} and len({p["set"] for p in parts}) == 1


def test_a_merged_record_is_withdrawn(hub: dict[str, Any], personas: dict[str, User], region: Any) -> None:
    actions.send_encodings(actor=personas["practitioner"])
    ref = LinkageRef.objects.get(person=hub["second"]).ref
    merge_people(hub["child"], hub["second"], actor=personas["team_manager"], reason="The same child")
    actions.send_encodings(actor=personas["practitioner"])
    assert sent()[-1]["withdrawn"] == [ref]


def test_without_a_region_nothing_is_sent(hub: dict[str, Any], personas: dict[str, User]) -> None:
    assert schedule.tick() == {}
    with pytest.raises(Refused, match="No region"):
        actions.send_encodings(actor=personas["practitioner"])
    assert not Message.objects.exists()


def _told(ref: str, region: Any, **extra: Any) -> dict[str, Any]:
    return dispatch(
        region,
        "linkage.match",
        {
            "match": "m" * 32,
            "ref": ref,
            "kind": "child",
            "hub": "bury",
            "their_ref": "b" * 32,
            "score": "0.912",
            **extra,
        },
    )


def test_a_match_the_region_tells_is_recorded_and_withdrawn_when_it_says(
    hub: dict[str, Any], personas: dict[str, User], region: Any
) -> None:
    bury = make_peer("bury")
    actions.send_encodings(actor=personas["practitioner"])
    ours = LinkageRef.objects.get(person=hub["child"])
    assert _told(ours.ref, region) == {}
    match = CrossBorderMatch.objects.get(region_match_id="m" * 32)  # (the hub fixture holds others)
    assert (match.ours, match.their_hub, match.their_ref, match.score) == (
        ours,
        bury,
        "b" * 32,
        Decimal("0.912"),
    )
    assert match.status == MatchStatus.PENDING
    assert dispatch(region, "linkage.unmatch", {"match": "m" * 32}) == {}
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    with pytest.raises(Refused, match="Unknown match"):
        dispatch(region, "linkage.unmatch", {"match": "x" * 32})


def test_a_match_is_refused_from_a_hub_for_an_unknown_ref_or_hub(
    hub: dict[str, Any], personas: dict[str, User], region: Any
) -> None:
    bury = make_peer("bury")
    actions.send_encodings(actor=personas["practitioner"])
    ours = LinkageRef.objects.get(person=hub["child"]).ref
    with pytest.raises(Refused, match="Only the region"):
        dispatch(
            bury,
            "linkage.match",
            {"match": "m" * 32, "ref": ours, "hub": "bury", "their_ref": "b" * 32, "score": "0.9"},
        )
    with pytest.raises(Refused, match="Unknown ref"):
        _told("0" * 32, region)
    with pytest.raises(Refused, match="Unknown hub"):
        _told(ours, region, hub="nowhere")
    with pytest.raises(Refused, match="score"):
        _told(ours, region, score="7")
    with override_settings(CSHUB_INSTANCE="region"), pytest.raises(Refused, match="region is told of no"):
        _told(ours, region)
    assert not CrossBorderMatch.objects.filter(region_match_id="m" * 32).exists()


def test_the_command_sends_encodings_or_says_why_not(hub: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No region"):
        call_command("region", "send-encodings")
    make_peer("gm-region", PeerRole.REGION)
    output = StringIO()
    call_command("region", "send-encodings", "--all", stdout=output)
    assert "to send to the region" in output.getvalue()
    assert sent()[-1]["full"] is True
