"""The keyed Bloom-filter encoding of a record's identifiers, schema 2 (docs/region.md,
"Linkage: the encoding").

A cryptographic long-term key (CLK: Schnell, Bachteler and Reiher 2009; the field-weighted
form of clkhash's schemas): each identifier is cut into tokens (name bigrams, the parts of
the date of birth, the postcode district), and each token sets `k` bits of its section of
one 1536-bit filter, chosen by double hashing (h1 + i·h2 mod the section's size) with
HMAC-SHA256 keyed by the region's linkage secret, a key per field. Without the secret nobody can tell which tokens set which
bits; with two filters anyone can compare them (the Dice coefficient of their bits).

The same person recorded differently by two hubs still scores high: a misspelling changes
a few bigrams; a forename and surname recorded the other way round give the same tokens in
the `name` field (the bigrams of every name part, unordered), only the small `order` field
differs; a wrong day of birth changes the day and exact-date tokens and some of the windows
of days around it (a day or two out keeps most of them); every name a person is known by
(the name and each alias) adds its tokens to the one filter; a nickname of a forename gives
the same `nick` token as the full name. The region scores a pair with a logistic model of
the first three sections' Dice coefficients (`evidence`, `score`); the last two (the
forename's and the surname's tokens apart) keep two children of one family apart: twins,
another forename with everything else the same (`forenames_alike`).

Blocking keys are keyed too (HMAC, 16 hex): the region groups records by them without
learning what they were made of. Everything here is a pure function of `Identifiers`: the
hub side (`cshub.linkage.actions`) and the benchmark (`cshub bench linkage`) share it."""

import dataclasses
import datetime as dt
import hashlib
import hmac
import math
from collections.abc import Iterable
from functools import lru_cache

import jellyfish
from django.conf import settings

from cshub.people.names import nickname_group, normalise

SCHEMA = 2  # 2 (December 2026): the date-of-birth tokens (windows of days; the year in `p`);
# the forename's and the surname's sections (1536 bits)
BITS = 1536
BYTES = BITS // 8
BLOCK_HEX = 16  # a blocking key: the first 16 hex digits of its HMAC-SHA256

# The filter is three sections, each the Bloom filter of one group of fields, compared
# separately by the region (`score`): names, date of birth, postcode district.
# Two more sections, of the same size and one key, hold the forename's and the surname's
# tokens apart: not in the score's model, they settle whether the forenames can be one
# (`forenames_alike`), the surname's section standing in for the forename's when the names
# were recorded the other way round.
SECTIONS = {
    "names": (0, 576),
    "dob": (576, 320),
    "district": (896, 128),
    "fore": (1024, 256),
    "sur": (1280, 256),
}  # (first bit, bits)
FIELD_SECTION = {
    "name": "names",
    "order": "names",
    "nick": "names",
    "dob": "dob",
    "district": "district",
    "fore": "fore",
    "sur": "sur",
}
# The key a field's tokens are hashed with: the forename's and the surname's share one, so a
# token sets the same places in either section (a swap is found by comparing across them).
FIELD_KEY = {"fore": "part", "sur": "part"}
PART_SHIFT = SECTIONS["sur"][0] - SECTIONS["fore"][0]

# Field: how many bits each of its tokens sets (its weight within its section).
K_NAME = 15  # the bigrams of every name part, in any order (a swap scores the same)
K_ORDER = 3  # the first letter of the forename and of the surname, in order
K_NICK = 10  # the forename's nickname group (Bill, William: one token)
K_DOB = {
    "d": 8,
    "m": 8,
    "y": 12,
    "p": 20,
    "f": 20,
    "w": 8,
}  # date of birth tokens, by their first letter
WINDOW = 8  # days: each date sets the tokens of four windows of 8 days, starting 2 days apart
MISSING = 0.5  # how alike the district counts when one of the records has none (no address)
K_DISTRICT = 20  # the postcode district ("M8")
K_PART = 3  # a bigram of the forename (or of the surname) in its own section
K_PART_GROUP = 1  # each name of the forename's (or surname's first word's) nickname group
GROUP_MOST = 24  # names of a group encoded at most (the alphabetically first)
# Forenames less alike than this (their section's Dice, or across sections for a swap) share
# nothing beyond chance and no nickname group: two people (twins, a brother and a sister born
# a year apart, cousins), whatever else agrees. Such a pair scores at most `OTHER_FORENAME`.
FORENAME_MIN = 0.33
OTHER_FORENAME = 0.5


@dataclasses.dataclass(frozen=True)
class Name:
    forename: str
    surname: str


@dataclasses.dataclass(frozen=True)
class Identifiers:
    """What a hub encodes of one record: every name it is known by (the first is its name),
    its date of birth if known and the postcode district of its current address if any."""

    names: tuple[Name, ...]
    date_of_birth: dt.date | None = None
    district: str = ""


