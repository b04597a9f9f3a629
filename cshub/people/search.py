"""Person search and the duplicate check, the same on SQLite and PostgreSQL, at a million
people.

Candidates come from indexes, bounded by how selective the name is, never by the alphabet:

1. Each word of the query is expanded against the dictionary of name words
   (`people.names.DICTIONARY`): the word, its nicknames both ways, words that sound the same,
   words within one or two edits.
2. Names are looked up by pairs of expanded words, as forename and surname in either order
   (`PersonName.fore`/`sur`, two composite indexes); a one-word query looks in both.
3. With a date of birth, every person born that day, a day either side, or with day and
   month swapped, is a candidate too (`Person.date_of_birth` is indexed): a badly misspelt
   name with the right date of birth is still found.
4. When no exact name turned up, each query word that is rare enough is a candidate source
   alone too, so a word with more errors than the dictionary allows is still found.

Every candidate is scored (values, not model instances) before anything is cut; an exact
name (any order, any recorded alias) ranks above every fuzzy one; a date of birth narrows
(to the window above) and ranks. Visibility is applied to the ranked ids, and only the
people shown are loaded.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import permutations

from django.db.models import Q
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from cshub.core.dates import age_on, local_today
from cshub.people.models import Person, PersonName, PersonQuerySet
from cshub.people.names import DICTIONARY, nickname_group, nicknames_direct, normalise, phonetic, words

__all__ = ["normalise", "phonetic"]  # imported from here by the importer and older code

MIN_SCORE = 72.0
DUPLICATE_SCORE = 80.0
BORN_SCORE = 62.0  # enough, with the date of birth given: a name with two errors in each part
ROW_CAP = 20_000  # names read for one query at most: a bound on work, never a ranking cut
RARE_WORD = 5_000  # a single query word is a candidate source alone up to this many names
EXACT_ENOUGH = 100  # names with the words as typed: with this many, fuzzy ones are not read
MAX_WORDS = 4

_COLUMNS = (
    "person_id",
    "kind",
    "forename",
    "surname",
    "normalised",
    "person__date_of_birth",
    "person__restricted",
)


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float
    exact: bool
    matched_name: str
    by_alias: bool
    why: tuple[str, ...]
    date_of_birth: dt.date | None
    restricted: bool
    closeness: float = 0.0  # likeness of the whole name as typed: the tie-break between equal scores


@dataclass(frozen=True)
class Match:
    person: Person
    score: float
    matched_name: str
    by_alias: bool
    exact: bool = False
    why: tuple[str, ...] = ()

    @property
    def person_id(self) -> int:
        return int(self.person.pk)


@dataclass
class Found:
    """What one search found, before visibility: every candidate, ranked."""

    candidates: list[Candidate]
    date_window: frozenset[dt.date] = frozenset()
    date_missed: bool = False  # a date of birth was given and no similar name has it
    capped: bool = False  # the name matched more rows than ROW_CAP: a date of birth narrows
    exact_total: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def date_window(born: dt.date) -> frozenset[dt.date]:
    """The date of birth, a day either side, and day and month swapped (3/4 for 4/3)."""
    days = {born}
    for step in (-1, 1):
        with contextlib.suppress(OverflowError):  # the first and last days there are
            days.add(born + dt.timedelta(days=step))
    if born.day <= 12 and born.day != born.month:
        with contextlib.suppress(ValueError):  # 30/2 and the like
            days.add(born.replace(month=born.day, day=born.month))
    return frozenset(days)


def born_reason(born: dt.date | None, given: dt.date | None) -> list[str]:
    """Why a date of birth matched, in words (for the API's `why`)."""
    if born is None or given is None:
        return []
    if born == given:
        return ["date of birth"]
    if born in date_window(given):
        return [
            "date of birth (day and month swapped)"
            if abs((born - given).days) > 1
            else "date of birth (a day out)"
        ]
    return []


def _word_score(typed: str, name_words: Sequence[str], given: int) -> tuple[float, str]:
    """How well one typed word matches the best of a name's words: the same word 100, a
    nickname of a given name 95 (90 for two nicknames of one name), one edit 92, two edits
    84 (a transposition is one edit), the same sound 80, otherwise a share of their likeness."""
    best, why = 0.0, ""
    for position, word in enumerate(name_words):
        if word == typed:
            return 100.0, "name"
        if position < given and word in nickname_group(typed):  # nicknames are of given names
            # Susie is a nickname of Susan (95); Susie and Hannah share Susannah (90).
            score, reason = (95.0 if word in nicknames_direct(typed) else 90.0), "nickname"
        else:
            distance = OSA.distance(typed, word, score_cutoff=2)
            if distance <= 2 and min(len(typed), len(word)) > 2 * distance:
                score, reason = (92.0 if distance == 1 else 84.0), "spelling"
            elif phonetic(typed) == phonetic(word):
                score, reason = 80.0, "sounds alike"
            else:
                score, reason = 0.8 * fuzz.ratio(typed, word), "spelling"
        if score > best:
            best, why = score, reason
    return best, why


def _score(typed: list[str], query: str, name: str, given: int) -> tuple[float, bool, tuple[str, ...]]:
    """`given`: how many of the name's words are its forename."""
    name_words = name.split()
    if not name_words:
        return 0.0, False, ()
    exact = sorted(typed) == sorted(name_words)
    if exact:
        return 100.0, True, ("exact name",)
    scored = [_word_score(w, name_words, given) for w in typed]
    weights = [len(w) for w in typed]
    by_words = sum(s * n for (s, _), n in zip(scored, weights, strict=True)) / sum(weights)
    if len(name_words) > len(typed):  # words of the name the query did not give
        by_words -= 4.0 * (len(name_words) - len(typed))
    whole = 0.9 * fuzz.token_sort_ratio(query, name)  # words run together or split differently
    reasons = tuple(sorted({r for _, r in scored if r and r != "name"}))  # () : the words as typed
    return min(99.0, max(by_words, whole)), False, reasons


# person id, kind, forename, surname, normalised name, date of birth, restricted
Row = tuple[int, str, str, str, str, dt.date | None, bool]


def _rows(condition: Q, cap: int = ROW_CAP) -> list[Row]:
    return list(PersonName.objects.filter(condition).order_by().values_list(*_COLUMNS)[:cap])


def _pairs(expanded: list[set[str]]) -> Q:
    if len(expanded) == 1:
        return Q(fore__in=expanded[0]) | Q(sur__in=expanded[0])
    condition = Q()
    for first, last in permutations(range(len(expanded)), 2):
        condition |= Q(fore__in=expanded[first], sur__in=expanded[last])
    return condition


def _by_source_id(text: str) -> list[Candidate]:
    """The person whose id in the source system is `text` (a child imported without a name is
    found by it): an exact match. Never a restricted record the user is not named on (see
    `search_for`): an id says who the child is."""
    ident = text.strip()
    if not ident or len(ident) > 64 or any(c.isspace() for c in ident):
        return []
    return [
        Candidate(pk, 100.0, True, f"source id {ident}", False, ("source id",), born, restricted, 100.0)
        for pk, born, restricted in Person.objects.filter(source_id=ident).values_list(
            "pk", "date_of_birth", "restricted"
        )
    ]


def find(text: str, *, date_of_birth: dt.date | None = None) -> Found:
    """Every person whose name is like `text` (or who was born in the date window and has a
    name not wholly unlike it), scored, best first. No visibility applied: callers do."""
    by_id = _by_source_id(text)
    typed = list(dict.fromkeys(words(text)))[:MAX_WORDS]
    if not typed:
        return Found(by_id, exact_total=len(by_id))
    query = " ".join(typed)
    DICTIONARY.refresh()
    expanded = [DICTIONARY.expand(w) for w in typed]
    rows = _rows(_pairs([{w} for w in typed]))
    capped = len(rows) >= EXACT_ENOUGH
    if not capped:  # else the words as typed name more people than a page shows: fuzzy ones
        rows = _rows(_pairs(expanded))  # would rank below every one of them
        if len(rows) >= ROW_CAP:
            capped, rows = True, _rows(_pairs([{w} for w in typed]))
    window: frozenset[dt.date] = frozenset()
    born_rows: list[Row] = []
    if date_of_birth is not None:
        window = date_window(date_of_birth)
        born_rows = _rows(Q(person__date_of_birth__in=window))
    best: dict[int, Candidate] = {c.person_id: c for c in by_id}

    def score_rows(found: Iterable[Row], floor: float) -> None:
        for person_id, kind, forename, surname, name, born, restricted in found:
            score, exact, why = _score(typed, query, name, len(words(forename)))
            if score < floor:
                continue
            current = best.get(person_id)
            if current is None or (exact, score) > (current.exact, current.score):
                best[person_id] = Candidate(
                    person_id,
                    score,
                    exact,
                    f"{forename} {surname}".strip(),
                    kind == "ALIAS",
                    why,
                    born,
                    bool(restricted),
                    fuzz.ratio(query, name),
                )

    score_rows(rows, MIN_SCORE)
    score_rows(born_rows, BORN_SCORE)
    if len(typed) > 1 and not any(c.exact for c in best.values()):
        # A word too far from every dictionary word to be expanded to the right one: the
        # rarest of the other words, alone, if it is rare enough to read every name with it.
        for word in typed:
            alone = _pairs([{word} | nickname_group(word)])
            if 0 < PersonName.objects.filter(alone).order_by()[: RARE_WORD + 1].count() <= RARE_WORD:
                score_rows(_rows(alone, RARE_WORD), MIN_SCORE)
    ranked = sorted(best.values(), key=lambda c: (not c.exact, -c.score, -c.closeness, c.person_id))
    found = Found(ranked, window, capped=capped, exact_total=sum(1 for c in ranked if c.exact))
    if window:
        found.date_missed = not any(c.date_of_birth in window for c in ranked)
    return found


def _narrowed(
    found: Found, *, date_of_birth: dt.date | None, age: int | None, on: dt.date | None
) -> list[Candidate]:
    """A date of birth or age given narrows (when anyone has it) and ranks."""
    ranked = found.candidates
    if date_of_birth is not None and not found.date_missed:
        ranked = [c for c in ranked if c.date_of_birth in found.date_window]
        ranked.sort(
            key=lambda c: (not c.exact, c.date_of_birth != date_of_birth, -c.score, -c.closeness, c.person_id)
        )
    if age is not None:
        today = on or local_today()
        ranked = [c for c in ranked if c.date_of_birth is not None and age_on(c.date_of_birth, today) == age]
    return ranked


def _visible(people: PersonQuerySet, ranked: list[Candidate], limit: int) -> list[Candidate]:
    """The first `limit` of `ranked` that `people` holds, read a page of ids at a time."""
    shown: list[Candidate] = []
    for start in range(0, len(ranked), 100):
        chunk = ranked[start : start + 100]
        allowed = set(people.filter(pk__in=[c.person_id for c in chunk]).values_list("pk", flat=True))
        shown += [c for c in chunk if c.person_id in allowed]
        if len(shown) >= limit:
            break
    return shown[:limit]


def _matches(candidates: list[Candidate]) -> list[Match]:
    people = Person.objects.in_bulk([c.person_id for c in candidates])
    return [
        Match(people[c.person_id], c.score, c.matched_name, c.by_alias, c.exact, c.why)
        for c in candidates
        if c.person_id in people
    ]


def search_people(
    people: PersonQuerySet,
    text: str,
    *,
    date_of_birth: dt.date | None = None,
    age: int | None = None,
    on: dt.date | None = None,
    limit: int = 50,
) -> list[Match]:
    """The best matches among `people` (a queryset: what the user may see), best first."""
    found = find(text, date_of_birth=date_of_birth)
    ranked = _narrowed(found, date_of_birth=date_of_birth, age=age, on=on)
    return _matches(_visible(people, ranked, limit))


@dataclass
class SearchResult:
    matches: list[Match]  # what the user may see, best first
    more: int  # further matches the page does not show
    exact_more: int  # of them, people with exactly this name
    restricted: list[Match]  # restricted records the user is not named on, by name alone
    date_missed: bool  # nobody with a similar name has the date of birth given
    capped: bool


def search_for(
    visible: PersonQuerySet,
    text: str,
    *,
    date_of_birth: dt.date | None = None,
    age: int | None = None,
    limit: int = 25,
    restricted_limit: int = 10,
) -> SearchResult:
    """The search page's one search: the user's matches, how many more there are, and the
    restricted records that match on the name alone (never on a date of birth or age)."""
    found = find(text, date_of_birth=date_of_birth)
    ranked = _narrowed(found, date_of_birth=date_of_birth, age=age, on=None)
    open_ranked = [c for c in ranked if not c.restricted]
    restricted_ids = [c.person_id for c in found.candidates if c.restricted]
    may_see = (
        set(visible.filter(pk__in=restricted_ids).values_list("pk", flat=True)) if restricted_ids else set()
    )
    shown = _visible(visible, [c for c in ranked if not c.restricted or c.person_id in may_see], limit)
    # Everyone who may use search sees every unrestricted record: the count needs no query.
    total = len(open_ranked) + sum(1 for c in ranked if c.restricted and c.person_id in may_see)
    shown_ids = {c.person_id for c in shown}
    exact_more = sum(
        1
        for c in ranked
        if c.exact and c.person_id not in shown_ids and (not c.restricted or c.person_id in may_see)
    )
    hidden = [
        c
        for c in found.candidates
        if c.restricted and c.person_id not in may_see and c.score >= MIN_SCORE and "source id" not in c.why
    ][:restricted_limit]
    return SearchResult(
        _matches(shown),
        max(0, total - len(shown)),
        exact_more,
        _matches(hidden),
        found.date_missed and date_of_birth is not None,
        found.capped,
    )


def _close_birth(born: dt.date | None, given: dt.date | None) -> bool:
    if given is None or born is None:
        return True
    swapped = born.day == given.month and born.month == given.day
    return born == given or swapped or abs((born - given).days) <= 31


def likely_duplicates(
    people: PersonQuerySet, forename: str, surname: str, date_of_birth: dt.date | None
) -> list[Match]:
    """Records among `people` that may be the same person: a similar name and a close date
    of birth (the same day, day and month swapped, or within a month)."""
    found = find(f"{forename} {surname}", date_of_birth=date_of_birth)
    likely = [
        c
        for c in found.candidates
        if (c.exact or c.score >= DUPLICATE_SCORE) and _close_birth(c.date_of_birth, date_of_birth)
    ]
    return _matches(_visible(people, likely, 10))


def restricted_by_name(
    hidden: PersonQuerySet, forename: str, surname: str, *, limit: int = 10
) -> list[Match]:
    """Restricted records among `hidden` with a similar name, whatever their date of birth."""
    found = find(f"{forename} {surname}")
    restricted = [c for c in found.candidates if c.restricted and (c.exact or c.score >= DUPLICATE_SCORE)]
    return _matches(_visible(hidden, restricted, limit))
