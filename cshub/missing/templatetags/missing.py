"""{% missing_history person %}: the child's missing history, for the child's page
(the casework room shows it without importing the missing room)."""

from typing import Any

from django import template

from cshub.missing.queries import history
from cshub.people.models import Person

register = template.Library()


@register.inclusion_tag("missing/history_card.html", takes_context=True)
def missing_history(context: dict[str, Any], person: Person) -> dict[str, Any]:
    flags = person.missing_flags.filter(resolved_at__isnull=True).order_by("raised_at")
    return {"person": person, "history": history(person), "user": context["user"], "flags": flags}
