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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, overload

import igraph
from django.db import connection
from django.db.models import F, Max, Q, QuerySet, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from cshub.access.models import User
from cshub.intelligence.models import Handling, Link, Subject, SubjectKind
from cshub.people.models import Person

HOTSPOT_DAYS = 90


class Vertices(Sequence[tuple[str, int]]):
    """Vertex -> ("child" | "subject", id), without a table: a child's vertex is their
    person id, a subject's is `offset` + its id (the database computes both, so a million
    links become edges without a Python loop over them). Unlinked ids are lone vertices."""

    def __init__(self, offset: int, size: int) -> None:
        self.offset, self.size = offset, size

    @overload
    def __getitem__(self, v: int) -> tuple[str, int]: ...
    @overload
    def __getitem__(self, v: slice) -> Sequence[tuple[str, int]]: ...
    def __getitem__(self, v: int | slice) -> tuple[str, int] | Sequence[tuple[str, int]]:
        if isinstance(v, slice):
            return [self[i] for i in range(*v.indices(self.size))]
        if not 0 <= v < self.size:
            raise IndexError(v)
        return ("child", v) if v < self.offset else ("subject", v - self.offset)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return (self[v] for v in range(self.size))


@dataclass
class Graph:
    graph: igraph.Graph
    nodes: Vertices
    since: dt.date  # hotspots: links seen on or after this day
    readable: Any = None  # readable_links()  # the links read (for the recent ones, when needed)
    _kinds: dict[int, str] | None = None
    _recent: dict[int, set[int]] | None = None

    @property
    def offset(self) -> int:
        return self.nodes.offset

    def vertex(self, subject_id: int) -> int:
        return self.offset + subject_id

    @property
    def kinds(self) -> dict[int, str]:
        """subject id -> SubjectKind (read when first needed: grouping does not need it)."""
        if self._kinds is None:
            self._kinds = dict(Subject.objects.confirmed().order_by().values_list("pk", "kind"))
        return self._kinds

    def recent_children(self, v: int) -> set[int]:
        """The children linked to subject vertex `v` by a link seen since `since`."""
        if self._recent is None:
            self._recent = {}
            if self.readable is not None:
                recent = self.readable.filter(
                    Q(last_seen__gte=self.since)
                    | Q(last_seen__isnull=True, recorded_at__date__gte=self.since),
                    child__isnull=False,
                )
                for a, b in _fetch(recent.values_list("a", "b")):
                    self._recent.setdefault(b, set()).add(a)
        return self._recent.get(v, set())


def readable_links(user: User, offset: int) -> Any:  # QuerySet[Link] with the ends annotated
    """The links the reader may read, between confirmed subjects (a proposed one is a match
    nobody has checked), unordered, with their two ends as vertices ("a", "b"; see
    `Vertices`). Handling code C: only when the reader's agency is among the conditions or
    the reader is named. JSON containment is not on every SQLite build, so the agencies
    are matched in their JSON text: a list of agency codes, each in double quotes."""
    proposed = Subject.objects.proposed().values("pk")
    named = Link.named_users.through.objects.filter(user_id=user.pk).values("link_id")
    agency = f'"{user.agency}"' if user.agency else None
    conditions = Q(pk__in=named)
    if agency:
        conditions |= Q(agencies_text__contains=agency)
    return (
        Link.objects.exclude(subject_id__in=proposed)
        .exclude(from_subject_id__in=proposed)
        .alias(agencies_text=Cast("agencies", TextField()))
        .filter(Q(handling=Handling.SHARE) | Q(handling=Handling.CONDITIONS) & conditions)
        .order_by()
        .annotate(a=Coalesce(F("child_id"), F("from_subject_id") + offset), b=F("subject_id") + offset)
    )


def _fetch(qs: "QuerySet[Any, Any]") -> list[tuple[Any, ...]]:
    """The rows as the database driver gives them: tuples, no model or row objects."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def load(user: User, *, today: dt.date | None = None) -> Graph:
    """Every link the reader may read, as one graph, read in one query."""
    today = today or timezone.localdate()
    offset = int(Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    count = offset + int(Subject.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    links = readable_links(user, offset)
    edges = _fetch(links.values_list("a", "b"))
    return Graph(
        igraph.Graph(n=count, edges=edges),
        Vertices(offset, count),
        today - dt.timedelta(days=HOTSPOT_DAYS),
        links,
    )


@dataclass
class Group:
    children: list[int]
    subjects: list[int]


def connected_groups(g: Graph, *, min_children: int = 2) -> list[Group]:
    membership = g.graph.connected_components().membership
    offset = g.offset
    children_in = Counter(membership[:offset])  # a child's vertex is below the offset
    wanted = {m for m, k in children_in.items() if k >= min_children}
    groups: dict[int, Group] = {m: Group([], []) for m in wanted}
    if wanted:
        for v, m in enumerate(membership):  # in vertex order: ids ascending
            if m in wanted:
                if v < offset:
                    groups[m].children.append(v)
                else:
                    groups[m].subjects.append(v - offset)
    return sorted(groups.values(), key=lambda grp: (-len(grp.children), grp.children))


def _children_of(g: Graph, vertex: int) -> set[int]:
    return {u for u in g.graph.neighbors(vertex) if u < g.offset}


def subjects_linked_to(
    g: Graph, kind: str, n: int, *, recent_only: bool = False
) -> list[tuple[int, set[int]]]:
    """(subject id, the children linked to it) for subjects of `kind` with n children or more."""
    found = []
    for pk, what in g.kinds.items():
        v = g.vertex(pk)
        if what != kind or v >= len(g.nodes):
            continue
        children = g.recent_children(v) if recent_only else _children_of(g, v)
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
    degrees = g.graph.degree()
    for v in range(g.offset, len(g.nodes)):
        if degrees[v] > 1:
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
    # Only the adults' vertices are read (a subject's vertex is the offset + its id), not a
    # Python look-up for every child and subject of the area.
    size = len(g.nodes)
    adults = [
        (pk, float(scores[v]))
        for pk, kind in g.kinds.items()
        if kind == SubjectKind.ADULT and (v := g.vertex(pk)) < size and scores[v] > 0
    ]
    return sorted(adults, key=lambda r: (-r[1], r[0]))[:top]


def holds_together(score: float, top: float) -> str:
    """A betweenness score in plain words, beside the highest in the same network (the
    scores themselves mean nothing to a reader; their order is the list's)."""
    share = score / top if top > 0 else 0.0
    if share >= 0.5:
        return "holds much of the network together"
    if share >= 0.1:
        return "holds part of the network together"
    return "a minor link in the network"
