"""What `cshub region run` does for this app at each round (`tick()`).

Alerts are raised by scanning, and a missing episode found in another hub's area also when
it is recorded (`on_episode_found`, the missing app's `episode_found` signal, in its
transaction): each round looks at what changed recently (episodes that ended in the last
`MISSING_DAYS` days; places that are hotspots now) and raises what was not raised before
(`RaisedAlert` is unique per type and source), so an alert the signal could not raise, or a
round that failed, is made up by the next round.

On a hub: missing episodes found in another hub's area, hotspot places in another hub's area
(once a quarter in which the place is a hotspot), and the last ended quarter's return (once).
On the region: adults of concern matched across two hubs (when part B's matches are there)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from cshub.assurance.metrics import Period
from cshub.assurance.metrics.disruption import hotspot_ids
from cshub.core.dates import local_today
from cshub.intelligence.alerts import adult_threshold
from cshub.intelligence.models import Subject, SubjectKind
from cshub.missing.models import MissingEpisode
from cshub.region import transport
from cshub.region.models import Peer, PeerRole
from cshub.regional import actions, alerts, matches
from cshub.regional.models import AlertType, RaisedAlert
from cshub.returns import export
from cshub.returns.schema import Quarter

logger = logging.getLogger(__name__)

MISSING_DAYS = 30  # episodes that ended this many days ago or less are looked at
HOTSPOT_DAYS = 90  # as intelligence's analysis: places linked to N children in 90 days


def _other_hubs() -> list[tuple[str, list[str]]]:
    own = str(settings.CSHUB_HUB_ID)
    return [
        (hub_id, list(districts or []))
        for hub_id, districts in Peer.objects.filter(role=PeerRole.HUB, active=True)
        .exclude(hub_id=own)
        .values_list("hub_id", "districts")
    ]


def _alert_missing(episode: MissingEpisode, hubs: list[tuple[str, list[str]]]) -> bool:
    """Raise the alert of one ended episode found in another hub's area (once): whether raised."""
    district = alerts.district_of(episode.found_location) if episode.found_location else ""
    to = alerts.hubs_covering(district, hubs) if district else []
    if not to or episode.returned_at is None:
        return False
    when = timezone.localdate(episode.returned_at)
    return actions.raise_alert(AlertType.MISSING_FOUND, f"missing:{episode.pk}", to, when) is not None


def scan_missing(now: dt.datetime | None = None) -> int:
    """Raise an alert for each recent episode whose found location's postcode lies in another
    hub's area (those the `episode_found` signal did not raise, or could not). The number raised."""
    now = now or timezone.now()
    hubs = _other_hubs()
    if not hubs:
        return 0
    done = set(RaisedAlert.objects.filter(type=AlertType.MISSING_FOUND).values_list("source", flat=True))
    raised = 0
    episodes = (
        MissingEpisode.objects.filter(
            returned_at__gte=now - dt.timedelta(days=MISSING_DAYS), returned_at__lte=now
        )
        .exclude(found_location="")
        .only("pk", "returned_at", "found_location")
        .order_by("returned_at", "pk")
    )
    for episode in episodes:
        if f"missing:{episode.pk}" not in done and _alert_missing(episode, hubs):
            raised += 1
    return raised


def on_episode_found(sender: object, *, episode: MissingEpisode, **kwargs: object) -> None:
    """The missing app's `episode_found` signal (inside its action's transaction): an episode
    found in another hub's area raises its alert now, in that transaction, not at the next
    round. A hub with no region registered raises nothing (the round says so); whatever stops
    the alert here (the outbox, say) leaves the episode recorded and the round raises it."""
    if transport.is_region() or episode.returned_at is None or not episode.found_location:
        return
    now = timezone.now()
    if not now - dt.timedelta(days=MISSING_DAYS) <= episode.returned_at <= now:
        return
    hubs = _other_hubs()
    if not hubs or not Peer.objects.filter(role=PeerRole.REGION, active=True).exists():
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here is not the episode's
            _alert_missing(episode, hubs)
    except (DatabaseError, transport.Refused) as error:
        logger.warning(
            "regional: the alert of a missing episode waits for the next round (%s)", type(error).__name__
        )


def place_source(place: int, quarter: Quarter) -> str:
    """A hotspot place is alerted once a quarter in which it is a hotspot (a place that is a
    hotspot again a year later is told again; one that stays one is told each quarter)."""
    return f"place:{place}:{quarter}"


def scan_places(today: dt.date | None = None) -> int:
    """Raise an alert for each hotspot place (linked to N children or more in the last 90
    days, as the disruption figures count them) whose postcode is in another hub's area."""
    today = today or local_today()
    hubs = _other_hubs()
    if not hubs:
        return 0
    _, linked = hotspot_ids(Period(today - dt.timedelta(days=HOTSPOT_DAYS - 1), today))
    done = set(RaisedAlert.objects.filter(type=AlertType.PLACE_BORDER).values_list("source", flat=True))
    raised = 0
    quarter = Quarter.containing(today)
    places = Subject.objects.filter(pk__in=linked, kind=SubjectKind.PLACE).exclude(postcode="").order_by("pk")
    for place in places.only("pk", "postcode"):
        source = place_source(place.pk, quarter)
        if source in done:
            continue
        district = alerts.district_of(place.postcode)
        to = alerts.hubs_covering(district, hubs) if district else []
        if to and actions.raise_alert(AlertType.PLACE_BORDER, source, to, today, children=adult_threshold()):
            raised += 1
    return raised


def send_due_return() -> bool:
    """Send the last ended quarter's return, once (a return already in the outbox, whatever
    became of it, is not sent again: `cshub region send-return --replace` does that)."""
    quarter = export.last_ended()
    if actions.return_sent(quarter):
        return False
    actions.send_return(quarter)
    return True


def scan_adult_matches() -> int:
    """On the region: alert both hubs of each adult of concern matched across two hubs."""
    found = matches.region_matches(kind="adult")
    if not found:
        return 0
    hubs = {p.hub_id: p for p in Peer.objects.filter(role=PeerRole.HUB, active=True)}
    alerted = 0
    for m in found:
        if not actions.adult_two_hubs(m.hubs):
            continue
        a, b = hubs.get(m.hubs[0]), hubs.get(m.hubs[1])
        if a is None or b is None:
            continue
        if actions.notify_adult_match(m.id, a, b, m.when or local_today()):
            alerted += 1
    return alerted


def tick() -> None:
    """One round (`cshub region run`): never raises for a region not registered yet."""
    if transport.is_region():
        alerted = scan_adult_matches()
        if alerted:
            logger.info("regional: %d adult matches alerted", alerted)
        return
    try:
        transport.region_peer()
    except transport.Refused:
        logger.info("regional: no region registered; nothing raised or sent")
        return
    try:
        sent = send_due_return()
    except ValueError as exc:  # CSHUB_HUB_ID is not a hub id: said, and the alerts still raised
        logger.warning("regional: the return was not sent: %s", exc)
        sent = False
    counts = (scan_missing(), scan_places(), sent)
    logger.info("regional: %d missing alerts, %d place alerts, return sent: %s", *counts)
