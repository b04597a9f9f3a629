"""The region's side of linkage: encodings received, matched across hubs, both hubs told;
withdrawn when no longer matching; and nothing identifying ever stored."""

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import override_settings

from cshub.linkage import actions, encoding, schedule, synthetic
from cshub.linkage.matching import THRESHOLD
from cshub.linkage.models import RegionEncoding, RegionMatch, RegionMatchStatus, SideDecision
from cshub.linkage.synthetic import Record
from cshub.linkage.tests.helpers import item, make_peer, payload, ref_of
from cshub.region.models import Direction, Message, PeerRole
from cshub.region.transport import Refused, dispatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("as_region")]

KAYDEN = Record(0, "p1", "child", "Kayden", "Ashworth", dt.date(2011, 3, 14), "M8")
KAYDEN_B = Record(
    1, "p1", "child", "Ashworth", "Kayden", dt.date(2011, 3, 15), "BL9"
)  # swapped, day off, moved
AMARA = Record(0, "p2", "child", "Amara", "Brambleford", dt.date(2009, 6, 2), "M9")
OTHER = Record(1, "p3", "child", "Tomasz", "Wilczek", dt.date(2010, 11, 30), "BL1")


@pytest.fixture
def as_region() -> Any:
    with override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region"):
        yield


def out(kind: str) -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUT, kind=kind).select_related("peer"))


def test_a_match_across_two_hubs_is_told_to_both() -> None:
    a, b = make_peer("bolton"), make_peer("bury")
    assert dispatch(a, "linkage.encodings", payload([KAYDEN, AMARA])) == {"received": 2}
    assert dispatch(b, "linkage.encodings", payload([KAYDEN_B, OTHER])) == {"received": 2}
    assert RegionMatch.objects.count() == 0  # matching runs in the region's round
    result = schedule.tick()
    assert result["matched"]["new"] == 1
    match = RegionMatch.objects.get()
    assert {(match.hub_a, match.ref_a), (match.hub_b, match.ref_b)} == {
        (a, ref_of(KAYDEN)),
        (b, ref_of(KAYDEN_B)),
    }
    told = {m.peer.hub_id: m.payload for m in out("linkage.match")}
    assert told["bolton"]["ref"] == ref_of(KAYDEN) and told["bolton"]["their_ref"] == ref_of(KAYDEN_B)
    assert told["bolton"]["hub"] == "bury" and told["bury"]["hub"] == "bolton"
    assert told["bury"]["match"] == told["bolton"]["match"] == match.match_id
    assert float(told["bury"]["score"]) >= THRESHOLD
    assert schedule.tick() == {}  # nothing new arrived: nothing to do


def test_records_of_one_hub_are_never_matched_with_each_other() -> None:
    a = make_peer("bolton")
    twin = Record(0, "p9", "child", "Kayden", "Ashworth", dt.date(2011, 3, 14), "M8")
    dispatch(a, "linkage.encodings", payload([KAYDEN]))
    dispatch(
        a,
        "linkage.encodings",
        {"schema": encoding.SCHEMA, "records": [item(twin, "f" * 32)], "withdrawn": []},
    )
    actions.rematch()
    assert RegionMatch.objects.count() == 0


def test_an_encoding_of_another_schema_is_never_compared() -> None:
    a, b = make_peer("bolton"), make_peer("bury")
    dispatch(a, "linkage.encodings", payload([KAYDEN]))
    dispatch(b, "linkage.encodings", payload([KAYDEN_B]))
    RegionEncoding.objects.filter(hub=b).update(schema=encoding.SCHEMA - 1)  # kept from before a change
    assert actions.rematch()["records"] == 1
    assert RegionMatch.objects.count() == 0


