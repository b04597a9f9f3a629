"""Alerts: a new link that joins a child to an existing group, or brings an adult of
concern to N children or more. Written with the link (same transaction); the daily
meeting takes them through the agenda-rule hook meetings offers (`register_source`)."""

from django.conf import settings
from django.db.models import Q

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.intelligence.models import Alert, Handling, Link, LinkType, Subject, SubjectKind
from cshub.meetings.agenda import Candidate, Window, register_source
from cshub.meetings.models import Meeting, SourceKind


def adult_threshold() -> int:
    return int(getattr(settings, "CSHUB_INTEL_ADULT_CHILDREN", 3))


def _groups_of(subject: Subject) -> list[Subject]:
    """The groups a subject belongs to (or the subject itself, when it is a group)."""
    if subject.kind == SubjectKind.GROUP:
        return [subject]
    ids = Link.objects.filter(  # never through a link with handling conditions: no content leaks
        from_subject=subject,
        link_type=LinkType.MEMBER_OF,
        subject__kind=SubjectKind.GROUP,
        handling=Handling.SHARE,
    ).values_list("subject_id", flat=True)
    return list(Subject.objects.filter(pk__in=ids))


def raise_alerts(link: Link, *, actor: User) -> list[Alert]:
    """Called by the actions inside the link's transaction."""
    if link.child_id is None or not link.subject.confirmed:
        return []  # a proposed subject is a worker's match still to be confirmed
    assert link.child is not None
    earlier = Link.objects.filter(child_id=link.child_id).exclude(pk=link.pk)
    raised: list[Alert] = []
    for group in _groups_of(link.subject):
        members = Link.objects.filter(Q(subject=group) | Q(from_subject=group)).exclude(pk=link.pk)
        already = earlier.filter(subject=group).exists() or (
            group.pk != link.subject_id and earlier.filter(subject=link.subject).exists()
        )
        if members.exists() and not already:
            what = link.subject.get_kind_display().lower()
            via = (
                ""
                if group.pk == link.subject_id
                else f" through {'an' if what[0] in 'aeiou' else 'a'} {what}"
            )
            raised.append(
                Alert(
                    link=link,
                    child=link.child,
                    subject=group,
                    reason=f"New link to an existing {group.get_group_kind_display().lower()}, {group.name}{via}.",
                )
            )
    if link.subject.kind == SubjectKind.ADULT and not earlier.filter(subject=link.subject).exists():
        children = (
            Link.objects.filter(subject=link.subject, child__isnull=False).values("child").distinct().count()
        )
        if children >= adult_threshold():
            raised.append(
                Alert(
                    link=link,
                    child=link.child,
                    subject=link.subject,
                    reason=f"An adult of concern is now linked to {children} children.",
                )
            )
    for alert in raised:
        if link.handling == Handling.CONDITIONS:  # the reason goes on the agenda: no content
            alert.reason = "A restricted item (handling code C) links the child to an existing network."
        alert.save()
        record_event(
            actor, Action.CREATE, alert, child_id=link.child_id, detail={"subject": alert.subject_id}
        )
    return raised


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
