"""{% other_hubs person %} (the child's page) and {% other_hubs subject %} (an adult of
concern's page): the matches other hubs hold, shown by rooms to the left of this one without
importing it; `score|match_words`: "a likely match (0.97)"."""

from decimal import Decimal
from typing import Any

from django import template

from cshub.crossborder.models import CrossBorderMatch
from cshub.intelligence.models import Subject
from cshub.people.models import Person

register = template.Library()

# The region sends matches scoring 0.90 or more (linkage.matching.THRESHOLD). Measured on the
# synthetic region (docs/performance.md, "Linkage across hubs"): 99.75% of the matches scoring
# 0.99 or more were right, 88.9% of those from 0.95, 67.9% of those from 0.90.
STRONG, LIKELY = Decimal("0.99"), Decimal("0.95")


@register.filter
def match_words(score: Decimal) -> str:
    words = (
        "a strong match" if score >= STRONG else "a likely match" if score >= LIKELY else "a possible match"
    )
    return f"{words} ({score:.2f})"


@register.inclusion_tag("crossborder/other_hubs.html", takes_context=True)
def other_hubs(context: template.Context, record: Person | Subject) -> dict[str, Any]:
    """The page showing it has already checked the user may see `record` (and audited it)."""
    if isinstance(record, Subject):
        matches = CrossBorderMatch.objects.filter(ours__subject=record)
    else:
        matches = CrossBorderMatch.objects.filter(ours__person=record)
    return {"matches": list(matches.select_related("their_hub")), "user": context.get("user")}