def test_a_match_that_no_longer_holds_is_withdrawn_at_both_hubs() -> None:
    a, b = make_peer("bolton"), make_peer("bury")
    dispatch(a, "linkage.encodings", payload([KAYDEN]))
    dispatch(b, "linkage.encodings", payload([KAYDEN_B]))
    actions.rematch()
    moved_on = Record(1, "p1", "child", "Tomasz", "Wilczek", dt.date(2010, 11, 30), "BL1")
    dispatch(
        b,
        "linkage.encodings",
        {"schema": encoding.SCHEMA, "records": [item(moved_on, ref_of(KAYDEN_B))], "withdrawn": []},
    )
    assert RegionEncoding.objects.count() == 2  # replaced, not added
    assert actions.rematch()["withdrawn"] == 1
    match = RegionMatch.objects.get()
    assert match.status == RegionMatchStatus.WITHDRAWN
    assert sorted(m.peer.hub_id for m in out("linkage.unmatch")) == ["bolton", "bury"]


def test_a_withdrawn_record_and_one_missing_from_a_full_set_are_removed() -> None:
    a, b = make_peer("bolton"), make_peer("bury")
    dispatch(a, "linkage.encodings", payload([KAYDEN, AMARA]))
    dispatch(b, "linkage.encodings", payload([KAYDEN_B]))
    dispatch(b, "linkage.encodings", payload([], withdrawn=[ref_of(KAYDEN_B)]))
    assert not RegionEncoding.objects.filter(hub=b).exists()
    # A full set in two parts: only when both have come are the others removed.
    full = {"full": True, "set": "a" * 32, "parts": 2}
    dispatch(a, "linkage.encodings", payload([KAYDEN], part=1, **full))
    assert RegionEncoding.objects.filter(hub=a).count() == 2
    dispatch(a, "linkage.encodings", payload([], part=2, **full))
    assert list(RegionEncoding.objects.filter(hub=a).values_list("ref", flat=True)) == [ref_of(KAYDEN)]


def test_one_to_one_per_pair_of_hubs_best_score_first() -> None:
    a, b, c = make_peer("bolton"), make_peer("bury"), make_peer("wigan")
    exact_b = Record(1, "p1-exact", "child", "Kayden", "Ashworth", dt.date(2011, 3, 14), "BL9")
    dispatch(a, "linkage.encodings", payload([KAYDEN]))
    dispatch(b, "linkage.encodings", payload([exact_b, KAYDEN_B]))
    dispatch(
        c,
        "linkage.encodings",
        payload([Record(2, "p1", "child", "Kayden", "Ashworth", KAYDEN.date_of_birth, "WN1")]),
    )
    actions.rematch()
    pairs = {
        (m.hub_a.hub_id, m.hub_b.hub_id): m for m in RegionMatch.objects.select_related("hub_a", "hub_b")
    }
    bolton_bury = [m for k, m in pairs.items() if set(k) == {"bolton", "bury"}]
    assert len(bolton_bury) == 1 and ref_of(exact_b) in (bolton_bury[0].ref_a, bolton_bury[0].ref_b)
    assert any(set(k) == {"bolton", "wigan"} for k in pairs)  # one in each other hub


