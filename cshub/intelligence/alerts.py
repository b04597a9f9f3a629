"""Alerts: a new link that joins a child to an existing group, or brings an adult of
concern to N children or more. Written with the link (same transaction); the daily
meeting takes them through the agenda-rule hook meetings offers (`register_source`)."""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Min

from cshub.access.models import User
from cshub.audit import context
from cshub.audit.models import Action, AuditEvent
from cshub.intelligence.models import Alert, Handling, Link, LinkType, Subject, SubjectKind
from cshub.meetings.agenda import Candidate, Window, register_source
from cshub.meetings.models import Meeting, SourceKind


def adult_threshold() -> int:
    return int(getattr(settings, "CSHUB_INTEL_ADULT_CHILDREN", 3))


CHUNK = 2000  # ids per IN (...) list


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    items = sorted(set(ids))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _first_ids(group_by: tuple[str, ...], **filters: Any) -> dict[tuple[int, ...], int]:
    """The lowest link id for each value of `group_by` among the links matching `filters`
    (one `<name>__in` filter is split into chunks): the first time each pair was linked."""
    (name, wanted), *rest = [(k, v) for k, v in filters.items() if k.endswith("__in")]
    plain = {k: v for k, v in filters.items() if not k.endswith("__in")}
    found: dict[tuple[int, ...], int] = {}
    for chunk in _chunks(wanted):
        query = Link.objects.filter(**{name: chunk}, **dict(rest), **plain).order_by()
        for *key, first in query.values_list(*group_by).annotate(first=Min("id")):
            found[tuple(key)] = first
    return found


def _restricted_reason() -> str:
    return "A restricted item (handling code C) links the child to an existing network."


def raise_for_links(link_ids: Sequence[int]) -> int:
    """The alert rules of one new link, applied to many links written together (an import),
    inside the caller's transaction: each link is judged against the links with a lower id,
    as if the links had been recorded one by one in the order of their ids. A handful of
    queries whatever the number of links (no query per link). Returns how many alerts were
    raised; each is audited as the page path audits it (actor: who recorded the link)."""
    inf = float("inf")
    rows: list[tuple[int, int, int, str, int | None, str]] = []
    for chunk in _chunks(link_ids):
        rows += Link.objects.filter(pk__in=chunk, child__isnull=False, subject__confirmed=True).values_list(
            "pk", "child_id", "subject_id", "handling", "recorded_by_id", "subject__kind"
        )
    if not rows:
        return 0
    rows.sort()
    subjects = {r[2] for r in rows}
    # Membership of a group, never through a link with handling conditions (no content leaks).
    membership: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (member, group_pk), first in _first_ids(
        ("from_subject_id", "subject_id"),
        from_subject_id__in=subjects,
        link_type=LinkType.MEMBER_OF,
        subject__kind=SubjectKind.GROUP,
        handling=Handling.SHARE,
    ).items():
        membership[member].append((group_pk, first))
    groups = {r[2] for r in rows if r[5] == SubjectKind.GROUP} | {
        g for pairs in membership.values() for g, _ in pairs
    }
    about = {
        s.pk: s
        for chunk in _chunks(groups | subjects)
        for s in Subject.objects.filter(pk__in=chunk).only("id", "kind", "name", "group_kind")
    }
    first_member: dict[int, float] = {}
    for part in ("subject_id", "from_subject_id"):
        for (group_pk,), first in _first_ids((part,), **{f"{part}__in": groups}).items():
            first_member[group_pk] = min(first_member.get(group_pk, inf), first)
    children = {r[1] for r in rows}
    earlier = _first_ids(("child_id", "subject_id"), child_id__in=children, subject_id__in=groups | subjects)
    adults = {r[2] for r in rows if r[5] == SubjectKind.ADULT}
    firsts: dict[int, list[int]] = defaultdict(list)
    for (adult, _child), first in _first_ids(
        ("subject_id", "child_id"), subject_id__in=adults, child__isnull=False
    ).items():
        firsts[adult].append(first)
    for values in firsts.values():
        values.sort()
    threshold = adult_threshold()
    raised: list[tuple[Alert, int | None]] = []
    for pk, child, subject_id, handling, actor_id, kind in rows:
        subject = about[subject_id]

        def before(subject_pk: int, child: int = child, pk: int = pk) -> bool:
            return earlier.get((child, subject_pk), inf) < pk

        reasons: list[tuple[int, str]] = []
        mine = (
            [subject_id]
            if kind == SubjectKind.GROUP
            else [g for g, first in membership.get(subject_id, []) if first < pk]
        )
        for group_id in sorted(mine, key=lambda g: (about[g].name, g)):
            group = about[group_id]
            already = before(group_id) or (group_id != subject_id and before(subject_id))
            if first_member.get(group_id, inf) < pk and not already:
                what = subject.get_kind_display().lower()
                via = (
                    "" if group_id == subject_id else f" through {'an' if what[0] in 'aeiou' else 'a'} {what}"
                )
                reasons.append(
                    (
                        group_id,
                        f"New link to an existing {group.get_group_kind_display().lower()}, {group.name}{via}.",
                    )
                )
        if kind == SubjectKind.ADULT and not before(subject_id):
            count = bisect.bisect_right(firsts[subject_id], pk)
            if count >= threshold:
                reasons.append((subject_id, f"An adult of concern is now linked to {count} children."))
        for target, reason in reasons:
            shown = _restricted_reason() if handling == Handling.CONDITIONS else reason  # no content
            raised.append((Alert(link_id=pk, child_id=child, subject_id=target, reason=shown), actor_id))
    if not raised:
        return 0
    Alert.objects.bulk_create([alert for alert, _ in raised], batch_size=CHUNK)
    agencies = dict(User.objects.filter(pk__in={a for _, a in raised if a}).values_list("pk", "agency"))
    rid, via = context.request_id.get(), context.channel.get()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor_id=actor_id,
                actor_agency=agencies.get(actor_id or 0, "") or "",
                action=Action.CREATE,
                object_type=Alert._meta.label_lower,
                object_id=str(alert.pk),
                child_id=alert.child_id,
                request_id=rid,
                via=via,
                detail={"subject": alert.subject_id},
            )
            for alert, actor_id in raised
        ],
        batch_size=CHUNK,
    )
    return len(raised)


def raise_alerts(link: Link, *, actor: User) -> list[Alert]:
    """Called by the actions inside the link's transaction: the same rules as an import's
    (`raise_for_links`), for one link."""
    if link.child_id is None or not link.subject.confirmed:
        return []  # a proposed subject is a worker's match still to be confirmed
    raise_for_links([link.pk])
    return list(Alert.objects.filter(link=link).order_by("id"))


def network_alerts(meeting: Meeting, w: Window) -> list[Candidate]:
    """Alerts raised since the last meeting (the daily meeting's window)."""
    alerts = (
        Alert.objects.filter(raised_at__gt=w.start, raised_at__lte=w.end)
        .select_related("child")
        .order_by("raised_at", "id")
    )
    return [
        Candidate(
            SourceKind.INTELLIGENCE,
            f"intelalert:{a.pk}",
            "Joined a network (intelligence)",
            a.reason,
            [a.child],
        )
        for a in alerts
    ]


def register() -> None:
    register_source(SourceKind.INTELLIGENCE, network_alerts)
