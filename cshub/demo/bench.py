"""`cshub bench metrics`: a region-sized synthetic history (hubs x years), imported through
the importer, then every figure computed by the metrics engine, each beside the time DuckDB
takes to compute the same definitions over the same CSV files in the same run (the
reference for what this machine allows: cshub/demo/bench_duckdb.py). Results are ratios,
never absolute targets."""

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from cshub.interchange.spec import BY_KEY

KINDS = (
    ["CCE"] * 60
    + ["CSE"] * 22
    + ["CRIMINAL_AND_SEXUAL"] * 6
    + ["SERIOUS_VIOLENCE"] * 6
    + ["TRAFFICKING"] * 3
    + ["OTHER"] * 3
)


@dataclass(frozen=True)
class Scale:
    hubs: int
    years: int
    children: int = 1400  # reported missing, per hub per year
    referrals: int = 250  # per hub per year


SCALES = {"hub": Scale(1, 2), "city": Scale(1, 10), "region": Scale(10, 10)}


def generate(folder: Path, scale: Scale, *, seed: int = 1, last_year: int = 2025) -> int:
    """Write the interchange files; return the number of rows."""
    rng = random.Random(seed)
    handles = {}
    writers = {}
    for key in ("person", "referral", "episode", "assessment", "missing", "return_interview"):
        table = BY_KEY[key]
        handles[key] = (folder / table.filename).open("w", newline="", encoding="utf-8")
        writers[key] = csv.writer(handles[key])
        writers[key].writerow([c.name for c in table.columns])
    rows = 0
    first_year = last_year - scale.years + 1
    for hub in range(scale.hubs):
        for year in range(first_year, last_year + 1):
            start = dt.date(year, 4, 1)
            tag = f"h{hub}y{year}"
            for c in range(scale.children):
                pid = f"{tag}c{c}"
                boy = rng.random() < 0.7
                born = start - dt.timedelta(days=rng.randint(11 * 365, 17 * 365))
                writers["person"].writerow(
                    [pid, "Sam", "Benchwick", born.isoformat(), "M" if boy else "F", "", "", "", "CHILD", ""]
                )
                rows += 1
                for m in range(
                    1 + min(int(rng.paretovariate(1.6)) - 1, 20) + (1 if rng.random() < 0.6 else 0)
                ):
                    reported = dt.datetime.combine(
                        start + dt.timedelta(days=rng.randint(0, 355)),
                        dt.time(rng.randint(0, 23)),
                        tzinfo=dt.UTC,
                    )
                    returned = reported + dt.timedelta(hours=rng.randint(1, 60))
                    mid = f"{pid}m{m}"
                    writers["missing"].writerow(
                        [mid, pid, _z(reported), _z(returned), "M", "", "", "MEDIUM", "N"]
                    )
                    rows += 1
                    if rng.random() < 0.6:
                        completed = returned + dt.timedelta(
                            hours=rng.randint(2, 71) if rng.random() < 0.73 else rng.randint(74, 150)
                        )
                        writers["return_interview"].writerow(
                            [f"{mid}i", mid, "COMPLETED", "", _z(completed), "", "", "N"]
                        )
                        rows += 1
                if c < scale.referrals:
                    received = start + dt.timedelta(days=rng.randint(0, 200))
                    opened = c % 2 == 0
                    writers["referral"].writerow(
                        [
                            f"{pid}r",
                            pid,
                            received.isoformat(),
                            "6",
                            rng.choice(KINDS),
                            "",
                            "OPEN" if opened else "NFA",
                            received.isoformat(),
                            "Bench",
                        ]
                    )
                    rows += 1
                    if opened:
                        close = received + dt.timedelta(days=rng.randint(60, 150))
                        writers["episode"].writerow(
                            [
                                f"{pid}e",
                                pid,
                                f"{pid}r",
                                received.isoformat(),
                                close.isoformat(),
                                "",
                                rng.choice(["YES", "YES", "NO"]),
                                "YES",
                                "YES",
                                "Y",
                                "N",
                            ]
                        )
                        level = rng.choice(["LOW", "MEDIUM", "HIGH"])
                        review = level if rng.random() < 0.8 else rng.choice(["LOW", "MEDIUM", "HIGH"])
                        writers["assessment"].writerow(
                            [
                                f"{pid}a",
                                f"{pid}e",
                                (received + dt.timedelta(days=rng.randint(5, 40))).isoformat(),
                                level,
                                "",
                                "",
                                review,
                                "",
                            ]
                        )
                        rows += 2  # the episode and its assessment
    for handle in handles.values():
        handle.close()
    return rows


def _z(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
