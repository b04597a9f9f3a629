"""A past year of a city hub, built so that the metrics engine reproduces the Manchester
Complex Safeguarding Hub's published headline figures for 2022/23: 242 referrals (60%
CCE, 22% CSE), 4958 missing reports about 1381 children, 2976 return interviews of which
73.22% within 72 hours, and at closure 73% EET, 91% stable accommodation, 90% a positive
relationship, 60% fewer missing episodes and feedback from 73% of children.

The generator writes records only (as the interchange files a hub would bring with it)
and imports them through `cshub import`'s own code; every figure comes out of
assurance.metrics. A test pins them."""

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from cshub.demo import names
from cshub.demo.generator import ETHNICITIES
from cshub.interchange.importer import ImportResult, run_import
from cshub.interchange.spec import BY_KEY

START, END = dt.date(2022, 4, 1), dt.date(2023, 3, 31)
REFERRALS = {
    "CCE": 145,
    "CSE": 53,
    "CRIMINAL_AND_SEXUAL": 14,
    "SERIOUS_VIOLENCE": 12,
    "TRAFFICKING": 6,
    "THREAT_TO_LIFE": 5,
    "FORCED_MARRIAGE_HBV": 2,
    "OTHER": 5,
}  # 242
MISSING_REPORTS, MISSING_CHILDREN = 4958, 1381
INTERVIEWS, WITHIN_72H = 2976, 2179
CLOSURES = 100  # with outcomes: 73 EET, 91 stable, 90 relationship, 73 feedback
HISTORY_SEED = 2223  # the seed the published figures are pinned on (tests)
BEFORE_MISSING, REDUCED = 50, 30  # children missing before the hub opened; of them, missing less by the end


