"""{% register_card person %}: the child's flags on the whole-area register, who holds the
case and the triage decisions about them, for the child's page (casework shows it through
an include, without importing this room)."""

from typing import Any

from django import template
from django.utils import timezone

from cshub.access.permissions import Perm
from cshub.people.models import Person
from cshub.register.models import AreaFlag, Holder, Triage
from cshub.register.queries import HOLDER_ORDER

register = template.Library()


@register.inclusion_tag("register/child_register_card.html", takes_context=True)
def register_card(context: template.Context, person: Person) -> dict[str, Any]:
    today = timezone.localdate()
    flags = list(AreaFlag.objects.filter(person=person).order_by("-flagged_on", "-recorded_at", "-id"))
    current = [f for f in flags if f.flagged_on <= today and (f.ended_on is None or f.ended_on >= today)]
    user = context.get("user")
    return {
        "person": person,
        "current": current,
        "ended": [f for f in flags if f not in current],
        # The same rule as the register's rows (queries.HOLDER_ORDER): the hub while open
        # to it, else locality social work, …; the latest flag of that holder.
        "holder": min(current, key=lambda f: HOLDER_ORDER.index(Holder(f.holder))) if current else None,
        "decisions": list(
            Triage.objects.filter(person=person).select_related("decided_by", "agenda_item__meeting")[:5]
        ),
        "may_triage": user is not None and user.has(Perm.MANAGE_REGISTER),
    }
