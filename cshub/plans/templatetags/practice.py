"""What is due for a child, where a worker looks first: the child's overview and caseloads."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from cshub.casework import due as casework_due
from cshub.casework.models import Episode
from cshub.contact.queries import last_seen, practice_flags
from cshub.people.models import Person
from cshub.plans import due
from cshub.supervision.models import Supervision

register = template.Library()


@register.inclusion_tag("plans/due_card.html", takes_context=True)
def due_card(context: dict[str, Any], person: Person) -> dict[str, Any]:
    episode = person.episodes.open().first()
    today = timezone.localdate()
    items: list[dict[str, Any]] = []
    if episode is not None:
        assessment = casework_due.for_episode(episode)
        items.append(
            {"what": assessment.what, "due": assessment.due_date, "overdue": assessment.overdue(today)}
        )
        plan = due.current_plan(episode)
        if plan is None:
            items.append({"what": "Child's plan", "due": None, "overdue": True, "note": "Not written yet"})
        else:
            review = due.plan_review_due(plan)
            items.append({"what": review.what, "due": review.due_date, "overdue": review.overdue(today)})
    return {
        "person": person,
        "episode": episode,
        "items": items,
        "flags": practice_flags(person, episode, today),
        "user": context.get("user"),
    }


@register.inclusion_tag("plans/caseload_flags.html")
def caseload_flags(episode: Episode) -> dict[str, Any]:
    """Short tags for a caseload row: assessment, visit, supervision against the standards."""
    today = timezone.localdate()
    tags = []
    # A caseload's rows carry the review rule already (`casework.risk`): no query a row.
    overdue = getattr(episode, "risk_review_overdue", None)
    if overdue if overdue is not None else casework_due.for_episode(episode).overdue(today):
        tags.append("Assessment overdue")
    seen = last_seen(episode)
    if seen is None or (today - seen.on).days > casework_due.standard("VISIT"):
        tags.append("Visit overdue")
    last = Supervision.objects.about(episode).only("held_on").first()
    if last is None or (today - last.held_on) > dt.timedelta(days=casework_due.standard("SUPERVISION")):
        tags.append("Supervision overdue")
    return {"tags": tags}
