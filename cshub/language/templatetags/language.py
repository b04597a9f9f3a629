from typing import Any

from django import template

from cshub.language.guidance import check

register = template.Library()


@register.inclusion_tag("language/advice.html")
def language_advice(field: Any) -> dict[str, Any]:
    """Server-rendered guidance under a text area (the script keeps it up to date as you type)."""
    value = field.value() if hasattr(field, "value") else ""
    return {"advice": check(str(value or "")), "id": f"{field.auto_id}-language"}
