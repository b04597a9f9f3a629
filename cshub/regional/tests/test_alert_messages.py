"""`alert.raise` on the region (relayed to the hubs named, and to them only; counts kept, no
text) and `alert.notify` on a hub (stored once); both refused, nothing applied, when wrong."""

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import override_settings

from cshub.audit.models import AuditEvent
from cshub.region.models import Message, Peer
from cshub.region.transport import Refused, dispatch
from cshub.regional import actions
from cshub.regional.models import AdultMatchAlert, AlertFlow, CrossBorderAlert, RelayedAlert

WHEN = dt.date(2026, 11, 3)
TEXT = (
    "A child missing from Bolton was found in your area on 3 November 2026; contact Bolton quoting BOLTON-1."
)


def raise_payload(**kw: Any) -> dict[str, Any]:
    return {
        "alert": str(uuid.uuid4()),
        "type": "missing_found",
        "to": ["bury"],
        "when": WHEN.isoformat(),
        "text": TEXT,
        **kw,
    }


def sent(kind: str) -> list[Message]:
    return list(Message.objects.filter(direction="out", kind=kind).select_related("peer"))


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_the_region_relays_to_the_hubs_named_and_only_them(peers: dict[str, Peer]) -> None:
    from cshub.regional.tests.conftest import make_peer

    make_peer("oldham", "Oldham", districts=["OL1"])  # a hub the alert does not name
    payload = raise_payload(to=["bury", "wigan"])
    assert dispatch(peers["bolton"], "alert.raise", payload) == {"relayed": 2}
    notified = sent("alert.notify")
    assert sorted(m.peer.hub_id for m in notified) == ["bury", "wigan"]
    for m in notified:
        assert m.payload == {
            "alert": payload["alert"],
            "type": "missing_found",
            "from": "bolton",
            "when": "2026-11-03",
            "text": TEXT,
        }
    flows = {(f.type, f.from_hub, f.to_hub, f.quarter, f.count) for f in AlertFlow.objects.all()}
    assert flows == {
        ("missing_found", "bolton", "bury", "2026-Q3", 1),
        ("missing_found", "bolton", "wigan", "2026-Q3", 1),
    }


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_the_same_alert_again_is_not_relayed_twice(peers: dict[str, Peer]) -> None:
    payload = raise_payload()
    dispatch(peers["bolton"], "alert.raise", payload)
    assert dispatch(peers["bolton"], "alert.raise", payload) == {"relayed": 0}
    assert len(sent("alert.notify")) == 1
    assert AlertFlow.objects.get().count == 1


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"to": ["bury", "nowhere"]}, "Unknown hub: nowhere"),
        ({"to": ["bolton"]}, "names the hub that raised"),
        ({"to": ["gm-region"]}, "is not a hub"),
        ({"to": []}, "list of hub ids"),
        ({"type": "rumour"}, "type must be"),
        ({"type": "adult_two_hubs"}, "raised by the region"),
        ({"alert": "not-a-uuid"}, "UUID"),
        ({"when": "3 November"}, "date"),
        ({"when": "2999-01-01"}, "future"),
        ({"text": ""}, "text must be"),
        ({"text": "x" * 501}, "text must be"),
    ],
)
def test_a_bad_alert_is_refused_and_nothing_applied(
    peers: dict[str, Peer], change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(Refused, match=reason):
        dispatch(peers["bolton"], "alert.raise", raise_payload(**change))
    assert not sent("alert.notify") and not AlertFlow.objects.exists() and not RelayedAlert.objects.exists()


def test_a_hub_does_not_relay(peers: dict[str, Peer]) -> None:
    with pytest.raises(Refused, match="This instance is a hub"):
        dispatch(peers["bolton"], "alert.raise", raise_payload())


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_only_a_hub_raises(peers: dict[str, Peer]) -> None:
    from cshub.regional.tests.conftest import make_peer

    other_region = make_peer("nw-region", "North West region", "region")
    with pytest.raises(Refused, match="Only a hub"):
        dispatch(other_region, "alert.raise", raise_payload())


def notify_payload(**kw: Any) -> dict[str, Any]:
    return {
        "alert": str(uuid.uuid4()),
        "type": "missing_found",
        "from": "bolton",
        "when": "2026-11-03",
        "text": TEXT,
        **kw,
    }


def test_a_hub_stores_a_relayed_alert_once(peers: dict[str, Peer]) -> None:
    payload = notify_payload()
    assert dispatch(peers["region"], "alert.notify", payload) == {}
    assert dispatch(peers["region"], "alert.notify", payload) == {}
    alert = CrossBorderAlert.objects.get()
    assert (alert.type, alert.from_hub, alert.when, alert.text) == ("missing_found", "bolton", WHEN, TEXT)
    assert alert.acknowledged_at is None
    assert AuditEvent.objects.filter(object_type__icontains="crossborderalert", action="CREATE").count() == 1


def test_a_hub_takes_alerts_from_the_region_only(peers: dict[str, Peer]) -> None:
    with pytest.raises(Refused, match="Only the region"):
        dispatch(peers["bolton"], "alert.notify", notify_payload())
    with pytest.raises(Refused, match="from must be a hub id"):
        dispatch(peers["region"], "alert.notify", notify_payload(**{"from": "<script>"}))
    assert not CrossBorderAlert.objects.exists()


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_the_region_stores_no_alert(peers: dict[str, Peer]) -> None:
    with pytest.raises(Refused, match="This instance is the region"):
        dispatch(peers["region"], "alert.notify", notify_payload())


def test_two_different_hubs_make_an_adult_alert() -> None:
    assert actions.adult_two_hubs(["bolton", "bury"])
    assert not actions.adult_two_hubs(["bolton", "bolton"])
    assert not actions.adult_two_hubs(["bolton", ""])
    assert not actions.adult_two_hubs([])


@override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")
def test_an_adult_matched_across_two_hubs_is_alerted_to_both_once(peers: dict[str, Peer]) -> None:
    assert actions.notify_adult_match("m-1", peers["bolton"], peers["bury"], WHEN) == 2
    assert actions.notify_adult_match("m-1", peers["bolton"], peers["bury"], WHEN) == 0
    assert actions.notify_adult_match("m-2", peers["bolton"], peers["bolton"], WHEN) == 0
    notified = {m.peer.hub_id: m.payload for m in sent("alert.notify")}
    assert set(notified) == {"bolton", "bury"}
    assert notified["bolton"]["from"] == "bury" and "Bury" in notified["bolton"]["text"]
    assert notified["bury"]["from"] == "bolton" and "Bolton" in notified["bury"]["text"]
    assert notified["bolton"]["alert"] != notified["bury"]["alert"]
    # No reference to quote: the region's own would mean nothing to the other hub; the match,
    # which both hold, is where they take it further.
    assert "GM-REGION" not in notified["bolton"]["text"]
    assert "cross-border matches of adults" in notified["bolton"]["text"]
    assert list(AdultMatchAlert.objects.values_list("match", flat=True)) == ["m-1"]
    assert AlertFlow.objects.filter(type="adult_two_hubs").count() == 2
