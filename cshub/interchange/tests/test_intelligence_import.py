"""Intelligence in the interchange format: csh_intelligence.csv (police intelligence, one
row per link) and csh_interview_entry.csv (return-interview entries, captured as
intelligence on import as on the page)."""

import pytest
from django.core.management import call_command

from cshub.audit.models import Action, AuditEvent
from cshub.intelligence import actions
from cshub.intelligence.actions import SubjectDetails
from cshub.intelligence.models import Alert, Link, Subject
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.interchange.tests.test_import_export import GOOD, folder
from cshub.missing.models import InterviewEntry
from cshub.people.models import Person

pytestmark = pytest.mark.django_db

HEADER = (
    "intel_id,person_id,from_kind,from_value,from_person_id,from_platform,from_place_kind,from_postcode,"
    "from_group_kind,subject_kind,subject_value,subject_person_id,subject_platform,subject_place_kind,"
    "subject_postcode,subject_group_kind,link_type,first_seen,last_seen,source_evaluation,assessment,"
    "handling,agencies,detail\n"
)
INTEL = HEADER + (
    "X1,C1,,,,,,,,VEHICLE,ab12 cde,,,,,,TRAVELS_IN,2024-10-01,,,,,,Seen getting in\n"
    "X2,,ADULT,,A1,,,,,GROUP,Blade line,,,,,COUNTY_LINE,MEMBER_OF,2024-09-01,2024-10-01,1,B,P,,\n"
    "X3,C2,,,,,,,,ADULT,,A1,,,,,ASSOCIATES,2024-10-02,,2,B,P,,\n"
    "X4,C1,,,,,,,,PHONE,07700 900123,,,,,,CONTACTS,2024-10-03,,3,E,C,POLICE;HEALTH,\n"
    "X5,C1,,,,,,,,PLACE,Golden Fry,,,TAKEAWAY,m1 1ae,,SEEN_AT,2024-10-04,,,,,,\n"
    "X6,C2,,,,,,,,ACCOUNT,@Tee_Money,,Snapchat,,,,CONTACTS,,,,,,,\n"
)
ENTRIES = (
    "interview_id,kind,value,detail\n"
    "I1,VEHICLE,AB12 CDE,picked up\n"
    "I1,PLACE,Golden Fry,\n"
    "I1,PHONE,not a number,\n"
    "I1,PERSON,Dean Marlowe,gives lifts\n"
    "I1,PERSON,'Jay' about 20,\n"
)


def files(**extra: str) -> dict[str, str]:
    person = GOOD["person.csv"].replace(",extra_col", "").replace(",x\n", "\n").replace(",,,\n", ",,\n")
    person = (
        person.replace("pers_gender,csh_aliases", "pers_gender,csh_aliases,csh_person_type")
        .replace("Ghost\n", "Ghost,CHILD\n")
        .replace("F,,\n", "F,,,CHILD\n")
    )
    return {**GOOD, "person.csv": person + "A1,Dean,Marlowe,1990-04-02,M,01,,ADULT\n", **extra}


def test_police_intelligence_imports_as_links_with_subjects_timeline_audit_and_alerts(
    tmp_path, personas, settings
):
    settings.CSHUB_INTEL_ADULT_CHILDREN = 2
    car = actions.create_subject(
        SubjectDetails(kind="VEHICLE", name="AB12CDE"), actor=personas["practitioner"]
    )
    path = folder(tmp_path, files(**{"csh_intelligence.csv": INTEL}))
    result = run_import(path, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert result.counts.created["intelligence"] == 6
    kofi, ava, dean = (Person.objects.get(source_id=i) for i in ("C1", "C2", "A1"))
    x1 = Link.objects.get(source_id="X1", source_type="POLICE")
    assert x1.subject == car and x1.child == kofi  # matched with the pages' normal form
    assert (x1.grading, x1.graded_by_rule, x1.detail) == ("2CC", True, "Seen getting in")  # the rule
    x2 = Link.objects.get(source_id="X2")
    assert x2.child is None and x2.from_subject.person == dean and x2.from_subject.confirmed
    assert (x2.subject.name, x2.subject.group_kind, x2.grading) == ("Blade line", "COUNTY_LINE", "1BP")
    x4 = Link.objects.get(source_id="X4")
    assert x4.subject.key == "+447700900123" and x4.agencies == ["POLICE", "HEALTH"] and not x4.graded_by_rule
    x5 = Link.objects.get(source_id="X5")
    assert (x5.subject.postcode, x5.subject.place_kind, x5.subject.key) == (
        "M1 1AE",
        "TAKEAWAY",
        "M1 1AE|golden fry",
    )
    assert Link.objects.get(source_id="X6").subject.key == "snapchat:tee_money"
    assert Subject.objects.filter(confirmed=False).count() == 0
    # The children's timelines, as the page path writes them (the kind of subject only).
    assert kofi.timeline.filter(
        kind="INTELLIGENCE", summary="Intelligence link: travels in vehicle (1 October 2024)"
    )
    assert ava.timeline.filter(kind="INTELLIGENCE").count() == 2
    # One import event per child lists the links created about them.
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=kofi.pk)
    assert sorted(event.detail["created"]["intelligence.link"]) == sorted(
        Link.objects.filter(child=kofi).values_list("pk", flat=True)
    )
    # Ava is linked to the adult, a member of the Blade line: the same alert as the page.
    alert = Alert.objects.get(child=ava)
    assert alert.reason == "New link to an existing county line, Blade line through an adult of concern."

    again = run_import(path, actor=None)
    assert (again.counts.created["intelligence"], again.counts.updated["intelligence"]) == (0, 0)
    assert Link.objects.filter(source_type="POLICE").count() == 6 and Alert.objects.count() == 1
    assert not AuditEvent.objects.filter(detail__import=again.run.pk).exclude(child_id=None).exists()

    changed = INTEL.replace(
        "X3,C2,,,,,,,,ADULT,,A1,,,,,ASSOCIATES,2024-10-02,,2,B,P,",
        "X3,C2,,,,,,,,ADULT,,A1,,,,,EXPLOITS,2024-10-02,2024-11-01,1,A,P,",
    )
    third = run_import(folder(tmp_path, files(**{"csh_intelligence.csv": changed})), actor=None)
    assert third.counts.updated["intelligence"] == 1
    x3 = Link.objects.get(source_id="X3")
    assert (x3.link_type, x3.grading) == ("EXPLOITS", "1AP")
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=ava.pk, detail__import=third.run.pk)
    assert event.detail["changed"]["intelligence.link"][str(x3.pk)] == [
        "link_type",
        "last_seen",
        "source_evaluation",
        "assessment",
        "graded_at",
        "graded_by",
    ]


