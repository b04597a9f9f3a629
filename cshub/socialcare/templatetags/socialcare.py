"""{% council_record_card person %}: the council's record of the child, for the child's page
(the casework room shows it through an include, without importing this room)."""

from typing import Any

from django import template

from cshub.people.models import Person
from cshub.socialcare.queries import council_record

register = template.Library()


@register.inclusion_tag("socialcare/council_card.html")
def council_record_card(person: Person) -> dict[str, Any]:
    return {"person": person, "record": council_record(person)}
