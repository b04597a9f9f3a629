"""Names as the person index keeps and compares them: normalised words, phonetic keys,
nicknames, and the dictionary of every word any name in the index uses.

The dictionary (`NameWord`) is what makes a misspelt or nicknamed query cheap at a million
people: it holds each distinct word once (tens of thousands of rows, not millions), so a
query word is expanded to the dictionary words it may stand for — the same word, its
nicknames both ways (William, Bill, Will, Liam), words that sound the same (Metaphone) and
words within one or two edits (a trigram filter, then RapidFuzz) — in memory, and only then does the database
look up names by those words, through an index (`people.search`).

Each process keeps the dictionary in memory and reads only the words added since it last
looked (`NameWord.id` only grows), so a new name is searchable at once everywhere.
"""

import bisect
import re
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from cshub.core.limits import NAME_MAX

# Letters NFKD does not decompose into a base letter and a mark: folded as an English
# keyboard types them (Y\u0131lmaz is typed Yilmaz, Łukasz Lukasz, Strauß Strauss).
FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "\u0131": "i", "\u0130": "I", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
     "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D"}
)  # fmt: skip


@lru_cache(maxsize=8192)  # names repeat: an import of a whole history asks for the same ones
def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z ]+", " ", ascii_only.lower().replace("'", "")).strip()


@lru_cache(maxsize=8192)
def phonetic(word: str) -> str:
    word = normalise(word).replace(" ", "")
    return jellyfish.metaphone(word)[:20] if word else ""


def words(text: str) -> list[str]:
    return normalise(text).split()


def first_word(text: str) -> str:
    """The word a name part is indexed by: the first of a forename ("Mary Jane") or of a
    double-barrelled surname ("Smith-Jones")."""
    found = words(text)
    return found[0][:NAME_MAX] if found else ""


def index_words(forename: str, surname: str) -> tuple[str, str, str]:
    """(normalised full name, forename word, surname word) for a `PersonName` row."""
    return normalise(f"{forename} {surname}")[:201], first_word(forename), first_word(surname)


# Nicknames -------------------------------------------------------------------------------
# The `nicknames` package: a hand-curated list of English given names and their nicknames
# (Apache-2.0). Used both ways: a nickname finds the full name and the full name finds
# every nickname, and two nicknames of one name find each other (Bill, Will).


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=8192)
def nicknames_direct(word: str) -> frozenset[str]:
    """The names `word` is a nickname of, and its own nicknames (Susie: Susan; Susan: Susie)."""
    namer = _nicknamer()
    return frozenset(w for w in namer.canonicals_of(word) | namer.nicknames_of(word) if " " not in w)


@lru_cache(maxsize=8192)
def nickname_group(word: str) -> frozenset[str]:
    """The names `word` may be a nickname of or for, including itself."""
    namer = _nicknamer()
    canonical = namer.canonicals_of(word) | ({word} if namer.nicknames_of(word) else set())
    group = {word} | canonical
    for name in canonical:
        group |= namer.nicknames_of(name)
    return frozenset(w for w in group if " " not in w)


# The dictionary ---------------------------------------------------------------------------


def trigrams(word: str) -> set[str]:
    padded = f"^^{word}$$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def edits_allowed(word: str) -> int:
    """How far a typed word may be from a name word: one edit, two from seven letters."""
    return 1 if len(word) < 7 else 2


class Dictionary:
    """Every word of the index, with its phonetic key and trigrams, held in memory and kept
    up to date. Near words are found without comparing against every word: a word within k
    edits (a transposition is one) shares all but at most 4k of the typed word's trigrams,
    so it has at least one of any 4k + 1 of them; the rarest 4k + 1 trigrams give a few
    candidates, which RapidFuzz then checks exactly (optimal string alignment distance)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.last: tuple[int, str] = (0, "")
        self.words: list[str] = []
        self.ordered: list[str] = []
        self.known: set[str] = set()
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_trigram: dict[str, array[int]] = defaultdict(lambda: array("I"))

    def refresh(self) -> None:
        """Read the words added since the last look. The newest row is compared by id and
        word: an id taken again after a rolled-back insert (SQLite) means reading all again."""
        from cshub.people.models import NameWord

        newest = NameWord.objects.order_by("-id").values_list("id", "word").first() or (0, "")
        if newest == self.last:
            return
        with self.lock:
            if newest[0] <= self.last[0]:
                self.reset()
            for pk, word in NameWord.objects.filter(id__gt=self.last[0]).values_list("id", "word").iterator():
                if word not in self.known:
                    self.known.add(word)
                    for gram in trigrams(word):
                        self.by_trigram[gram].append(len(self.words))
                    self.words.append(word)
                    self.by_key[phonetic(word)].append(word)
                self.last = (pk, word)

    def near(self, word: str) -> list[str]:
        """Dictionary words within `edits_allowed(word)` edits of `word`."""
        edits = edits_allowed(word)
        grams = sorted(trigrams(word), key=lambda g: len(self.by_trigram.get(g, ())))
        enough = 4 * edits + 1
        if len(grams) < enough:  # too short to filter by: every word is a candidate
            candidates = self.words
        else:
            ids: set[int] = set()
            for gram in grams[:enough]:
                ids.update(self.by_trigram.get(gram, ()))
            candidates = [self.words[i] for i in ids]
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
        return [near for near, _, _ in found]

    def expand(self, word: str) -> set[str]:
        """The words a typed word may stand for: itself, its nicknames, and the dictionary's
        words that sound the same or are within one edit (two from seven letters)."""
        found = {word} | nickname_group(word)
        key = phonetic(word)
        if key:
            found.update(self.by_key.get(key, ()))
        found.update(self.near(word))
        found.update(self.starting(word))
        return found

    def starting(self, word: str, most: int = 50) -> list[str]:
        """Words that begin with `word` (four letters or more): a name typed in part."""
        if len(word) < 4:
            return []
        if len(self.ordered) != len(self.words):
            self.ordered = sorted(self.words)
        start = bisect.bisect_left(self.ordered, word)
        found = []
        for candidate in self.ordered[start : start + most]:
            if not candidate.startswith(word):
                break
            found.append(candidate)
        return found


DICTIONARY = Dictionary()


def add_words(names: Iterable[tuple[str, str]]) -> None:
    """Put the words of these (forename word, surname word) pairs in the dictionary; words
    already there are left alone (safe when two transactions add the same word at once)."""
    from cshub.people.models import NameWord

    new = sorted({w for pair in names for w in pair if w})
    for start in range(0, len(new), 1000):
        NameWord.objects.bulk_create(
            [NameWord(word=w) for w in new[start : start + 1000]], ignore_conflicts=True
        )
