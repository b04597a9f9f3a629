"""Realistic people for `cshub bench search`: the names of a UK city's children and young
people, drawn from 13 locales, as a council's case system records them.

Forenames and surnames come from Faker's per-locale name lists (the pinned version, read as
data: no Faker object, so a seed gives the same people on every machine with that version).
Each pool is ranked once (by the frequencies Faker gives where it has them, else by a fixed
shuffle) and drawn with Zipf-Mandelbrot weights 1 / (rank + 10), so a few names are very
common (the most common surname of a locale is about 25 times as frequent as its median one)
and most are rare. Names keep their own spelling (Michał, Şahin, Zoë); what a practitioner
types is `typed()`, the same name in plain ASCII letters. Dates of birth are spread evenly
over ages 0 to 25. One person in ten has a recorded alias: a street name ("Ghost", "Lil
Kay"), a former or other surname (a step-parent's), or an anglicised forename.

Faker is a development dependency (requirements-dev.txt), like DuckDB for `cshub bench
metrics`: the benchmark is a developer's instrument, never part of a running hub."""

import datetime as dt
import importlib
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

# A UK city's children and young people: mostly British names, then the larger communities.
LOCALES: tuple[tuple[str, float], ...] = (
    ("en_GB", 0.50),
    ("en_PK", 0.08),  # Pakistani heritage
    ("pl_PL", 0.06),
    ("ro_RO", 0.05),
    ("en_IN", 0.05),  # Indian heritage
    ("en_IE", 0.04),
    ("yo_NG", 0.04),  # Nigerian (Yoruba)
    ("tw_GH", 0.03),  # Ghanaian (Akan)
    ("pt_PT", 0.03),
    ("it_IT", 0.03),
    ("es_ES", 0.03),
    ("fr_FR", 0.03),
    ("tr_TR", 0.03),
)
ZIPF_OFFSET = 10  # Zipf-Mandelbrot: weight 1 / (rank + offset); 0 would be pure Zipf
ALIAS_SHARE = 0.10
REFERENCE_DAY = dt.date(2026, 4, 1)  # ages 0-25 on this day (fixed: the same people whenever run)
MAX_AGE_DAYS = 26 * 365 - 1

# Street names and nicknames young people are known by (all shared by many).
STREET_NAMES = (
    "Ghost", "Tiny", "Lil Kay", "Shadow", "Smokey", "Dee", "Jay", "Tee", "Bigz", "Skinny",
    "Rocky", "Blade", "Kash", "Milly", "Bam", "Lil Man", "Trigger", "Snoop", "Red", "Flash",
    "Chip", "Mouse", "Bones", "Princess", "Sparky", "Yung T", "Zed", "Kilo", "Stacks", "Deano",
)  # fmt: skip

# Letters NFKD does not decompose into a base letter and a mark (\u0131 and \u0130: Turkish dotless
# and dotted I).
_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "\u0131": "i", "\u0130": "I", "ß": "ss", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
     "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "ð": "d"}
)  # fmt: skip


