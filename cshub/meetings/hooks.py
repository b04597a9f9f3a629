"""Links a room to the right of meetings offers on an agenda item (intelligence: "Add
intelligence from this item"). The room registers a function at start-up, as with
`agenda.register_source`, so meetings never imports it."""

from collections.abc import Callable, Sequence
from typing import NamedTuple

from cshub.access.models import User
from cshub.meetings.models import AgendaItem
from cshub.people.models import Person


class ItemLink(NamedTuple):
    text: str
    url: str


ItemLinks = Callable[[AgendaItem, Sequence[Person], User], list[ItemLink]]
_ITEM_LINKS: list[ItemLinks] = []


def register_item_links(function: ItemLinks) -> None:
    if function not in _ITEM_LINKS:
        _ITEM_LINKS.append(function)


def item_links(item: AgendaItem, children: Sequence[Person], user: User) -> list[ItemLink]:
    """The links for an item whose children the user may all see."""
    return [link for function in _ITEM_LINKS for link in function(item, children, user)]
