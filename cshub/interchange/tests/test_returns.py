"""The DfE returns (issue 15): an SSDA903 folder and a CIN census XML, recognised by their
content whatever they are called, read as rows of the SSD tables and imported with the same
all-or-nothing checks. The data is the test extracts in `extracts/ssda903` and
`extracts/cin_census` (their READMEs give the expected results)."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cshub.interchange import returns
from cshub.interchange.importer import check, run_import
from cshub.interchange.reader import Parsed
from cshub.interchange.recognise import recognise
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person

EXTRACTS = Path(__file__).parent / "extracts"
UTC = dt.UTC


def copy(
    tmp_path: Path, folder: str, names: dict[str, str] | None = None, *, only: tuple[str, ...] = ()
) -> Path:
    """The data files of an extract folder (never its README), renamed as `names` says."""
    target = tmp_path / folder
    target.mkdir()
    for source in sorted((EXTRACTS / folder).iterdir()):
        if source.suffix in (".csv", ".xml") and (not only or source.name in only):
            shutil.copy(source, target / (names or {}).get(source.name, source.name))
    return target


def head(folder: str, name: str) -> bytes:
    return (EXTRACTS / folder / name).read_bytes()


# Recognising a file by its content ---------------------------------------------------------


def test_each_return_is_recognised_by_its_content_whatever_it_is_called():
    for name, what in (
        ("header.csv", "an SSDA903 header file"),
        ("episodes.csv", "an SSDA903 episodes file"),
        ("missing.csv", "an SSDA903 missing file"),
    ):
        data = head("ssda903", name)
        assert recognise(name, data) == what
        assert recognise(f"SSDA903_{name}", data) == what
        assert recognise("export (3).csv", data[:200]) == what  # the head alone is enough
    assert recognise("cin.xml", head("cin_census", "cin_census_2025_26.xml")) == "a CIN census XML"
    assert recognise("any name.xml", head("cin_census", "cin_census_2025_26.xml")[:600]) == "a CIN census XML"
    # A 903 table CSHub does not need is named as such; the 903 as one XML file too.
    assert (
        recognise("reviews.csv", b"CHILD,DOB,REVIEW,REVIEW_CODE\r\n")
        == "an SSDA903 reviews file, which CSHub does not read"
    )
    assert (
        recognise("903.xml", b"<?xml version='1.0'?>\n<EXPSSDA903><CHILD/></EXPSSDA903>") == "an SSDA903 XML"
    )
    assert recognise("other.xml", b"<?xml version='1.0'?>\n<!-- x -->\n<Orders/>") == (
        "an XML file CSHub does not read (its root element is <Orders>)"
    )
    assert recognise("census.txt", head("cin_census", "cin_census_2025_26.xml")) == "a CIN census XML"
    # CSHub's own files and the SSD's are not returns.
    assert recognise("missing.csv", head("liquidlogic", "ssd_missing.csv")) is None
    assert recognise("missing.csv", b"miss_table_id,miss_person_id,miss_missing_episode_start_date\n") is None
    # A column more or fewer than a 903 table has: not that table (the DfE validator's rule).
    assert recognise("missing.csv", b"CHILD,DOB,MISSING,MIS_START\n") is None


# SSDA903 -------------------------------------------------------------------------------------


def test_a_903_folder_imports_its_children_and_their_missing_episodes_from_care_at_midday(db, tmp_path):
    result = run_import(copy(tmp_path, "ssda903"), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    people = {str(p.source_id): p for p in Person.objects.all()}
    assert sorted(people) == ["LAC5001", "LAC5002", "LAC5003", "LAC5004", "LAC5005"]
    assert sorted(p.sex for p in people.values()) == ["F", "F", "F", "M", "M"]
    assert people["LAC5001"].date_of_birth == dt.date(2009, 8, 14)
    assert people["LAC5001"].ethnicity == "WBRI" and people["LAC5001"].upn == "A812345600511"
    assert people["LAC5002"].upn == ""  # UN2 says why there is no UPN: it is not one
    episodes = {e.source_id: e for e in MissingEpisode.objects.all()}
    assert len(episodes) == 8
    assert all(e.from_care for e in episodes.values())  # the 903 counts only looked-after children
    assert sorted(e.missing_type for e in episodes.values()) == ["A", "A", "M", "M", "M", "M", "M", "M"]
    assert not any(e.rhi_offered for e in episodes.values())  # a 903 has no interview flag
    # 12:00 UK time on the day: BST on 26 March 2023, GMT on 29 October 2023.
    spring = episodes["903:LAC5005:2023-03-26"]
    assert spring.reported_at == spring.returned_at == dt.datetime(2023, 3, 26, 11, 0, tzinfo=UTC)
    autumn = episodes["903:LAC5005:2023-10-29"]
    assert autumn.reported_at == dt.datetime(2023, 10, 29, 12, 0, tzinfo=UTC)
    assert autumn.returned_at == dt.datetime(2023, 10, 30, 12, 0, tzinfo=UTC)
    assert episodes["903:LAC5001:2025-03-22"].returned_at is None  # not back by the end of the year
    assert episodes["903:LAC5001:2024-07-13"].person == people["LAC5001"]
    # Every missing episode starts inside a care episode of its child: no warning, and no
    # clock-change warning either (midday is never in a clock-change hour).
    assert not [w for w in result.warnings if "missing.csv" in str(w)]
    (tmp_path / "again").mkdir()
    again = run_import(copy(tmp_path / "again", "ssda903"), actor=None)
    assert again.ok and again.counts is not None
    assert again.counts.created["missing"] == 0 and again.counts.unchanged["missing"] == 8
    assert again.counts.created["person"] == 0 and again.counts.unchanged["person"] == 5


def test_903_files_under_any_name_are_read_as_the_903_never_as_cshubs_own_missing_csv(db, tmp_path):
    names = {
        "header.csv": "SSDA903_header.csv",
        "episodes.csv": "lac episodes.csv",
        "missing.csv": "missing.csv",
    }
    parsed, result = check(copy(tmp_path, "ssda903", names))
    assert result.ok, [str(e) for e in result.errors]
    assert len(parsed.rows("missing")) == 8 and len(parsed.rows("person")) == 5
    assert not [w for w in result.warnings if "not a file of the interchange format" in str(w)]


def test_a_903_return_keeps_the_name_cshub_already_holds(db, tmp_path):
    """The 903 names nobody: a child already imported with a name (from the council's SSD
    extract, same id) keeps their name, gender and UPN when their 903 is imported."""
    first = tmp_path / "ssd"
    first.mkdir()
    (first / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob,pers_gender,pers_upn,csh_aliases\n"
        "LAC5002,Samuel,Okafor,2009-06-15,01,A812345600522,Sammy Okafor\n",
        encoding="utf-8",
    )
    assert run_import(first, actor=None).ok
    result = run_import(copy(tmp_path, "ssda903"), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    samuel = Person.objects.get(source_id="LAC5002")
    assert (samuel.forename, samuel.surname, samuel.gender, samuel.upn) == (
        "Samuel",
        "Okafor",
        "01",
        "A812345600522",
    )
    assert samuel.sex == "M" and samuel.ethnicity == "BAFR"  # what the 903 says
    assert samuel.names.filter(kind="ALIAS", forename="Sammy").exists()


def test_903_looked_after_episodes_are_read_as_ssd_cla_episode_rows(db, tmp_path):
    folder = copy(tmp_path, "ssda903")
    converted = returns.read(
        [(name, (folder / name).read_bytes()) for name in ("header.csv", "episodes.csv", "missing.csv")]
    )
    assert not converted.errors, [str(e) for e in converted.errors]
    rows = {r["clae_cla_episode_id"]: r for r in converted.rows("cla_episode")}
    assert len(rows) == 7
    first = rows["903:LAC5001:2024-05-20"]
    assert first["clae_person_id"] == "LAC5001"
    assert first["clae_cla_episode_start_date"] == dt.date(2024, 5, 20)
    assert first["clae_cla_episode_ceased_date"] == dt.date(2024, 8, 12)
    assert (first["clae_cla_episode_start_reason"], first["clae_cla_episode_ceased_reason"]) == ("S", "X1")
    assert first["clae_cla_primary_need_code"] == "N1"
    assert rows["903:LAC5001:2024-08-12"]["clae_cla_episode_ceased_date"] is None  # still looked after
    assert rows["903:LAC5003:2024-06-03"]["clae_cla_episode_ceased_reason"] == "E4A"
    assert converted.tables["cla_episode"].filename == "episodes.csv"
    assert [r.line for r in converted.rows("cla_episode")] == [2, 3, 4, 5, 6, 7, 8]


def test_errors_in_a_903_name_its_file_line_and_column(db, tmp_path):
    folder = copy(tmp_path, "ssda903")
    missing = (folder / "missing.csv").read_text(encoding="utf-8").replace("13/07/2024", "31/02/2024")
    (folder / "missing.csv").write_text(missing, encoding="utf-8")
    header = (folder / "header.csv").read_text(encoding="utf-8").replace("14/08/2009", "14/08/2039")
    (folder / "header.csv").write_text(header, encoding="utf-8")
    result = run_import(folder, actor=None)
    assert not result.ok and not Person.objects.exists()
    errors = [str(e) for e in result.errors]
    assert "missing.csv:2: MIS_START: '31/02/2024' is not a real date" in errors
    assert "header.csv:2: DOB: the date of birth must be today or in the past" in errors
    assert not [e for e in errors if "miss_" in e or "pers_" in e]  # the 903's own names only


def test_a_903_missing_episode_outside_every_care_episode_is_a_warning(db, tmp_path):
    folder = copy(tmp_path, "ssda903")
    with (folder / "missing.csv").open("a", encoding="utf-8", newline="") as f:
        f.write("LAC5004,27/02/2013,M,03/01/2025,04/01/2025\r\n")  # looked after from 01/02/2025
    result = run_import(folder, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert [str(w) for w in result.warnings if "missing.csv" in str(w)] == [
        "missing.csv:10: MIS_START: 3 January 2025 is outside every care episode of LAC5004 in "
        "episodes.csv: imported as missing from care, as the 903 says"
    ]
    assert MissingEpisode.objects.get(source_id="903:LAC5004:2025-01-03").from_care is True


def test_two_903_episodes_of_a_child_on_one_day_get_ids_in_file_order(db, tmp_path):
    folder = copy(tmp_path, "ssda903")
    with (folder / "missing.csv").open("a", encoding="utf-8", newline="") as f:
        f.write("LAC5001,14/08/2009,A,13/07/2024,13/07/2024\r\n")
    converted = returns.read([("missing.csv", (folder / "missing.csv").read_bytes())])
    ids = [r["miss_table_id"] for r in converted.rows("missing")]
    assert ids[0] == "903:LAC5001:2024-07-13" and ids[-1] == "903:LAC5001:2024-07-13:2"


# CIN census ----------------------------------------------------------------------------------


def cin_rows(tmp_path: Path) -> Parsed:
    data = head("cin_census", "cin_census_2025_26.xml")
    return returns.read([("cin_census_2025_26.xml", data)])


def test_a_cin_census_is_read_as_rows_of_the_ssd_tables(db, tmp_path):
    converted = cin_rows(tmp_path)
    people = {r["pers_person_id"]: r for r in converted.rows("person")}
    assert sorted(people) == ["CIN6001", "CIN6002", "CIN6003", "CIN6004", "CIN6005", "CIN6006"]
    assert people["CIN6001"]["pers_dob"] == dt.date(2009, 8, 14)
    assert (people["CIN6001"]["pers_sex"], people["CIN6001"]["pers_ethnicity"]) == ("F", "WBRI")
    assert people["CIN6001"]["pers_upn"] == "A812345600611" and people["CIN6003"]["pers_upn"] is None
    assert people["CIN6005"]["pers_dob"] is None  # unborn: only an expected date
    assert not people["CIN6001"]["pers_forename"] and not people["CIN6001"]["pers_surname"]
    episodes = {r["cine_referral_id"]: r for r in converted.rows("cin_episode")}
    assert len(episodes) == 7
    closed = episodes["cin:CIN6002:2024-05-28"]
    assert closed["cine_close_date"] == dt.date(2025, 5, 14) and closed["cine_close_reason"] == "RC7"
    assert closed["cine_referral_nfa"] is False  # "0"
    assert episodes["cin:CIN6001:2025-01-15"]["cine_referral_nfa"] is False  # "false"
    opened = episodes["cin:CIN6002:2025-11-03"]
    assert opened["cine_person_id"] == "CIN6002" and opened["cine_close_date"] is None
    assert (opened["cine_cin_primary_need_code"], opened["cine_referral_source_code"]) == ("N6", "6")
    assert sum(1 for e in episodes.values() if e["cine_close_date"]) == 2
    assessments = {r["cina_assessment_id"]: r for r in converted.rows("cin_assessment")}
    assert len(assessments) == 6
    first = assessments["cin:CIN6001:2025-01-15:2025-01-22"]
    assert first["cina_person_id"] == "CIN6001" and first["cina_referral_id"] == "cin:CIN6001:2025-01-15"
    assert first["cina_assessment_start_date"] == dt.date(2025, 1, 22)
    assert first["cina_assessment_auth_date"] == dt.date(2025, 3, 3)
    factors = {
        r["cinf_assessment_id"]: r["cinf_assessment_factors_json"]
        for r in converted.rows("assessment_factor")
    }
    assert factors["cin:CIN6001:2025-01-15:2025-01-22"] == '["4A", "10A", "11A"]'
    assert factors["cin:CIN6002:2025-11-03:2025-11-05"] == '["10A", "24A"]'
    assert sum(v.count('"') // 2 for v in factors.values()) == 13
    (plan,) = converted.rows("cp_plan")
    assert plan["cppl_cp_plan_id"] == "cin:CIN6004:2024-11-28" and plan["cppl_person_id"] == "CIN6004"
    assert (plan["cppl_cp_plan_initial_category"], plan["cppl_cp_plan_latest_category"]) == ("NEG", "MUL")
    assert plan["cppl_cp_plan_start_date"] == dt.date(2024, 11, 28) and plan["cppl_cp_plan_end_date"] is None
    # Rows name the XML's lines: the child's identifiers, each CINdetails, each assessment.
    assert converted.tables["person"].filename == "cin_census_2025_26.xml"
    assert [r.line for r in converted.rows("person")][:2] == [19, 51]
    # Read again, the ids are the same: a re-import changes nothing.
    assert [r["cina_assessment_id"] for r in cin_rows(tmp_path).rows("cin_assessment")] == list(assessments)
    warned = [str(w) for w in converted.warnings]
    assert any("not read" in w and "Section47" in w and "CINPlanDates" in w for w in warned), warned


def test_a_cin_census_in_a_folder_is_checked_not_imported_as_nothing(db, tmp_path):
    parsed, result = check(copy(tmp_path, "cin_census", {"cin_census_2025_26.xml": "return.xml"}))
    assert len(parsed.rows("person")) == 6 and result.rows >= 6


def test_errors_in_a_cin_census_name_the_xml_line_and_element(db, tmp_path):
    folder = copy(tmp_path, "cin_census")
    path = folder / "cin_census_2025_26.xml"
    path.write_text(path.read_text(encoding="utf-8").replace("2008-11-02", "2008-13-02"), encoding="utf-8")
    result = run_import(folder, actor=None)
    assert "cin_census_2025_26.xml:55: PersonBirthDate: '2008-13-02' is not a real date" in [
        str(e) for e in result.errors
    ]


def test_an_xml_file_that_is_not_well_formed_or_uses_entities_is_one_clear_error(db, tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header>"
        "<Children><Child><ChildIdentifiers><LAchildID>&b;</LAchildID></ChildIdentifiers></Child></Children></Message>"
    )
    (folder / "census.xml").write_text(bomb, encoding="utf-8")
    result = run_import(folder, actor=None)
    assert [str(e) for e in result.errors] == [
        "census.xml:1: -: the XML declares entities, which CSHub does not read: export it again without a DOCTYPE"
    ]


@pytest.mark.parametrize(("sex", "expected"), [("1", "M"), ("2", "F"), ("m", "M")])
def test_the_903s_older_sex_codes_are_read(db, tmp_path, sex, expected):
    data = f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nLAC1,{sex},01/02/2010,WBRI,,,\r\n".encode()
    converted = returns.read([("header.csv", data)])
    assert converted.rows("person")[0]["pers_sex"] == expected


# On the Imports page -------------------------------------------------------------------------


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    settings.CSHUB_UPLOAD_DIR = tmp_path / "uploads"


def test_a_manager_imports_a_903_on_the_imports_page_under_any_file_names(client_for, uploads_in_tmp):
    manager = client_for("team_manager")
    files = [
        SimpleUploadedFile(f"SSDA903_2025_{name}", head("ssda903", name), content_type="text/csv")
        for name in ("header.csv", "episodes.csv", "missing.csv")
    ]
    assert manager.post("/imports/", {"files": files})["Location"] == "/imports/review/"
    review = manager.get("/imports/review/").content.decode()
    assert "The files have no errors" in review and "SSDA903_2025_missing.csv" in review
    manager.post("/imports/confirm/", {"decision": "import"})
    assert MissingEpisode.objects.filter(source_id__startswith="903:", from_care=True).count() == 8


def test_a_cin_census_xml_can_be_uploaded_on_the_imports_page(client_for, uploads_in_tmp):
    manager = client_for("team_manager")
    upload = SimpleUploadedFile(
        "census.xml", head("cin_census", "cin_census_2025_26.xml"), content_type="text/xml"
    )
    assert manager.post("/imports/", {"files": upload})["Location"] == "/imports/review/"
    review = manager.get("/imports/review/").content.decode()
    assert "census.xml" in review


def test_a_903_in_a_zip_under_other_names_imports_the_same(db, tmp_path):
    archive = tmp_path / "lac return.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("header.csv", "episodes.csv", "missing.csv"):
            z.write(EXTRACTS / "ssda903" / name, f"SSDA903 2025-26/SSDA903_{name}")
    result = run_import(archive, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts is not None and result.counts.created["missing"] == 8


def test_a_child_twice_in_a_cin_census_is_reported_at_both_xml_lines(db, tmp_path):
    text = head("cin_census", "cin_census_2025_26.xml").decode()
    first = text[text.index("    <Child>") : text.index("    <Child>", text.index("    <Child>") + 1)]
    twice = text.replace("  </Children>", first + "  </Children>")
    converted = returns.read([("census.xml", twice.encode())])
    line = twice[: twice.rindex("<LAchildID>")].count("\n") + 1  # each LAchildID element's line
    assert f"census.xml:{line}: LAchildID: duplicate of the row on line 21" in [
        str(e) for e in converted.errors
    ]


def test_a_return_and_another_file_giving_the_same_table_are_an_error_not_a_mixture(db, tmp_path):
    folder = copy(tmp_path, "ssda903")
    shutil.copy(EXTRACTS / "cin_census" / "cin_census_2025_26.xml", folder / "census.xml")
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob\nX1,Ann,Lee,2010-01-01\n"
    )
    result = run_import(folder, actor=None)
    errors = [str(e) for e in result.errors]
    assert "census.xml:1: -: header.csv holds the same table: give only one" in errors
    assert "header.csv:1: -: person.csv holds the same table: import the return on its own" in errors
    assert not Person.objects.exists()
