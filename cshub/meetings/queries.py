"""Read side of meetings: what a user may see of a meeting's items, and the meeting list.

An item about a child the user may not see (a restricted record) shows only that it is
about "a child whose record is restricted": no title, reason, minutes or actions.
Police-only information shows only to police officers and holders of VIEW_POLICE_ONLY,
and never in the restricted minutes."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from cshub.access.models import User
from cshub.audit.events import record_views
from cshub.casework.risk import with_current_risk
from cshub.meetings.models import (
    AgendaItem,
    AgreedAction,
    Attendance,
    Meeting,
    MeetingType,
    SharedInformation,
    sees_police_only,
)
from cshub.people.models import Person

RESTRICTED_CHILD = "a child whose record is restricted"


@dataclass
class ItemView:
    item: AgendaItem
    number: int
    children: list[Person]
    hidden_children: list[int]
    shared: list[SharedInformation] = field(default_factory=list)
    actions: list[AgreedAction] = field(default_factory=list)
    police_only_withheld: int = 0

    @property
    def visible(self) -> bool:
        return not self.hidden_children

    @property
    def pk(self) -> int:
        return self.item.pk


@dataclass
class MeetingView:
    meeting: Meeting
    items: list[ItemView]
    present: list[Attendance]
    apologies: list[Attendance]
    police_only: bool
    restricted_version: bool

    @property
    def decided(self) -> int:
        return sum(1 for i in self.items if i.item.decision.strip())


def _views(
    items: list[AgendaItem], numbers: list[int], visible_ids: set[int], police: bool
) -> list[ItemView]:
    views = []
    for n, item in zip(numbers, items, strict=True):
        children = list(item.children.all())
        hidden = [p.pk for p in children if p.pk not in visible_ids]
        shared = list(item.shared.all())
        shown = shared if police else [s for s in shared if not s.police_only]
        views.append(
            ItemView(
                item,
                n,
                [p for p in children if p.pk in visible_ids],
                hidden,
                shown if not hidden else [],
                list(item.actions.all()) if not hidden else [],
                len(shared) - len(shown) if not hidden else 0,
            )
        )
    return views


def _items(meeting: Meeting) -> "list[AgendaItem]":
    """The current items, each child with their current risk (one query for them all)."""
    return list(
        meeting.items.current()
        .prefetch_related(
            Prefetch("children", queryset=with_current_risk(Person.objects.all(), "pk")),
            "shared",
            "actions__owner",
            "actions__task",
        )
        .order_by("order", "id")
    )


def meeting_view(
    meeting: Meeting, user: User, *, restricted: bool = False, audit_part: str = "meeting"
) -> MeetingView:
    """The meeting as this user may see it. `restricted` gives the version for circulation
    beyond the hub (no police-only information), which is all some users ever get."""
    police = sees_police_only(user) and not restricted
    visible_ids = set(
        Person.objects.visible_to(user).filter(agenda_items__meeting=meeting).values_list("pk", flat=True)
    )
    items = _items(meeting)
    views = _views(items, list(range(1, len(items) + 1)), visible_ids, police)
    record_views(user, sorted({p.pk for v in views for p in v.children}), part=f"{audit_part} {meeting.pk}")
    attendance = list(meeting.attendance.all())
    return MeetingView(
        meeting,
        views,
        [a for a in attendance if a.present],
        [a for a in attendance if not a.present],
        police,
        not police,
    )


def item_view(item: AgendaItem, user: User) -> tuple[ItemView, int | None]:
    """One item as this user may see it (after a change sent with fetch), and the next
    item's id. Audits a view of this item's children only."""
    ids = list(item.meeting.items.current().order_by("order", "id").values_list("pk", flat=True))
    n = ids.index(item.pk)
    row = _items(item.meeting)[n]
    visible_ids = set(Person.objects.visible_to(user).filter(agenda_items=item).values_list("pk", flat=True))
    view = _views([row], [n + 1], visible_ids, sees_police_only(user))[0]
    record_views(user, [p.pk for p in view.children], part=f"meeting item {item.pk}")
    return view, ids[n + 1] if n + 1 < len(ids) else None


def daily_type() -> MeetingType:
    return MeetingType.objects.get(code="daily")