def district_of(postcode: str) -> str:
    """The outward code of a UK postcode ("M8 5RT" and "m85rt" give "M8")."""
    compact = "".join(postcode.upper().split())
    if len(compact) < 5:
        return compact if 2 <= len(compact) <= 4 else ""
    return compact[:-3]


def _secret() -> bytes:
    secret = str(settings.CSHUB_LINKAGE_SECRET)
    if not secret:
        raise RuntimeError("CSHUB_LINKAGE_SECRET is not set: a hub needs the region's linkage secret")
    return secret.encode()


@lru_cache(maxsize=64)
def _key(secret: bytes, purpose: str) -> bytes:
    return hmac.digest(secret, f"cshub-linkage/{SCHEMA}/{purpose}".encode(), "sha256")


@lru_cache(maxsize=65536)  # tokens repeat (bigrams, days, months, years): each is hashed once
def _token_bits(secret: bytes, field: str, token: str, k: int) -> int:
    first, size = SECTIONS[FIELD_SECTION[field]]
    digest = hmac.digest(_key(secret, f"clk/{FIELD_KEY.get(field, field)}"), token.encode(), "sha256")
    h1 = int.from_bytes(digest[:8], "big")
    h2 = int.from_bytes(digest[8:16], "big") | 1  # odd: the k positions differ
    bits = 0
    for i in range(k):
        bits |= 1 << (first + (h1 + i * h2) % size)
    return bits


def _words(text: str) -> list[str]:
    return normalise(text).split()


def bigrams(word: str) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def nick(word: str) -> str:
    """One name for a forename and its nicknames (the first of its group, alphabetically)."""
    return min(nickname_group(word)) if word else ""


def tokens(ids: Identifiers) -> list[tuple[str, str, int]]:
    """(field, token, k) for every token of the record (the same token once)."""
    found: set[tuple[str, str, int]] = set()
    for name in ids.names:
        fore, sur = _words(name.forename), _words(name.surname)
        for word in fore + sur:
            found.update(("name", gram, K_NAME) for gram in bigrams(word))
        if fore:
            found.add(("order", f"f{fore[0][0]}", K_ORDER))
            found.add(("nick", nick(fore[0]), K_NICK))
        for field, words in (("fore", fore), ("sur", sur)):
            found.update((field, gram, K_PART) for word in words for gram in bigrams(word))
            if words:
                # Every name of the first word's nickname group, one bit each: Polly and Mary,
                # Lynn and Linda share most of theirs, Ethan and Jordan none.
                found.update(
                    (field, f"g:{name}", K_PART_GROUP)
                    for name in sorted(nickname_group(words[0]))[:GROUP_MOST]
                )
        if sur:
            found.add(("order", f"s{sur[0][0]}", K_ORDER))
    if ids.date_of_birth:
        day = ids.date_of_birth
        low, high = sorted((day.day, day.month))
        n = day.toordinal()
        found.update(
            ("dob", token, K_DOB[token[0]])
            for token in (
                f"d{day.day}",
                f"m{day.month}",
                f"y{day.year}",
                f"p{low}-{high}-{day.year}",  # day and month, either way round, and the year
                f"f{day.isoformat()}",
                # Windows of days (across month ends): dates 1 day apart share 3 or 4 of
                # the 4, 3 days apart 2 or 3, a week apart at most 1.
                *(f"w{offset}:{(n + offset) // WINDOW}" for offset in range(0, WINDOW, 2)),
            )
        )
    if ids.district:
        found.add(("district", ids.district.upper(), K_DISTRICT))
    return sorted(found)


def encode(ids: Identifiers) -> int:
    """The record's Bloom filter, as an int of `BITS` bits."""
    secret = _secret()
    bits = 0
    for field, token, k in tokens(ids):
        bits |= _token_bits(secret, field, token, k)
    return bits


def to_bytes(bits: int) -> bytes:
    return bits.to_bytes(BYTES, "big")


def from_bytes(data: bytes) -> int:
    if len(data) != BYTES:
        raise ValueError(f"an encoding is {BYTES} bytes")
    return int.from_bytes(data, "big")


def dice(a: int, b: int) -> float:
    """The Dice coefficient of two filters: 2|a∧b| / (|a| + |b|)."""
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


MASKS = {name: ((1 << size) - 1) << first for name, (first, size) in SECTIONS.items()}


def sections(bits: int) -> tuple[int, int, int]:
    return bits & MASKS["names"], bits & MASKS["dob"], bits & MASKS["district"]


def parts(bits: int) -> tuple[int, int]:
    """The forename's and the surname's sections, both shifted to the forename's place."""
    return bits & MASKS["fore"], (bits & MASKS["sur"]) >> PART_SHIFT


