import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cshub.audit.models import Action, AuditEvent
from cshub.casework.models import Episode
from cshub.interchange import values
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.missing.models import MissingEpisode, ReturnInterview
from cshub.people import actions as people_actions
from cshub.people.models import Person
from cshub.referrals.models import Referral

GOOD = {
    "professional.csv": "prof_professional_id,prof_professional_name,csh_agency\nP1,Ffion Ashworth,POLICE\n",
    "person.csv": (
        "\ufeffpers_person_id,pers_forename,pers_surname,pers_dob,pers_sex,pers_gender,csh_aliases,extra_col\n"
        "C1,Kofi,Ashcombe,2010-05-04,M,01,Ghost,x\n"
        "C2,Ava,Oakholme,15/01/2011,F,,,\n"
    ),
    "address.csv": "addr_table_id,addr_person_id,addr_address_postcode,addr_address_start_date,csh_imd_decile\nA1,C1,mx4 2ab,2019-03-15 00:00:00.000,2\n",
    "csh_referral.csv": (
        "referral_id,person_id,received_date,primary_type,other_types,decision,decision_date,decision_rationale\n"
        "R1,C1,2024-05-01,CCE,SERIOUS_VIOLENCE,OPEN,2024-05-02,Meets threshold\n"
        "R2,C2,2024-06-01,CSE,,PENDING,,\n"
    ),
    "csh_episode.csv": (
        "episode_id,person_id,referral_id,open_date,close_date,allocated_worker_id,outcome_eet,feedback_child\n"
        "E1,C1,R1,2024-05-02,2024-11-30,P1,YES,y\n"
    ),
    "missing.csv": (
        "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_end_date,miss_missing_episode_type\n"
        "M1,C1,2024-10-25 22:00,2024-10-26T09:30:00+01:00,M\n"
    ),
    "csh_return_interview.csv": "interview_id,missing_id,outcome,completed_at,interviewer_id\nI1,M1,COMPLETED,2024-10-28 09:00,P1\n",
}


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    target = tmp_path / "import"
    target.mkdir(exist_ok=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def test_a_good_folder_imports_everything(db, tmp_path):
    result = run_import(folder(tmp_path, GOOD), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    kofi = Person.objects.get(source_id="C1")
    assert kofi.names.filter(kind="ALIAS", forename="Ghost").exists()
    assert Person.objects.get(source_id="C2").date_of_birth == dt.date(2011, 1, 15)
    assert kofi.addresses.get().postcode == "MX4 2AB"
    episode = Episode.objects.get(source_id="E1")
    assert (
        episode.allocated_worker.get_full_name() == "Ffion Ashworth"
        and not episode.allocated_worker.is_active
    )
    assert episode.feedback_child is True
    assert MissingEpisode.objects.get().reported_at == dt.datetime(2024, 10, 25, 21, 0, tzinfo=dt.UTC)  # BST
    assert [str(w) for w in result.warnings] == ["person.csv:1: extra_col: unknown column, ignored"]
    assert kofi.timeline.filter(kind="REFERRAL").exists()
    # The child's audit trail shows the import and every record it created about them.
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=kofi.pk)
    assert event.detail["import"] == result.run.pk and event.via == "import"
    referral = Referral.objects.get(person=kofi)
    assert referral.pk in event.detail["created"]["referrals.referral"]
    assert kofi.pk in event.detail["created"]["people.person"]
    # The import's own event lists the records about no child (the professionals).
    own = AuditEvent.objects.get(action=Action.IMPORT, child_id=None)
    assert own.object_id == str(result.run.pk) and own.detail["counts"] == result.run.counts
    assert len(own.detail["created"]["access.user"]) == result.counts.created["professional"]


def test_every_error_is_listed_and_nothing_is_written(db, tmp_path):
    bad = dict(GOOD)
    bad["person.csv"] = (
        "pers_person_id,pers_forename,pers_surname,pers_dob,pers_ethnicity\n"
        "C1,Kofi,Ashcombe,2010-02-30,WBRI\n"
        "C2,Ava,Oakholme,,XXXX\n"
        "C1,Dup,Licate,2011-01-01,\n"
    )
    bad["csh_episode.csv"] = (
        "episode_id,person_id,open_date,close_date\nE1,C1,2024-05-02,2024-04-01\nE2,C9,2024-05-02,\n"
    )
    bad["missing.csv"] = (
        "miss_table_id,miss_person_id,miss_missing_episode_start_date\nM1,C1,2024-10-27 01:30\n"
    )
    bad["csh_referral.csv"] = "referral_id,person_id,received_date,decision\nR1,C1,2024-05-01,OPEN\n"
    result = run_import(folder(tmp_path, bad), actor=None)
    assert [str(e) for e in result.errors] == [
        "csh_episode.csv:2: close_date: the episode closes before it opens",
        "csh_episode.csv:3: person_id: no person with id 'C9' in the import or in CSHub",
        "csh_referral.csv:1: primary_type: required column is missing",
        "missing.csv:2: miss_missing_episode_start_date: '2024-10-27 01:30' happens twice in UK time (the clocks went back): add a UTC offset",
        "person.csv:2: pers_dob: '2010-02-30' is not a real date",
        "person.csv:3: pers_dob: a child needs a date of birth",
        "person.csv:3: pers_ethnicity: unknown code 'XXXX' in 1 row (line 3) (expected one of WBRI, WIRI, WIRT, WOTH, WROM, MWBC, MWBA, MWAS, MOTH, AIND, APKN, ABAN, AOTH, BCRB, BAFR, BOTH, CHNE, OOTH, REFU, NOBT)"
        ": map it to a CSHub code on the Imports page or with cshub import --map",
        "person.csv:4: pers_person_id: duplicate of the row on line 2",
    ]
    assert not Person.objects.exists() and not AuditEvent.objects.filter(action=Action.IMPORT).exists()


def test_the_command_prints_errors_and_exits_non_zero(db, tmp_path, capsys):
    bad = {"person.csv": "pers_person_id,pers_forename,pers_surname,pers_dob\nC1,Kofi,Ashcombe,2010-13-01\n"}
    with pytest.raises(CommandError, match="1 error"):
        call_command("import", str(folder(tmp_path, bad)))
    assert "person.csv:2: pers_dob: '2010-13-01' is not a real date" in capsys.readouterr().err


def test_importing_twice_changes_nothing_and_a_changed_row_updates(db, tmp_path):
    path = folder(tmp_path, GOOD)
    run_import(path, actor=None)
    again = run_import(path, actor=None)
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0
    changed = dict(GOOD)
    changed["csh_referral.csv"] = GOOD["csh_referral.csv"].replace(
        "R2,C2,2024-06-01,CSE,,PENDING,,", "R2,C2,2024-06-01,CSE,,NFA,2024-06-03,No indicators"
    )
    third = run_import(folder(tmp_path, changed), actor=None)
    assert third.counts.updated["referral"] == 1 and Referral.objects.get(source_id="R2").decision == "NFA"
    r2 = Referral.objects.get(source_id="R2")
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=r2.person_id, detail__import=third.run.pk)
    assert event.detail == {
        "import": third.run.pk,
        "changed": {"referrals.referral": {str(r2.pk): ["decision", "decision_date", "decision_rationale"]}},
    }
    # The second import changed nothing, so no child's trail names it.
    assert not AuditEvent.objects.filter(detail__import=again.run.pk).exclude(child_id=None).exists()


