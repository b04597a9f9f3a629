"""Code lists as data: what a council's system may write in a coded column, and the CSHub
code it means (docs/interchange.md, "Codes"; docs/research/ssd-extracts.md, "Code lists").

A coded cell is placed by `place_code(table_key, column, raw)`, in this order:

1. the column's own codes, in any case (`m` is `M`; `No apparent risk` is `NO_APPARENT_RISK`);
2. the documented alternatives and descriptions below (the SSD's, the DfE code lists' and
   what each case system's SSD deployment SQL writes), compared folded: case, `&`/`and`,
   hyphens, slashes, underscores, a final full stop and repeated spaces do not count;
3. the code mappings managers made (`CodeMapping`: a value of one column of one table
   mapped to a CSHub code), read once per import.

Anything else is not placed (None): the importer reports it once per distinct value, for a
manager to map. Nothing is guessed.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from cshub.core.codes import Agency, Ethnicity, ExploitationType, Gender, ReferralSource, Sex
from cshub.interchange.spec import BY_FILENAME, BY_KEY, Column
from cshub.interchange.values import CellError

# Each code list: CSHub code -> the other ways the SSD, the DfE returns and the case systems
# write it. The column's own codes need not be listed (they are always accepted, any case).
CODE_LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        # SSD yml "F - Female M - Male U - Unknown"; Mosaic writes the descriptions; the
        # SSD's future sex.yml and the 903 before 2024-25: 1 male, 2 female.
        "M": ("Male", "1"),
        "F": ("Female", "2"),
        "U": ("Unknown", "Not known"),
    },
    "gender": {
        # SSD yml 00/01/02/09; SystemC and v1.2.4 write GENDER_MAIN_CODE (M/F/U) here too;
        # Mosaic the gender-identity descriptions; CIN GenderCurrent before 2024-25 0/1/2/9.
        # `I` (indeterminate) has no safe target: it is reported, never guessed.
        "00": ("U", "Unknown", "Not known", "Not stated", "0"),
        "01": ("M", "Male", "Man", "Boy", "1"),
        "02": ("F", "Female", "Woman", "Girl", "2"),
        # 10-99 are a council's own sub-codes of 09 (SSD yml pers_gender).
        "09": (
            "Prefer to self-describe",
            "Self-described",
            "Self described",
            "9",
            *(str(n) for n in range(10, 100)),
        ),
    },
    "ethnicity": {
        # SSD descriptions (ssd_person.yml, ethnicity.yml); CSHub's own labels are added
        # from core.codes.Ethnicity below.
        "WBRI": ("White British",),
        "WIRI": ("White Irish",),
        "WOTH": ("Any other White background",),
        "WIRT": ("Traveller of Irish Heritage",),
        "WROM": ("Gypsy/Roma", "Gypsy Roma"),
        "MWBC": ("White and Black Caribbean",),
        "MWBA": ("White and Black African",),  # Eclipse writes MWBa: any case already
        "MWAS": ("White and Asian",),
        "MOTH": ("Any other Mixed background",),
        "AIND": ("Indian",),
        "APKN": ("Pakistani",),
        "ABAN": ("Bangladeshi",),
        "AOTH": ("Any other Asian background",),
        "BCRB": ("Caribbean", "Black Caribbean"),
        "BAFR": ("African", "Black African"),
        "BOTH": ("Any other Black background",),
        "CHNE": ("Chinese", "CNHE"),  # CNHE: the SSD yml's own spelling, and Eclipse's
        "OOTH": ("Any other ethnic group",),
        "REFU": ("Refused", "Information refused"),
        "NOBT": ("Information not yet obtained", "Not obtained"),
    },
    "missing_type": {
        # SystemC and Eclipse write the system's text; the SSD's own Annex A script reads
        # ('M', 'Missing') and ('A', 'Absent', 'Away'); the yml defines the two meanings.
        "M": ("Missing", "Missing from care", "Missing from home"),
        "A": ("Away", "Absent", "Away from placement without authorisation"),
    },
    "rhi": {
        # yml Y/N/NA; the raw answers SystemC and Mosaic map from, which Eclipse passes on.
        "Y": ("Yes",),
        "N": ("No",),
        "NA": ("N/A", "Not applicable"),
    },
    "cla_start_reason": {
        # ssd_cla_episodes.yml and the SSDA903 guide; SystemC writes CARE_REASON_DESC.
        "S": ("Started to be looked after",),
        "L": ("Change of legal status only",),
        "P": ("Change of placement and carer(s) only", "Change of placement and carer only"),
        "T": ("Change of placement (but same carer(s)) only", "Change of placement only"),
        "B": ("Change of legal status and placement and carer(s) at the same time",),
        "U": ("Change of legal status and change of placement (but same carer(s)) at the same time",),
    },
    "cla_ceased_reason": {
        # ssd_cla_episodes.yml (the SSDA903 guide's wording); SystemC writes the descriptions.
        "X1": ("Episode ceases, and new episode begins on same day, for any reason",),
        "E11": ("Adopted - application for an adoption order unopposed",),
        "E12": ("Adopted - consent dispensed with by the court",),
        "E2": ("Died",),
        "E3": ("Care taken over by another local authority in the UK",),
        "E9": ("Sentenced to custody",),
        "E14": ("Accommodation on remand ended",),
        "E16": ("Child moved abroad", "Moved abroad"),
        "E17": ("Aged 18 (or over) and remained with current carers (inc under staying put arrangements)",),
        "E7": ("Transferred to residential care funded by adult social care services",),
        "E8": (
            "Period of being looked-after ceased for any other reason (where none of the other reasons apply)",
        ),
    },
    "cp_category": {
        # CIN census categories of abuse; the SSD yml's descriptions (SystemC, Eclipse).
        "NEG": ("Neglect",),
        "PHY": ("Physical abuse", "Physical"),
        "SAB": ("Sexual abuse", "Sexual"),
        "EMO": ("Emotional abuse", "Emotional"),
        "MUL": ("Multiple", "Mixed"),
    },
    "cin_close_reason": {
        # ssd_cin_episodes.yml code set.
        "RC1": ("Adopted",),
        "RC2": ("Died",),
        "RC3": ("Child arrangements order",),
        "RC4": ("Special guardianship order",),
        "RC5": ("Transferred to services of another local authority",),
        "RC6": ("Transferred to adult social care services",),
        "RC7": ("Services ceased for any other reason, including child no longer in need",),
        "RC8": ("Case closed after assessment, no further action",),
        "RC9": ("Case closed after assessment, referred to early help",),
    },
    "primary_need": {
        # ssd_cin_episodes.yml and ssd_cla_episodes.yml code set (Eclipse maps from these).
        "N0": ("Not stated",),
        "N1": ("Abuse or neglect",),
        "N2": ("Child's disability", "Child\u2019s disability"),
        "N3": ("Parental disability or illness", "Parental illness or disability"),
        "N4": ("Family in acute stress",),
        "N5": ("Family dysfunction",),
        "N6": ("Socially unacceptable behaviour",),
        "N7": ("Low income",),
        "N8": ("Absent parenting",),
        "N9": ("Cases other than children in need",),
    },
    "worker_change_reason": {
        # ssd_involvements.yml code set (Mosaic writes the descriptions).
        "MANAGE": ("Managing caseloads",),
        "FCONTA": ("First contact or re-referral",),
        "LEFTRL": ("Previous social worker left role",),
        "ORGRST": ("New social worker assigned following organisational restructure",),
        "TSPROC": ("New social worker assigned following child transfer due to standard process",),
        "ABSENC": ("Absence cover or return from absence",),
        "CHCHAN": ("Child requested change from previous social worker",),
        "PCCHAN": ("Parent/carer requested change from previous social worker",),
        "SWDIED": ("Previous social worker died",),
        "OTHERS": ("Other reason",),
    },
}

# Y/N flags (`*_nfa`, `pers_is_mother`, `csh_from_care`, ...): the SSD's Y/N, and what the
# systems' forms hold before the SQL maps them (YES/NO, 1/0, TRUE/FALSE).
FLAGS: dict[str, tuple[str, ...]] = {"Y": ("Yes", "True", "1"), "N": ("No", "False", "0")}

# CSHub's own labels (core.codes) are descriptions too.
for _name, _choices in (
    ("sex", Sex),
    ("gender", Gender),
    ("ethnicity", Ethnicity),
    ("agency", Agency),
    ("exploitation_type", ExploitationType),
    ("referral_source", ReferralSource),
):
    _list = CODE_LISTS.setdefault(_name, {})
    for _code, _label in _choices.choices:
        _list[_code] = (*_list.get(_code, ()), str(_label))

# A value that begins with one of these (folded) is that code whatever follows: the SSD yml
# writes a CP plan's multiple categories as "Multiple: [list]".
PREFIXES: dict[str, dict[str, str]] = {"cp_category": {"multiple:": "MUL"}}

# Which code list a column takes (SSD columns have unique names across tables).
COLUMN_LISTS: dict[str, str] = {
    "pers_sex": "sex",
    "pers_gender": "gender",
    "pers_ethnicity": "ethnicity",
    "miss_missing_episode_type": "missing_type",
    "miss_missing_rhi_offered": "rhi",
    "miss_missing_rhi_accepted": "rhi",
    "csh_agency": "agency",
    "agencies": "agency",
    "primary_type": "exploitation_type",
    "other_types": "exploitation_type",
    "source_code": "referral_source",
    "cine_referral_source_code": "referral_source",
    "clae_cla_episode_start_reason": "cla_start_reason",
    "clae_cla_episode_ceased_reason": "cla_ceased_reason",
    "cppl_cp_plan_initial_category": "cp_category",
    "cppl_cp_plan_latest_category": "cp_category",
    "cine_close_reason": "cin_close_reason",
    "cine_cin_primary_need_code": "primary_need",
    "clae_cla_primary_need_code": "primary_need",
    "invo_worker_change_reason": "worker_change_reason",
}

# What the Imports page shows for a code whose list has no CSHub label.
LABELS: dict[str, dict[str, str]] = {
    "missing_type": {"M": "Missing", "A": "Away without authorisation"},
    "rhi": {"Y": "Yes", "N": "No", "NA": "Not applicable"},
}

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans(
    {"-": " ", "\u2013": " ", "\u2014": " ", "/": " ", "_": " ", "\u2019": "'", "&": " and "}
)


def fold(text: str) -> str:
    """A value as compared with the code lists: `Gypsy/Roma` = `gypsy roma`,
    `A&E` = `a and e`, `RC1 - Adopted.` style full stops dropped."""
    return _SPACES.sub(" ", text.translate(_DASHES)).strip().rstrip(".").strip().casefold()


def _check_lists() -> None:
    """No two codes of one list may share a way of writing them (that would be a guess)."""
    for name, entries in CODE_LISTS.items():
        seen: dict[str, str] = {}
        for code, variants in entries.items():
            for variant in (code, *variants):
                key = fold(variant)
                if seen.setdefault(key, code) != code:
                    raise AssertionError(f"code list {name}: '{variant}' is both {seen[key]} and {code}")


_check_lists()


def coded(table_key: str, column: str) -> Column | None:
    """The column, if it is a coded column of a known table."""
    table = BY_KEY.get(table_key)
    col = table.column(column) if table else None
    return col if col is not None and col.kind in ("code", "codes") and col.codes else None


@lru_cache(maxsize=256)
def _built_in(table_key: str, column: str) -> dict[str, str]:
    """Folded value -> code for one column: its codes, and its list's alternatives for
    the codes the column takes."""
    col = coded(table_key, column)
    if col is None:
        return {}
    lookup = {fold(code): code for code in col.codes}
    for code, variants in CODE_LISTS.get(COLUMN_LISTS.get(column, ""), {}).items():
        if code in col.codes:
            for variant in variants:
                lookup.setdefault(fold(variant), code)
    return lookup


def _by_prefix(column: str, key: str, codes: tuple[str, ...]) -> str | None:
    for prefix, code in PREFIXES.get(COLUMN_LISTS.get(column, ""), {}).items():
        if key.startswith(prefix) and code in codes:
            return code
    return None


def label(column: str, code: str) -> str:
    """How the Imports page names a code: `WBRI - White British` (with an en dash)."""
    name = COLUMN_LISTS.get(column, "")
    text = LABELS.get(name, {}).get(code)
    if text is None:
        variants = CODE_LISTS.get(name, {}).get(code, ())
        text = next((v for v in reversed(variants) if not v.isdigit() and len(v) > 2), "")
    return f"{code} \u2013 {text}" if text else code


# --- Mappings made by managers -----------------------------------------------------------

Mappings = dict[tuple[str, str, str], str]  # (table key, column, folded value) -> code
_loaded: ContextVar[Mappings | None] = ContextVar("cshub_code_mappings", default=None)


@dataclass(frozen=True)
class MapEntry:
    """One mapping to make: a value of a column of a table, and the CSHub code it means."""

    table: str  # a table key (`person`) or a file name (`ssd_person.csv`)
    column: str
    value: str
    code: str

    @property
    def table_key(self) -> str:
        by_name = BY_FILENAME.get(self.table.strip())
        return by_name.key if by_name else self.table.strip()


def _from_database() -> Mappings:
    from cshub.interchange.models import CodeMapping

    return {(m.table, m.column, m.value_key): m.code for m in CodeMapping.objects.all()}


@contextmanager
def mappings_loaded(extra: Iterable[MapEntry] = ()) -> Iterator[None]:
    """The managers' mappings, read once for a whole import (and any given with the import,
    e.g. `cshub import --check --map FILE`, which are used but not saved)."""
    mappings = _from_database()
    for entry in extra:
        mappings[(entry.table_key, entry.column.strip(), fold(entry.value))] = entry.code.strip()
    token = _loaded.set(mappings)
    try:
        yield
    finally:
        _loaded.reset(token)


def place_code(table_key: str, column: str, raw: str) -> str | None:
    """The CSHub code a (trimmed, non-empty) cell means, or None when nothing places it."""
    col = coded(table_key, column)
    if col is None:
        return None
    if raw in col.codes:
        return raw
    key = fold(raw)
    code = _built_in(table_key, column).get(key) or _by_prefix(column, key, col.codes)
    if code is not None:
        return code
    mappings = _loaded.get()
    if mappings is None:  # outside an import: read them now
        mappings = _from_database()
    code = mappings.get((table_key, column, key))
    return code if code in col.codes else None


def built_in_code(table_key: str, column: str, raw: str) -> str | None:
    """What CSHub's own code lists make of a value, without the managers' mappings."""
    col = coded(table_key, column)
    if col is None:
        return None
    key = fold(raw)
    return _built_in(table_key, column).get(key) or _by_prefix(column, key, col.codes)


_FLAG_LOOKUP = {fold(v): code == "Y" for code, variants in FLAGS.items() for v in (code, *variants)}


def parse_flag(raw: str) -> bool:
    """A Y/N flag, in any case or as the systems' YES/NO, 1/0, TRUE/FALSE."""
    value = _FLAG_LOOKUP.get(fold(raw))
    if value is None:
        raise CellError(f"'{raw}' is not Y or N")
    return value


