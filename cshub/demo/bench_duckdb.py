"""The benchmark's reference: DuckDB computes every definition of docs/metrics.md that the
interchange files (docs/interchange.md) carry, over the same CSV files the importer read,
in the same run. It is written from the two documents, not from the engine's code, so it
is both a time to beat ("what this machine allows") and an independent check of the
engine: the benchmark fails when any part of any figure differs.

DuckDB's time is given in two parts: loading the files into typed tables, and computing
every definition from those tables. The like-for-like comparison with the engine (which
starts from its database, the files long imported) is computing alone; reading the files
and computing is the older, looser comparison, kept beside it."""

import csv
import datetime as dt
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cshub.assurance.metrics import Count, Percent, Value
from cshub.assurance.metrics import disruption as disruption_metrics
from cshub.assurance.metrics.base import Metrics, Result
from cshub.assurance.metrics.disproportionality import RateRatio
from cshub.interchange.spec import BY_KEY

# Figures whose definitions need records the interchange format does not carry.
ENGINE_ONLY = {
    "supervision.overdue": "supervision sessions are not in the interchange files",
    **dict.fromkeys(
        disruption_metrics.NAMES, "disruptions and joint operations are not in the interchange files"
    ),
}
# Figures by prefix (their names depend on the period): the benchmark's files carry no
# consultations and no whole-area flags yet.
ENGINE_ONLY_PREFIXES = {
    "consultations.": "the benchmark's interchange files carry no consultations",
    "area.": "the benchmark's interchange files carry no whole-area register flags",
    "audits.": "case audits are not in the interchange files",
    "training.": "staff and their training are not in the interchange files",
    "compliance.": "plans, the child's own words and case summaries are not in the interchange files",
}


def _engine_only(name: str) -> str | None:
    if name in ENGINE_ONLY:
        return ENGINE_ONLY[name]
    return next((why for prefix, why in ENGINE_ONLY_PREFIXES.items() if name.startswith(prefix)), None)


Parts = dict[str, Any]

# Cells as the importer reads them (docs/interchange.md, "General rules"): stripped, empty
# is unknown, the export's guarding apostrophe removed; dates in any accepted form;
# date-times without an offset are Europe/London local time (the session time zone).
MACROS = r"""
SET TimeZone = 'Europe/London';
CREATE MACRO cell(x) AS nullif(trim(x, ' ' || chr(9) || chr(10) || chr(13)), '');
CREATE MACRO ident(x) AS CASE
    WHEN cell(x) LIKE '''%' AND substr(cell(x), 2, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
    THEN substr(cell(x), 2) ELSE cell(x) END;
CREATE MACRO as_date(x) AS CASE
    WHEN cell(x) LIKE '%/%' THEN CAST(strptime(cell(x), '%d/%m/%Y') AS DATE)
    ELSE CAST(left(cell(x), 10) AS DATE) END;
CREATE MACRO instant(x) AS CAST(cell(x) AS TIMESTAMPTZ);
CREATE MACRO london_day(x) AS CAST(instant(x) AT TIME ZONE 'Europe/London' AS DATE);
CREATE MACRO flag(x) AS upper(cell(x)) = 'Y';
CREATE MACRO whole(x) AS CAST(cell(x) AS BIGINT);
CREATE MACRO open_on(opened, closed, d) AS opened <= d AND (closed IS NULL OR closed >= d);
CREATE MACRO open_during(opened, closed, s, e) AS opened <= e AND (closed IS NULL OR closed >= s);
CREATE MACRO reporting_gender(gender, sex) AS CASE
    WHEN gender = '01' THEN 'male' WHEN gender = '02' THEN 'female'
    WHEN gender = '09' THEN 'self_described' WHEN gender = '00' THEN 'not_known'
    WHEN sex = 'M' THEN 'male' WHEN sex = 'F' THEN 'female' ELSE 'not_known' END;
CREATE MACRO age_on(born, d) AS year(d) - year(born)
    - CASE WHEN month(born) > month(d) OR (month(born) = month(d) AND day(born) > day(d)) THEN 1 ELSE 0 END;
CREATE MACRO age_band(age) AS CASE WHEN age IS NULL THEN 'not_known'
    WHEN age < 11 THEN 'under_11' WHEN age <= 12 THEN '11_12' WHEN age <= 14 THEN '13_14'
    WHEN age <= 16 THEN '15_16' WHEN age = 17 THEN '17' ELSE '18_plus' END;
CREATE MACRO risk_index(level) AS CASE level WHEN 'LOW' THEN 0 WHEN 'MEDIUM' THEN 1 WHEN 'HIGH' THEN 2 END;
"""