def test_import_export_import_is_the_identity(db, tmp_path):
    run_import(folder(tmp_path, GOOD), actor=None)
    first, second = tmp_path / "first", tmp_path / "second"
    export(first, actor=None)
    assert sum(run_import(first, actor=None).counts.updated.values()) == 0
    export(second, actor=None)
    for csv_file in first.iterdir():
        assert csv_file.read_text() == (second / csv_file.name).read_text(), csv_file.name
    assert "P1,Ffion Ashworth,,POLICE" in (first / "professional.csv").read_text()


def test_ssd_names_and_zip_files(db, tmp_path):
    files = {"ssd_person.csv": GOOD["person.csv"], "ssd_missing.csv": GOOD["missing.csv"]}
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in files.items():
            zf.writestr(f"extract/{name}", text)
    assert run_import(archive, actor=None).ok
    assert MissingEpisode.objects.count() == 1
    both = folder(tmp_path, {"person.csv": GOOD["person.csv"], "ssd_person.csv": GOOD["person.csv"]})
    assert [str(e) for e in run_import(both, actor=None).errors] == [
        "ssd_person.csv:1: -: person.csv holds the same table: give only one"
    ]


def test_overlapping_episodes_are_refused(db, tmp_path):
    files = dict(GOOD)
    files["csh_episode.csv"] = (
        "episode_id,person_id,open_date,close_date\nE1,C1,2024-05-02,2024-08-01\nE2,C1,2024-07-01,\n"
    )
    errors = [str(e) for e in run_import(folder(tmp_path, files), actor=None).errors]
    assert errors == ["csh_episode.csv:3: open_date: overlaps another episode of the same child"]


