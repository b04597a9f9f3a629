"""Names as the person index keeps and compares them: normalised words, phonetic keys,
nicknames, and the dictionary of every word any name in the index uses.

The dictionary (`NameWord`) is what makes a misspelt or nicknamed query cheap at a million
people: it holds each distinct word once (tens of thousands of rows, not millions), so a
query word is expanded to the dictionary words it may stand for — the same word, its
nicknames both ways (William, Bill, Will, Liam), words that sound the same (Metaphone) and
words within one or two edits (RapidFuzz) — in memory, and only then does the database
look up names by those words, through an index (`people.search`).

Each process keeps the dictionary in memory and reads only the words added since it last
looked (`NameWord.id` only grows), so a new name is searchable at once everywhere.
"""

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from cshub.core.limits import NAME_MAX


@lru_cache(maxsize=8192)  # names repeat: an import of a whole history asks for the same ones
def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
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
def nickname_group(word: str) -> frozenset[str]:
    """The names `word` may be a nickname of or for, including itself."""
    namer = _nicknamer()
    canonical = namer.canonicals_of(word) | ({word} if namer.nicknames_of(word) else set())
    group = {word} | canonical
    for name in canonical:
        group |= namer.nicknames_of(name)
    return frozenset(w for w in group if " " not in w)


# The dictionary ---------------------------------------------------------------------------


class Dictionary:
    """Every word of the index, with its phonetic key, held in memory and kept up to date."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.last: tuple[int, str] = (0, "")
        self.words: list[str] = []
        self.known: set[str] = set()
        self.by_key: dict[str, list[str]] = defaultdict(list)

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
                    self.words.append(word)
                    self.by_key[phonetic(word)].append(word)
                self.last = (pk, word)

    def expand(self, word: str) -> set[str]:
        """The words a typed word may stand for: itself, its nicknames, and the dictionary's
        words that sound the same or are within one edit (words up to 4 letters) or two."""
        found = {word} | nickname_group(word)
        key = phonetic(word)
        if key:
            found.update(self.by_key.get(key, ()))
        edits = 1 if len(word) <= 4 else 2
        for near, _, _ in process.extract(
            word, self.words, scorer=DamerauLevenshtein.distance, score_cutoff=edits, limit=None
        ):
            found.add(near)
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
