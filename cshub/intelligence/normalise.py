"""Normal forms of what identifies a subject, so two mentions of one car, phone or place
match: pure functions (the data migration uses them too)."""

import re

import phonenumbers

PLATE_FORMATS = [
    re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"),  # current (2001-): AB12CDE
    re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"),  # prefix (1983-2001): A123BCD
    re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"),  # suffix (1963-1983): ABC123D
    re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"),  # dateless: ABC1234
    re.compile(r"^[0-9]{1,4}[A-Z]{1,3}$"),  # dateless, reversed: 1234ABC
]
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


class NotRecognisedError(ValueError):
    """The value is not in a form CSHub recognises; the message says what is expected."""


def plate(value: str) -> str:
    """A UK registration without spaces or punctuation, in capitals: 'ab12 cde' -> 'AB12CDE'."""
    kept = "".join(c for c in value.upper() if c.isalnum())
    if not any(p.match(kept) for p in PLATE_FORMATS):
        raise NotRecognisedError("Enter a UK vehicle registration, like AB12 CDE")
    return kept


def phone(value: str, region: str = "GB") -> str:
    """E.164: '07700 900123' -> '+447700900123'. Numbers without a country code are British."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise NotRecognisedError("Enter a phone number, like 07700 900123 or +44 7700 900123") from None
    digits = phonenumbers.national_significant_number(number)
    possible = (
        phonenumbers.is_possible_number_with_reason(number) == phonenumbers.ValidationResult.IS_POSSIBLE
    )
    if not possible or (number.country_code == 44 and not 9 <= len(digits) <= 10):
        raise NotRecognisedError("Enter a phone number with the right number of digits, like 07700 900123")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postcode(value: str) -> str:
    """'m1 1ae' -> 'M1 1AE'; empty stays empty."""
    kept = "".join(c for c in value.upper() if c.isalnum())
    if not kept:
        return ""
    match = POSTCODE.match(kept)
    if not match:
        raise NotRecognisedError("Enter a full postcode, like M1 1AE")
    return f"{match.group(1)} {match.group(2)}"


def text_key(value: str) -> str:
    """Lower case, punctuation dropped, single spaces: how names of places and groups match."""
    kept = "".join(c for c in value.lower() if c.isalnum() or c.isspace())
    return " ".join(kept.split())


def handle(value: str) -> str:
    return value.strip().lstrip("@").lower()