def test_intelligence_rows_with_errors_are_listed_by_line_and_nothing_is_written(tmp_path):
    bad = HEADER + (
        "X1,C1,,,,,,,,VEHICLE,NOT A PLATE 1,,,,,,TRAVELS_IN,,,,,,,\n"
        "X2,C1,,,,,,,,PHONE,123,,,,,,CONTACTS,,,,,,,\n"
        "X3,C1,,,,,,,,PLACE,Golden Fry,,,,,,SEEN_AT,,,4,F,X,,\n"
        "X4,C1,,,,,,,,PLACE,Golden Fry,,,,,,SEEN_AT,,,2,B,,,\n"
        "X5,C1,,,,,,,,PLACE,Golden Fry,,,,,,SEEN_AT,,,2,B,P,POLICE,\n"
        "X6,A1,,,,,,,,ADULT,,C2,,,,,ASSOCIATES,,,,,,,\n"
        "X7,,,,,,,,,GROUP,Blade line,,,,,,MEMBER_OF,2024-10-02,2024-10-01,,,,,\n"
        "X8,C1,,,,,,,,ADULT,,C9,,,,,ASSOCIATES,,,,,,,\n"
    )
    result = run_import(folder(tmp_path, files(**{"csh_intelligence.csv": bad})), actor=None)
    f = "csh_intelligence.csv"
    assert [str(e) for e in result.errors] == [
        f"{f}:2: subject_value: enter a UK vehicle registration, like AB12 CDE",
        f"{f}:3: subject_value: enter a phone number with the right number of digits, like 07700 900123",
        f"{f}:4: assessment: unknown code 'F' in 1 row (line 4) (expected one of A, B, C, D, E)"
        f": map it to a CSHub code on the Imports page or with cshub import --map",
        f"{f}:4: handling: unknown code 'X' in 1 row (line 4) (expected one of P, C)"
        f": map it to a CSHub code on the Imports page or with cshub import --map",
        f"{f}:4: source_evaluation: unknown code '4' in 1 row (line 4) (expected one of 1, 2, 3)"
        f": map it to a CSHub code on the Imports page or with cshub import --map",
        f"{f}:5: handling: give the whole grading (source_evaluation, assessment, handling), or none to grade by rule",
        f"{f}:6: agencies: only handling code C has agencies who may see it",
        f"{f}:7: person_id: person 'A1' is an adult: link an adult of concern as a subject",
        f"{f}:7: subject_person_id: person 'C2' is a child, not an adult of concern",
        f"{f}:8: last_seen: last seen is before first seen",
        f"{f}:8: person_id: a link is from a child (person_id) or from a subject (from_kind): give one of them",
        f"{f}:8: subject_group_kind: a group needs its kind: PEER, OCG or COUNTY_LINE",
        f"{f}:9: subject_person_id: no person with id 'C9' in the import or in CSHub",
    ]
    assert not Person.objects.exists() and not Link.objects.exists() and not Subject.objects.exists()


