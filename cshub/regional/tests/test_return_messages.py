"""`return.quarterly` on the region: a hub's return checked as `cshub return combine` checks a
file, stored; a quarter received already refused unless `replace`, then replaced; nothing
half-applied. And the hub's side: `send_return`, `cshub region send-return`."""

import uuid
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from cshub.assurance.metrics import Count, Percent, compute
from cshub.audit.models import AuditEvent
from cshub.core.dates import local_today
from cshub.region.models import Message, Peer
from cshub.region.transport import Refused, dispatch
from cshub.regional import actions
from cshub.regional.models import ReceivedReturn, ReturnRow
from cshub.returns.schema import Quarter, Row, rows_from

QUARTER = Quarter.containing(local_today()).previous()


@pytest.fixture(scope="module")
def figures(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return dict(compute(QUARTER.period))


def rows_for(hub: str, figures: dict[str, Any], **changed: Any) -> list[Row]:
    return rows_from(hub, QUARTER, {**figures, **changed})


def payload(rows: list[Row], *, replace: bool = False, quarter: Quarter = QUARTER) -> dict[str, Any]:
    return actions.return_payload(quarter, rows, replace=replace)


def stored(hub: str) -> dict[str, tuple[int, int | None]]:
    return {
        r.measure: (r.numerator, r.denominator)
        for r in ReturnRow.objects.filter(received__peer__hub_id=hub, received__quarter=str(QUARTER))
    }


region = override_settings(CSHUB_INSTANCE="region", CSHUB_HUB_ID="gm-region")


@region
def test_a_return_is_received_then_refused_again_without_replace(
    peers: dict[str, Peer], figures: dict[str, Any]
) -> None:
    first = rows_for("bolton", figures, **{"referrals.received": Count(12)})
    came_in = uuid.uuid4()  # the inbox message's id, as the inbox view passes it
    assert dispatch(peers["bolton"], "return.quarterly", payload(first), message=came_in) == {
        "status": "received"
    }
    assert stored("bolton")["referrals.received"] == (12, None)
    assert ReceivedReturn.objects.get().message == came_in  # the region can show which message it was
    assert len(stored("bolton")) == len(first)
    second = rows_for("bolton", figures, **{"referrals.received": Count(15)})
    with pytest.raises(Refused, match="received already; send it again with replace"):
        dispatch(peers["bolton"], "return.quarterly", payload(second))
    assert stored("bolton")["referrals.received"] == (12, None)  # unchanged
    assert ReceivedReturn.objects.get().replaced_at is None


@region
def test_a_return_is_replaced_with_replace_and_audited(
    peers: dict[str, Peer], figures: dict[str, Any]
) -> None:
    dispatch(peers["bolton"], "return.quarterly", payload(rows_for("bolton", figures)))
    second = rows_for("bolton", figures, **{"referrals.received": Count(15), "rhi.within_72h": Percent(3, 4)})
    reply = dispatch(peers["bolton"], "return.quarterly", payload(second, replace=True))
    assert reply == {"status": "replaced"}
    rows = stored("bolton")
    assert rows["referrals.received"] == (15, None) and rows["rhi.within_72h"] == (3, 4)
    assert len(rows) == len(second)
    received = ReceivedReturn.objects.get()
    assert received.replaced_at is not None
    event = AuditEvent.objects.filter(action="UPDATE", object_type__icontains="receivedreturn").get()
    assert event.detail["status"] == "replaced" and event.detail["hub"] == "bolton"


@region
def test_a_bad_replacement_leaves_the_return_as_it_was(
    peers: dict[str, Peer], figures: dict[str, Any]
) -> None:
    dispatch(peers["bolton"], "return.quarterly", payload(rows_for("bolton", figures)))
    before = stored("bolton")
    bad = payload(rows_for("bolton", figures, **{"referrals.received": Count(15)}), replace=True)
    bad["rows"][-1]["numerator"] = -1  # the last row is wrong: nothing of the others applied
    with pytest.raises(Refused, match="not a whole number"):
        dispatch(peers["bolton"], "return.quarterly", bad)
    assert stored("bolton") == before
    assert ReceivedReturn.objects.get().replaced_at is None


@region
def test_a_return_for_another_hub_is_refused(peers: dict[str, Peer], figures: dict[str, Any]) -> None:
    with pytest.raises(Refused, match='for hub "bury", but it was sent by "bolton"'):
        dispatch(peers["bolton"], "return.quarterly", payload(rows_for("bury", figures)))
    assert not ReceivedReturn.objects.exists() and not ReturnRow.objects.exists()


@region
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"schema": 2}, "schema must be 1"),
        ({"quarter": "2025-Q5"}, "is not a quarter"),
        ({"replace": "yes"}, "replace must be true or false"),
        ({"rows": []}, "rows must be a list"),
        ({"rows": [{"hub": "bolton"}]}, "must have the columns"),
    ],
)
def test_a_malformed_return_is_refused(
    peers: dict[str, Peer], figures: dict[str, Any], change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(Refused, match=reason):
        dispatch(peers["bolton"], "return.quarterly", {**payload(rows_for("bolton", figures)), **change})
    assert not ReceivedReturn.objects.exists()


@region
def test_rows_for_another_quarter_or_an_unknown_measure_are_refused(
    peers: dict[str, Peer], figures: dict[str, Any]
) -> None:
    rows = rows_for("bolton", figures)
    with pytest.raises(Refused, match="but the message says"):
        dispatch(peers["bolton"], "return.quarterly", payload(rows, quarter=QUARTER.previous()))
    unknown = payload(rows)
    unknown["rows"][0]["measure"] = "made.up"
    with pytest.raises(Refused, match=r'"made\.up" is not a measure'):
        dispatch(peers["bolton"], "return.quarterly", unknown)
    not_ended = payload(rows, quarter=Quarter.containing(local_today()))
    with pytest.raises(Refused, match="has not ended"):
        dispatch(peers["bolton"], "return.quarterly", not_ended)
    assert not ReceivedReturn.objects.exists()


def test_a_hub_takes_no_return(peers: dict[str, Peer], figures: dict[str, Any]) -> None:
    with pytest.raises(Refused, match="This instance is a hub"):
        dispatch(peers["region"], "return.quarterly", payload(rows_for("gm-region", figures)))


@override_settings(CSHUB_HUB_ID="bolton")
def test_a_hub_sends_its_return_from_the_engine(peers: dict[str, Peer]) -> None:
    call_command("region", "send-return", "--quarter", str(QUARTER))
    message = Message.objects.get(direction="out", kind="return.quarterly")
    assert message.peer == peers["region"]
    assert message.payload["quarter"] == str(QUARTER) and message.payload["replace"] is False
    assert {r["hub"] for r in message.payload["rows"]} == {"bolton"}
    assert actions.return_sent(QUARTER) and not actions.return_sent(QUARTER.previous())
    call_command("region", "send-return", "--quarter", str(QUARTER), "--replace")
    assert Message.objects.filter(kind="return.quarterly", payload__replace=True).count() == 1


def test_sending_an_unended_quarter_or_with_no_region_fails(db: Any) -> None:
    with pytest.raises(CommandError, match="No region is registered"):
        call_command("region", "send-return", "--quarter", str(QUARTER))
    with pytest.raises(CommandError, match="is not a quarter"):
        call_command("region", "send-return", "--quarter", "last")


def test_sending_a_quarter_not_ended_fails(peers: dict[str, Peer]) -> None:
    with pytest.raises(CommandError, match="has not ended"):
        call_command("region", "send-return", "--quarter", str(Quarter.containing(local_today())))
    assert not Message.objects.exists()
