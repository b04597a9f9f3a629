"""The pages, per role: cross-border alerts on a hub (managers; acknowledged, audited; the
count on the home page) and the regional picture on the region (numerators summed,
percentages recomputed, small numbers suppressed, which hubs sent, flows, empty states)."""

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from cshub.assurance.metrics import Count, Percent
from cshub.audit.models import AuditEvent
from cshub.conftest import ROLES
from cshub.core.dates import local_today
from cshub.linkage.models import RegionMatch
from cshub.region.models import Peer
from cshub.regional import actions, picture
from cshub.regional.models import AlertFlow, CrossBorderAlert
from cshub.returns.schema import Quarter, rows_from

QUARTER = Quarter.containing(local_today()).previous()
TEXT = (
    "A child missing from Bolton was found in your area on 3 November 2026; contact Bolton quoting BOLTON-1."
)
MANAGERS = {"team_manager"}


def an_alert() -> CrossBorderAlert:
    alert, _ = actions.receive_alert(uuid.uuid4(), "missing_found", "bolton", dt.date(2026, 11, 3), TEXT)
    return alert


@pytest.mark.parametrize("role", ROLES)
def test_alerts_are_for_managers(role: str, peers: dict[str, Peer], client_for: Any) -> None:
    alert = an_alert()
    client = client_for(role)
    page = client.get(reverse("regional:alerts"))
    posted = client.post(reverse("regional:acknowledge", args=[alert.pk]))
    if role in MANAGERS:
        assert page.status_code == 200
        assert TEXT in page.content.decode() and "From Bolton, 3 November 2026" in page.content.decode()
        assert posted.status_code == 302
    else:
        assert page.status_code == posted.status_code == 403
        alert.refresh_from_db()
        assert alert.acknowledged_at is None


def test_acknowledging_is_audited_and_moves_the_alert(
    peers: dict[str, Peer], client_for: Any, personas: dict[str, Any]
) -> None:
    alert = an_alert()
    client = client_for("team_manager")
    home = client.get(reverse("home")).content.decode()
    assert "1 cross-border alert to acknowledge" in home
    client.post(reverse("regional:acknowledge", args=[alert.pk]))
    client.post(reverse("regional:acknowledge", args=[alert.pk]))  # again: the first stands
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas["team_manager"] and alert.acknowledged_at is not None
    events = AuditEvent.objects.filter(action="UPDATE", object_type__icontains="crossborderalert")
    assert events.count() == 1 and events.get().actor == personas["team_manager"]
    page = client.get(reverse("regional:alerts")).content.decode()
    assert "There are no alerts to acknowledge." in page and "Acknowledged by Team Manager Persona" in page
    assert "cross-border alert" not in client.get(reverse("home")).content.decode()


def test_no_alerts_is_said(db: Any, client_for: Any) -> None:
    page = client_for("team_manager").get(reverse("regional:alerts")).content.decode()
    assert "There are no alerts to acknowledge." in page and "No alerts have been acknowledged yet." in page


region = override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")


def send(peer: Peer, **figures: Any) -> None:
    actions.store_return(peer, QUARTER, rows_from(peer.hub_id, QUARTER, figures), replace=False)


@pytest.fixture
def returns(peers: dict[str, Peer]) -> dict[str, Peer]:
    send(peers["bolton"], **{"referrals.received": Count(12), "rhi.within_72h": Percent(10, 20)})
    send(peers["bury"], **{"referrals.received": Count(3), "rhi.within_72h": Percent(30, 40)})
    send(peers["wigan"], **{"referrals.received": Count(20), "rhi.within_72h": Percent(0, 0)})
    AlertFlow.objects.create(
        type="missing_found", from_hub="bolton", to_hub="bury", quarter=str(QUARTER), count=7
    )
    AlertFlow.objects.create(
        type="place_border", from_hub="wigan", to_hub="bolton", quarter=str(QUARTER), count=2
    )
    return peers


@region
@pytest.mark.parametrize("role", ROLES)
def test_the_regional_picture_is_for_those_who_see_the_region(
    role: str, returns: dict[str, Peer], client_for: Any
) -> None:
    response = client_for(role).get(reverse("regional:dashboard"))
    assert response.status_code == (200 if role in {"team_manager", "analyst", "strategic_lead"} else 403)