# Per file: the columns DuckDB keeps, as (name, how a cell is read, the file's column).
# A table's rowid is the row's place in its file: the order the importer records rows in,
# which the definitions use to break ties ("the one recorded first / last").
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "professional": [("id", "ident", "prof_professional_id")],
    "person": [
        ("id", "ident", "pers_person_id"),
        ("date_of_birth", "as_date", "pers_dob"),
        ("sex", "cell", "pers_sex"),
        ("gender", "cell", "pers_gender"),
        ("ethnicity", "cell", "pers_ethnicity"),
        ("person_type", "cell", "csh_person_type"),
    ],
    "address": [
        ("person_id", "ident", "addr_person_id"),
        ("start_date", "as_date", "addr_address_start_date"),
        ("end_date", "as_date", "addr_address_end_date"),
        ("imd_decile", "whole", "csh_imd_decile"),
    ],
    "referral": [
        ("id", "ident", "referral_id"),
        ("person_id", "ident", "person_id"),
        ("received_date", "as_date", "received_date"),
        ("primary_type", "cell", "primary_type"),
        ("decision", "cell", "decision"),
    ],
    "episode": [
        ("id", "ident", "episode_id"),
        ("person_id", "ident", "person_id"),
        ("open_date", "as_date", "open_date"),
        ("close_date", "as_date", "close_date"),
        ("worker_id", "ident", "allocated_worker_id"),
        ("outcome_eet", "cell", "outcome_eet"),
        ("outcome_stable_accommodation", "cell", "outcome_stable_accommodation"),
        ("outcome_positive_relationship", "cell", "outcome_positive_relationship"),
        ("feedback_child", "flag", "feedback_child"),
        ("feedback_parent_carer", "flag", "feedback_parent_carer"),
    ],
    "assessment": [
        ("episode_id", "ident", "episode_id"),
        ("completed_date", "as_date", "completed_date"),
        ("risk_level", "cell", "risk_level"),
        ("reviewer_risk_level", "cell", "reviewer_risk_level"),
    ],
    "missing": [
        ("id", "ident", "miss_table_id"),
        ("person_id", "ident", "miss_person_id"),
        ("reported_at", "instant", "miss_missing_episode_start_date"),
        ("returned_at", "instant", "miss_missing_episode_end_date"),
        ("reported_day", "london_day", "miss_missing_episode_start_date"),
        ("returned_day", "london_day", "miss_missing_episode_end_date"),
        ("rhi_offered", "cell", "miss_missing_rhi_offered"),
    ],
    "return_interview": [
        ("missing_id", "ident", "missing_id"),
        ("outcome", "cell", "outcome"),
        ("completed_at", "instant", "completed_at"),
        ("completed_day", "london_day", "completed_at"),
    ],
    "population": [
        ("dimension", "cell", "dimension"),
        ("grp", "cell", "group"),
        ("count", "whole", "count"),
    ],
}

