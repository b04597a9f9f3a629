"""`cshub bench metrics`: a region-sized synthetic history (hubs x years), imported through
the importer, then every figure computed by the metrics engine, each beside the time DuckDB
takes to compute the same definitions over the same CSV files in the same run (the
reference for what this machine allows: cshub/demo/bench_duckdb.py). Results are ratios,
never absolute targets.

The history has what every definition of docs/metrics.md that the interchange files can
carry needs, so each is exercised: genders and ethnicities, leap-day birthdays, addresses
with deprivation deciles (moves, gaps, same-day starts), allocated workers and reviewing
managers (professional.csv), re-referrals after closure, open episodes, several
assessments per episode (some on the same day), every interview outcome, missing episodes
never closed, date-times written in UTC, with an offset or as London local time, dates in
each accepted form, and a reference population (population.csv)."""

import csv
import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cshub.core.dates import LONDON
from cshub.interchange.spec import BY_KEY

KINDS = (
    ["CCE"] * 60
    + ["CSE"] * 22
    + ["CRIMINAL_AND_SEXUAL"] * 6
    + ["SERIOUS_VIOLENCE"] * 6
    + ["TRAFFICKING"] * 3
    + ["OTHER"] * 3
)
ETHNICITIES = (
    ["WBRI"] * 66
    + ["WOTH"] * 4
    + ["MWBC"] * 5
    + ["MOTH"] * 2
    + ["APKN"] * 6
    + ["AIND"] * 2
    + ["BCRB"] * 4
    + ["BAFR"] * 5
    + ["OOTH"] * 2
    + ["NOBT"] * 1
    + [""] * 3
)
# Deprived areas are over-represented among exploited children; some addresses have no decile.
DECILES = ["1"] * 20 + ["2"] * 15 + ["3"] * 12 + ["4"] * 9 + ["5"] * 8 + ["6"] * 7 + ["7"] * 6
DECILES += ["8"] * 5 + ["9"] * 5 + ["10"] * 5 + [""] * 8
EET = ["YES"] * 6 + ["NO"] * 2 + ["UNKNOWN", "NOT_APPLICABLE", ""]
STABLE = ["YES"] * 8 + ["NO", "NOT_APPLICABLE"]
RELATIONSHIP = ["YES"] * 8 + ["NO", "UNKNOWN", ""]
INTERVIEW = ["COMPLETED"] * 85 + ["DECLINED"] * 6 + ["UNABLE_TO_CONTACT"] * 5 + ["NOT_OFFERED"] * 4
LEVELS = ["LOW", "MEDIUM", "HIGH"]
# One hub's reference population (a school census of 10 to 18 year olds); scaled by hubs.
POPULATION = {
    "gender": {"male": 25500, "female": 24300, "self_described": 150, "not_known": 50},
    "age_band": {
        "under_11": 6200,
        "11_12": 12400,
        "13_14": 12300,
        "15_16": 12100,
        "17": 5900,
        "18_plus": 1100,
    },
    "ethnicity": {
        "WBRI": 33000,
        "WIRI": 300,
        "WOTH": 2500,
        "MWBC": 900,
        "MWAS": 500,
        "MOTH": 700,
        "AIND": 1200,
        "APKN": 4200,
        "ABAN": 600,
        "BCRB": 600,
        "BAFR": 2000,
        "CHNE": 400,
        "OOTH": 900,
        "NOBT": 500,
    },
    "imd_decile": {
        str(d): n for d, n in enumerate([8000, 7000, 6000, 5500, 5000, 4500, 4000, 3800, 3200, 3000], 1)
    },
}
FILES = (
    "professional",
    "person",
    "address",
    "referral",
    "episode",
    "assessment",
    "missing",
    "return_interview",
    "population",
)


@dataclass(frozen=True)
class Scale:
    hubs: int
    years: int
    children: int = 1400  # reported missing, per hub per year
    referrals: int = 250  # per hub per year
    workers: int = 10  # allocated hub workers per hub, beside one reviewing manager


SCALES = {"hub": Scale(1, 2), "city": Scale(1, 10), "region": Scale(10, 10)}


