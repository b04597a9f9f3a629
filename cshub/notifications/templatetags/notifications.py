"""{% email_choices %}: the person's email choices, for *Your account* (the access room
shows them without importing this one)."""

from typing import Any

from django import template

from cshub.notifications import choices
from cshub.notifications.forms import EmailChoicesForm

register = template.Library()


@register.inclusion_tag("notifications/email_choices.html", takes_context=True)
def email_choices(context: dict[str, Any]) -> dict[str, Any]:
    user = context["user"]
    return {
        "user": user,
        "offered": bool(choices.offered(user)),
        "email_form": EmailChoicesForm(user=user),
        "csrf_token": context.get("csrf_token"),
    }
