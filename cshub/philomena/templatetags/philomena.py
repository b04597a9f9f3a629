"""{% philomena_card person %} (the child's page) and {% philomena_missing_card person %}
(the missing episode pages): the profile's state and the prompt to write or review it,
shown by rooms to the left of this one without importing it."""

from typing import Any

from django import template

from cshub.documents.models import Document
from cshub.people.models import Person
from cshub.philomena import photo
from cshub.philomena.review import status

register = template.Library()


@register.inclusion_tag("philomena/child_card.html", takes_context=True)
def philomena_card(context: template.Context, person: Person) -> dict[str, Any]:
    return {"person": person, "user": context.get("user"), "status": status(person)}


@register.inclusion_tag("philomena/missing_card.html", takes_context=True)
def philomena_missing_card(context: template.Context, person: Person) -> dict[str, Any]:
    return {"person": person, "user": context.get("user"), "status": status(person)}


@register.simple_tag
def photo_src(document: Document | None) -> str:
    """The page's <img src>: the documents room's view when it exists, else the bytes."""
    if document is None:
        return ""
    return photo.view_url(document) or photo.data_uri(document)