class _Files:
    """The open interchange files of a history, written by column name, and how many data
    rows they hold (the importer's count, which the benchmark reports)."""

    def __init__(self, folder: Path) -> None:
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}
        self.known: dict[str, frozenset[str]] = {}
        self.rows = 0
        for key in FILES:
            table = BY_KEY[key]
            self.handles[key] = (folder / table.filename).open("w", newline="", encoding="utf-8")
            self.writers[key] = csv.writer(self.handles[key])
            self.columns[key] = [c.name for c in table.columns]
            self.known[key] = frozenset(self.columns[key])
            self.writers[key].writerow(self.columns[key])

    def write(self, key: str, **cells: str) -> None:
        """One row; a cell not given is empty (unknown), a cell the file has no column for is a slip."""
        if not cells.keys() <= self.known[key]:
            raise ValueError(f"{key} has no column {sorted(cells.keys() - self.known[key])}")
        self.writers[key].writerow([cells.get(name, "") for name in self.columns[key]])
        self.rows += 1

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


@contextmanager
def _files(folder: Path) -> Iterator[_Files]:
    files = _Files(folder)
    try:
        yield files
    finally:
        files.close()


@dataclass(frozen=True)
class _Hub:
    """What every record of one hub's history is written with."""

    files: _Files
    rng: random.Random
    hub: int
    workers: int
    until: dt.date  # the last day of the history: nothing happens after it

    def worker(self) -> str:
        return f"h{self.hub}/w{self.rng.randrange(self.workers)}"

    @property
    def manager(self) -> str:
        return f"h{self.hub}/m"


def generate(folder: Path, scale: Scale, *, seed: int = 1, last_year: int = 2025) -> int:
    """Write the interchange files; return the number of data rows written."""
    rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
    first_year = last_year - scale.years + 1
    until = dt.date(last_year + 1, 3, 31)
    with _files(folder) as files:
        for hub in range(scale.hubs):
            context = _Hub(files, rng, hub, scale.workers, until)
            _professionals(context)
            for year in range(first_year, last_year + 1):
                _year(context, scale, year)
        for dimension, groups in POPULATION.items():
            for group, count in groups.items():
                files.write("population", dimension=dimension, group=group, count=str(count * scale.hubs))
        return files.rows


def _professionals(h: _Hub) -> None:
    """The hub's workers (allocated to episodes, assessing) and its manager (reviewing).
    The ids have a character a username may not hold, as a council's ids can."""
    for n in range(h.workers):
        h.files.write(
            "professional",
            prof_professional_id=f"h{h.hub}/w{n}",
            prof_professional_name=f"Worker{n} Hub{h.hub}",
            prof_professional_job_title="Complex safeguarding worker",
        )
    h.files.write(
        "professional", prof_professional_id=h.manager, prof_professional_name=f"Manager Hub{h.hub}"
    )


def _year(h: _Hub, scale: Scale, year: int) -> None:
    start = dt.date(year, 4, 1)
    for c in range(scale.children):
        pid = f"h{h.hub}y{year}c{c}"
        _person(h, pid, start)
        _missing(h, pid, start)
        if c < scale.referrals:
            _addresses(h, pid, start)
            _referrals(h, pid, start, opened=c % 2 == 0)


def _person(h: _Hub, pid: str, start: dt.date) -> None:
    rng = h.rng
    born = start - dt.timedelta(days=rng.randint(9 * 365, 17 * 365))
    if rng.random() < 0.005:  # a leap-day birthday: a year older on 1 March in other years
        born = dt.date(start.year - 12 - start.year % 4, 2, 29)
    sex = "M" if rng.random() < 0.7 else "F"
    if rng.random() < 0.03:
        sex = rng.choice(["U", ""])
    # Gender, where recorded, is what reporting uses (interchange.md), even against sex.
    gender = rng.choice(["01", "02", "09", "00"]) if rng.random() < 0.1 else ""
    h.files.write(
        "person",
        pers_person_id=pid,
        pers_forename="Sam",
        pers_surname="Benchwick",
        pers_dob=born.isoformat(),
        pers_sex=sex,
        pers_gender=gender,
        pers_ethnicity=rng.choice(ETHNICITIES),
        csh_person_type="CHILD",
    )


def _missing(h: _Hub, pid: str, start: dt.date) -> None:
    rng = h.rng
    for m in range(1 + min(int(rng.paretovariate(1.6)) - 1, 20) + (1 if rng.random() < 0.6 else 0)):
        reported = dt.datetime.combine(
            start + dt.timedelta(days=rng.randint(0, 364)),
            dt.time(rng.randint(0, 23), rng.randint(0, 59)),
            tzinfo=dt.UTC,
        )
        returned = None if rng.random() < 0.02 else reported + dt.timedelta(minutes=rng.randint(60, 3600))
        mid = f"{pid}m{m}"
        h.files.write(
            "missing",
            miss_table_id=mid,
            miss_person_id=pid,
            miss_missing_episode_start_date=_instant(rng, reported),
            miss_missing_episode_end_date=_instant(rng, returned) if returned else "",
            miss_missing_episode_type="A" if rng.random() < 0.1 else "M",
            csh_police_risk="MEDIUM",
            csh_from_care="N",
        )
        if rng.random() < 0.6:
            _interview(h, mid, reported, returned)


