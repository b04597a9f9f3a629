"""Issue 15, cell reading rules for files a council's system wrote (the extract folders in
`extracts/`, whose README.md give the expected results): `NULL` text, the SSD's
placeholders, SQL DATETIME text in date columns, the clock-change rule, names optional in
`ssd_person.csv`, expected dates of birth, a single file, and folders of nothing CSHub reads.

Coded columns whose values are the system's own (`pers_gender` `F`, missing type
`Missing`) are placed by the code lists (another part of issue 15): where a test imports a
whole folder, it blanks those columns in its copy, and where it only reads, it leaves aside
the "unknown code" errors, so it tests the rules here and nothing else."""

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cshub.interchange import values
from cshub.interchange.exporter import export
from cshub.interchange.importer import check, run_import
from cshub.interchange.models import ImportRun
from cshub.interchange.reader import Problem
from cshub.interchange.recognise import recognise
from cshub.missing.models import MissingEpisode
from cshub.people.models import Address, Person
from cshub.people.search import likely_duplicates, search_for

EXTRACTS = Path(__file__).parent / "extracts"
UTC = dt.UTC
# Columns holding the systems' own codes, placed by the code lists (not this part).
SYSTEM_CODES = {
    "ssd_person.csv": ("pers_sex", "pers_gender", "pers_ethnicity"),
    "ssd_missing.csv": ("miss_missing_episode_type",),
}


