"""Network analysis by a graph library (python-igraph), not hand-written graph code: the
links as one undirected graph of children and subjects, read from the database once.

- connected groups (children and subjects reachable from each other),
- adults of concern linked to N children or more,
- places linked to N children or more in the last 90 days (hotspots),
- children who share two or more subjects,
- betweenness, to point at the adults who hold a network together.

Only confirmed subjects count (a proposed one is a match nobody has checked). Links with
handling code C are left out unless the reader's agency is among their
conditions (a count never reveals a restricted item's content)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import igraph
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.intelligence.models import Handling, Link, SubjectKind

HOTSPOT_DAYS = 90


@dataclass
class Graph:
    graph: igraph.Graph
    nodes: list[tuple[str, int]]  # vertex -> ("child" | "subject", id)
    kinds: dict[int, str] = field(default_factory=dict)  # subject id -> SubjectKind
    recent: set[int] = field(default_factory=set)  # edge ids seen in the last 90 days


def load(user: User, *, today: dt.date | None = None) -> Graph:
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=HOTSPOT_DAYS)
    # JSON containment is not on every SQLite build: the agencies of code C are read here.
    conditions = Link.objects.filter(handling=Handling.CONDITIONS).values_list("pk", "agencies")
    ours = [pk for pk, agencies in conditions if user.agency in (agencies or [])]
    readable = Q(handling=Handling.SHARE) | Q(named_users=user) | Q(pk__in=ours)
    confirmed = Q(subject__confirmed=True) & (Q(from_subject__isnull=True) | Q(from_subject__confirmed=True))
    rows = (
        Link.objects.filter(readable, confirmed)
        .distinct()
        .values_list("child_id", "from_subject_id", "subject_id", "subject__kind", "last_seen", "recorded_at")
    )
    index: dict[tuple[str, int], int] = {}
    nodes: list[tuple[str, int]] = []
    edges: list[tuple[int, int]] = []
    kinds: dict[int, str] = {}
    recent: set[int] = set()

    def vertex(node: tuple[str, int]) -> int:
        if node not in index:
            index[node] = len(nodes)
            nodes.append(node)
        return index[node]

    for child_id, from_id, subject_id, kind, last_seen, recorded_at in rows:
        start = vertex(("child", child_id) if child_id else ("subject", from_id))
        end = vertex(("subject", subject_id))
        kinds[subject_id] = kind
        seen = last_seen or timezone.localtime(recorded_at).date()
        if seen >= since:
            recent.add(len(edges))
        edges.append((start, end))
    return Graph(igraph.Graph(n=len(nodes), edges=edges), nodes, kinds, recent)


@dataclass
class Group:
    children: list[int]
    subjects: list[int]


def connected_groups(g: Graph, *, min_children: int = 2) -> list[Group]:
    found = []
    for members in g.graph.connected_components():
        children = sorted(g.nodes[v][1] for v in members if g.nodes[v][0] == "child")
        if len(children) >= min_children:
            subjects = sorted(g.nodes[v][1] for v in members if g.nodes[v][0] == "subject")
            found.append(Group(children, subjects))
    return sorted(found, key=lambda grp: (-len(grp.children), grp.children))


def _children_of(g: Graph, vertex: int, edges: set[int] | None = None) -> set[int]:
    found = set()
    for e in g.graph.incident(vertex):
        if edges is not None and e not in edges:
            continue
        other = g.graph.es[e].target if g.graph.es[e].source == vertex else g.graph.es[e].source
        if g.nodes[other][0] == "child":
            found.add(g.nodes[other][1])
    return found


def subjects_linked_to(
    g: Graph, kind: str, n: int, *, recent_only: bool = False
) -> list[tuple[int, set[int]]]:
    """(subject id, the children linked to it) for subjects of `kind` with n children or more."""
    found = []
    for v, (what, pk) in enumerate(g.nodes):
        if what == "subject" and g.kinds.get(pk) == kind:
            children = _children_of(g, v, g.recent if recent_only else None)
            if len(children) >= n:
                found.append((pk, children))
    return sorted(found, key=lambda row: (-len(row[1]), row[0]))


def adults_linked_to(g: Graph, n: int) -> list[tuple[int, set[int]]]:
    return subjects_linked_to(g, SubjectKind.ADULT, n)


def hotspots(g: Graph, n: int) -> list[tuple[int, set[int]]]:
    return subjects_linked_to(g, SubjectKind.PLACE, n, recent_only=True)


def children_sharing(g: Graph, at_least: int = 2) -> list[tuple[int, int, int]]:
    """(child, child, how many subjects they share), for pairs sharing `at_least`."""
    shared: Counter[tuple[int, int]] = Counter()
    for v, (what, _) in enumerate(g.nodes):
        if what == "subject":
            for a, b in combinations(sorted(_children_of(g, v)), 2):
                shared[(a, b)] += 1
    return sorted(
        ((a, b, k) for (a, b), k in shared.items() if k >= at_least), key=lambda r: (-r[2], r[0], r[1])
    )


def key_adults(g: Graph, top: int = 10) -> list[tuple[int, float]]:
    """Adults of concern by betweenness: those on the most paths between others."""
    if not g.nodes:
        return []
    scores = g.graph.betweenness()
    adults = [
        (g.nodes[v][1], float(score))
        for v, score in enumerate(scores)
        if g.nodes[v][0] == "subject" and g.kinds.get(g.nodes[v][1]) == SubjectKind.ADULT and score > 0
    ]
    return sorted(adults, key=lambda r: (-r[1], r[0]))[:top]
