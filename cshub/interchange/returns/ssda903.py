"""The SSDA903 (children looked after: header, episodes, missing) as rows of the SSD tables."""

import csv
import datetime as dt
import io
import re
from collections import defaultdict

from cshub.core.dates import format_date
from cshub.interchange import values
from cshub.interchange.reader import Parsed, Problem
from cshub.interchange.returns.common import Record, Source, _clean, _day, _Ids, _iso, _midday

# SSDA903 ------------------------------------------------------------------------------------

_903_LABELS = {
    "ssda903_header": {
        "pers_person_id": "CHILD",
        "pers_sex": "SEX",
        "pers_dob": "DOB",
        "pers_ethnicity": "ETHNIC",
        "pers_upn": "UPN",
        "pers_upn_unknown": "UPN",
    },
    "ssda903_episodes": {
        "clae_cla_episode_id": "CHILD",
        "clae_person_id": "CHILD",
        "clae_cla_episode_start_date": "DECOM",
        "clae_cla_episode_start_reason": "RNE",
        "clae_cla_primary_need_code": "CIN",
        "clae_cla_episode_ceased_date": "DEC",
        "clae_cla_episode_ceased_reason": "REC",
    },
    "ssda903_missing": {
        "miss_table_id": "CHILD",
        "miss_person_id": "CHILD",
        "miss_missing_episode_start_date": "MIS_START",
        "miss_missing_episode_end_date": "MIS_END",
        "miss_missing_episode_type": "MISSING",
        "csh_from_care": "MISSING",
    },
}
_903_KEYS = {"ssda903_header": "person", "ssda903_episodes": "cla_episode", "ssda903_missing": "missing"}
# SEX before 2024-25 (csc-validator-be-903 lac2022_23/rule_101.py).
_903_SEX = {"1": "M", "2": "F"}
_UN_CODES = re.compile(r"^UN[1-5]$")


def _csv_rows(parsed: Parsed, name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line, cells by upper-case column name) of a return's CSV file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.errors.append(Problem(name, 1, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return []
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().upper() for h in next(rows, [])]
    found = []
    for cells in rows:
        if not any(c.strip() for c in cells):
            continue
        found.append((rows.line_num, {h: _clean(c) for h, c in zip(header, cells, strict=False)}))
    return found


def _ssda903(parsed: Parsed, files: dict[str, tuple[str, bytes]]) -> list[Source]:
    sources: dict[str, Source] = {}
    read: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for kind, (name, data) in files.items():
        sources[kind] = Source(_903_KEYS[kind], name, _903_LABELS[kind])
        read[kind] = _csv_rows(parsed, name, data)
    if "ssda903_header" in read:
        for line, row in read["ssda903_header"]:
            upn = row.get("UPN", "").upper()
            sources["ssda903_header"].records.append(
                Record(
                    line,
                    {
                        "pers_person_id": row.get("CHILD", ""),
                        "pers_sex": _903_SEX.get(row.get("SEX", ""), row.get("SEX", "").upper()),
                        "pers_dob": row.get("DOB", ""),
                        "pers_ethnicity": row.get("ETHNIC", "").upper(),
                        # UN1 … UN5 say why a child has no UPN: they are not one.
                        "pers_upn": "" if _UN_CODES.match(upn) else upn,
                        "pers_upn_unknown": upn if _UN_CODES.match(upn) else "",
                    },
                )
            )
    in_care: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    if "ssda903_episodes" in read:
        ids = _Ids()
        for line, row in read["ssda903_episodes"]:
            child, start = row.get("CHILD", ""), row.get("DECOM", "")
            sources["ssda903_episodes"].records.append(
                Record(
                    line,
                    {
                        "clae_cla_episode_id": ids(f"903:{child}:{_iso(start)}"),
                        "clae_person_id": child,
                        "clae_cla_episode_start_date": _iso(start),
                        "clae_cla_episode_start_reason": row.get("RNE", "").upper(),
                        "clae_cla_primary_need_code": row.get("CIN", "").upper(),
                        "clae_cla_episode_ceased_date": _iso(row.get("DEC", "")),
                        "clae_cla_episode_ceased_reason": row.get("REC", "").upper(),
                    },
                )
            )
            if (begun := _day(start)) is not None:
                in_care[child].append((begun, _day(row.get("DEC", ""))))
    if "ssda903_missing" in read:
        _903_missing(parsed, sources, read, in_care)
    return list(sources.values())


def _903_missing(
    parsed: Parsed,
    sources: dict[str, Source],
    read: dict[str, list[tuple[int, dict[str, str]]]],
    in_care: dict[str, list[tuple[dt.date, dt.date | None]]],
) -> None:
    """A 903 missing episode has dates only: it is placed at 12:00 UK time on MIS_START and
    MIS_END, and it is from care (the 903 holds only looked-after children's episodes)."""
    source = sources["ssda903_missing"]
    episodes = sources.get("ssda903_episodes")
    ids = _Ids()
    for line, row in read["ssda903_missing"]:
        child = row.get("CHILD", "")
        cells = {
            "miss_person_id": child,
            "miss_missing_episode_type": row.get("MISSING", "").upper(),
            "csh_from_care": "Y",
        }
        for column, label in (
            ("miss_missing_episode_start_date", "MIS_START"),
            ("miss_missing_episode_end_date", "MIS_END"),
        ):
            text = row.get(label, "")
            try:
                day = values.parse_date(text) if text else None
            except values.CellError as exc:
                parsed.errors.append(Problem(source.filename, line, label, str(exc)))
                source.reported.add((line, label))
                continue
            cells[column] = _midday(day) if day else ""
        start = _day(row.get("MIS_START", ""))
        cells["miss_table_id"] = ids(f"903:{child}:{_iso(row.get('MIS_START', ''))}")
        source.records.append(Record(line, cells))
        if (
            episodes is not None
            and start is not None
            and not any(b <= start and (e is None or start <= e) for b, e in in_care.get(child, []))
        ):
            parsed.warnings.append(
                Problem(
                    source.filename,
                    line,
                    "MIS_START",
                    f"{format_date(start)} is outside every care episode of {child} in "
                    f"{episodes.filename}: imported as missing from care, as the 903 says",
                )
            )
