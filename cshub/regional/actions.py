"""Every change of this app (docs/region.md, "Alerts and the regional picture"): atomic, each
with its audit event, each message enqueued in the same transaction
(`cshub.region.transport.enqueue`).

On a hub: raise an alert to the region, receive one it relays, acknowledge it, send the
quarterly return. On the region: relay an alert to the hubs it names (keeping counts only),
alert both hubs of an adult of concern matched across them, store a hub's return."""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.people.actions import require
from cshub.region import transport
from cshub.region.models import Message, Peer
from cshub.regional import alerts
from cshub.regional.models import (
    AdultMatchAlert,
    AlertFlow,
    AlertType,
    CrossBorderAlert,
    RaisedAlert,
    ReceivedReturn,
    RelayedAlert,
    ReturnRow,
)
from cshub.returns import export
from cshub.returns.schema import Quarter, Row

RAISE, NOTIFY, RETURN = "alert.raise", "alert.notify", "return.quarterly"


# ---- On a hub ----


@transaction.atomic
def raise_alert(
    kind: str, source: str, to: Sequence[str], when: dt.date, *, children: int = 0
) -> RaisedAlert | None:
    """Raise an alert to the region for the hubs `to`, once per (type, source): None when it
    was raised already. The text is built from fixed parts (`alerts.text`)."""
    if RaisedAlert.objects.filter(type=kind, source=source).exists():
        return None
    region = transport.region_peer()
    try:
        with transaction.atomic():  # raised at once by the round and by a signal: one wins
            raised = RaisedAlert.objects.create(type=kind, source=source, to=sorted(to), when=when)
    except IntegrityError:
        return None
    hub = str(settings.CSHUB_HUB_ID)
    words = alerts.text(
        kind,
        from_name=str(settings.CSHUB_HUB_NAME),
        when=when,
        ref=alerts.reference(hub, raised.alert),
        children=children,
    )
    payload = {
        "alert": str(raised.alert),
        "type": kind,
        "to": sorted(to),
        "when": when.isoformat(),
        "text": words,
    }
    transport.enqueue(region, RAISE, payload, actor=None)
    record_event(
        None,
        Action.CREATE,
        raised,
        detail={"alert": str(raised.alert), "type": kind, "source": source, "to": sorted(to)},
    )
    return raised


@transaction.atomic
def receive_alert(
    alert: uuid.UUID, kind: str, from_hub: str, when: dt.date, text: str
) -> tuple[CrossBorderAlert, bool]:
    """Store an alert the region relayed (once: the same alert again is not stored twice)."""
    stored, created = CrossBorderAlert.objects.get_or_create(
        alert=alert, defaults={"type": kind, "from_hub": from_hub, "when": when, "text": text}
    )
    if created:
        record_event(
            None, Action.CREATE, stored, detail={"alert": str(alert), "type": kind, "from": from_hub}
        )
    return stored, created


@transaction.atomic
def acknowledge(alert: CrossBorderAlert, *, actor: User) -> CrossBorderAlert:
    """A manager has read the alert and taken it on (once: the first acknowledgement stands)."""
    if not (actor.has(Perm.VIEW_TEAM_CASELOAD) or actor.has(Perm.DECIDE_CROSS_BORDER)):
        require(actor, Perm.DECIDE_CROSS_BORDER)
    locked = CrossBorderAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_by, locked.acknowledged_at = actor, timezone.now()
        locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record_event(actor, Action.UPDATE, locked, detail={"alert": str(locked.alert), "acknowledged": True})
    return locked


def return_payload(quarter: Quarter, rows: Sequence[Row], *, replace: bool) -> dict[str, object]:
    columns = ("schema", "hub", "quarter", "measure", "kind", "numerator", "denominator", "value")
    return {
        "schema": 1,
        "quarter": str(quarter),
        "replace": replace,
        "rows": [dict(zip(columns, row.cells(), strict=True)) for row in rows],
    }


def return_sent(quarter: Quarter) -> bool:
    """Whether this hub's return for the quarter is in its outbox already (sent or waiting)."""
    return Message.objects.filter(direction="out", kind=RETURN, payload__quarter=str(quarter)).exists()


@transaction.atomic
def send_return(quarter: Quarter, *, replace: bool = False, actor: User | None = None) -> Message:
    """Enqueue this hub's return for an ended quarter to the region (`cshub.returns.export`'s
    rows: true values, no personal data)."""
    region = transport.region_peer()
    rows = export.rows(quarter)
    message = transport.enqueue(region, RETURN, return_payload(quarter, rows, replace=replace), actor=actor)
    record_event(
        actor,
        Action.EXPORT,
        detail={
            "export": "regional return",
            "quarter": str(quarter),
            "rows": len(rows),
            "via": "region",
            "replace": replace,
        },
    )
    return message


# ---- On the region ----


