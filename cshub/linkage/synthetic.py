"""Synthetic people of a region of hubs, with the truth known (`cshub bench linkage`, tests).

Each person (cshub.demo.names_realistic: a UK city's names, Zipf-distributed, one in ten
with an alias) is held by one hub; a share (`shared`) is held by one or two other hubs as
well, recorded there as hubs really record the same child differently:

- a typing error in the forename or the surname (a letter dropped, doubled, changed or two
  letters swapped);
- forename and surname the other way round;
- a wrong day of birth (a few days off, or day and month swapped) or no date of birth;
- a nickname for the forename (the `nicknames` list), or known there by their alias only;
- the postcode district of another address (a move, a placement out of area).

And, when asked for (`families`, `cshub bench linkage --families 0.04`), families, who must
not be matched: a share of people have a brother or a
sister held by another hub, a different person of the same surname, in the same district half
the time, a twin (the same date of birth) a third of the time, otherwise born one to six years
apart. They are drawn by a generator of their own, after everyone else, so the people and
records before them are those of the same seed without families.

Everything is drawn from seeded generators: the same arguments give the same people."""

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator

from cshub.demo.names_realistic import generate_people, typed
from cshub.linkage.encoding import Identifiers, Name
from cshub.people.names import nicknames_direct, normalise

PREFIXES = ("M", "BL", "OL", "SK", "WN", "WA", "BB", "L", "PR", "CH", "S", "HD")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclasses.dataclass(frozen=True)
class Record:
    hub: int  # 0 … hubs-1
    person: str  # the truth: the same person has the same id at every hub
    kind: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    district: str
    aliases: tuple[tuple[str, str], ...] = ()

    def identifiers(self) -> Identifiers:
        names = (Name(self.forename, self.surname), *(Name(f, s) for f, s in self.aliases))
        return Identifiers(names, self.date_of_birth, self.district)


@dataclasses.dataclass(frozen=True)
class Corruption:
    typo: float = 0.25
    swap: float = 0.08
    day: float = 0.12
    no_dob: float = 0.02
    nickname: float = 0.10
    alias_only: float = 0.03
    moved: float = 0.30


def districts(hub: int) -> list[str]:
    prefix = PREFIXES[hub % len(PREFIXES)]
    return [f"{prefix}{n + 1 + 10 * (hub // len(PREFIXES))}" for n in range(8)]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    what = rng.random()
    if what < 0.3:
        return word[:i] + word[i + 1 :]  # dropped
    if what < 0.5:
        return word[:i] + word[i] + word[i:]  # doubled
    if what < 0.8:
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]  # changed
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped
    return word[:i] + rng.choice(LETTERS) + word[i:]


def _split(alias: str, surname: str) -> tuple[str, str]:
    words = alias.split()
    if len(words) >= 2:
        return " ".join(words[:-1]), words[-1]
    return alias, surname


def _corrupt(rng: random.Random, base: Record, hub: int, c: Corruption) -> Record:
    forename, surname, born, aliases = base.forename, base.surname, base.date_of_birth, base.aliases
    if aliases and rng.random() < c.alias_only / 0.1:  # alias_only is a share of everyone
        forename, surname = aliases[0]
        aliases = ()
    elif rng.random() < 0.5:
        aliases = ()  # the other hub does not know the alias
    if rng.random() < c.nickname:
        nicks = sorted(nicknames_direct(normalise(forename)))
        if nicks:
            forename = rng.choice(nicks).title()
    if rng.random() < c.typo:
        if rng.random() < 0.5:
            forename = _typo(rng, forename)
        else:
            surname = _typo(rng, surname)
    if rng.random() < c.swap:
        forename, surname = surname, forename
    if born and rng.random() < c.day:
        if born.day <= 12 and born.day != born.month and rng.random() < 0.3:
            born = dt.date(born.year, born.day, born.month)
        else:
            born = born + dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3)))
    if rng.random() < c.no_dob:
        born = None
    district = rng.choice(districts(hub)) if rng.random() < c.moved else base.district
    return Record(hub, base.person, base.kind, forename, surname, born, district, aliases)


FAMILIES = 0.04  # of people with a brother or sister held by another hub, when asked for
TWINS = 1 / 3  # of those brothers and sisters


def _siblings(bases: list[Record], hubs: int, share: float, seed: int) -> list[Record]:
    """A brother or sister at another hub for `share` of the people (see the module's text)."""
    rng = random.Random(f"siblings:{seed}")  # nosec B311 # seeded generator of synthetic data
    forenames = [b.forename for b in bases]
    out = []
    for base in bases:
        if hubs < 2 or rng.random() >= share:
            continue
        hub = rng.choice([h for h in range(hubs) if h != base.hub])
        own = {normalise(base.forename), *nicknames_direct(normalise(base.forename))}
        forename = rng.choice(forenames)
        while normalise(forename) in own:
            forename = rng.choice(forenames)
        born = base.date_of_birth
        if born and rng.random() >= TWINS:
            born = born + dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(365, 6 * 365))
        district = base.district if rng.random() < 0.5 else rng.choice(districts(hub))
        out.append(Record(hub, f"{base.person}-sibling", base.kind, forename, base.surname, born, district))
    return out


def generate(
    hubs: int,
    people: int,
    *,
    seed: int = 1,
    shared: float = 0.15,
    families: float = 0.0,
    corruption: Corruption | None = None,
) -> list[Record]:
    """`people` people over `hubs` hubs: each at one hub, `shared` of them at one or two more,
    and `families` of them with a brother or sister at another hub (never the same person)."""
    rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
    c = corruption or Corruption()
    out: list[Record] = []
    for person in generate_people(people, seed=seed):
        home = rng.randrange(hubs)
        aliases = tuple(_split(typed(a), typed(person.surname)) for a in person.aliases)
        base = Record(
            home,
            person.ident,
            "child",
            typed(person.forename),
            typed(person.surname),
            person.date_of_birth,
            rng.choice(districts(home)),
            aliases,
        )
        out.append(base)
        if hubs > 1 and rng.random() < shared:
            others = [h for h in range(hubs) if h != home]
            count = 2 if len(others) > 1 and rng.random() < 0.2 else 1
            for hub in rng.sample(others, count):
                out.append(_corrupt(rng, base, hub, c))
    homes: dict[str, Record] = {}
    for record in out:
        homes.setdefault(record.person, record)  # each person's first record: their home hub's
    return out + _siblings(list(homes.values()), hubs, families, seed)


def true_pairs(records: list[Record]) -> Iterator[tuple[int, int]]:
    """Every pair of records (indexes, a < b) of the same person at two hubs."""
    by_person: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_person.setdefault(record.person, []).append(i)
    for ids in by_person.values():
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                yield (a, b)