def _interview(h: _Hub, mid: str, reported: dt.datetime, returned: dt.datetime | None) -> None:
    rng = h.rng
    outcome = rng.choice(INTERVIEW)
    cells = {"interview_id": f"{mid}i", "missing_id": mid, "outcome": outcome, "exploitation_concern": "N"}
    if outcome == "COMPLETED":
        hours = rng.randint(2, 72) if rng.random() < 0.73 else rng.randint(73, 150)
        completed = (returned or reported + dt.timedelta(hours=24)) + dt.timedelta(hours=hours)
        cells["completed_at"] = _instant(rng, completed)
    if outcome != "NOT_OFFERED" and returned is not None:
        cells["offered_at"] = _instant(rng, returned + dt.timedelta(hours=1))
    h.files.write("return_interview", **cells)


def _instant(rng: random.Random, value: dt.datetime) -> str:
    """A date-time as exports and councils write them: in UTC (`Z`), with a UTC offset, or
    as Europe/London local time without one (never in the hour the clocks go back, which
    is ambiguous without an offset)."""
    roll = rng.random()
    local = value.astimezone(LONDON)
    naive = local.replace(tzinfo=None)
    ambiguous = (
        naive.replace(tzinfo=LONDON, fold=0).utcoffset() != naive.replace(fold=1, tzinfo=LONDON).utcoffset()
    )
    if roll < 0.2 and not ambiguous:
        return naive.isoformat(sep=" ")
    if roll < 0.35:
        return local.isoformat()
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _day(rng: random.Random, value: dt.date) -> str:
    """A date in any accepted form: mostly YYYY-MM-DD, some DD/MM/YYYY, some a midnight date-time."""
    roll = rng.random()
    if roll < 0.04:
        return f"{value.day}/{value.month}/{value.year}"
    if roll < 0.08:
        return f"{value.isoformat()} 00:00:00.000"
    return value.isoformat()


def _addresses(h: _Hub, pid: str, start: dt.date) -> None:
    """A home address with a deprivation decile; some children move (the later start is the
    home address, also on a day both cover), some have none known, some moved away to an
    address not known, some have two addresses from the same day (the one recorded last is home)."""
    rng = h.rng
    roll = rng.random()
    if roll < 0.05:
        return
    first = start - dt.timedelta(days=rng.randint(100, 3000))
    ended = start + dt.timedelta(days=rng.randint(0, 300)) if roll < 0.08 else None
    moved = start + dt.timedelta(days=rng.randint(-60, 500)) if rng.random() < 0.3 else None
    if moved is not None and moved > h.until:
        moved = None
    if moved is not None:
        ended = moved - dt.timedelta(days=rng.choice([1, 1, 1, 0]))
    h.files.write(
        "address",
        addr_table_id=f"{pid}a0",
        addr_person_id=pid,
        addr_address_start_date=_day(rng, first),
        addr_address_end_date=ended.isoformat() if ended else "",
        csh_imd_decile=rng.choice(DECILES),
    )
    again = moved if moved is not None else (first if rng.random() < 0.02 else None)
    if again is not None:
        h.files.write(
            "address",
            addr_table_id=f"{pid}a1",
            addr_person_id=pid,
            addr_address_start_date=again.isoformat(),
            csh_imd_decile=rng.choice(DECILES),
        )


def _referrals(h: _Hub, pid: str, start: dt.date, *, opened: bool) -> None:
    """A referral, and for some children whose episode closed a new referral later (some
    within the 182 days, some on the closing day itself, which is not after it)."""
    rng = h.rng
    closed = _referral(h, pid, 0, start + dt.timedelta(days=rng.randint(0, 300)), opened=opened)
    if closed is not None and rng.random() < 0.3:
        # On the edges too: the closing day itself (not after it), the 182nd day, the 183rd.
        days = rng.choice([0, 182, 182, 183]) if rng.random() < 0.3 else rng.randint(1, 400)
        again = closed + dt.timedelta(days=days)
        if again <= h.until:
            _referral(h, pid, 1, again, opened=again > closed and rng.random() < 0.4)