def test_a_failure_half_way_leaves_the_database_as_it_was(db, tmp_path, monkeypatch):
    from cshub.interchange import fastinsert

    real = fastinsert.insert_new

    def broken(model, rows, pks):
        if model is ReturnInterview:  # the last table: everything before it is written
            raise OSError("disk full")
        return real(model, rows, pks)

    monkeypatch.setattr("cshub.interchange.write.insert_new", broken)
    with pytest.raises(OSError, match="disk full"):
        run_import(folder(tmp_path, GOOD), actor=None)
    assert not Person.objects.exists() and not MissingEpisode.objects.exists()


def test_date_and_time_rules():
    assert values.parse_date("2019-03-15 00:00:00.000") == dt.date(2019, 3, 15)
    assert values.parse_date("5/4/2010") == dt.date(2010, 4, 5)
    with pytest.raises(values.CellError):  # CSHub's own files: a date, or a date-time at midnight
        values.parse_date("2019-03-15 10:00")
    assert values.parse_date("2019-03-15 10:00", council=True) == dt.date(2019, 3, 15)  # SQL DATETIME
    assert values.parse_datetime("2024-07-01 12:00") == dt.datetime(2024, 7, 1, 11, 0, tzinfo=dt.UTC)  # BST
    assert values.parse_datetime("2024-03-31T01:30:00Z").tzinfo is not None
    with pytest.raises(values.CellError, match="does not exist"):
        values.parse_datetime("2024-03-31 01:30")  # clocks go forward at 01:00
    assert values.parse_datetime("2024-03-31 01:30+00:00") == dt.datetime(2024, 3, 31, 1, 30, tzinfo=dt.UTC)
    assert values.parse_flag("y") is True


def _again(tmp_path: Path, name: str, **changes: tuple[str, str]) -> dict[str, str]:
    """GOOD with text replaced in some files, in a folder of its own."""
    files = dict(GOOD)
    for filename, (old, new) in changes.items():
        assert old in files[filename]
        files[filename] = files[filename].replace(old, new)
    (tmp_path / name).mkdir()
    return files


def test_a_child_renamed_by_a_re_import_is_found_by_the_new_name(db, tmp_path):
    from cshub.people.search import search_people

    run_import(folder(tmp_path, GOOD), actor=None)
    renamed = _again(tmp_path, "b", **{"person.csv": ("C2,Ava,Oakholme", "C2,Ava,Brightwater")})
    assert run_import(folder(tmp_path / "b", renamed), actor=None).counts.updated["person"] == 1
    ava = Person.objects.get(source_id="C2")
    assert [(n.kind, n.surname) for n in ava.names.all()] == [("PRIMARY", "Brightwater")]
    assert [m.person for m in search_people(Person.objects.all(), "Ava Brightwater")] == [ava]


