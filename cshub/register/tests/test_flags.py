"""Flags recorded on a child, ended, and imported from a flag file (csh_area_flag.csv):
matched through the person index as police reports are, rejected whole on bad input,
idempotent on (source, flag_id)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cshub.audit.models import Action, AuditEvent
from cshub.conftest import TODAY, make_child
from cshub.core.dates import format_date
from cshub.interchange.areaflags import import_flags
from cshub.people.models import Person, TimelineEntry, TimelineKind
from cshub.register import actions
from cshub.register.models import AreaFlag, HeldFlag, Holder, Source

BORN = dt.date(2010, 5, 4)
HEADER = "flag_id,source,person_id,forename,surname,date_of_birth,concern,flagged_on,ended_on,holder,holder_team,holder_contact\n"


def _file(tmp_path, body, header=HEADER, name="csh_area_flag.csv"):
    path = tmp_path / name
    path.write_text(header + body)
    return path


def _state():
    return (
        sorted(
            AreaFlag.objects.values_list("origin", "person_id", "concern", "flagged_on", "ended_on", "holder")
        ),
        sorted(Person.objects.values_list("pk", "forename", "surname", "date_of_birth")),
        sorted(HeldFlag.objects.values_list("origin", "forename", "resolved_at", "flag")),
    )


def test_a_child_flagged_by_three_sources_is_one_child_with_three_flags(personas, tmp_path):
    manager = personas["team_manager"]
    before = Person.objects.count()
    path = _file(
        tmp_path,
        "EH-1,EARLY_HELP,,Jaylen,Okonkwo-Reyes,2010-05-04,CCE,2026-01-10,,,Early help east,eh@example.org\n"
        "S-77,SCHOOL,,Jaylen,Okonkwo-Reyes,04/05/2010,CSE;24A,2026-02-01,,,,\n"
        "P-9,POLICE,,Jaylen,Okonkwo-Reyes,2010-05-04,gangs,2026-03-01,,,,\n",
    )
    result = import_flags(path, actor=manager)
    assert result.ok, [str(e) for e in result.errors]
    assert Person.objects.count() == before + 1
    child = Person.objects.get(surname="Okonkwo-Reyes")
    assert sorted(AreaFlag.objects.filter(person=child).values_list("source", "concern")) == [
        ("EARLY_HELP", "CCE"),
        ("POLICE", "GANGS"),
        ("SCHOOL", "CCE"),  # 24A, the CIN factor for criminal exploitation
        ("SCHOOL", "CSE"),
    ]
    assert (result.created, result.matched, result.held, result.imported) == (1, 2, 0, 4)
    early_help = AreaFlag.objects.get(person=child, source="EARLY_HELP")
    assert (early_help.holder, early_help.holder_team, early_help.holder_contact) == (
        Holder.EARLY_HELP,
        "Early help east",
        "eh@example.org",
    )
    assert TimelineEntry.objects.filter(person=child, kind=TimelineKind.AREA_FLAG).count() == 4
    assert result.run is not None


def test_a_certain_match_is_used_and_a_child_id_is_the_councils_or_cshubs(personas, tmp_path):
    manager = personas["team_manager"]
    known = make_child(manager, "Kofi", "Ashcombe", born=BORN)
    council = make_child(manager, "Amara", "Brambleford", born=BORN)
    Person.objects.filter(pk=council.pk).update(source_id="SSD-4411")  # the council's id, from its extract
    before = Person.objects.count()
    path = _file(
        tmp_path,
        "1,YOUTH_JUSTICE,,Kofi,Ashcombe,2010-05-04,CCE,2026-01-10,,,,\n"
        f"2,YOUTH_JUSTICE,{known.pk},,,,11A,2026-01-10,,,,\n"
        "3,HEALTH,SSD-4411,,,,MISSING,2026-01-10,,,,\n",
    )
    result = import_flags(path, actor=manager)
    assert result.ok, [str(e) for e in result.errors]
    assert Person.objects.count() == before
    assert sorted(AreaFlag.objects.filter(person=known).values_list("concern", flat=True)) == ["CCE", "CSE"]
    assert list(AreaFlag.objects.filter(person=council).values_list("concern", "holder")) == [
        ("MISSING", "OTHER")
    ]
    assert (result.matched, result.by_id, result.created, result.held) == (1, 2, 0, 0)


def test_a_child_that_may_be_one_of_several_is_held_then_matched_by_a_worker(personas, tmp_path):
    manager, worker = personas["team_manager"], personas["practitioner"]
    twin = make_child(manager, "Kofi", "Ashcombe", born=BORN)
    make_child(manager, "Kofi", "Ashcombe", born=BORN)
    path = _file(tmp_path, "EH-5,EARLY_HELP,,Kofi,Ashcombe,2010-05-04,CSE;CCE,2026-01-10,,,,\n")
    result = import_flags(path, actor=manager)
    assert result.ok
    assert (result.held, result.imported) == (1, 0)
    assert not AreaFlag.objects.exists()
    held = HeldFlag.objects.waiting().order_by("origin")
    assert [h.origin for h in held] == ["import:EARLY_HELP:EH-5:CCE", "import:EARLY_HELP:EH-5:CSE"]
    flag = actions.resolve_held_flag(held[0], twin, actor=worker)
    assert flag.person == twin
    # the row's other concern is about the same child: matched with it
    assert not HeldFlag.objects.waiting().exists()
    assert sorted(AreaFlag.objects.filter(person=twin).values_list("concern", flat=True)) == ["CCE", "CSE"]
    with pytest.raises(ValidationError, match="already been matched"):
        actions.resolve_held_flag(held[1], twin, actor=worker)
    # sent again: the flags are there, nothing held again
    again = import_flags(path, actor=manager)
    assert (again.imported, again.unchanged, again.held) == (0, 2, 0)
    assert AreaFlag.objects.count() == 2


def test_a_held_flag_about_a_new_child_creates_their_record(personas, tmp_path):
    manager, worker = personas["team_manager"], personas["practitioner"]
    make_child(manager, "Kofi", "Ashcombe", born=BORN)
    result = import_flags(_file(tmp_path, "9,POLICE,,Kofi,Ashcombe,,CCE,2026-01-10,,,,\n"), actor=manager)
    assert result.held == 1  # no date of birth: never certain
    held = HeldFlag.objects.waiting().get()
    with pytest.raises(ValidationError, match="no date of birth"):
        actions.resolve_held_flag(held, None, actor=worker)


def test_the_same_file_again_changes_nothing(personas, tmp_path):
    manager = personas["team_manager"]
    make_child(manager, "Kofi", "Ashcombe", born=BORN)
    make_child(manager, "Ama", "Lindqvist", born=BORN)
    make_child(manager, "Ama", "Lindqvist", born=BORN)
    body = (
        "1,SCHOOL,,Kofi,Ashcombe,2010-05-04,CCE,2026-01-10,2026-02-01,,,\n"
        "2,SCHOOL,,Nia,Featherstonehaugh,2011-01-02,CSE,2026-01-10,,,,\n"
        "3,SCHOOL,,Ama,Lindqvist,2010-05-04,CSE,2026-01-10,,,,\n"
    )
    first = import_flags(_file(tmp_path, body), actor=manager)
    assert (first.matched, first.created, first.held, first.imported) == (1, 1, 1, 2)
    state = _state()
    events = AuditEvent.objects.exclude(action__in=[Action.VIEW, Action.SEARCH, Action.IMPORT]).count()
    second = import_flags(_file(tmp_path, body), actor=manager)
    assert second.ok
    assert _state() == state
    assert (second.imported, second.updated, second.unchanged, second.held) == (0, 0, 2, 1)
    assert (
        AuditEvent.objects.exclude(action__in=[Action.VIEW, Action.SEARCH, Action.IMPORT]).count() == events
    )
    # a later file ends a flag: that flag changes, nothing else
    third = import_flags(
        _file(tmp_path, body.replace("2026-01-10,,,,\n", "2026-01-10,2026-03-01,,,\n", 1)), actor=manager
    )
    assert (third.updated, third.unchanged) == (1, 1)
    assert AreaFlag.objects.get(origin="import:SCHOOL:2:CSE").ended_on == dt.date(2026, 3, 1)


FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("body", "header", "problem"),
    [
        (
            "1,SCHOOL,99999999,,,,CSE,2026-01-10,,,,\n",
            HEADER,
            "csh_area_flag.csv:3: person_id: unknown child id '99999999'",
        ),
        (
            "1,SCHOOL,,Nia,Feather,2011-01-02,CSE;9Z,2026-01-10,,,,\n",
            HEADER,
            "csh_area_flag.csv:3: concern: unknown concern or factor code '9Z'",
        ),
        (
            f"1,SCHOOL,,Nia,Feather,2011-01-02,CSE,{FUTURE},,,,\n",
            HEADER,
            f"csh_area_flag.csv:3: flagged_on: {format_date(dt.date.fromisoformat(FUTURE))} is in the future",
        ),
        (
            f"1,SCHOOL,,Nia,Feather,2011-01-02,CSE,2026-01-10,{FUTURE},,,\n",
            HEADER,
            f"csh_area_flag.csv:3: ended_on: {format_date(dt.date.fromisoformat(FUTURE))} is in the future",
        ),
        (
            "1,SCHOOL,,Nia,Feather,2011-01-02,2026-01-10\n",
            "flag_id,source,person_id,forename,surname,date_of_birth,flagged_on\n",
            "csh_area_flag.csv:1: concern: required column is missing",
        ),
        (
            "1,HUB,,Nia,Feather,2011-01-02,CSE,2026-01-10,,,,\n",
            HEADER,
            "csh_area_flag.csv:3: source: 'HUB' flags come from their own records",
        ),
        (
            "1,SCHOOL,,,,,CSE,2026-01-10,,,,\n",
            HEADER,
            "csh_area_flag.csv:3: person_id: give the child's person_id, or their forename and surname",
        ),
        (
            "1,SCHOOL,,Nia,Feather,2011-01-02,CSE,10/01/2026,,,,\n2,SCHOOL,,Nia,Feather,2011-01-02,CSE,not a date,,,,\n",
            HEADER,
            "csh_area_flag.csv:4: flagged_on: 'not a date' is not a date",
        ),
        (
            "1,SCHOOL,,Nia,Feather,2011-01-02,CSE,2026-01-10,,,,\n1,school,,Nia,Feather,2011-01-02,CCE,2026-01-10,,,,\n",
            HEADER,
            "csh_area_flag.csv:4: flag_id: duplicate of the row on line 3",
        ),
    ],
)
def test_bad_input_is_rejected_whole_and_changes_nothing(personas, tmp_path, body, header, problem):
    manager = personas["team_manager"]
    make_child(manager, "Kofi", "Ashcombe", born=BORN)
    # a good row before the bad one: it is not written either
    good = "0,POLICE,,Kofi,Ashcombe,2010-05-04,CCE,2026-01-10,,,,\n" if header == HEADER else ""
    state = _state()
    result = import_flags(_file(tmp_path, good + body, header=header), actor=manager)
    assert not result.ok
    assert any(str(e).startswith(problem) for e in result.errors), [str(e) for e in result.errors]
    assert _state() == state
    assert result.run is None


def test_recording_a_flag_on_a_child(personas):
    worker = personas["practitioner"]
    child = make_child(worker)
    flag = actions.record_flag(
        child,
        source=Source.YOUTH_JUSTICE,
        concern="CCE",
        flagged_on=TODAY - dt.timedelta(days=3),
        holder=Holder.YOUTH_JUSTICE,
        holder_team="YOS north",
        actor=worker,
    )
    assert flag.origin.startswith("cshub:")
    assert flag.recorded_by == worker
    entry = TimelineEntry.objects.get(person=child, kind=TimelineKind.AREA_FLAG)
    assert (
        entry.summary
        == "Flagged at risk of child criminal exploitation by youth justice (case held by youth justice, YOS north)"
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="register.areaflag", child_id=child.pk
    ).exists()
    for bad, field in (
        ({"source": Source.HUB}, "source"),
        ({"source": Source.SOCIAL_CARE}, "source"),
        ({"flagged_on": TODAY + dt.timedelta(days=1)}, "flagged_on"),
        ({"concern": "NOPE"}, "concern"),
    ):
        values: dict[str, Any] = {
            "source": Source.SCHOOL,
            "concern": "CSE",
            "flagged_on": TODAY,
            "holder": Holder.SCHOOL,
            **bad,
        }
        with pytest.raises(ValidationError) as err:
            actions.record_flag(child, actor=worker, **values)
        assert field in err.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.record_flag(
            child,
            source="SCHOOL",
            concern="CSE",
            flagged_on=TODAY,
            holder="SCHOOL",
            actor=personas["analyst"],
        )
    assert AreaFlag.objects.count() == 1


def test_ending_a_flag_needs_a_reason_and_a_date_on_or_after_it(personas):
    worker = personas["practitioner"]
    child = make_child(worker)
    flag = actions.record_flag(
        child,
        source="SCHOOL",
        concern="CSE",
        flagged_on=TODAY - dt.timedelta(days=10),
        holder="SCHOOL",
        actor=worker,
    )
    with pytest.raises(ValidationError) as err:
        actions.end_flag(flag, ended_on=TODAY - dt.timedelta(days=11), reason="", actor=worker)
    assert set(err.value.message_dict) == {"ended_on", "reason"}
    actions.end_flag(flag, ended_on=TODAY, reason="Moved out of the area.", actor=worker)
    flag.refresh_from_db()
    assert flag.ended_on == TODAY
    with pytest.raises(ValidationError, match="already ended"):
        actions.end_flag(flag, ended_on=TODAY, reason="Again", actor=worker)
    assert TimelineEntry.objects.filter(
        person=child, kind=TimelineKind.AREA_FLAG, summary__contains="Moved out"
    ).exists()
