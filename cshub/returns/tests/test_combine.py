"""Combining hubs' returns: every file checked first, sums of numerators and denominators,
percentages recomputed from them, publication suppression on the regional table."""

import csv
import io
import sys

import pytest
from django.db import connections
from openpyxl import Workbook, load_workbook

from cshub.__main__ import main
from cshub.returns.combine import COLUMNS, combine_paths, table
from cshub.returns.schema import COUNT, PERCENT, Catalogue

HEADER = "schema,hub,quarter,measure,kind,numerator,denominator,value"
KINDS = {
    "referrals.received": COUNT,
    "referrals.by_gender.male": PERCENT,
    "referrals.by_gender.female": PERCENT,
    "referrals.by_gender.self_described": PERCENT,
    "referrals.by_gender.not_known": PERCENT,
    "rhi.within_72h": PERCENT,
}


def catalogue_for(quarter):
    return Catalogue(quarter, KINDS)


def hub_return(hub, *, quarter="2025-Q3", received=12, male=(10, 12), female=(2, 12), rhi=(1, 2), extra=()):
    def pct(n, d):
        return f"{100 * n / d:.2f}" if d else ""

    rows = [
        HEADER,
        f"1,{hub},{quarter},referrals.received,count,{received},,{received}",
        f"1,{hub},{quarter},referrals.by_gender.male,percent,{male[0]},{male[1]},{pct(*male)}",
        f"1,{hub},{quarter},referrals.by_gender.female,percent,{female[0]},{female[1]},{pct(*female)}",
        f"1,{hub},{quarter},referrals.by_gender.self_described,percent,0,{male[1]},{pct(0, male[1])}",
        f"1,{hub},{quarter},referrals.by_gender.not_known,percent,0,{male[1]},{pct(0, male[1])}",
        f"1,{hub},{quarter},rhi.within_72h,percent,{rhi[0]},{rhi[1]},{pct(*rhi)}",
        *extra,
    ]
    return "\n".join(rows) + "\n"


@pytest.fixture
def files(tmp_path):
    def make(**texts):
        paths = []
        for name, text in texts.items():
            path = tmp_path / f"{name}.csv"
            path.write_text(text)
            paths.append(path)
        return paths

    return make


def regional(rows):
    return {r[4]: r for r in rows if r[1] == "region"}


def test_percentages_are_recomputed_from_the_summed_numerators_never_averaged(files):
    paths = files(
        bury=hub_return("bury", rhi=(1, 2)), manchester=hub_return("manchester", received=30, rhi=(3, 4))
    )
    combined, problems = combine_paths(paths, catalogue_for)
    assert problems == [] and combined is not None
    rows = table(combined)
    region = regional(rows)
    assert region["rhi.within_72h"] == (
        1,
        "region",
        "",
        "2025-Q3",
        "rhi.within_72h",
        PERCENT,
        4,
        6,
        66.67,
        "bury;manchester",
    )
    assert region["referrals.received"][6:9] == (42, None, 42)
    assert region["referrals.by_gender.male"][6:9] == (20, 24, 83.33)
    hubs = [(r[2], r[4], r[6], r[7], r[8]) for r in rows if r[1] == "hub" and r[4] == "rhi.within_72h"]
    assert hubs == [("bury", "rhi.within_72h", 1, 2, 50.0), ("manchester", "rhi.within_72h", 3, 4, 75.0)]


def test_a_measure_one_hub_did_not_send_names_the_hubs_that_did(files):
    only_bury = "1,bury,2025-Q3,referrals.by_gender.not_known,percent,0,12,0.00"
    bury = hub_return("bury").replace(only_bury + "\n", "")
    combined, problems = combine_paths(files(bury=bury, bolton=hub_return("bolton")), catalogue_for)
    assert problems == [] and combined is not None
    assert regional(table(combined))["referrals.by_gender.not_known"][6:] == (0, 12, 0.0, "bolton")


def test_mismatched_quarters_are_refused(files):
    paths = files(bury=hub_return("bury"), bolton=hub_return("bolton", quarter="2025-Q2"))
    combined, problems = combine_paths(paths, catalogue_for)
    assert combined is None
    assert [str(p) for p in problems] == [
        f"{paths[1]}:2: quarter: 2025-Q2, but {paths[0]} is for 2025-Q3 (every file must be for the same quarter)"
    ]


def test_a_hub_in_two_files_is_refused(files):
    paths = files(bury=hub_return("bury"), bury_again=hub_return("bury"))
    combined, problems = combine_paths(paths, catalogue_for)
    assert combined is None
    assert [str(p) for p in problems] == [f"{paths[1]}:2: hub: bury is also the hub of {paths[0]}"]


def test_every_problem_of_every_file_is_reported(files):
    bad_value = hub_return("bury").replace(
        "rhi.within_72h,percent,1,2,50.00", "rhi.within_72h,percent,1,2,62.50"
    )
    bad_measure = hub_return("bolton", extra=["1,bolton,2025-Q3,referrals.recieved,count,1,,1"])
    paths = files(bury=bad_value, bolton=bad_measure, wigan=hub_return("wigan", quarter="2025-Q2"))
    combined, problems = combine_paths([*paths, paths[0].parent / "missing.csv"], catalogue_for)
    assert combined is None
    assert [str(p) for p in problems] == [
        f"{paths[0]}:7: value: 62.50 does not agree with 1/2 = 50.00 (to within 0.01)",
        f'{paths[1]}:8: measure: "referrals.recieved" is not a measure of the regional return',
        f"{paths[0].parent / 'missing.csv'}:1: file: cannot be read (No such file or directory)",
        f"{paths[2]}:2: quarter: 2025-Q2, but {paths[0]} is for 2025-Q3 (every file must be for the same quarter)",
    ]


