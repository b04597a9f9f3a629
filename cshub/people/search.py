"""Typo- and alias-tolerant person search, and the duplicate check before a new record.

Candidates come from the database by phonetic key (Metaphone) or a two-letter prefix of
any name a person is known by; RapidFuzz then ranks them. Works the same on SQLite and
PostgreSQL.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from django.db.models import Q
from rapidfuzz import fuzz

from cshub.core.dates import age_on, local_today
from cshub.people.models import Person, PersonName, PersonQuerySet

MIN_SCORE = 72.0
DUPLICATE_SCORE = 80.0


@lru_cache(maxsize=8192)  # names repeat: an import of a whole history asks for the same ones
def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z ]+", " ", ascii_only.lower().replace("'", "")).strip()


@lru_cache(maxsize=8192)
def phonetic(word: str) -> str:
    word = normalise(word).replace(" ", "")
    return jellyfish.metaphone(word)[:20] if word else ""


@dataclass(frozen=True)
class Match:
    person: Person
    score: float
    matched_name: str
    by_alias: bool


def _candidates(tokens: list[str]) -> "Q":
    query = Q()
    for token in tokens:
        key = phonetic(token)
        if key:
            query |= Q(surname_key=key) | Q(forename_key=key)
        if len(token) >= 2:
            query |= Q(normalised__startswith=token[:2]) | Q(normalised__contains=" " + token[:2])
    return query


def search_people(
    people: PersonQuerySet,
    text: str,
    *,
    date_of_birth: dt.date | None = None,
    age: int | None = None,
    on: dt.date | None = None,
    limit: int = 50,
) -> list[Match]:
    query = normalise(text)
    tokens = [t for t in query.split() if t]
    if not tokens:
        return []
    if date_of_birth is not None:
        people = people.filter(date_of_birth=date_of_birth)
    names = PersonName.objects.filter(_candidates(tokens), person__in=people).select_related("person")
    best: dict[int, Match] = {}
    for name in names[:5000]:
        score = _score(query, tokens, name)
        if score < MIN_SCORE:
            continue
        person = name.person
        if age is not None and (
            person.date_of_birth is None or age_on(person.date_of_birth, on or local_today()) != age
        ):
            continue
        current = best.get(person.pk)
        if current is None or score > current.score:
            best[person.pk] = Match(person, score, str(name), name.kind == "ALIAS")
    return sorted(best.values(), key=lambda m: (-m.score, m.person.surname, m.person.forename))[:limit]


def _score(query: str, tokens: list[str], name: PersonName) -> float:
    full = name.normalised
    whole = max(fuzz.token_sort_ratio(query, full), fuzz.ratio(query, full))
    if len(tokens) == 1:
        parts = [normalise(name.forename), normalise(name.surname)]
        whole = max(whole, *(fuzz.ratio(tokens[0], p) for p in parts if p))
    phonetic_hits = sum(1 for t in tokens if phonetic(t) in {name.forename_key, name.surname_key})
    return min(100.0, whole + 8.0 * phonetic_hits)


def likely_duplicates(
    people: PersonQuerySet, forename: str, surname: str, date_of_birth: dt.date | None
) -> list[Match]:
    """Existing records that may be the same person: similar name and a close date of birth."""
    matches = search_people(people, f"{forename} {surname}", limit=200)
    likely: list[Match] = []
    for match in matches:
        born = match.person.date_of_birth
        if date_of_birth is None or born is None:
            close = True
        else:
            swapped = born.day == date_of_birth.month and born.month == date_of_birth.day
            close = born == date_of_birth or swapped or abs((born - date_of_birth).days) <= 31
        if close and match.score >= DUPLICATE_SCORE:
            likely.append(match)
    return likely[:10]