def forenames_alike(a: tuple[int, int], b: tuple[int, int]) -> float | None:
    """How alike two records' forenames are (`parts`): the Dice coefficient of their forename
    sections, or of one's forename with the other's surname when that is higher (the names
    recorded the other way round at one hub). None when either has no forename."""
    (fa, sa), (fb, sb) = a, b
    if not fa or not fb:
        return None
    return max(dice(fa, fb), dice(fa, sb) if sb else 0.0, dice(sa, fb) if sa else 0.0)


# The match score: a logistic model of the three sections' Dice coefficients (names n, date
# of birth d, district p), fitted on the synthetic region of `cshub bench linkage` with seed 2
# (10 hubs, 30,000 people; the benchmark reports seed 1): evidence
#   z = c + wn·n + wnn·n² + (wd + wnd·n)·d + wdd·d² + wp·p
# and score = 1 / (1 + e^-z), 0 to 1. The date's part rises with d up to its peak (at
# d = (wd + wnd·n) / (-2·wdd)) and stays there: a closer date never scores lower. It is
# concave: a date a day or two out (d about 0.7) is nearly as good as the same date, and the
# same date with names only half alike (another child born the same day with the same
# forename) not enough. No date of birth in one record: `MODEL["no_dob"]` instead of the date's
# part (fitted); no district: p counts `MISSING`.
MODEL = {
    "c": -45.65,
    "n": 11.39,
    "nn": 0.88,
    "d": 67.78,
    "nd": 27.61,
    "dd": -51.8,
    "p": 6.61,
    "no_dob": 33.51,
}


def evidence(names: float, dob: float | None, district: float | None) -> float:
    """The log-odds of the match score from the Dice coefficient of each section (None: the
    section is empty in either record)."""
    m = MODEL
    z = m["c"] + names * (m["n"] + m["nn"] * names) + m["p"] * (MISSING if district is None else district)
    if dob is None:
        return z + m["no_dob"]
    rise = m["d"] + m["nd"] * names
    d = min(dob, rise / (-2 * m["dd"]))
    return z + d * (rise + m["dd"] * d)


def probability(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


def log_odds(p: float) -> float:
    """The evidence a score `p` needs (-∞ for 0 and below, +∞ for 1 and above)."""
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


def score(a: int, b: int) -> float:
    """How alike two records are, 0 to 1: the logistic model (`MODEL`) of the Dice
    coefficients of their sections (names, date of birth, district), at most
    `OTHER_FORENAME` when their forenames cannot be one (`forenames_alike`)."""
    found: list[float | None] = []
    for name in ("names", "dob", "district"):
        mask = MASKS[name]
        x, y = a & mask, b & mask
        found.append(dice(x, y) if x and y else None)
    names, dob, district = found
    alike = probability(evidence(names or 0.0, dob, district))
    fore = forenames_alike(parts(a), parts(b))
    return min(alike, OTHER_FORENAME) if fore is not None and fore < FORENAME_MIN else alike


def soundex(word: str) -> str:
    return str(jellyfish.soundex(word)) if word else ""


def block_values(ids: Identifiers) -> set[str]:
    """The blocking keys in the clear (hashed by `blocks` before they leave the hub). Two
    records share one if they agree on any of: a name part's Soundex and the year of birth
    (either part: a swap still blocks); the month and day of birth and a name part's first
    letter; the Soundex codes of both name parts, in any order (no date of birth needed);
    the forename's nickname group and the year of birth."""
    keys: set[str] = set()
    day = ids.date_of_birth
    for name in ids.names:
        fore, sur = _words(name.forename), _words(name.surname)
        parts = [w for w in (fore[:1] + sur[:1] + sur[1:2]) if w]
        codes = sorted({soundex(w) for w in parts})
        if day:
            for word in parts:
                keys.add(f"sx-y|{soundex(word)}|{day.year}")
                keys.add(f"md-i|{day.month}-{day.day}|{word[0]}")
            if fore:
                keys.add(f"nk-y|{nick(fore[0])}|{day.year}")
        if len(codes) >= 2:
            for i, a in enumerate(codes):
                for b in codes[i + 1 :]:
                    keys.add(f"sx-sx|{a}|{b}")
        elif codes and not day:
            keys.add(f"sx|{codes[0]}")
    return keys


def blocks(ids: Identifiers) -> list[str]:
    """The record's blocking keys, keyed (HMAC-SHA256 with the linkage secret), sorted."""
    key = _key(_secret(), "blocks")
    return sorted({hmac.digest(key, v.encode(), "sha256").hex()[:BLOCK_HEX] for v in block_values(ids)})


def digest(kind: str, clk: bytes, keys: Iterable[str]) -> str:
    """What the hub remembers of the encoding it last sent (sent again only when it changes)."""
    h = hashlib.sha256(f"{SCHEMA}|{kind}|".encode())
    h.update(clk)
    h.update("|".join(sorted(keys)).encode())
    return h.hexdigest()