def _count(kind: str, from_hub: str, to_hub: str, quarter: Quarter) -> None:
    flow, _ = AlertFlow.objects.get_or_create(
        type=kind, from_hub=from_hub, to_hub=to_hub, quarter=str(quarter)
    )
    AlertFlow.objects.filter(pk=flow.pk).update(count=F("count") + 1)


@transaction.atomic
def relay_alert(
    sender: Peer, alert: uuid.UUID, kind: str, to: Sequence[Peer], *, when: dt.date, text: str
) -> int:
    """Relay a hub's alert to each hub it names, and count it (type, from, to, quarter): the
    region keeps no text. An alert relayed already is not relayed again (0)."""
    _, created = RelayedAlert.objects.get_or_create(alert=alert)
    if not created:
        return 0
    quarter = Quarter.containing(when)
    for hub in to:
        transport.enqueue(
            hub,
            NOTIFY,
            {
                "alert": str(alert),
                "type": kind,
                "from": sender.hub_id,
                "when": when.isoformat(),
                "text": text,
            },
            actor=None,
        )
        _count(kind, sender.hub_id, hub.hub_id, quarter)
    record_event(
        None,
        Action.CREATE,
        detail={"alert": str(alert), "type": kind, "from": sender.hub_id, "to": [h.hub_id for h in to]},
    )
    return len(to)


def adult_two_hubs(hubs: Sequence[str]) -> bool:
    """Whether an adult's match makes an alert: held by two different hubs."""
    return len({h for h in hubs if h}) >= 2


@transaction.atomic
def notify_adult_match(match: str, hub_a: Peer, hub_b: Peer, when: dt.date) -> int:
    """Tell both hubs that an adult of concern each holds appears to be the same (once per
    region match); counted as a flow each way. 0 when alerted already or not two hubs."""
    if not adult_two_hubs([hub_a.hub_id, hub_b.hub_id]):
        return 0
    _, created = AdultMatchAlert.objects.get_or_create(match=match)
    if not created:
        return 0
    alert = uuid.uuid5(uuid.NAMESPACE_URL, f"cshub-adult-match:{match}")
    quarter = Quarter.containing(when)
    for ours, other in ((hub_a, hub_b), (hub_b, hub_a)):
        words = alerts.text(
            AlertType.ADULT_TWO_HUBS,
            from_name=other.name,
            when=when,
            ref=alerts.reference(str(settings.CSHUB_HUB_ID), alert),
        )
        transport.enqueue(
            ours,
            NOTIFY,
            {
                "alert": str(uuid.uuid5(alert, ours.hub_id)),
                "type": AlertType.ADULT_TWO_HUBS,
                "from": other.hub_id,
                "when": when.isoformat(),
                "text": words,
            },
            actor=None,
        )
        _count(AlertType.ADULT_TWO_HUBS, other.hub_id, ours.hub_id, quarter)
    record_event(
        None,
        Action.CREATE,
        detail={"alert": str(alert), "type": AlertType.ADULT_TWO_HUBS, "to": [hub_a.hub_id, hub_b.hub_id]},
    )
    return 2


@transaction.atomic
def store_return(
    sender: Peer, quarter: Quarter, rows: Sequence[Row], *, replace: bool, message: uuid.UUID | None = None
) -> str:
    """Store a hub's checked return: "received", or "replaced" with `replace`; a quarter
    received already without it is refused (nothing changed)."""
    existing = ReceivedReturn.objects.select_for_update().filter(peer=sender, quarter=str(quarter)).first()
    if existing is not None and not replace:
        raise transport.Refused(
            f"A return for {quarter} from {sender.hub_id} was received already; "
            "send it again with replace to replace it"
        )
    if existing is None:
        try:
            with transaction.atomic():  # two copies at once: the second is refused, as later
                received = ReceivedReturn.objects.create(peer=sender, quarter=str(quarter), message=message)
        except IntegrityError:
            raise transport.Refused(
                f"A return for {quarter} from {sender.hub_id} was received already; "
                "send it again with replace to replace it"
            ) from None
        status = "received"
    else:
        received = existing
        before = received.rows.count()
        received.rows.all().delete()
        received.replaced_at, received.message = timezone.now(), message
        received.save(update_fields=["replaced_at", "message"])
        status = "replaced"
    ReturnRow.objects.bulk_create(
        ReturnRow(
            received=received,
            measure=r.measure,
            kind=r.kind,
            numerator=r.numerator,
            denominator=r.denominator,
        )
        for r in rows
    )
    detail: dict[str, object] = {
        "return": str(quarter),
        "hub": sender.hub_id,
        "rows": len(rows),
        "status": status,
    }
    if status == "replaced":
        detail["rows_before"] = before
    record_event(None, Action.IMPORT if status == "received" else Action.UPDATE, received, detail=detail)
    return status