# Derived per-record values the definitions share: a professional's CSHub username (as the
# importer makes it: "prof-" and the id, characters a username may not hold as "-") and
# whether a person is a child ("a person record with role child"; CHILD when not given).
DERIVED = """
CREATE TABLE worker AS SELECT id, 'prof-' || left(regexp_replace(id, '[^\\p{L}\\p{N}_.@+-]', '-', 'g'), 140)
    AS username FROM professional;
CREATE TABLE adult AS SELECT id FROM person WHERE person_type = 'ADULT';
CREATE MACRO home_address(d) AS TABLE
    SELECT person_id, imd_decile FROM address WHERE open_on(start_date, end_date, d)
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY start_date DESC, rowid DESC) = 1;
"""


@dataclass(frozen=True)
class Definition:
    """One definition of docs/metrics.md as a DuckDB query. `kind` says what each row holds
    after the figure's name: count (value), percent (numerator, denominator), value (a
    float or null) or ratio (the disproportionality fields, RATIO_PARTS)."""

    kind: Literal["count", "percent", "value", "ratio"]
    sql: str


RECEIVED = "SELECT * FROM referral WHERE received_date BETWEEN $s AND $e"
CLOSED = "SELECT * FROM episode WHERE close_date BETWEEN $s AND $e"
WORKED_WITH = (
    "SELECT DISTINCT person_id FROM episode WHERE open_during(open_date, close_date, $s, $e) "
    "AND person_id NOT IN (SELECT id FROM adult)"
)
REPORTED = "SELECT * FROM missing WHERE reported_day BETWEEN $s AND $e"
COMPLETED = "SELECT * FROM return_interview WHERE outcome = 'COMPLETED' AND completed_day BETWEEN $s AND $e"
ASSESSED = "SELECT * FROM assessment WHERE completed_date BETWEEN $s AND $e"
TYPES = "('CCE'), ('CSE'), ('CRIMINAL_AND_SEXUAL'), ('TRAFFICKING'), ('SERIOUS_VIOLENCE'), ('THREAT_TO_LIFE'), ('FORCED_MARRIAGE_HBV'), ('OTHER')"
GENDERS = "('male'), ('female'), ('self_described'), ('not_known')"
BANDS = "('under_11'), ('11_12'), ('13_14'), ('15_16'), ('17'), ('18_plus'), ('not_known')"
# An outcome: achieved is YES; the denominator leaves out NOT_APPLICABLE only (blank and
# UNKNOWN count as not achieved).
OUTCOME = (
    "SELECT '{name}', count(*) FILTER (WHERE {field} = 'YES'), "
    "count(*) FILTER (WHERE coalesce({field}, '') <> 'NOT_APPLICABLE') FROM ({closed})"
)
FEEDBACK = "SELECT '{name}', count(*) FILTER (WHERE {field}), count(*) FROM ({closed})"


def _breakdown(prefix: str, keys: str, rows: str, column: str) -> str:
    """Every key of a breakdown, a key with no members included with zeros; the denominator
    is all the rows, including any whose key is none of the keys."""
    # Fixed query text (no user input): the pieces are this module's constants.
    return (
        f"WITH x AS ({rows}) SELECT '{prefix}.' || k.key, count(x.{column}), (SELECT count(*) FROM x) "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"FROM (VALUES {keys}) k(key) LEFT JOIN x ON x.{column} = k.key GROUP BY k.key"
    )


