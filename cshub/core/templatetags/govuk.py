"""Template filters for GOV.UK presentation: dates, times, field widget checks; tables as cards."""

import datetime as dt
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.utils.safestring import SafeString, mark_safe

from cshub.core import dates
from cshub.core.cards import label_cells

register = template.Library()


@register.filter
def govuk_date(value: dt.date | dt.datetime | None) -> str:
    return dates.format_date(value)


@register.filter
def govuk_datetime(value: dt.datetime | None) -> str:
    return dates.format_datetime(value)


@register.filter
def iso(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def days_waiting(since: dt.date | None, today: dt.date) -> str:
    """How long something recorded by its date has waited: `Today`, `1 day`, `12 days`."""
    if since is None:
        return ""
    days = (today - since).days
    if days <= 0:
        return "Today"
    return f"{days} day{'s' if days != 1 else ''}"


@register.filter
def iso_date(value: dt.datetime | None) -> str:
    """The London date of a timestamp, `2026-11-22`: for entries known by their date only."""
    return dates.london(value).date().isoformat() if value else ""


@register.filter
def widget_type(bound_field: Any) -> str:
    return str(bound_field.field.widget.__class__.__name__).lower()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def elided_pages(page: Any) -> list[int | str]:
    """Page numbers for the GOV.UK pagination component, with "…" gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


class CardsNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        # The inside was rendered (and escaped) by the template; label_cells only adds
        # data-label attributes whose values it escapes itself.
        return mark_safe(label_cells(self.nodelist.render(context)))  # noqa: S308 - escaped, see above  # nosec B308, B703


@register.tag
def cards(parser: Parser, token: Token) -> CardsNode:
    """`{% cards %}<table class="govuk-table cshub-cards">…</table>{% endcards %}`: each body
    cell labelled with its column's header, for the card it becomes on small screens
    (cshub.core.cards)."""
    nodelist = parser.parse(("endcards",))
    parser.delete_first_token()
    return CardsNode(nodelist)