class UnknownCodeError(CellError):
    """Cells CSHub cannot place; the reader reports each distinct value once."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(", ".join(unknown))
        self.unknown = unknown


def parser(table_key: str, column: Column) -> Callable[[str], str | list[str]]:
    """How the reader reads a cell of a coded column (`code`, or `codes` separated by `;`).
    Placements are remembered for the rest of the file: a column holds few distinct values."""
    seen: dict[str, str | None] = {}

    def one(raw: str) -> str | None:
        if raw not in seen:
            seen[raw] = place_code(table_key, column.name, raw)
        return seen[raw]

    if column.kind == "code":

        def read_code(raw: str) -> str:
            code = one(raw)
            if code is None:
                raise UnknownCodeError([raw])
            return code

        return read_code

    def read_codes(raw: str) -> list[str]:
        parts = [part.strip() for part in raw.split(";") if part.strip()]
        placed = [one(part) for part in parts]
        unknown = [part for part, code in zip(parts, placed, strict=True) if code is None]
        if unknown:
            raise UnknownCodeError(unknown)
        return [code for code in placed if code is not None]

    return read_codes


@dataclass
class Unplaced:
    """A value of a coded column that nothing places: where, how often, first lines."""

    table: str  # table key
    filename: str
    column: str
    value: str
    lines: list[int]

    @property
    def count(self) -> int:
        return len(self.lines)

    def message(self) -> str:
        first = ", ".join(str(n) for n in self.lines[:5]) + (", …" if self.count > 5 else "")
        rows = f"{self.count:,} row{'s' if self.count != 1 else ''} (line{'s' if self.count != 1 else ''} {first})"
        col = coded(self.table, self.column)
        expected = f" (expected one of {', '.join(col.codes)})" if col and len(col.codes) <= 25 else ""
        return (
            f"unknown code '{self.value}' in {rows}{expected}: "
            "map it to a CSHub code on the Imports page or with cshub import --map"
        )

    def choices(self) -> list[tuple[str, str]]:
        col = coded(self.table, self.column)
        return [(code, label(self.column, code)) for code in (col.codes if col else ())]