# Fixed query text (no user input): the f-strings and format() only insert this module's
# constants. Each query takes the period as $s and $e; one definition may give several
# figures (a breakdown, or two names the docs define together).
DEFINITIONS: dict[str, Definition] = {
    # Demand
    "referrals.received": Definition("count", f"SELECT 'referrals.received', count(*) FROM ({RECEIVED})"),  # nosec B608 # fixed DuckDB reference queries over our own files
    "referrals.by_primary_type": Definition(
        "percent", _breakdown("referrals.by_primary_type", TYPES, RECEIVED, "primary_type")
    ),
    "referrals.by_gender": Definition(
        "percent",
        _breakdown(
            "referrals.by_gender",
            GENDERS,
            "SELECT reporting_gender(p.gender, p.sex) AS g FROM referral r LEFT JOIN person p "
            "ON p.id = r.person_id WHERE r.received_date BETWEEN $s AND $e",
            "g",
        ),
    ),
    "referrals.previously_open": Definition(
        "percent",
        "SELECT 'referrals.previously_open', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM episode e "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"WHERE e.person_id = r.person_id AND e.close_date < r.received_date)), count(*) FROM ({RECEIVED}) r",
    ),
    "referrals.progressed": Definition(
        "percent",
        f"SELECT 'referrals.progressed', count(*) FILTER (WHERE decision = 'OPEN'), count(*) FROM ({RECEIVED})",  # nosec B608 # fixed DuckDB reference queries over our own files
    ),
    "children.worked_with": Definition(
        "count",
        f"SELECT 'children.worked_with', count(*) FROM ({WORKED_WITH})",  # nosec B608 # fixed DuckDB reference queries over our own files
    ),
    "episodes.open_min, episodes.open_max": Definition(
        "count",
        "WITH days AS (SELECT CAST(generate_series AS DATE) AS d FROM generate_series(CAST($s AS TIMESTAMP), "
        "CAST($e AS TIMESTAMP), INTERVAL 1 DAY)), "
        "per_day AS (SELECT days.d, count(e.id) AS n FROM days LEFT JOIN episode e ON e.open_date <= days.d "
        "AND coalesce(e.close_date, DATE '9999-12-31') >= days.d GROUP BY days.d) "
        "SELECT 'episodes.open_min', min(n) FROM per_day UNION ALL SELECT 'episodes.open_max', max(n) FROM per_day",
    ),
    "episodes.open_at_end": Definition(
        "count",
        "SELECT 'episodes.open_at_end', count(*) FROM episode WHERE open_on(open_date, close_date, $e)",
    ),
    "episodes.open_at_end.by_age": Definition(
        "percent",
        _breakdown(
            "episodes.open_at_end.by_age",
            BANDS,
            "SELECT age_band(age_on(p.date_of_birth, $e)) AS band FROM episode e LEFT JOIN person p "
            "ON p.id = e.person_id WHERE open_on(e.open_date, e.close_date, $e)",
            "band",
        ),
    ),
    "children.worked_with.deprivation_1_3": Definition(
        "percent",
        f"WITH c AS (SELECT c.person_id, h.imd_decile FROM ({WORKED_WITH}) c LEFT JOIN home_address($e) h "  # nosec B608 # fixed DuckDB reference queries over our own files
        "ON h.person_id = c.person_id) "
        "SELECT 'children.worked_with.deprivation_1_3', count(*) FILTER (WHERE imd_decile BETWEEN 1 AND 3), "
        "count(*) FROM c UNION ALL "
        "SELECT 'children.worked_with.deprivation_unknown', count(*) FILTER (WHERE imd_decile IS NULL), "
        "count(*) FROM c",
    ),
    # Missing from home and care
    "missing.reports": Definition("count", f"SELECT 'missing.reports', count(*) FROM ({REPORTED})"),  # nosec B608 # fixed DuckDB reference queries over our own files
    "missing.children": Definition(
        "count",
        f"SELECT 'missing.children', count(DISTINCT person_id) FROM ({REPORTED}) "  # nosec B608 # fixed DuckDB reference queries over our own files
        "WHERE person_id NOT IN (SELECT id FROM adult)",
    ),
    "missing.repeat_children": Definition(
        "percent",
        "SELECT 'missing.repeat_children', count(*) FILTER (WHERE n >= 3), count(*) FROM "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"(SELECT person_id, count(*) AS n FROM ({REPORTED}) WHERE person_id NOT IN (SELECT id FROM adult) "
        "GROUP BY person_id)",
    ),
    "rhi.completed": Definition("count", f"SELECT 'rhi.completed', count(*) FROM ({COMPLETED})"),  # nosec B608 # fixed DuckDB reference queries over our own files
    "rhi.within_72h": Definition(
        "percent",
        # Elapsed time is absolute (both instants in UTC microseconds); no return time: not within.
        "SELECT 'rhi.within_72h', count(*) FILTER (WHERE epoch_us(i.completed_at) - epoch_us(m.returned_at) "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"<= CAST(72 * 3600 AS BIGINT) * 1000000), count(*) FROM ({COMPLETED}) i LEFT JOIN missing m ON m.id = i.missing_id",
    ),
    "rhi.offered": Definition(
        "percent",
        "SELECT 'rhi.offered', count(*) FILTER (WHERE EXISTS (SELECT 1 FROM return_interview i "
        "WHERE i.missing_id = m.id AND i.outcome <> 'NOT_OFFERED') OR (m.rhi_offered = 'Y' AND NOT EXISTS "
        "(SELECT 1 FROM return_interview i WHERE i.missing_id = m.id))), count(*) "
        "FROM missing m WHERE m.returned_day BETWEEN $s AND $e",
    ),
    # Impact at closure
    "closures": Definition("count", f"SELECT 'closures', count(*) FROM ({CLOSED})"),  # nosec B608 # fixed DuckDB reference queries over our own files
    **{
        name: Definition("percent", OUTCOME.format(name=name, field=field, closed=CLOSED))
        for name, field in (
            ("outcomes.eet", "outcome_eet"),
            ("outcomes.stable_accommodation", "outcome_stable_accommodation"),
            ("outcomes.positive_relationship", "outcome_positive_relationship"),
        )
    },
    "outcomes.missing_reduced": Definition(
        "percent",
        "WITH counts AS (SELECT c.id, "  # nosec B608 # fixed DuckDB reference queries over our own files
        "count(m.id) FILTER (WHERE m.reported_day BETWEEN c.open_date - 90 AND c.open_date - 1) AS before, "
        "count(m.id) FILTER (WHERE m.reported_day BETWEEN c.close_date - 89 AND c.close_date) AS after "
        f"FROM ({CLOSED}) c LEFT JOIN missing m ON m.person_id = c.person_id GROUP BY c.id) "
        "SELECT 'outcomes.missing_reduced', count(*) FILTER (WHERE after < before), count(*) "
        "FROM counts WHERE before >= 1",
    ),
    **{
        name: Definition("percent", FEEDBACK.format(name=name, field=field, closed=CLOSED))
        for name, field in (
            ("feedback.child", "feedback_child"),
            ("feedback.parent_carer", "feedback_parent_carer"),
        )
    },
    # Practice
    "assessments.completed": Definition(
        "count",
        f"SELECT 'assessments.completed', count(*) FROM ({ASSESSED})",  # nosec B608 # fixed DuckDB reference queries over our own files
    ),
    "assessments.within_4_weeks": Definition(
        "percent",
        # The first assessment of each episode (earliest date; on a tie, recorded first),
        # among all its assessments, then those of them completed in the period. 28 days:
        # the default ASSESSMENT_FIRST standard (a bench's hub has set no versions).
        "WITH first AS (SELECT a.completed_date, e.open_date FROM assessment a "
        "LEFT JOIN episode e ON e.id = a.episode_id "
        "QUALIFY row_number() OVER (PARTITION BY a.episode_id ORDER BY a.completed_date, a.rowid) = 1) "
        "SELECT 'assessments.within_4_weeks', count(*) FILTER (WHERE completed_date - open_date <= 28), "
        "count(*) FROM first WHERE completed_date BETWEEN $s AND $e",
    ),
    "assessments.reviewer_agreement": Definition(
        "percent",
        "SELECT 'assessments.reviewer_agreement', count(*) FILTER (WHERE risk_level = reviewer_risk_level), "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"count(*) FROM ({ASSESSED}) WHERE reviewer_risk_level IS NOT NULL",
    ),
    "assessments.reviewer_agreement.kappa": Definition(
        "value",
        # Linear weights 1 - |i - j| / 2 over LOW < MEDIUM < HIGH; null with no pairs or
        # when chance agreement is already 1.
        "WITH p AS (SELECT risk_index(risk_level) AS i, risk_index(reviewer_risk_level) AS j "  # nosec B608 # fixed DuckDB reference queries over our own files
        f"FROM ({ASSESSED}) WHERE reviewer_risk_level IS NOT NULL), "
        "n AS (SELECT CAST(count(*) AS DOUBLE) AS n FROM p), "
        "marginal_i AS (SELECT i, count(*) / (SELECT n FROM n) AS share FROM p GROUP BY i), "
        "marginal_j AS (SELECT j, count(*) / (SELECT n FROM n) AS share FROM p GROUP BY j), "
        "k AS (SELECT (SELECT sum(1 - abs(i - j) / 2.0) FROM p) / (SELECT n FROM n) AS observed, "
        "(SELECT sum((1 - abs(a.i - b.j) / 2.0) * a.share * b.share) FROM marginal_i a, marginal_j b) "
        "AS expected) "
        "SELECT 'assessments.reviewer_agreement.kappa', CASE WHEN (SELECT n FROM n) = 0 OR expected >= 1 "
        "THEN NULL ELSE round((observed - expected) / (1 - expected), 3) END FROM k",
    ),
    "closures.reopened_within_6_months": Definition(
        "percent",
        # The risk level of the last assessment on or before the closing date (on a tie,
        # recorded last); a new referral is received after the closing date and at most
        # 182 days after it.
        f"WITH c AS ({CLOSED}), "  # nosec B608 # fixed DuckDB reference queries over our own files
        "last AS (SELECT a.episode_id, a.risk_level FROM assessment a JOIN c ON c.id = a.episode_id "
        "WHERE a.completed_date <= c.close_date "
        "QUALIFY row_number() OVER (PARTITION BY a.episode_id ORDER BY a.completed_date DESC, a.rowid DESC) = 1), "
        "x AS (SELECT coalesce(last.risk_level, 'not_assessed') AS level, EXISTS (SELECT 1 FROM referral r "
        "WHERE r.person_id = c.person_id AND r.received_date > c.close_date "
        "AND r.received_date <= c.close_date + 182) AS back FROM c LEFT JOIN last ON last.episode_id = c.id) "
        "SELECT 'closures.reopened_within_6_months', count(*) FILTER (WHERE back), count(*) FROM x "
        "UNION ALL SELECT 'closures.reopened_within_6_months.' || k.level, count(x.level) FILTER (WHERE x.back), "
        "count(x.level) FROM (VALUES ('LOW'), ('MEDIUM'), ('HIGH'), ('not_assessed')) k(level) "
        "LEFT JOIN x ON x.level = k.level GROUP BY k.level",
    ),
    "caseload.by_worker": Definition(
        "count",
        "SELECT 'caseload.by_worker.' || coalesce(w.username, 'unallocated'), count(*) FROM episode e "
        "LEFT JOIN worker w ON w.id = e.worker_id WHERE open_on(e.open_date, e.close_date, $e) GROUP BY ALL",
    ),
    # Disproportionality: per group the hub's population lists, the period's referrals of
    # the group (age and home address on the day the referral was received).
    "disproportionality": Definition(
        "ratio",
        "WITH r AS (SELECT r.id, r.received_date, p.gender, p.sex, p.ethnicity, p.date_of_birth, "
        "a.imd_decile FROM referral r LEFT JOIN person p ON p.id = r.person_id "
        "LEFT JOIN address a ON a.person_id = r.person_id AND open_on(a.start_date, a.end_date, r.received_date) "
        "WHERE r.received_date BETWEEN $s AND $e "
        "QUALIFY row_number() OVER (PARTITION BY r.id ORDER BY a.start_date DESC NULLS LAST, a.rowid DESC) = 1), "
        "keyed AS (SELECT 'gender' AS dimension, reporting_gender(gender, sex) AS grp FROM r "
        "UNION ALL SELECT 'ethnicity', ethnicity FROM r "
        "UNION ALL SELECT 'age_band', age_band(age_on(date_of_birth, received_date)) FROM r "
        "UNION ALL SELECT 'imd_decile', CAST(imd_decile AS VARCHAR) FROM r), "
        "counts AS (SELECT dimension, grp, count(*) AS n FROM keyed GROUP BY ALL), "
        "x AS (SELECT p.dimension, p.grp, coalesce(c.n, 0) AS a, CASE WHEN p.dimension = 'age_band' "
        "THEN (SELECT count(*) FROM r WHERE date_of_birth IS NOT NULL) ELSE (SELECT count(*) FROM r) END AS total, "
        "p.count AS n1, sum(p.count) OVER (PARTITION BY p.dimension) AS whole "
        "FROM population p LEFT JOIN counts c ON c.dimension = p.dimension AND c.grp = p.grp), "
        "y AS (SELECT *, CASE WHEN least(a, total - a, n1, whole - n1) > 0 "
        "THEN (a / n1) / ((total - a) / (whole - n1)) END AS ratio, "
        "CASE WHEN least(a, total - a, n1, whole - n1) > 0 "
        "THEN sqrt(greatest(1 / a - 1 / n1 + 1 / (total - a) - 1 / (whole - n1), 0)) END AS se FROM x), "
        "z AS (SELECT *, ratio * exp(-1.959964 * se) AS low, ratio * exp(1.959964 * se) AS high FROM y) "
        "SELECT 'disproportionality.' || dimension || '.' || grp, a, total, n1, whole, round(ratio, 3), "
        "round(low, 3), round(high, 3), CASE WHEN low > 1 THEN 'over-represented' "
        "WHEN high < 1 THEN 'under-represented' END FROM z",
    ),
}
RATIO_PARTS = (
    "referrals",
    "total_referrals",
    "population",
    "total_population",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "flag",
)


