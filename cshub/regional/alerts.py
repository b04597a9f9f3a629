"""What a cross-border alert says and where it goes: plain functions, no writes.

An alert's text is built here from fixed parts (the type's sentence, hub names, a date and
the alert's reference) and nothing typed about a person: no name, date of birth, postcode or
free text can reach it. Which hub's area a place is in comes from the postcode's district and
the districts each hub covers (`Peer.districts`)."""

import datetime as dt
import re
import uuid
from collections.abc import Iterable

from cshub.core.dates import format_date
from cshub.regional.models import AlertType

# A full UK postcode: the outward code (the district: M8, BL9, SW1A, EC1V) and the inward code
# (a digit and two letters). Only a whole postcode is read from free text: a bare "M60" or
# "A6" is a motorway or a road as often as a district. The letters the inward code never uses
# (C, I, K, M, O, V) are left out, so "M8 9MK" is not taken for a postcode.
POSTCODE = re.compile(
    r"(?<![A-Z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?|[A-Z]{1,2}[0-9][0-9]?)\s*([0-9][ABD-HJLNP-UW-Z]{2})(?![A-Z0-9])",
    re.IGNORECASE,
)
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
MAX_TEXT = 500


def district_of(text: str) -> str | None:
    """The postcode district of the first whole postcode in `text` ("found at the shop, bl9
    0ab" -> "BL9"), or None when there is none."""
    match = POSTCODE.search(text or "")
    return match[1].upper() if match else None


def normalise_district(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def hubs_covering(district: str, peers: Iterable[tuple[str, list[str]]]) -> list[str]:
    """The hub ids whose districts include `district`, from (hub id, districts) pairs."""
    wanted = normalise_district(district)
    return sorted(
        hub for hub, districts in peers if wanted in {normalise_district(d) for d in districts or []}
    )


def reference(hub_id: str, alert: uuid.UUID) -> str:
    """The reference a hub quotes to the hub that raised the alert: its id and 8 hex digits."""
    return f"{hub_id.upper()}-{alert.hex[:8].upper()}"


def text(kind: str, *, from_name: str, when: dt.date, ref: str, children: int = 0) -> str:
    """The alert's words, from fixed parts only (no name, date of birth or postcode)."""
    day = format_date(when)
    if kind == AlertType.MISSING_FOUND:
        words = (
            f"A child missing from {from_name} was found in your area on {day}; "
            f"contact {from_name} quoting {ref}."
        )
    elif kind == AlertType.PLACE_BORDER:
        words = (
            f"A place in your area has been linked to {children} or more children known to "
            f"{from_name} in the 90 days to {day}; contact {from_name} quoting {ref}."
        )
    elif kind == AlertType.ADULT_TWO_HUBS:
        words = (
            f"An adult of concern you hold appears to be known to {from_name} too "
            f"(matched on {day}); see your cross-border matches of adults, where you can confirm "
            f"the match and ask {from_name} for information."
        )
    else:
        raise ValueError(f"not a type of alert: {kind}")
    return words[:MAX_TEXT]