def _stamp(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


class History:
    def __init__(self, seed: int = HISTORY_SEED) -> None:
        self.rng = random.Random(seed)  # nosec B311 # seeded generator of synthetic data, never for security
        self.rows: dict[str, list[list[str]]] = {key: [] for key in BY_KEY}
        self.people = 0
        self.missing_ids = 0

    def person(self, age: int, boy: bool) -> str:
        self.people += 1
        pid = f"H22-P{self.people}"
        rng = self.rng
        born = START - dt.timedelta(days=age * 365 + rng.randint(0, 360))
        forename = rng.choice(names.BOYS if boy else names.GIRLS)
        ethnicity = rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]
        sex, gender = ("M", "01") if boy else ("F", "02")
        surname = rng.choice(names.SURNAMES)
        self.rows["person"].append(
            [pid, forename, surname, born.isoformat(), sex, gender, ethnicity, "", "CHILD", ""]
        )
        decile = rng.choices(range(1, 11), weights=[22, 20, 18, 10, 8, 7, 5, 4, 3, 3])[0]
        moved_in = (born + dt.timedelta(days=30)).isoformat()
        self.rows["address"].append(
            [f"{pid}-A", pid, f"MX{rng.randint(1, 23)} 1AB", moved_in, "", str(decile)]
        )
        return pid

    def missing(self, pid: str, reported: dt.datetime, hours_away: int) -> str:
        self.missing_ids += 1
        mid = f"H22-M{self.missing_ids}"
        returned = reported + dt.timedelta(hours=hours_away)
        self.rows["missing"].append([mid, pid, _iso(reported), _iso(returned), "M", "", "", "MEDIUM", "N"])
        return mid

    def build(self) -> None:
        rng = self.rng
        # Closures in the year, their outcomes, and missing before and after the hub's work.
        for k in range(CLOSURES):
            pid = self.person(rng.randint(12, 16), rng.random() < 0.7)
            opened = dt.date(2021, 10, 1) + dt.timedelta(days=k)
            closed = dt.date(2022, 6, 1) + dt.timedelta(days=2 * k)
            rid, eid = f"H22-R-C{k}", f"H22-E-C{k}"
            self.rows["referral"].append(
                [
                    rid,
                    pid,
                    (opened - dt.timedelta(days=3)).isoformat(),
                    "6",
                    "CCE",
                    "",
                    "OPEN",
                    opened.isoformat(),
                    "Specific indicators of criminal exploitation.",
                ]
            )
            self.rows["episode"].append(
                [
                    eid,
                    pid,
                    rid,
                    opened.isoformat(),
                    closed.isoformat(),
                    "",
                    "YES" if k < 73 else "NO",
                    "YES" if k < 91 else "NO",
                    "YES" if k < 90 else "NO",
                    "Y" if k < 73 else "N",
                    "Y" if k % 2 else "N",
                ]
            )
            if k < BEFORE_MISSING:
                for days in (60, 20):  # two reports in the 90 days before the hub opened
                    self.missing(pid, _stamp(opened - dt.timedelta(days=days), 20), 10)
                for n in range(1 if k < REDUCED else 2):  # then one (fewer) or two (not fewer) at the end
                    self.missing(pid, _stamp(closed - dt.timedelta(days=10 + n), 20), 10)
        # Referrals received in the year, for children not yet open; their episodes close later.
        kinds = [kind for kind, n in REFERRALS.items() for _ in range(n)]
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            boy = rng.random() < (0.85 if kind == "CCE" else 0.25 if kind == "CSE" else 0.7)
            pid = self.person(rng.randint(11, 17), boy)
            received = START + dt.timedelta(days=int(i * 364 / len(kinds)))
            decision = "OPEN" if i % 2 == 0 else rng.choice(["NFA", "SIGNPOSTED"])
            decided = received + dt.timedelta(days=2)
            self.rows["referral"].append(
                [
                    f"H22-R{i}",
                    pid,
                    received.isoformat(),
                    "6",
                    kind,
                    "",
                    decision,
                    decided.isoformat(),
                    "Decision recorded at the daily meeting.",
                ]
            )
            if decision == "OPEN":
                closed = max(decided + dt.timedelta(days=150), END + dt.timedelta(days=30))
                self.rows["episode"].append(
                    [
                        f"H22-E{i}",
                        pid,
                        f"H22-R{i}",
                        decided.isoformat(),
                        closed.isoformat(),
                        "",
                        "YES",
                        "YES",
                        "YES",
                        "Y",
                        "N",
                    ]
                )
        # Missing reports through the year, and return interviews.
        others = MISSING_CHILDREN - BEFORE_MISSING
        already = sum(1 for row in self.rows["missing"] if row[2] >= START.isoformat())
        remaining = MISSING_REPORTS - already
        counts = [1] * others
        for _ in range(remaining - others):
            counts[
                min(int(rng.paretovariate(1.3)) - 1, others - 1)
                if rng.random() < 0.5
                else rng.randrange(others)
            ] += 1
        interviews = 0
        for n in counts:
            pid = self.person(rng.randint(11, 17), rng.random() < 0.55)
            for _ in range(n):
                day = START + dt.timedelta(days=rng.randint(0, 350))
                mid = self.missing(
                    pid, _stamp(day, rng.choice([7, 15, 19, 21, 22])), rng.choice([3, 6, 12, 20, 30])
                )
                if interviews < INTERVIEWS:
                    back = dt.datetime.fromisoformat(self.rows["missing"][-1][3])
                    hours = rng.randint(2, 71) if interviews < WITHIN_72H else rng.randint(74, 150)
                    self.rows["return_interview"].append(
                        [
                            f"H22-I{interviews}",
                            mid,
                            "COMPLETED",
                            "",
                            _iso(back + dt.timedelta(hours=hours)),
                            "",
                            "" if hours <= 72 else "The child asked for a later day.",
                            "N",
                        ]
                    )
                    interviews += 1

    def population(self) -> None:
        """The area's children aged 10 to 17 (a synthetic school census) for disproportionality."""
        groups = {
            "gender": {"male": 25600, "female": 24300, "self_described": 100},
            "age_band": {"under_11": 6300, "11_12": 12600, "13_14": 12500, "15_16": 12400, "17": 6200},
            "ethnicity": {
                "WBRI": 27000,
                "WOTH": 3000,
                "MWBC": 2300,
                "MWBA": 1200,
                "MOTH": 1800,
                "APKN": 5400,
                "ABAN": 1400,
                "AIND": 900,
                "AOTH": 1100,
                "BAFR": 3200,
                "BCRB": 1000,
                "BOTH": 700,
                "CHNE": 500,
                "OOTH": 500,
            },
            "imd_decile": {
                str(d): n
                for d, n in zip(
                    range(1, 11), [9500, 7800, 6600, 5300, 4500, 4000, 3700, 3200, 2900, 2500], strict=True
                )
            },
        }
        for dimension, counts in groups.items():
            for group, count in counts.items():
                self.rows["population"].append([dimension, group, str(count)])

    def write(self, folder: Path) -> None:
        for key, rows in self.rows.items():
            if rows:
                table = BY_KEY[key]
                with (folder / table.filename).open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow([c.name for c in table.columns])
                    writer.writerows(rows)


def import_history(seed: int = HISTORY_SEED) -> ImportResult:
    history = History(seed)
    history.build()
    history.population()
    with tempfile.TemporaryDirectory() as tmp:
        history.write(Path(tmp))
        result = run_import(
            Path(tmp), actor=None, source="Synthetic history, April 2022 to March 2023 (demo)"
        )
    if not result.ok:
        raise RuntimeError(
            "the 2022/23 history did not import: " + "; ".join(str(e) for e in result.errors[:5])
        )
    return result