def copy(folder: str, tmp_path: Path, *, only: tuple[str, ...] = (), blank_codes: bool = False) -> Path:
    """The data files (.csv, .xml) of an extract folder, copied; README.md is not data."""
    target = tmp_path / folder
    target.mkdir(parents=True)
    for source in sorted((EXTRACTS / folder).iterdir()):
        if source.suffix not in (".csv", ".xml") or (only and source.name not in only):
            continue
        if blank_codes and source.name in SYSTEM_CODES:
            with source.open(newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            blank = [i for i, name in enumerate(rows[0]) if name in SYSTEM_CODES[source.name]]
            for row in rows[1:]:
                for i in blank:
                    if row[i] not in ("NULL", "SSD_PH"):  # the rules under test stay
                        row[i] = ""
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(rows)
            (target / source.name).write_text(out.getvalue(), encoding="utf-8")
        else:
            shutil.copy(source, target / source.name)
    return target


def not_codes(problems: list[Problem]) -> list[str]:
    """Every problem but an unknown code (the code lists' part of the issue)."""
    return [str(p) for p in problems if "unknown code" not in p.message]


# NULL text -------------------------------------------------------------------------------


def test_null_text_is_empty_in_every_column_and_null_as_a_surname_is_data(db, tmp_path):
    parsed, result = check(copy("sql_nulls", tmp_path))
    assert not_codes(result.errors) == []
    assert not any("NULL" in str(p) for p in result.errors + result.warnings)
    people = {r["pers_person_id"]: r for r in parsed.rows("person")}
    assert [i for i, r in people.items() if r["pers_upn"]] == ["3004504"]
    assert people["3004504"]["pers_surname"] == "Null"
    nameless = people["3004503"]
    assert (nameless["pers_forename"], nameless["pers_surname"], nameless["pers_ethnicity"]) == (None,) * 3
    missing = {r["miss_table_id"]: r for r in parsed.rows("missing")}
    assert missing["981006"]["miss_missing_episode_end_date"] is None
    assert missing["981003"]["miss_missing_rhi_offered"] is None


def test_an_ssms_extract_imports_with_no_stored_null(db, tmp_path):
    result = run_import(copy("sql_nulls", tmp_path, blank_codes=True), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert (
        Person.objects.count() == 6 and MissingEpisode.objects.count() == 6 and Address.objects.count() == 4
    )
    assert not Person.objects.filter(upn="NULL").exists()
    assert Person.objects.get(source_id="3004504").surname == "Null"
    nameless = Person.objects.get(source_id="3004503")
    assert nameless.full_name == "Name not recorded (source id 3004503)"
    assert (nameless.date_of_birth, nameless.dob_estimated) == (dt.date(2016, 3, 15), True)
    # DATETIME text in date columns: the date written, the time of day dropped.
    assert Address.objects.get(source_id="6620001").start_date == dt.date(2016, 5, 4)
    assert Address.objects.get(source_id="6620002").end_date == dt.date(2023, 1, 31)
    assert Address.objects.get(source_id="6620001").end_date is None
    first = MissingEpisode.objects.get(source_id="981001")
    assert (first.reported_at, first.returned_at) == (
        dt.datetime(2019, 3, 15, 14, 20, tzinfo=UTC),
        dt.datetime(2019, 3, 16, 8, 5, tzinfo=UTC),
    )
    assert MissingEpisode.objects.get(source_id="981006").returned_at is None
    again = run_import(copy("sql_nulls", tmp_path / "again", blank_codes=True), actor=None)
    assert again.ok and again.counts is not None
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0


def test_null_text_stays_text_in_cshubs_own_files(db, tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob,pers_upn\nC1,Ann,Bell,2010-01-01,NULL\n"
    )
    parsed, result = check(folder)
    assert result.ok and parsed.rows("person")[0]["pers_upn"] == "NULL"


# Placeholders ------------------------------------------------------------------------------


def test_ssd_placeholders_are_empty_with_one_warning_per_column(db, tmp_path):
    parsed, result = check(copy("ssd_v124", tmp_path, only=("ssd_person.csv",)))
    assert not_codes(result.errors) == []
    assert all(r["pers_sex"] is None for r in parsed.rows("person"))
    placeholder = [str(w) for w in result.warnings if "placeholder" in w.message]
    assert placeholder == [
        "ssd_person.csv:2: pers_sex: 'SSD_PH' is the SSD's placeholder for no value, read as empty:"
        " 9 rows (lines 2, 3, 4, 5, 6, …)"
    ]


def test_the_1900_date_is_a_placeholder_in_a_councils_file(db, tmp_path):
    folder = tmp_path / "ssd"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id,pers_dob\n9001,2010-02-03 00:00:00.000\n")
    (folder / "ssd_address.csv").write_text(
        "addr_table_id,addr_person_id,addr_address_start_date,addr_address_end_date\n"
        "A1,9001,2015-03-02 11:04:27.000,1900-01-01 00:00:00.000\n"
    )
    parsed, result = check(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert parsed.rows("address")[0]["addr_address_end_date"] is None
    assert [str(w) for w in result.warnings] == [
        "ssd_address.csv:2: addr_address_end_date: '1900-01-01 00:00:00.000' is the SSD's placeholder"
        " for no value, read as empty: 1 row (line 2)"
    ]


# Dates and times ---------------------------------------------------------------------------


def test_datetime_text_in_a_date_column_is_its_date_in_a_councils_file_only():
    assert values.parse_date("2015-03-02 11:04:27.000", council=True) == dt.date(2015, 3, 2)
    assert values.parse_date("2024-05-20 00:00:00", council=True) == dt.date(2024, 5, 20)
    assert values.parse_date("2024-05-20T23:59", council=True) == dt.date(2024, 5, 20)
    with pytest.raises(values.CellError):
        values.parse_date("2015-03-02 11:04:27.000")  # CSHub's own files: midnight only
    with pytest.raises(values.CellError):
        values.parse_date("2015-03-02 25:04", council=True)


CLOCK_WARNINGS = [
    (2, "miss_missing_episode_start_date", "2023-03-26 01:30:00.000", "2023-03-26T01:30Z", "does not exist"),
    (3, "miss_missing_episode_start_date", "2023-10-29 01:30:00.000", "2023-10-29T00:30Z", "happens twice"),
    (4, "miss_missing_episode_end_date", "2024-03-31 01:15:00.000", "2024-03-31T01:15Z", "does not exist"),
    (5, "miss_missing_episode_end_date", "2024-10-27 01:45:00.000", "2024-10-27T00:45Z", "happens twice"),
    (9, "miss_missing_episode_start_date", "2023-10-29 01:00:00.000", "2023-10-29T00:00Z", "happens twice"),
    (10, "miss_missing_episode_start_date", "2023-03-26 01:00:00.000", "2023-03-26T01:00Z", "does not exist"),
]


def test_times_in_the_clock_change_hours_are_read_by_the_rule_with_a_warning_per_row(db, tmp_path):
    parsed, result = check(copy("clock_change", tmp_path))
    assert not_codes(result.errors) == []
    warned = [w for w in result.warnings if "UK time" in w.message]
    assert [(w.file, w.line, w.column) for w in warned] == [
        ("ssd_missing.csv", line, column) for line, column, *_ in CLOCK_WARNINGS
    ]
    for w, (_, _, local, instant, why) in zip(warned, CLOCK_WARNINGS, strict=True):
        assert f"'{local}'" in w.message and why in w.message and instant in w.message
    rows = {r["miss_table_id"]: r for r in parsed.rows("missing")}
    start, end = "miss_missing_episode_start_date", "miss_missing_episode_end_date"
    expected = {
        "982001": (dt.datetime(2023, 3, 26, 1, 30, tzinfo=UTC), dt.datetime(2023, 3, 26, 8, 0, tzinfo=UTC)),
        "982002": (
            dt.datetime(2023, 10, 29, 0, 30, tzinfo=UTC),
            dt.datetime(2023, 10, 29, 11, 20, tzinfo=UTC),
        ),
        "982003": (dt.datetime(2024, 3, 30, 22, 0, tzinfo=UTC), dt.datetime(2024, 3, 31, 1, 15, tzinfo=UTC)),
        "982004": (
            dt.datetime(2024, 10, 26, 19, 0, tzinfo=UTC),
            dt.datetime(2024, 10, 27, 0, 45, tzinfo=UTC),
        ),
        "982005": (dt.datetime(2023, 3, 25, 23, 10, tzinfo=UTC), dt.datetime(2023, 3, 26, 1, 0, tzinfo=UTC)),
        "982006": (dt.datetime(2023, 10, 29, 2, 0, tzinfo=UTC), dt.datetime(2023, 10, 29, 6, 30, tzinfo=UTC)),
        "982007": (
            dt.datetime(2024, 10, 26, 23, 59, tzinfo=UTC),
            dt.datetime(2024, 10, 27, 4, 0, tzinfo=UTC),
        ),
        "982008": (dt.datetime(2023, 10, 29, 0, 0, tzinfo=UTC), dt.datetime(2023, 10, 29, 5, 45, tzinfo=UTC)),
        "982009": (dt.datetime(2023, 3, 26, 1, 0, tzinfo=UTC), dt.datetime(2023, 3, 26, 6, 30, tzinfo=UTC)),
    }
    assert {i: (r[start], r[end]) for i, r in rows.items()} == expected


def test_check_says_what_the_import_says(db, tmp_path, capsys):
    folder = copy("clock_change", tmp_path, blank_codes=True)
    call_command("import", str(folder), "--check")
    checked = capsys.readouterr().err.splitlines()
    call_command("import", str(folder))
    imported = capsys.readouterr().err.splitlines()
    assert len([w for w in checked if "UK time" in w]) == 6
    assert checked == imported
    assert MissingEpisode.objects.count() == 9


def test_the_same_times_in_cshubs_own_file_stay_errors(db, tmp_path):
    folder = copy("clock_change", tmp_path, blank_codes=True)
    (folder / "ssd_person.csv").rename(folder / "person.csv")
    text = (folder / "ssd_missing.csv").read_text()
    (folder / "ssd_missing.csv").unlink()
    header, *rows = text.splitlines()
    keep = [h in ("miss_table_id", "miss_person_id") or h.endswith("_date") for h in header.split(",")]
    own = [",".join(c for c, k in zip(line.split(","), keep, strict=True) if k) for line in [header, *rows]]
    (folder / "missing.csv").write_text("\n".join(own) + "\n")
    _, result = check(folder)
    assert [
        (e.line, e.message.endswith("add a UTC offset")) for e in result.errors if e.file == "missing.csv"
    ] == [(line, True) for line, *_ in CLOCK_WARNINGS]


def test_a_return_within_the_repeated_hour_is_an_error_under_the_first_occurrence_rule(db, tmp_path):
    folder = copy("clock_change", tmp_path, only=("ssd_person.csv",), blank_codes=True)
    (folder / "ssd_missing.csv").write_text(
        "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_end_date\n"
        "982100,4004501,2023-10-29 01:50:00.000,2023-10-29 01:10:00.000\n"
    )
    _, result = check(folder)
    assert [str(e) for e in result.errors] == [
        "ssd_missing.csv:2: miss_missing_episode_end_date: the child returned before they were reported missing"
    ]
    assert len([w for w in result.warnings if "UK time" in w.message]) == 2


# Names and dates of birth ---------------------------------------------------------------------


def test_people_without_names_import_show_their_id_and_are_found_by_it(db, tmp_path, personas):
    result = run_import(copy("ssd_v124", tmp_path, only=("ssd_person.csv",), blank_codes=True), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert not [w for w in result.warnings if "same person" in w.message or "required" in w.message]
    assert Person.objects.count() == 9
    child = Person.objects.get(source_id="2004501")
    assert str(child) == child.full_name == "Name not recorded (source id 2004501)"
    assert (child.forename, child.surname) == ("", "")
    found = search_for(Person.objects.all(), "2004501")
    assert [m.person for m in found.matches] == [child]
    # Nobody's name matches a person who has none, and a person without a name matches nobody.
    assert likely_duplicates(Person.objects.all(), "", "", dt.date(2009, 8, 14)) == []
    assert search_for(Person.objects.all(), "Name not recorded").matches == []
    # The estimated date of birth of P3 (pers_expected_dob, no pers_dob).
    p3 = Person.objects.get(source_id="2004503")
    assert (p3.date_of_birth, p3.dob_estimated) == (dt.date(2009, 6, 15), True)
    # A second extract of nameless children: none is taken for another.
    more = copy("mosaic", tmp_path, only=("ssd_person.csv",), blank_codes=True)
    second = run_import(more, actor=None)
    assert second.ok, [str(e) for e in second.errors]
    assert not [w for w in second.warnings if "same person" in w.message]


def test_a_nameless_child_shows_as_name_not_recorded_on_their_page(db, tmp_path, client_for):
    assert run_import(copy("ssd_v124", tmp_path, only=("ssd_person.csv",), blank_codes=True), actor=None).ok
    child = Person.objects.get(source_id="2004502")
    client = client_for("practitioner")
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Name not recorded (source id 2004502)" in page
    # Where a sentence names the child by their forename, the whole of that is said instead.
    work = client.get(f"/children/{child.pk}/work/").content.decode()
    assert '<h1 class="govuk-heading-l">Work with Name not recorded (source id 2004502)</h1>' in work


def test_names_stay_required_in_cshubs_own_person_file(db, tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "person.csv").write_text("pers_person_id,pers_dob\nC1,2010-01-01\n")
    _, result = check(folder)
    assert [e.column for e in result.errors] == ["pers_forename", "pers_surname"]
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob\nC1,Ann,,2010-01-01\nC2,,,2010-01-01\n"
    )
    _, result = check(folder)
    assert [str(e) for e in result.errors] == ["person.csv:2: pers_surname: a value is required"]


def test_a_person_without_a_name_is_exported_and_imported_again_unchanged(db, tmp_path):
    assert run_import(copy("ssd_v124", tmp_path, only=("ssd_person.csv",), blank_codes=True), actor=None).ok
    export(tmp_path / "out", actor=None)
    again = run_import(tmp_path / "out", actor=None)
    assert again.ok, [str(e) for e in again.errors]
    assert again.counts is not None and again.counts.unchanged["person"] == 9
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0
    p3 = Person.objects.get(source_id="2004503")
    assert (p3.date_of_birth, p3.dob_estimated) == (dt.date(2009, 6, 15), True)


def test_an_unborn_childs_due_date_is_an_estimated_date_of_birth(db, tmp_path):
    # Mosaic: pers_dob empty, pers_expected_dob in the future; Eclipse: both the due date.
    for folder in ("mosaic", "eclipse"):
        result = run_import(copy(folder, tmp_path, only=("ssd_person.csv",), blank_codes=True), actor=None)
        assert result.ok, (folder, [str(e) for e in result.errors])
    for source_id in ("300109", "700109"):
        unborn = Person.objects.get(source_id=source_id)
        assert (unborn.date_of_birth, unborn.dob_estimated) == (dt.date(2027, 1, 20), True)
    assert Person.objects.get(source_id="700101").dob_estimated is False


# Files ---------------------------------------------------------------------------------------


def test_a_single_csv_file_is_read_as_a_folder_of_one(db, tmp_path):
    folder = copy("clock_change", tmp_path, blank_codes=True)
    result = run_import(folder / "ssd_person.csv", actor=None)
    assert result.ok and Person.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "notes.txt is not a folder, a .zip, a .csv or an .xml file"),
        ("broken.zip", b"PK not really", "broken.zip is not a folder, a .zip, a .csv or an .xml file"),
    ],
)
def test_a_file_cshub_cannot_read_is_refused_in_one_line(db, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path))
    assert str(caught.value) == message


