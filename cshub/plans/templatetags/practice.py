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
    rules = casework_due.in_force(today)  # the standards in force today, read once
    items: list[dict[str, Any]] = []
    if episode is not None:
        assessment = casework_due.for_episode(episode, rules)
        items.append(
            {"what": assessment.what, "due": assessment.due_date, "overdue": assessment.overdue(today)}
        )
        plan = due.current_plan(episode)
        if plan is None:
            items.append({"what": "Child's plan", "due": None, "overdue": True, "note": "Not written yet"})
        else:
            review = due.plan_review_due(plan, rules)
            items.append({"what": review.what, "due": review.due_date, "overdue": review.overdue(today)})
    return {
        "person": person,
        "episode": episode,
        "items": items,
        "flags": practice_flags(person, episode, today, rules),
        "user": context.get("user"),
    }


def _rules(context: template.Context, today: dt.date) -> casework_due.Standards:
    """The standards in force today, read once per page however many rows call for them."""
    rules: casework_due.Standards | None = context.render_context.get(f"standards:{today.isoformat()}")
    if rules is None:
        rules = casework_due.in_force(today)
        context.render_context[f"standards:{today.isoformat()}"] = rules
    return rules


@register.inclusion_tag("plans/caseload_flags.html", takes_context=True)
def caseload_flags(context: template.Context, episode: Episode) -> dict[str, Any]:
    """Short tags for a caseload row: assessment, visit, supervision against the standards
    in force today."""
    today = timezone.localdate()
    rules = _rules(context, today)
    tags = []
    # A caseload's rows carry the review rule already (`casework.risk`): no query a row.
    overdue = getattr(episode, "risk_review_overdue", None)
    if overdue if overdue is not None else casework_due.for_episode(episode, rules).overdue(today):
        tags.append("Assessment overdue")
    # A worker's caseload carries the last visit and supervision too (`due.with_practice_dates`).
    if hasattr(episode, "last_seen_on"):
        seen_on, supervised_on = episode.last_seen_on, due.last_supervised_on(episode)
    else:
        seen = last_seen(episode)
        seen_on = seen.on if seen else None
        last = Supervision.objects.about(episode).only("held_on").first()
        supervised_on = last.held_on if last else None
    if seen_on is None or (today - seen_on).days > rules["VISIT"]:
        tags.append("Visit overdue")
    if supervised_on is None or (today - supervised_on) > dt.timedelta(days=rules["SUPERVISION"]):
        tags.append("Supervision overdue")
    return {"tags": tags}
