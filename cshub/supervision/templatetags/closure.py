"""{% closure_checklist episode %}: what closure needs, shown on the closure form."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from cshub.casework.models import Episode
from cshub.core.dates import format_date
from cshub.supervision.models import Kind, Supervision

register = template.Library()

RECENT_DAYS = 28


@register.inclusion_tag("supervision/closure_checklist.html")
def closure_checklist(episode: Episode) -> dict[str, Any]:
    today = timezone.localdate()
    recent = today - dt.timedelta(days=RECENT_DAYS)
    last = episode.assessments.first()
    joint = Supervision.objects.filter(episode=episode, kind=Kind.JOINT).first()
    items = [
        {
            "label": "A final or recent exploitation risk assessment",
            "done": bool(last and last.completed_date >= recent),
            "detail": f"Last: {format_date(last.completed_date)}, {last.get_risk_level_display().lower()} risk"
            if last
            else "None recorded",
        },
        {
            "label": "Joint supervision with the locality social worker before closure",
            "done": bool(joint and joint.held_on >= recent),
            "detail": f"Last joint supervision: {format_date(joint.held_on)}" if joint else "None recorded",
        },
    ]
    return {"items": items}