def test_a_folder_of_returns_cshub_does_not_read_is_an_error_naming_what_it_found(db, tmp_path, capsys):
    """The SSDA903 header, episodes and missing files import (test_returns); its other
    tables, and a file of no format, are named in an error: never "0 rows"."""
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "reviews.csv").write_text(
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\n900001,01/02/2010,03/04/2024,PN1\r\n"
    )
    (folder / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\r\n900001,1,01/02/2010,\r\n")
    (folder / "notes.csv").write_text("a,b\r\n1,2\r\n")
    shutil.copy(EXTRACTS / "ssda903" / "README.md", folder / "README.md")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(folder))
    err = capsys.readouterr().err
    assert "reviews.csv:1: -: this looks like an SSDA903 reviews file, which CSHub does not read" in err
    assert "uasc.csv:1: -: this looks like an SSDA903 uasc file, which CSHub does not read" in err
    assert "notes.csv:1: -: not a file of the interchange format" in err
    assert "warning: README.md:1: -: not a data file, ignored" in err
    assert not ImportRun.objects.exists()


def test_an_xml_cshub_does_not_read_is_named_never_0_rows(db, tmp_path, capsys):
    xml = tmp_path / "return.xml"
    xml.write_text("<?xml version='1.0'?><EXPSSDA903><Header/></EXPSSDA903>")
    archive = tmp_path / "return.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(xml, "return.xml")
    for path in (xml, archive):
        with pytest.raises(CommandError):
            call_command("import", str(path))
        assert "this looks like an SSDA903 XML" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    _, result = check(empty)
    assert [str(e) for e in result.errors] == ["empty:1: -: no file of the interchange format"]
    assert not ImportRun.objects.exists()


