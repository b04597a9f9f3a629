"""`{% your_training %}` on *Your account*: the signed-in person's required courses, gaps first."""

from typing import Any

from django import template

from cshub.assurance.metrics.base import Percent
from cshub.core.dates import local_today
from cshub.workforce.training import Share, required_courses

register = template.Library()


@register.inclusion_tag("workforce/your_training.html", takes_context=True)
def your_training(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    courses = required_courses(user, local_today())
    return {"courses": courses, "gaps": [c for c in courses if c.is_gap], "person": user}


@register.filter
def share_percent(share: Share) -> str:
    """The share up to date as a percentage (2 places, docs/metrics.md's rounding); — with none."""
    value = Percent(share.up_to_date, share.pairs).percent
    return "—" if value is None else f"{value:g}%"
