"""The child's current risk where a worker looks first (`casework.risk`): the identity
bar and the overview ask for one child; lists pass rows already annotated, so a list
of any length reads it in its own query."""

from typing import Any

from django import template

from cshub.casework.risk import CurrentRisk, current_risk, risk_of

register = template.Library()


def _risk(row: Any) -> CurrentRisk:
    if hasattr(row, "risk_rank"):
        return risk_of(row)
    return current_risk(row.pk)


@register.inclusion_tag("casework/risk_tag.html")
def risk_tag(row: Any, long: bool = False) -> dict[str, Any]:
    """`row`: a child, or a row annotated by `with_current_risk`. `long`: with the date."""
    return {"risk": _risk(row), "long": long}


@register.simple_tag
def risk_for(person: Any) -> CurrentRisk:
    return _risk(person)