def test_publication_suppresses_the_regional_table_as_the_engine_does(files):
    # Female: 2 + 1 = 3 of 20 (suppressed); male, the smallest cell left, goes too, or
    # 20 - 17 would give it away. The hubs' rows are left out of the published table.
    paths = files(
        bury=hub_return("bury", received=12, male=(10, 12), female=(2, 12)),
        bolton=hub_return("bolton", received=8, male=(7, 8), female=(1, 8), rhi=(0, 0)),
    )
    combined, _ = combine_paths(paths, catalogue_for)
    assert combined is not None
    rows = table(combined, publication=True)
    assert {r[1] for r in rows} == {"region"}
    region = regional(rows)
    assert region["referrals.received"][6:9] == (20, None, 20)
    assert region["referrals.by_gender.female"][6:9] == ("c", 20, "c")
    assert region["referrals.by_gender.male"][6:9] == ("c", 20, "c")
    assert region["referrals.by_gender.not_known"][6:9] == (0, 20, 0.0)
    assert region["rhi.within_72h"][6:9] == ("c", "c", "c")  # 1 of 2


# The command, with the measures of this CSHub's engine (computed on the test database).


@pytest.fixture
def run(monkeypatch, db):
    """`cshub return combine …` as from the shell, in this process: its exit status."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def shell(*argv):
        monkeypatch.setattr(sys, "argv", ["cshub", "return", "--skip-checks", *argv])
        try:
            main()
        except SystemExit as exc:
            return exc.code
        return 0

    return shell


def test_the_command_writes_the_regional_table(files, run, tmp_path, capsys):
    paths = files(bury=hub_return("bury", rhi=(1, 2)), manchester=hub_return("manchester", rhi=(3, 4)))
    out = tmp_path / "region.csv"
    assert run("combine", *map(str, paths), "--output", str(out)) == 0
    rows = list(csv.reader(out.open()))
    assert rows[0] == list(COLUMNS)
    assert [
        "1",
        "region",
        "",
        "2025-Q3",
        "rhi.within_72h",
        "percent",
        "4",
        "6",
        "66.67",
        "bury;manchester",
    ] in rows
    assert "2 returns for 2025-Q3 combined into" in capsys.readouterr().err
    assert run("combine", *map(str, paths), "--publication") == 0
    published = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    region = {r[4]: r[6:9] for r in published[1:]}
    assert {r[1] for r in published[1:]} == {"region"}
    assert region["rhi.within_72h"] == ["c", "6", "c"]  # 4 of 6
    assert region["referrals.by_gender.female"] == ["c", "24", "c"]  # 4 of 24
    assert region["referrals.by_gender.male"] == ["c", "24", "c"]  # 20 of 24: 24 - 20 would give it away
    assert region["referrals.received"] == ["24", "", "24"]


def test_the_command_reads_xlsx_and_writes_xlsx(files, run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "return"
    for line in csv.reader(io.StringIO(hub_return("bolton", rhi=(3, 4)))):
        sheet.append(
            [
                int(c) if c.isdigit() else (float(c) if c.replace(".", "").isdigit() else (c or None))
                for c in line
            ]
        )
    book.save(tmp_path / "bolton.xlsx")
    (bury,) = files(bury=hub_return("bury", rhi=(1, 2)))
    out = tmp_path / "region.xlsx"
    assert (
        run("combine", str(bury), str(tmp_path / "bolton.xlsx"), "--format", "xlsx", "--output", str(out))
        == 0
    )
    result = load_workbook(out)
    assert result.sheetnames == ["region", "read me"]
    rhi = next(
        r
        for r in result["region"].iter_rows(values_only=True)
        if r[1] == "region" and r[4] == "rhi.within_72h"
    )
    assert rhi[6:] == (4, 6, 66.67, "bury;bolton")


def test_bad_input_exits_non_zero_and_writes_nothing(files, run, tmp_path, capsys):
    out = tmp_path / "region.csv"
    out.write_text("the table from before\n")
    bad = hub_return("bury").replace("referrals.received,count,12,,12", "referrals.received,count,12,,11")
    paths = files(bury=bad, bolton=hub_return("bolton", quarter="2025-Q2"))
    assert run("combine", *map(str, paths), "--output", str(out)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        f"{paths[0]}:2: value: 11 is not the count 12",
        f"{paths[1]}:2: quarter: 2025-Q2, but {paths[0]} is for 2025-Q3 (every file must be for the same quarter)",
    ]
    assert "2 problems in the returns; nothing written" in err[-1]
    assert out.read_text() == "the table from before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bolton.csv", "bury.csv", "region.csv"]


def test_a_measure_this_cshub_does_not_compute_is_unknown(files, run, capsys):
    paths = files(bury=hub_return("bury", extra=["1,bury,2025-Q3,episodes.open_max,count,40,,40"]))
    assert run("combine", *map(str, paths)) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{paths[0]}:8: measure: episodes.open_max is not in the regional return: "
        "the most open on one day: the region's is not the sum of the hubs'"
    )


def test_usage_errors_exit_non_zero(run, capsys):
    assert run("combine") == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err
