"""Reads: the network around a child or subject, as rows of a table. Who sees what:

- a link whose child the user may not see shows that child as "a restricted record";
  the network goes no further through them;
- a link with handling code C shows as "a restricted item" to anyone its conditions do
  not name (no type, no subject), and the network goes no further through it."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from cshub.access.models import User
from cshub.intelligence.models import Handling, Link, Subject
from cshub.people.models import Person
from cshub.referrals.models import Referral

RESTRICTED_RECORD = "a restricted record"
RESTRICTED_ITEM = "A restricted item (handling code C)"


@dataclass(frozen=True)
class Node:
    kind: str  # "child" or "subject"
    pk: int


@dataclass
class Row:
    hop: int
    link: Link
    visible: bool  # the link's content (code C)
    child: Person | None  # None when the child is restricted (or the link is from a subject)
    child_hidden: bool


@dataclass(frozen=True)
class Filters:
    hops: int = 2
    link_type: str = ""
    since: dt.date | None = None
    assessment: str = ""  # at least this good: A is best
    exploitation: str = ""  # links from children referred for this type (and links between subjects)


def _filtered(links: "Q", f: Filters, ends: "Ends | None" = None) -> "list[Link]":
    qs = Link.objects.filter(links).select_related("child")
    if f.link_type:
        qs = qs.filter(link_type=f.link_type)
    if f.since:
        qs = qs.filter(Q(last_seen__gte=f.since) | Q(last_seen__isnull=True, recorded_at__date__gte=f.since))
    if f.assessment:
        qs = qs.filter(assessment__lte=f.assessment)
    if f.exploitation:
        referred = Referral.objects.filter(primary_type=f.exploitation).values("person_id")
        qs = qs.filter(Q(child__isnull=True) | Q(child_id__in=referred))
    found = list(qs.order_by("subject__kind", "subject__name", "id"))
    (ends or Ends()).attach(found)
    return found


@dataclass
class Ends:
    """Each link's subjects and recorder, read once each for a whole network: around a
    hotspot hundreds of links share one subject, which a join would make into hundreds of
    objects."""

    subjects: dict[int, Subject] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)

    def attach(self, links: "list[Link]") -> None:
        # Read every step (so a page makes the same queries whatever its network), keeping
        # the objects of earlier steps: one object per subject for the whole network.
        wanted = {lk.subject_id for lk in links} | {lk.from_subject_id for lk in links if lk.from_subject_id}
        for pk, found in (Subject.objects.in_bulk(wanted) if wanted else {}).items():
            self.subjects.setdefault(pk, found)
        recorders = {lk.recorded_by_id for lk in links if lk.recorded_by_id}
        for pk, user in (User.objects.in_bulk(recorders) if recorders else {}).items():
            self.users.setdefault(pk, user)
        meta = Link._meta
        subject, from_subject, recorder = (
            meta.get_field("subject"),
            meta.get_field("from_subject"),
            meta.get_field("recorded_by"),
        )
        for lk in links:
            subject.set_cached_value(lk, self.subjects[lk.subject_id])
            from_subject.set_cached_value(
                lk, self.subjects[lk.from_subject_id] if lk.from_subject_id else None
            )
            recorder.set_cached_value(lk, self.users[lk.recorded_by_id] if lk.recorded_by_id else None)


def _may_see_content(user: User, link: Link, agencies_named: set[int]) -> bool:
    if link.handling != Handling.CONDITIONS:
        return True
    return user.agency in (link.agencies or []) or link.pk in agencies_named


def network(user: User, start: Node, f: Filters) -> list[Row]:
    visible_children = Person.objects.visible_to(user)
    seen_links: set[int] = set()
    reached: set[Node] = {start}
    frontier: set[Node] = {start}
    rows: list[Row] = []
    loaded = Ends()
    for hop in range(1, max(1, min(f.hops, 3)) + 1):
        children = [n.pk for n in frontier if n.kind == "child"]
        subjects = [n.pk for n in frontier if n.kind == "subject"]
        if not children and not subjects:
            break
        links = [
            link
            for link in _filtered(
                Q(child_id__in=children) | Q(subject_id__in=subjects) | Q(from_subject_id__in=subjects),
                f,
                loaded,
            )
            if link.pk not in seen_links
        ]
        child_ids = {link.child_id for link in links if link.child_id}
        may = set(visible_children.filter(pk__in=child_ids).values_list("pk", flat=True))
        named = set(
            Link.named_users.through.objects.filter(
                link_id__in=[lk.pk for lk in links], user_id=user.pk
            ).values_list("link_id", flat=True)
        )
        frontier = set()
        for link in links:
            seen_links.add(link.pk)
            content = _may_see_content(user, link, named)
            hidden = link.child_id is not None and link.child_id not in may
            rows.append(Row(hop, link, content, None if hidden else link.child, hidden))
            if not content or hidden:
                continue
            ends = [Node("subject", link.subject_id)]
            ends.append(
                Node("child", link.child_id) if link.child_id else Node("subject", link.from_subject_id or 0)
            )
            for end in ends:
                if end not in reached:
                    reached.add(end)
                    frontier.add(end)
    return rows


def subject_children(subject: Subject) -> set[int]:
    return set(Link.objects.filter(subject=subject, child__isnull=False).values_list("child_id", flat=True))


def graph_elements(rows: list[Row], start: Node) -> dict[str, list[dict[str, str]]]:
    """The rows the reader may see as Cytoscape elements (the drawn network): the same
    content as the table, a restricted child as "a restricted record" without a name."""
    nodes: dict[str, dict[str, str]] = {}
    edges: list[dict[str, str]] = []
    for r in rows:
        if not r.visible:
            continue
        link = r.link
        if link.child_id is not None:
            if r.child_hidden or r.child is None:
                a = {"id": f"restricted-{link.pk}", "label": RESTRICTED_RECORD, "kind": "restricted"}
            else:
                a = {"id": f"child-{r.child.pk}", "label": r.child.full_name, "kind": "child"}
        else:
            assert link.from_subject is not None
            a = {
                "id": f"subject-{link.from_subject.pk}",
                "label": link.from_subject.name,
                "kind": link.from_subject.kind.lower(),
            }
        b = {
            "id": f"subject-{link.subject.pk}",
            "label": link.subject.name,
            "kind": link.subject.kind.lower(),
        }
        for node in (a, b):
            nodes.setdefault(node["id"], node)
        edges.append(
            {
                "id": f"link-{link.pk}",
                "source": a["id"],
                "target": b["id"],
                "label": link.get_link_type_display(),
            }
        )
    centre = f"{start.kind}-{start.pk}"
    if centre in nodes:
        nodes[centre]["centre"] = "yes"
    return {"nodes": list(nodes.values()), "edges": edges}