def test_imported_interview_entries_are_captured_as_proposed_subjects_and_links_once(tmp_path, personas):
    worker = personas["practitioner"]
    car = actions.create_subject(SubjectDetails(kind="VEHICLE", name="AB12 CDE"), actor=worker)
    path = folder(tmp_path, files(**{"csh_interview_entry.csv": ENTRIES}))
    result = run_import(path, actor=None)
    assert result.ok, [str(e) for e in result.errors]
    kofi, dean = Person.objects.get(source_id="C1"), Person.objects.get(source_id="A1")
    assert InterviewEntry.objects.filter(person=kofi).count() == 5
    links = Link.objects.filter(child=kofi, source_type="RETURN_INTERVIEW")
    assert links.count() == 4  # "not a number" is kept as an entry, not proposed as a phone
    assert links.get(link_type="TRAVELS_IN").subject == car  # a known subject, matched
    fry = links.get(link_type="SEEN_AT").subject
    assert (fry.name, fry.confirmed, fry.place_kind) == ("Golden Fry", False, "OTHER")
    assert (
        not links.filter(link_type="CONTACTS").exists() and not Subject.objects.filter(kind="PHONE").exists()
    )
    adults = {lk.subject.name: lk.subject for lk in links.filter(link_type="ASSOCIATES")}
    assert adults["Dean Marlowe"].person == dean and not adults["Dean Marlowe"].confirmed
    assert adults["'Jay' about 20"].person is None
    assert links.get(link_type="TRAVELS_IN").detail == "picked up"
    assert all(lk.graded_by_rule and lk.first_seen.isoformat() == "2024-10-28" for lk in links)
    assert kofi.timeline.filter(kind="INTELLIGENCE").count() == 4
    event = AuditEvent.objects.get(action=Action.IMPORT, child_id=kofi.pk)
    assert len(event.detail["created"]["intelligence.link"]) == 4
    assert len(event.detail["created"]["missing.interviewentry"]) == 5

    subjects = Subject.objects.count()
    again = run_import(path, actor=None)
    assert again.counts.created["interview_entry"] == 0
    assert Link.objects.filter(source_type="RETURN_INTERVIEW").count() == 4
    assert Subject.objects.count() == subjects and InterviewEntry.objects.count() == 5


def test_import_export_import_is_the_identity_with_intelligence(tmp_path, capsys):
    path = folder(tmp_path, files(**{"csh_intelligence.csv": INTEL, "csh_interview_entry.csv": ENTRIES}))
    call_command("import", str(path))
    printed = capsys.readouterr().out
    assert "intelligence            6 created       0 updated       0 unchanged" in printed
    assert "intel_subject" in printed and "interview_entry         5 created" in printed
    first, second = tmp_path / "first", tmp_path / "second"
    export(first, actor=None)
    again = run_import(first, actor=None)
    assert again.ok, [str(e) for e in again.errors]
    assert sum(again.counts.updated.values()) == sum(again.counts.created.values()) == 0
    export(second, actor=None)
    for csv_file in first.iterdir():
        assert csv_file.read_text() == (second / csv_file.name).read_text(), csv_file.name
    exported = (first / "csh_intelligence.csv").read_text()
    assert exported.count("\n") == 7 and "X4,C1" in exported and "POLICE;HEALTH" in exported
    assert (first / "csh_interview_entry.csv").read_text().count("\n") == 6


def test_an_import_on_the_page_grades_only_as_a_police_officer_and_needs_the_permission(tmp_path, personas):
    path = folder(tmp_path, files(**{"csh_intelligence.csv": INTEL}))
    manager = personas["team_manager"]
    refused = run_import(path, actor=manager)
    assert sorted(
        {(e.line, e.column, e.message) for e in refused.errors if e.file == "csh_intelligence.csv"}
    ) == [
        (
            line,
            "source_evaluation",
            "only a police officer grades intelligence: leave the grading to the rule",
        )
        for line in (3, 4, 5)
    ]
    ungraded = HEADER + "X1,C1,,,,,,,,VEHICLE,ab12 cde,,,,,,TRAVELS_IN,2024-10-01,,,,,,\n"
    path = folder(tmp_path, files(**{"csh_intelligence.csv": ungraded}))
    assert run_import(path, actor=manager).ok
    assert Link.objects.get(source_id="X1").recorded_by == manager
    analyst = personas["analyst"]
    refused = run_import(path, actor=analyst)
    assert "csh_intelligence.csv:2: intel_id: you may not record intelligence" in [
        str(e) for e in refused.errors
    ]


def test_a_hidden_character_in_a_subjects_name_is_an_error_on_its_line(tmp_path, personas):
    hostile = INTEL.replace("Blade line", "Blade\u202e line").replace("Snapchat", "Snap\u200bchat")
    result = run_import(folder(tmp_path, files(**{"csh_intelligence.csv": hostile})), actor=None)
    assert [str(e) for e in result.errors] == [
        "csh_intelligence.csv:3: subject_value: contains a hidden character that changes how it is shown "
        "(a direction or zero-width character)",
        "csh_intelligence.csv:7: subject_platform: contains a hidden character that changes how it is "
        "shown (a direction or zero-width character)",
    ]
    assert not Subject.objects.exists()