def _referral(h: _Hub, pid: str, n: int, received: dt.date, *, opened: bool) -> dt.date | None:
    """One referral (and its episode when opened); the episode's closing date, if it closed."""
    rng = h.rng
    decision = "OPEN" if opened else rng.choice(["NFA"] * 14 + ["SIGNPOSTED"] * 5 + ["PENDING"])
    decided = decision != "PENDING"
    h.files.write(
        "referral",
        referral_id=f"{pid}r{n}",
        person_id=pid,
        received_date=_day(rng, received),
        source_code="6",
        primary_type=rng.choice(KINDS),
        decision=decision,
        decision_date=received.isoformat() if decided else "",
        decision_rationale="Bench" if decided else "",
    )
    if not opened:
        return None
    return _episode(h, pid, n, received)


def _episode(h: _Hub, pid: str, n: int, opened: dt.date) -> dt.date | None:
    """An episode opened on the day of its referral; still open if it would close after the
    history ends (a few close on its last day). Outcomes at closure include unknown, not
    applicable and left blank."""
    rng = h.rng
    eid = f"{pid}e{n}"
    close: dt.date | None = opened + dt.timedelta(days=rng.randint(40, 400))
    if close is not None and close > h.until:
        # Still open when the history ends; some closed on its very last day (open on it).
        close = h.until if rng.random() < 0.1 else None
    cells = {
        "episode_id": eid,
        "person_id": pid,
        "referral_id": f"{pid}r{n}",
        "open_date": _day(rng, opened),
        "allocated_worker_id": h.worker() if rng.random() < 0.9 else "",
    }
    if close is not None:
        cells |= {
            "close_date": close.isoformat(),
            "outcome_eet": rng.choice(EET),
            "outcome_stable_accommodation": rng.choice(STABLE),
            "outcome_positive_relationship": rng.choice(RELATIONSHIP),
            "feedback_child": rng.choice(["Y"] * 14 + ["N"] * 5 + [""]),
            "feedback_parent_carer": rng.choice(["y", "N"]),
        }
    h.files.write("episode", **cells)
    _assessments(h, eid, opened, cells["allocated_worker_id"])
    _window_edges(h, pid, eid, opened, close)
    return close


def _window_edges(h: _Hub, pid: str, eid: str, opened: dt.date, close: dt.date | None) -> None:
    """Missing reports on the edges of outcomes.missing_reduced's 90-day windows (open - 90
    or the day before it; close - 89 or the day before it), just after London midnight,
    which is the evening before in UTC in summer: a day out either way changes the counts."""
    rng = h.rng
    edges = [("b", opened - dt.timedelta(days=rng.choice([90, 91])))]
    if close is not None:
        edges.append(("c", close - dt.timedelta(days=rng.choice([89, 90]))))
    for tag, day in edges:
        if rng.random() < 0.5:
            reported = dt.datetime.combine(day, dt.time(0, rng.randint(0, 59)), tzinfo=LONDON)
            h.files.write(
                "missing",
                miss_table_id=f"{eid}m{tag}",
                miss_person_id=pid,
                miss_missing_episode_start_date=_instant(rng, reported.astimezone(dt.UTC)),
                miss_missing_episode_end_date=_instant(
                    rng, reported + dt.timedelta(hours=rng.randint(2, 30))
                ),
            )


def _assessments(h: _Hub, eid: str, opened: dt.date, assessor: str) -> None:
    """Most episodes have an assessment, some a second (a few on the same day as the first);
    most are reviewed by the manager, who mostly agrees."""
    rng = h.rng
    if rng.random() < 0.05:
        return
    day = opened + dt.timedelta(days=rng.randint(5, 40))
    for n in range(2 if rng.random() < 0.25 else 1):
        if day > h.until:
            return
        level = rng.choice(LEVELS)
        reviewed = rng.random() < 0.8
        review = (level if rng.random() < 0.75 else rng.choice(LEVELS)) if reviewed else ""
        h.files.write(
            "assessment",
            assessment_id=f"{eid}a{n}",
            episode_id=eid,
            completed_date=day.isoformat(),
            risk_level=level,
            assessor_id=assessor,
            reviewer_id=h.manager if reviewed else "",
            reviewer_risk_level=review,
        )
        day += dt.timedelta(days=rng.choice([0] * 8 + list(range(20, 60))))