def typed(name: str) -> str:
    """The name as typed on an English keyboard: plain ASCII letters, spaces, hyphens and
    apostrophes (ł → l, ş → s, ß → ss)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and ord(c) < 128)


def name_key(name: str) -> tuple[str, ...]:
    """Two names are the same name when their words, typed and in lower case, are the same
    in any order ("Smith John" is "John Smith")."""
    return tuple(sorted(w for w in re.split(r"[^a-z]+", typed(name).lower().replace("'", "")) if w))


@dataclass(frozen=True)
class Pool:
    """One locale's names, most common first, with cumulative Zipf-Mandelbrot weights."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def ranked(cls, names: Sequence[str]) -> "Pool":
        weights = [1 / (rank + ZIPF_OFFSET) for rank in range(1, len(names) + 1)]
        return cls(tuple(names), tuple(accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Locale:
    code: str
    male: Pool
    female: Pool
    surnames: Pool


def _ranked_names(values: object, code: str, what: str) -> list[str]:
    """Faker's list in frequency order where Faker gives frequencies, else in a fixed shuffle
    (its plain lists are alphabetical); Latin-script names only, each once."""
    if isinstance(values, dict):
        names = [n for n, _ in sorted(values.items(), key=lambda item: -float(item[1]))]
    else:
        names = list(dict.fromkeys(values))  # type: ignore[call-overload]
        random.Random(f"{code}/{what}").shuffle(names)  # nosec B311 # seeded generator of synthetic data, never for security
    latin = [n for n in dict.fromkeys(names) if typed(n).replace("-", "").replace("'", "").replace(" ", "")]
    return [n for n in latin if typed(n).replace("-", "").replace("'", "").replace(" ", "").isalpha()]


@cache
def locale(code: str) -> Locale:
    try:
        provider = importlib.import_module(f"faker.providers.person.{code}").Provider
    except ModuleNotFoundError as exc:  # pragma: no cover - a development dependency
        raise RuntimeError("the search benchmark needs Faker: pip install -r requirements-dev.txt") from exc

    def pool(*attributes: str) -> Pool:
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            if len(values) > 1:
                return Pool.ranked(_ranked_names(values, code, attribute))
        raise ValueError(f"Faker's {code} has none of {attributes}")

    return Locale(
        code,
        male=pool("first_names_male", "first_names"),
        female=pool("first_names_female", "first_names"),
        surnames=pool("last_names", "male_last_names", "unisex_last_names"),
    )


@dataclass(frozen=True, slots=True)
class RealisticPerson:
    ident: str
    forename: str
    surname: str
    date_of_birth: dt.date
    sex: str
    locale: str
    aliases: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"


_LOCALE_CUMULATIVE = tuple(accumulate(share for _, share in LOCALES))


def _surname_for(surname: str, sex: str, code: str) -> str:
    """Polish surnames in -ski, -cki, -dzki take -ska for a girl."""
    if code == "pl_PL" and sex == "F" and surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


def generate_people(count: int, *, seed: int = 1) -> Iterator[RealisticPerson]:
    """`count` people, the same ones for the same seed."""
    rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
    codes = [code for code, _ in LOCALES]
    for n in range(count):
        here = locale(rng.choices(codes, cum_weights=_LOCALE_CUMULATIVE)[0])
        sex = "M" if rng.random() < 0.5 else "F"
        forename = (here.male if sex == "M" else here.female).draw(rng)
        surname = _surname_for(here.surnames.draw(rng), sex, here.code)
        if rng.random() < 0.02:  # a double-barrelled surname
            surname = f"{surname}-{locale('en_GB').surnames.draw(rng)}"
        born = REFERENCE_DAY - dt.timedelta(days=rng.randint(0, MAX_AGE_DAYS))
        aliases: tuple[str, ...] = ()
        if rng.random() < ALIAS_SHARE:
            aliases = (_alias(rng, here, sex, forename, surname),)
        yield RealisticPerson(f"p{n}", forename, surname, born, sex, here.code, aliases)


def _alias(rng: random.Random, here: Locale, sex: str, forename: str, surname: str) -> str:
    alias = _other_name(rng, here, sex, forename, surname)
    return rng.choice(STREET_NAMES) if name_key(alias) == name_key(f"{forename} {surname}") else alias


def _other_name(rng: random.Random, here: Locale, sex: str, forename: str, surname: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(STREET_NAMES)
    if roll < 0.8:  # known by another surname (a step-parent's, a mother's)
        other = locale("en_GB").surnames.draw(rng) if rng.random() < 0.5 else here.surnames.draw(rng)
        return f"{forename} {_surname_for(other, sex, here.code)}"
    english = locale("en_GB")  # an anglicised forename
    return f"{(english.male if sex == 'M' else english.female).draw(rng)} {surname}"
