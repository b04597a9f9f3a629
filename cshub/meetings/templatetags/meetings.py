"""Template helpers for meetings, and {% meeting_flag_card person %}: the child's page card
"Bring to the daily meeting" (the casework room shows it without importing this one)."""

import datetime as dt
from typing import Any

from django import template

from cshub.access.models import User
from cshub.core.dates import format_time
from cshub.meetings import hooks
from cshub.meetings.models import MeetingFlag, SourceKind
from cshub.meetings.queries import RESTRICTED_CHILD
from cshub.people.models import Person

register = template.Library()

COLOURS = {
    SourceKind.REFERRAL: "blue",
    SourceKind.MISSING_REPORTED: "red",
    SourceKind.MISSING_RETURNED: "orange",
    SourceKind.INTERVIEW_OVERDUE: "yellow",
    SourceKind.ASSESSMENT_OVERDUE: "yellow",
    SourceKind.FLAGGED: "purple",
    SourceKind.MISSING_TRIGGER: "pink",
    SourceKind.OVERDUE_ACTION: "yellow",
}


@register.filter
def source_colour(kind: str) -> str:
    return COLOURS.get(SourceKind(kind), "grey") if kind in SourceKind.values else "grey"


@register.filter
def govuk_time(value: dt.datetime | None) -> str:
    return format_time(value) if value else ""


@register.simple_tag
def restricted_child_text() -> str:
    return RESTRICTED_CHILD


@register.inclusion_tag("meetings/flag_card.html", takes_context=True)
def meeting_flag_card(context: dict[str, Any], person: Person) -> dict[str, Any]:
    user = context["user"]
    return {
        "person": person,
        "flag": MeetingFlag.objects.open().filter(person=person).select_related("raised_by").first(),
        "may_flag": user.has("view_minutes"),
    }


@register.simple_tag(takes_context=True)
def item_links(context: dict[str, Any], view: Any) -> list[hooks.ItemLink]:
    """Links other rooms offer on a visible item ({% item_links v as links %})."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not view.visible:
        return []
    return hooks.item_links(view.item, view.children, user)
