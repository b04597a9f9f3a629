"""Inclusion tags other rooms' pages use through an include, without importing this room:
a subject's disruptions on its intelligence page, and the orders ending on the home page."""

from typing import Any

from django import template
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.limits import without_long_text
from cshub.disruption import due
from cshub.disruption.access import subject_name
from cshub.disruption.models import Disruption
from cshub.intelligence.models import Subject

register = template.Library()


@register.inclusion_tag("disruption/_subject_disruptions.html", takes_context=True)
def subject_disruptions(context: dict[str, Any], subject: Subject) -> dict[str, Any]:
    user = context["request"].user
    rows = (
        list(without_long_text(Disruption.objects.visible_to(user).filter(subject=subject)))
        if isinstance(user, User) and user.has(Perm.VIEW_INTELLIGENCE)
        else []
    )
    return {
        "subject": subject,
        "rows": rows,
        "may_record": isinstance(user, User) and user.has(Perm.RECORD_INTELLIGENCE) and subject.confirmed,
    }


@register.inclusion_tag("disruption/_orders_due.html", takes_context=True)
def orders_ending(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    if not isinstance(user, User) or not user.has(Perm.VIEW_INTELLIGENCE):
        return {"shown": False}
    rows = [
        (d, found, subject_name(user, d.subject), found.overdue(today))
        for d, found in due.orders_due(user, today)
    ]
    return {"shown": True, "rows": rows, "days": due.notice_days()}
