"""What an alert says and where it goes: a postcode read from free text, the hubs covering
its district, and words built from fixed parts only."""

import datetime as dt
import re
import uuid

import pytest

from cshub.regional import alerts
from cshub.regional.models import AlertType

POSTCODE_ANYWHERE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}", re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("Found at Bury bus station, BL9 0AB", "BL9"),
        ("found by police at bl90ab near the interchange", "BL9"),
        ("Flat 2, 10 High Street, Manchester M8 8AB", "M8"),
        ("Westminster SW1A 1AA", "SW1A"),
        ("Clerkenwell EC1V 9HX, with friends", "EC1V"),
        ("Near the M60 junction 17", None),  # a motorway, not a postcode
        ("walking on the A6 in Salford", None),  # a road
        ("Flat 12 then M8", None),  # a bare district is not read
        ("M8 9MK", None),  # M and K are never in an inward code
        ("XBL9 0AB", None),  # not a postcode standing on its own
        ("", None),
    ],
)
def test_the_district_of_the_first_whole_postcode(text: str, district: str | None) -> None:
    assert alerts.district_of(text) == district


def test_the_hubs_covering_a_district() -> None:
    peers = [("bolton", ["BL1", "bl2"]), ("bury", ["BL9", " m26 "]), ("wigan", [])]
    assert alerts.hubs_covering("BL2", peers) == ["bolton"]
    assert alerts.hubs_covering("m26", peers) == ["bury"]
    assert alerts.hubs_covering("BL99", peers) == []


@pytest.mark.parametrize("kind", AlertType.values)
def test_the_text_is_built_from_fixed_parts_with_no_postcode(kind: str) -> None:
    alert = uuid.UUID("12345678-1234-5678-1234-567812345678")
    words = alerts.text(
        kind, from_name="Bolton", when=dt.date(2026, 11, 3), ref=alerts.reference("bolton", alert), children=3
    )
    assert "3 November 2026" in words and "Bolton" in words
    # A hub's alert quotes its reference; the region's (adults) sends the hub to its matches.
    quoted = "BOLTON-12345678" in words
    assert quoted == (kind != AlertType.ADULT_TWO_HUBS)
    assert not POSTCODE_ANYWHERE.search(words)
    assert len(words) <= alerts.MAX_TEXT


def test_the_missing_text_reads_as_the_agreed_words() -> None:
    words = alerts.text(
        AlertType.MISSING_FOUND, from_name="Bolton", when=dt.date(2026, 11, 3), ref="BOLTON-ABCDEF12"
    )
    assert words == (
        "A child missing from Bolton was found in your area on 3 November 2026; "
        "contact Bolton quoting BOLTON-ABCDEF12."
    )


def test_an_unknown_type_has_no_words() -> None:
    with pytest.raises(ValueError, match="not a type"):
        alerts.text("gossip", from_name="Bolton", when=dt.date(2026, 11, 3), ref="X")