def _header(path: Path) -> dict[str, str]:
    """The file's columns by their name as the importer reads it (stripped), to the name as written."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return {name.strip(): name for name in next(csv.reader(handle), [])}


def _find(folder: Path, key: str) -> Path | None:
    """The file of a table under either of its names (ours or the SSD's), if present."""
    table = BY_KEY[key]
    for name in (table.filename, table.ssd_filename):
        if name and (folder / name).is_file():
            return folder / name
    return None


def _load(con: Any, folder: Path) -> None:
    """One DuckDB table per interchange file, typed as the importer reads it; a file or an
    optional column that is not there reads as no rows or unknown values."""
    con.execute(MACROS)
    for key, columns in TABLES.items():
        path = _find(folder, key)
        header = _header(path) if path else {}
        cells = []
        for name, reader, column in columns:
            raw = header.get(column)
            source = '"' + raw.replace('"', '""') + '"' if raw is not None else "CAST(NULL AS VARCHAR)"
            cells.append(f"{reader}({source}) AS {name}")
        if path is None:
            origin = "(SELECT 1 WHERE false)"
        else:
            quoted = str(path).replace("'", "''")
            origin = f"read_csv('{quoted}', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"
        # Fixed query text (no user input): column names from the spec, our own file path.
        # Rows keep their file order (DuckDB preserves insertion order), so rowid is it;
        # a row without its first (required) column is a blank line, which the importer skips.
        con.execute(
            f"CREATE TABLE {key} AS SELECT * FROM (SELECT {', '.join(cells)} FROM {origin}) "  # nosec B608 # fixed DuckDB reference queries over our own files
            f"WHERE {columns[0][0]} IS NOT NULL"
        )
    con.execute(DERIVED)


@dataclass(frozen=True)
class Timing:
    reading: float  # the files into typed tables
    computing: float  # every definition, from the loaded tables (the median of the runs)
    computing_runs: tuple[float, ...] = ()

    @property
    def total(self) -> float:
        return self.reading + self.computing


def duckdb_figures(
    folder: Path, start: dt.date, end: dt.date, *, runs: int = 1
) -> tuple[dict[str, Parts], Timing]:
    """Every figure of DEFINITIONS for the period [start, end], as the parts compared with
    the engine's, and how long DuckDB took to load the files into tables and (`runs` times,
    from those tables) to compute them."""
    import duckdb

    con = duckdb.connect()
    began = time.perf_counter()
    _load(con, folder)
    loaded = time.perf_counter() - began
    figures: dict[str, Parts] = {}
    period = {"s": start, "e": end}
    times = []
    for _ in range(max(runs, 1)):
        began = time.perf_counter()
        figures = {}
        for definition in DEFINITIONS.values():
            used = {
                k: v for k, v in period.items() if f"${k}" in definition.sql
            }  # DuckDB refuses unused ones
            for name, *values in con.execute(definition.sql, used).fetchall():
                figures[name] = _parts_of_row(definition.kind, values)
        times.append(time.perf_counter() - began)
    con.close()
    return figures, Timing(loaded, statistics.median(times), tuple(times))


def _parts_of_row(kind: str, values: list[Any]) -> Parts:
    if kind == "count":
        return {"value": int(values[0])}
    if kind == "percent":
        return {"numerator": int(values[0]), "denominator": int(values[1])}
    if kind == "value":
        return {"value": None if values[0] is None else float(values[0])}
    parts = dict(zip(RATIO_PARTS, values, strict=True))
    return {
        k: float(v) if k in ("rate_ratio", "ci_low", "ci_high") and v is not None else v
        for k, v in parts.items()
    }


def parts(result: Result) -> Parts:
    """What is compared of an engine figure: all it is computed from, and what it computes
    beyond that (a kappa; a rate ratio, its interval and flag, as reported to 3 places).
    A percentage is its numerator and denominator (the percent follows from them)."""
    if isinstance(result, Percent):
        return {"numerator": result.numerator, "denominator": result.denominator}
    if isinstance(result, Count | Value):
        return {"value": result.value}
    if isinstance(result, RateRatio):
        shown = result.as_dict()
        return {
            "referrals": result.referrals,
            "total_referrals": result.total_referrals,
            "population": result.population,
            "total_population": result.total_population,
            **{k: shown[k] for k in ("rate_ratio", "ci_low", "ci_high", "flag")},
        }
    raise TypeError(f"no parts for {type(result).__name__}")


def disagreements(engine: Metrics, reference: dict[str, Parts]) -> list[str]:
    """Every figure on which the engine and DuckDB differ, part by part; a figure only one
    of them has (other than ENGINE_ONLY) is a disagreement too, so a new metric without a
    DuckDB twin, or a breakdown key one side lacks, is noticed."""
    found = []
    for name in sorted(engine.keys() | reference.keys()):
        if _engine_only(name):
            continue
        if name not in reference:
            found.append(f"{name}: engine {parts(engine[name])}, not computed by DuckDB")
        elif name not in engine:
            found.append(f"{name}: DuckDB {reference[name]}, not computed by the engine")
        else:
            ours, theirs = parts(engine[name]), reference[name]
            for part in sorted(ours.keys() | theirs.keys()):
                if ours.get(part) != theirs.get(part):
                    found.append(f"{name} {part}: engine {ours.get(part)}, DuckDB {theirs.get(part)}")
    return found


def engine_only(engine: Metrics) -> dict[str, str]:
    """The engine's figures DuckDB cannot compute from the files, and why."""
    return {name: why for name in engine if (why := _engine_only(name))}