def cells(page: str, label: str) -> list[str]:
    row = re.search(rf"<th[^>]*>{re.escape(label)}</th>(.*?)</tr>", page, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", " ", c).split()[0] for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]


@region
def test_the_picture_sums_recomputes_and_suppresses(returns: dict[str, Peer], client_for: Any) -> None:
    page = client_for("analyst").get(reverse("regional:dashboard")).content.decode()
    assert f"Regional picture: {QUARTER}" in page
    # Region, Bolton, Bury, Wigan: Bury's 3 is suppressed, so is the next smallest (Bolton's
    # 12), or Bury's could be worked out as 35 - 12 - 20.
    assert cells(page, "Referrals received") == ["35", "c", "c", "20"]
    # 40 of 60 (66.7%), not the average of 50% and 75%.
    assert cells(page, "Return interviews completed within 72 hours") == ["66.7%", "50.0%", "75.0%", "\u2013"]
    assert "40 of 60" in page and "62.5" not in page
    assert "3 of 3 hubs sent a return" in page
    flows = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("Cross-border flows", 1)[1]))
    assert "Bolton Bury 7" in flows and "Wigan Bolton c" in flows
    # The region's matches (linkage.RegionMatch): none yet.
    assert "No matching yet" in page


@region
def test_the_matches_waiting_are_each_hubs_own_undecided_sides(
    returns: dict[str, Peer], client_for: Any
) -> None:
    bolton, bury, wigan = (Peer.objects.get(hub_id=h) for h in ("bolton", "bury", "wigan"))

    def match(a: Peer, b: Peer, kind: str = "child", **fields: Any) -> None:
        RegionMatch.objects.create(kind=kind, hub_a=a, ref_a="r1", hub_b=b, ref_b="r2", score="0.9", **fields)

    match(bolton, bury)  # both to decide
    match(bolton, bury, decision_a="confirmed")  # Bury to decide
    match(wigan, bolton, decision_a="rejected", decision_b="confirmed")  # decided by both
    match(bury, wigan, status="withdrawn")  # no longer a match
    match(bury, wigan, kind="adult")  # both to decide
    page = client_for("analyst").get(reverse("regional:dashboard")).content.decode()
    waiting = page.split("Matches waiting for a decision", 1)[1]
    assert cells(waiting, "Bolton") == ["1"]
    assert cells(waiting, "Bury") == ["3"]
    assert cells(waiting, "Wigan") == ["1"]


@region
def test_a_hub_not_sent_is_shown_and_the_quarter_is_chosen(returns: dict[str, Peer], client_for: Any) -> None:
    from cshub.regional.tests.conftest import make_peer

    make_peer("oldham", "Oldham", districts=["OL1"])
    client = client_for("strategic_lead")
    page = client.get(reverse("regional:dashboard"), {"quarter": str(QUARTER)}).content.decode()
    assert "3 of 4 hubs sent a return" in page and "Not received" in page
    wrong = client.get(reverse("regional:dashboard"), {"quarter": "1999-Q1"}).content.decode()
    assert "Nothing has been received for that quarter" in wrong
    assert "Error: Regional picture" in wrong


@region
def test_the_picture_with_nothing_received(peers: dict[str, Peer], client_for: Any) -> None:
    page = client_for("analyst").get(reverse("regional:dashboard")).content.decode()
    assert "No hub has sent a quarterly return yet." in page
    assert "No alerts have crossed a border." in page


def test_one_suppressed_hub_cell_takes_the_next_smallest_with_it() -> None:
    region: dict[str, dict[str, Any]] = {
        "n": {"value": 35},
        "p": {"numerator": 40, "denominator": 60, "percent": 66.67},
    }
    hubs: dict[str, dict[str, dict[str, Any]]] = {
        "a": {"n": {"value": 12}, "p": {"numerator": 10, "denominator": 20, "percent": 50.0}},
        "b": {"n": {"value": "c"}, "p": {"numerator": 30, "denominator": 40, "percent": 75.0}},
        "c": {"n": {"value": 20}, "p": {"numerator": 0, "denominator": 0, "percent": None}},
    }
    picture.suppress(region, hubs)
    assert [hubs[h]["n"]["value"] for h in "abc"] == ["c", "c", 20]
    assert hubs["a"]["p"]["percent"] == 50.0  # no cell of p was suppressed


@region
def test_flows_of_the_quarter_under_way_are_one_click_away(returns: dict[str, Peer], client_for: Any) -> None:
    now = Quarter.containing(QUARTER.period.end + dt.timedelta(days=1))  # no return for it yet
    AlertFlow.objects.create(type="missing_found", from_hub="wigan", to_hub="bury", quarter=str(now), count=6)
    client = client_for("strategic_lead")
    page = client.get(reverse("regional:dashboard")).content.decode()
    assert f"Regional picture: {QUARTER}" in page
    assert f'href="?quarter={now}"' in page
    later = client.get(reverse("regional:dashboard"), {"quarter": str(now)}).content.decode()
    assert f"Regional picture: {now}" in later and "Error:" not in later
    assert "0 of 3 hubs sent a return" in later
    flows = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", later.split("Cross-border flows", 1)[1]))
    assert "Wigan Bury 6" in flows
