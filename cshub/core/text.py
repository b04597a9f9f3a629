"""Names as stored: no characters that change how a name is shown, and one Unicode form.

A right-to-left override (U+202E) makes "Amy\u202eecnerwaL" show as "AmyLawrence" reversed
in part, and a zero-width space makes two names that look the same different to the
index: either can disguise who a record is about (spoofing). Names with them are refused
with a message, never cleaned silently (the person typing should see what was pasted).
Names are stored in NFC, so "é" typed as one character and as "e" + a combining accent
are the same name.
"""

import unicodedata

# Bidirectional controls: embeddings and overrides (U+202A to U+202E), isolates
# (U+2066 to U+2069), and the marks (LRM U+200E, RLM U+200F, ALM U+061C), which reorder too.
BIDI_CONTROLS = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
)
# Zero-width characters: space, non-joiner, joiner, word joiner, and the byte-order mark
# (zero-width no-break space).
ZERO_WIDTH = frozenset(chr(c) for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))
HIDDEN = BIDI_CONTROLS | ZERO_WIDTH


HIDDEN_MESSAGE = (
    "contains a hidden character that changes how it is shown (a direction or zero-width character)"
)


def has_hidden(value: str | None) -> bool:
    return bool(value) and not HIDDEN.isdisjoint(value or "")


def hidden_problem(value: str | None, label: str) -> str | None:
    """The message for a name holding a hidden character, else None."""
    if has_hidden(value):
        return f"{label} {HIDDEN_MESSAGE}. Type the name again rather than pasting it"
    return None


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def check_names(errors: dict[str, str], names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Each name (field: (label, value)) checked into `errors` (a field's first problem
    wins) and returned in NFC."""
    for field, (label, value) in names.items():
        problem = hidden_problem(value, label)
        if problem and field not in errors:
            errors[field] = problem
    return {field: nfc(value) for field, (_, value) in names.items()}