def test_recognise_by_content():
    assert recognise("x.csv", b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\n") == "an SSDA903 missing file"
    assert recognise("missing.csv", b"\xef\xbb\xbfMIS_END,CHILD,DOB,MISSING,MIS_START\n") == (
        "an SSDA903 missing file"
    )
    assert recognise("missing.csv", b"miss_table_id,miss_person_id\n") is None
    assert recognise("r.xml", (EXTRACTS / "cin_census" / "cin_census_2025_26.xml").read_bytes()[:4096]) == (
        "a CIN census XML"
    )
    assert recognise("a.xml", b"<?xml version='1.0'?><EXPSSDA903>") == "an SSDA903 XML"
    assert recognise("reviews.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\n") == (
        "an SSDA903 reviews file, which CSHub does not read"
    )
    assert recognise("notes.csv", b"a,b\n") is None


def test_a_mosaic_extract_imports_whole_its_workers_keyed_by_staff_id(db, tmp_path, capsys):
    """Mosaic leaves prof_professional_id empty and has no name column: its workers are
    known by prof_staff_id, which is what its involvements and assessments refer to."""
    from cshub.access.models import User
    from cshub.socialcare.models import Involvement

    folder = copy("mosaic", tmp_path)
    call_command("import", str(folder))
    err = capsys.readouterr().err
    assert "required column is missing" not in err
    assert "invo_professional_id" not in err  # every worker named is a professional imported
    workers = User.objects.filter(source_id__in=["5011", "5012"])
    assert sorted(workers.values_list("username", flat=True)) == ["prof-5011", "prof-5012"]
    assert Involvement.objects.filter(professional_user__source_id="5011").exists()
    call_command("import", str(folder))  # the same extract again changes nothing
    counts = [line.split() for line in capsys.readouterr().out.splitlines() if "created" in line]
    assert counts and all(c[1] == "0" and c[3] == "0" for c in counts)


def test_a_row_the_ssd_may_leave_without_its_child_or_date_is_left_out_with_a_warning(db, tmp_path):
    """The SSD lets an address or a missing episode have no person or no start: in a
    council's file such a row is left out with one warning per column (CSHub cannot keep an
    address of nobody or an episode from no time); the rest of the extract imports. In
    CSHub's own files the same row stays an error."""
    folder = copy("sql_nulls", tmp_path)
    with (folder / "ssd_missing.csv").open("a", encoding="utf-8") as f:
        f.write("981091,NULL,2022-01-02 10:00:00.000,Missing,NULL,NULL,NULL\r\n")
        f.write("981092,3004501,NULL,Missing,NULL,NULL,NULL\r\n")
        f.write("981093,,2022-01-04 10:00:00.000,Missing,NULL,NULL,NULL\r\n")
    with (folder / "ssd_address.csv").open("a", encoding="utf-8") as f:
        f.write("6620091,3004501,HOME,NULL,NULL,BD3 9LQ,NULL\r\n")
    before = MissingEpisode.objects.count()
    result = run_import(folder, actor=None)
    assert result.ok, result.errors
    warnings = [str(w) for w in result.warnings]
    assert any(
        w.startswith("ssd_missing.csv:")
        and "miss_person_id: empty, so the row cannot be kept: 2 rows left out" in w
        for w in warnings
    ), warnings
    assert any(
        "miss_missing_episode_start_date: empty, so the row cannot be kept: 1 row left out" in w
        for w in warnings
    )
    assert any(
        "addr_address_start_date: empty, so the row cannot be kept: 1 row left out" in w for w in warnings
    )
    assert not MissingEpisode.objects.filter(source_id__in=["981091", "981092", "981093"]).exists()
    assert MissingEpisode.objects.count() > before
    assert not Address.objects.filter(source_id="6620091").exists()

    own = tmp_path / "own"
    own.mkdir()
    (own / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob\r\n1,Ann,Lee,2010-01-01\r\n"
    )
    (own / "missing.csv").write_text(
        "miss_table_id,miss_person_id,miss_missing_episode_start_date\r\n5,,\r\n"
    )
    _, checked = check(own)
    assert [str(e) for e in checked.errors] == [
        "missing.csv:2: miss_missing_episode_start_date: a value is required",
        "missing.csv:2: miss_person_id: a value is required",
    ]


def test_the_ssds_own_columns_cshub_does_not_keep_are_named_once_not_as_unknown(db, tmp_path):
    folder = copy("liquidlogic", tmp_path, only=("ssd_person.csv", "ssd_professionals.csv"))
    with (folder / "ssd_person.csv").open(encoding="utf-8") as f:
        header = f.readline().strip()
    (folder / "ssd_person.csv").write_text(
        (folder / "ssd_person.csv").read_text(encoding="utf-8").replace(header, header + ",shoe_size", 1)
    )
    _, result = check(folder)
    warnings = [str(w) for w in result.warnings]
    assert "ssd_person.csv:1: shoe_size: unknown column, ignored" in warnings
    assert not [w for w in warnings if "unknown column" in w and "shoe_size" not in w], warnings
    kept_not = [w for w in warnings if "not kept by CSHub" in w]
    assert len(kept_not) == 2 and any("pers_legacy_id" in w for w in kept_not), kept_not
