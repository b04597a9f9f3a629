"""The messages this app receives (docs/region.md): `@handles(kind)` functions.

Each checks the whole payload before anything is written, and refuses (`transport.Refused`,
nothing applied) what it cannot take: on a hub, `alert.notify` from the region; on the
region, `alert.raise` and `return.quarterly` from a hub."""

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from cshub.core.dates import format_date, local_today
from cshub.region import transport
from cshub.region.models import Peer, PeerRole
from cshub.regional import actions
from cshub.regional.alerts import MAX_TEXT
from cshub.regional.models import AlertType
from cshub.returns.read import Record, check
from cshub.returns.schema import COLUMNS, HUB_ID, SCHEMA_VERSION, Catalogue, Quarter, catalogue

Refused = transport.Refused
MOST_PROBLEMS_SHOWN = 5


def _uuid(payload: dict[str, Any], key: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(payload.get(key, "")))
    except ValueError:
        raise Refused(f"{key} must be a UUID") from None


def _type(payload: dict[str, Any]) -> str:
    kind = payload.get("type")
    if kind not in AlertType.values:
        raise Refused(f"type must be one of {', '.join(AlertType.values)}")
    return str(kind)


def _when(payload: dict[str, Any]) -> dt.date:
    try:
        when = dt.date.fromisoformat(str(payload.get("when", "")))
    except ValueError:
        raise Refused("when must be a date (YYYY-MM-DD)") from None
    if when > local_today() + dt.timedelta(days=1):
        raise Refused(f"when ({when.isoformat()}) is in the future")
    return when


def _text(payload: dict[str, Any]) -> str:
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise Refused(f"text must be the alert's words, 1 to {MAX_TEXT} characters")
    return text.strip()


def _hub_sender(sender: Peer) -> None:
    if not transport.is_region():
        raise Refused("This instance is a hub: send this to the region")
    if sender.role != PeerRole.HUB:
        raise Refused("Only a hub sends this")


@transport.handles(actions.NOTIFY)
def alert_notify(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """On a hub: an alert the region relayed. Stored once, for managers to acknowledge."""
    if transport.is_region():
        raise Refused("This instance is the region: it receives no alerts to act on")
    if sender.role != PeerRole.REGION:
        raise Refused("Only the region relays alerts")
    alert, kind, when, text = _uuid(payload, "alert"), _type(payload), _when(payload), _text(payload)
    from_hub = str(payload.get("from", ""))
    if not HUB_ID.fullmatch(from_hub):
        raise Refused("from must be a hub id")
    actions.receive_alert(alert, kind, from_hub, when, text)
    return {}


@transport.handles(actions.RAISE)
def alert_raise(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """On the region: relay a hub's alert to each hub in `to` (known, active, not the sender)."""
    _hub_sender(sender)
    alert, kind, when, text = _uuid(payload, "alert"), _type(payload), _when(payload), _text(payload)
    if kind == AlertType.ADULT_TWO_HUBS:
        raise Refused("adult_two_hubs alerts are raised by the region from its matches")
    to = payload.get("to")
    if not isinstance(to, list) or not to or not all(isinstance(h, str) for h in to):
        raise Refused("to must be a list of hub ids")
    if sender.hub_id in to:
        raise Refused("to names the hub that raised the alert")
    peers = []
    for hub_id in sorted(set(to)):
        found = transport.peer(hub_id)  # refused when unknown or inactive
        if found.role != PeerRole.HUB:
            raise Refused(f"{hub_id} is not a hub")
        peers.append(found)
    return {"relayed": actions.relay_alert(sender, alert, kind, peers, when=when, text=text)}


def _catalogue_for(quarter: Quarter) -> Catalogue:
    return catalogue(quarter)


@transport.handles(actions.RETURN)
def return_quarterly(sender: Peer, payload: dict[str, Any]) -> dict[str, Any]:
    """On the region: a hub's quarterly return, checked as `cshub return combine` checks a
    file (docs/regional-return.md), then stored; a quarter received already only with
    `replace`. Every problem is checked before anything is written."""
    _hub_sender(sender)
    if payload.get("schema") != SCHEMA_VERSION:
        raise Refused(f"schema must be {SCHEMA_VERSION}")
    try:
        quarter = Quarter.parse(str(payload.get("quarter", "")))
    except ValueError as exc:
        raise Refused(str(exc)) from None
    if quarter.period.end >= local_today():
        raise Refused(f"{quarter} has not ended: it ends on {format_date(quarter.period.end)}")
    replace = payload.get("replace", False)
    if not isinstance(replace, bool):
        raise Refused("replace must be true or false")
    rows = payload.get("rows")
    if not isinstance(rows, list) or not rows:
        raise Refused("rows must be a list of the return's rows")
    records = []
    for line, row in enumerate(rows, start=2):
        if isinstance(row, dict) and set(row) == set(COLUMNS):
            records.append(Record(line, {c: row[c] for c in COLUMNS}))
        elif isinstance(row, list) and len(row) == len(COLUMNS):
            records.append(Record(line, dict(zip(COLUMNS, row, strict=True))))
        else:
            raise Refused(f"row {line - 1}: must have the columns {', '.join(COLUMNS)}")
    name = f"{sender.hub_id} {quarter}"
    checked, problems = check(name, records, _catalogue_for)
    if problems or checked is None:
        shown = "; ".join(str(p) for p in problems[:MOST_PROBLEMS_SHOWN])
        more = len(problems) - MOST_PROBLEMS_SHOWN
        raise Refused(f"The return has problems: {shown}" + (f" (and {more} more)" if more > 0 else ""))
    if checked.hub != sender.hub_id:
        raise Refused(f'The return is for hub "{checked.hub}", but it was sent by "{sender.hub_id}"')
    if checked.quarter != quarter:
        raise Refused(f"The rows are for {checked.quarter}, but the message says {quarter}")
    with transaction.atomic():
        status = actions.store_return(
            sender, quarter, checked.rows, replace=replace, message=transport.current_message()
        )
    return {"status": status}