def test_an_id_that_looks_like_a_cshub_id_names_the_record_that_came_with_it(db, tmp_path, personas):
    """Files from another CSHub carry its ids (`csh-<n>`): once imported here, such an id
    names the record it came with, never this CSHub's own record <n>."""
    worker = personas["practitioner"]
    native = people_actions.create_person(
        people_actions.PersonDetails("Nia", "Native", date_of_birth=dt.date(2012, 1, 1)), actor=worker
    )
    target = native.pk + 2  # the id the next record made here after the import will have
    person_csv = (
        f"pers_person_id,pers_forename,pers_surname,pers_dob\ncsh-{target},Remy,Fromelsewhere,2011-02-03\n"
    )
    (tmp_path / "a").mkdir()
    run_import(folder(tmp_path / "a", {"person.csv": person_csv}), actor=None)
    later = people_actions.create_person(
        people_actions.PersonDetails("Lee", "Later", date_of_birth=dt.date(2012, 1, 1)), actor=worker
    )
    assert later.pk == target  # so the id in the file now also spells this record's CSHub id
    (tmp_path / "b").mkdir()
    result = run_import(
        folder(tmp_path / "b", {"person.csv": person_csv.replace("Remy", "Remi")}), actor=None
    )
    assert result.counts.updated["person"] == 1 and result.counts.created["person"] == 0
    assert Person.objects.get(source_id=f"csh-{target}").forename == "Remi"
    assert Person.objects.get(pk=later.pk).forename == "Lee"


def test_values_longer_than_their_field_are_errors_before_anything_is_written(db, tmp_path):
    long = _again(
        tmp_path,
        "b",
        **{
            "person.csv": (
                "C2,Ava,Oakholme,15/01/2011,F,,,",
                f"C2,Ava,Oakholme,15/01/2011,F,,{'x' * 101} Smith,",
            ),
            "address.csv": ("A1,C1,mx4 2ab", f"{'A' * 70},C1,mx4 2ab{'x' * 8}"),
        },
    )
    errors = [str(e) for e in run_import(folder(tmp_path / "b", long), actor=None).errors]
    assert errors == [
        "address.csv:2: addr_address_postcode: longer than 10 characters (15)",
        "address.csv:2: addr_table_id: longer than 64 characters (70)",
        "person.csv:3: csh_aliases: a name in this alias is longer than 100 characters",
    ]
    assert not Person.objects.exists()


def test_free_text_over_the_long_text_limit_is_an_error_before_anything_is_written(db, tmp_path):
    long = _again(
        tmp_path,
        "b",
        **{"csh_referral.csv": ("OPEN,2024-05-02,Meets threshold", f"OPEN,2024-05-02,{'x' * 20_001}")},
    )
    errors = [str(e) for e in run_import(folder(tmp_path / "b", long), actor=None).errors]
    assert errors == ["csh_referral.csv:2: decision_rationale: longer than 20000 characters (20001)"]
    assert not Person.objects.exists()


def test_a_record_moved_to_another_child_shows_on_both_childrens_trails(db, tmp_path):
    first = run_import(folder(tmp_path, GOOD), actor=None)
    moved = _again(tmp_path, "b", **{"missing.csv": ("M1,C1,", "M1,C2,")})
    second = run_import(folder(tmp_path / "b", moved), actor=None)
    kofi, ava = Person.objects.get(source_id="C1"), Person.objects.get(source_id="C2")
    episode = MissingEpisode.objects.get(source_id="M1")
    assert episode.person == ava and first.run.pk != second.run.pk
    for child in (kofi, ava):
        event = AuditEvent.objects.get(action=Action.IMPORT, child_id=child.pk, detail__import=second.run.pk)
        assert event.detail["changed"]["missing.missingepisode"] == {str(episode.pk): ["person_id"]}


def test_a_large_import_brings_the_planners_statistics_up_to_date(db, tmp_path, monkeypatch):
    """A search right after a council's first import must not be planned for empty tables."""
    from django.db import connection

    from cshub.interchange import importer

    monkeypatch.setattr(importer, "ANALYZE_FROM_ROWS", 1)
    assert run_import(folder(tmp_path, GOOD), actor=None).ok
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'people_personname' "
                "AND last_analyze IS NOT NULL"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_personname'")
        assert cursor.fetchone()[0] >= 1