def test_each_hubs_decision_is_kept_and_only_theirs() -> None:
    a, b, c = make_peer("bolton"), make_peer("bury"), make_peer("wigan")
    dispatch(a, "linkage.encodings", payload([KAYDEN]))
    dispatch(b, "linkage.encodings", payload([KAYDEN_B]))
    actions.rematch()
    match = RegionMatch.objects.get()
    dispatch(b, "linkage.decision", {"match": match.match_id, "decision": "confirmed"})
    match.refresh_from_db()
    mine = match.decision_b if match.hub_b == b else match.decision_a
    assert mine == SideDecision.CONFIRMED
    with pytest.raises(Refused, match="not one of your hub"):
        dispatch(c, "linkage.decision", {"match": match.match_id, "decision": "rejected"})
    with pytest.raises(Refused, match="Unknown match"):
        dispatch(a, "linkage.decision", {"match": "0" * 32, "decision": "rejected"})


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"schema": 1}, "schema"),  # the encoding before schema 2: other bits
        ({"schema": 3}, "schema"),
        ({"records": [{"ref": "x", "kind": "child", "clk": "", "blocks": []}]}, "ref"),
        ({"records": [{"ref": "a" * 32, "kind": "place", "clk": "", "blocks": []}]}, "kind"),
        ({"records": [{"ref": "a" * 32, "kind": "child", "clk": "AAAA", "blocks": []}]}, "192 bytes"),
        ({"records": [{"ref": "a" * 32, "kind": "child", "clk": "not base64!", "blocks": []}]}, "base64"),
        (
            {"records": [{"ref": "a" * 32, "kind": "child", "clk": "A" * 256, "blocks": ["Kayden"]}]},
            "blocking",
        ),
        ({"withdrawn": ["Kayden Ashworth"]}, "withdrawn"),
        ({"records": [item(KAYDEN), item(KAYDEN)]}, "twice"),
    ],
)
def test_a_malformed_message_is_refused_and_nothing_stored(bad: dict[str, Any], reason: str) -> None:
    a = make_peer("bolton")
    with pytest.raises(Refused, match=reason):
        dispatch(
            a,
            "linkage.encodings",
            {"schema": encoding.SCHEMA, "full": False, "records": [], "withdrawn": [], **bad},
        )
    assert not RegionEncoding.objects.exists()


def test_only_a_hub_sends_encodings_and_a_hub_instance_refuses_them() -> None:
    with pytest.raises(Refused, match="Only a hub"):
        dispatch(make_peer("elsewhere", PeerRole.REGION), "linkage.encodings", payload([KAYDEN]))
    with override_settings(CSHUB_INSTANCE="hub"), pytest.raises(Refused, match="Only the region"):
        dispatch(make_peer("bolton"), "linkage.encodings", payload([KAYDEN]))


# What the region holds: its peers and messages, the encodings and matches, the regional
# returns, and the audit trail of all of it.
REGION_APPS = {"region", "linkage", "regional", "audit"}


def _identifiers(records: list[Record]) -> tuple[set[str], list[str]]:
    words: set[str] = set()
    for r in records:
        for name in (r.forename, r.surname, *(n for alias in r.aliases for n in alias)):
            words.update(w.lower() for w in re.split(r"[^A-Za-z]+", name) if len(w) >= 2)
        if r.district:
            words.add(r.district.lower())
    dates = []
    for r in records:
        if r.date_of_birth:
            d = r.date_of_birth
            dates += [d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.day} {d:%B %Y}"]
    return words, dates


def test_no_name_date_of_birth_or_postcode_is_stored_anywhere_at_the_region() -> None:
    records = synthetic.generate(3, 300, seed=7)
    peers = [make_peer(h) for h in ("bolton", "bury", "wigan")]
    for hub, peer in enumerate(peers):
        dispatch(peer, "linkage.encodings", payload([r for r in records if r.hub == hub]))
    assert actions.rematch()["new"] > 10
    some = RegionMatch.objects.filter(hub_a=peers[0]).first()
    assert some is not None
    dispatch(peers[0], "linkage.decision", {"match": some.match_id, "decision": "rejected"})
    words, dates = _identifiers(records)
    hub_words = {"bolton", "bury", "wigan", "https", "example"}
    seen_tables = 0
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label not in REGION_APPS:
                continue
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 # nosec B608 - table names of our own models
            seen_tables += 1
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    text = value.hex() if isinstance(value, (bytes, memoryview)) else str(value)
                    if isinstance(value, memoryview):
                        text = bytes(value).hex()
                    tokens = {t.lower() for t in re.split(r"[^A-Za-z0-9]+", text) if t}
                    leaked = (tokens & words) - hub_words
                    assert not leaked, f"{table}: {sorted(leaked)[:5]}"
                    assert not [d for d in dates if d in text], f"{table}: a date of birth"
    assert seen_tables >= 8
