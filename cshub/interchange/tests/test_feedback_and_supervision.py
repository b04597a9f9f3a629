"""Feedback words at closure and supervision (group sessions about several children) are in
the interchange format (issue 16): imported, exported, re-imported without change."""

import datetime as dt

import pytest

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.interchange.tests.test_import_export import GOOD, folder
from cshub.people.models import Person
from cshub.supervision.models import Supervision

pytestmark = pytest.mark.django_db

FILES = {
    **GOOD,
    "professional.csv": (
        "prof_professional_id,prof_professional_name,csh_agency\nP1,Ffion Ashworth,POLICE\nP2,Rhys Calder,SOCIAL_CARE\n"
    ),
    "csh_episode.csv": (
        "episode_id,person_id,referral_id,open_date,close_date,allocated_worker_id,outcome_eet,feedback_child,"
        "feedback_child_said,feedback_child_how,feedback_parent_carer,feedback_parent_carer_said,feedback_parent_carer_how\n"
        'E1,C1,R1,2024-05-02,2024-11-30,P1,YES,y,"You listened, and I got my place at college back",FACE_TO_FACE,Y,'
        '"Calmer at home, we talk now",phone\n'
        "E2,C2,,2024-06-05,,P1,,,,,,,\n"
    ),
    "csh_supervision.csv": (
        "supervision_id,episode_id,kind,held_on,supervisor_id,supervisee_id,locality_worker,others_present,"
        "discussion,reflection,decisions\n"
        "S1,E1,GROUP,2024-07-01,P2,P1,,Hub team,Both children seen at the same flat,,Share the address with police\n"
        "S2,E1,JOINT,2024-08-01,P2,P1,Sam Locality,,The plan after the hub,,Keep the episode open\n"
    ),
    "csh_supervision_episode.csv": "supervision_id,episode_id\nS1,E2\n",
}


def test_feedback_words_and_group_supervision_import(tmp_path):
    result = run_import(folder(tmp_path, FILES), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    e1 = Episode.objects.get(source_id="E1")
    assert e1.feedback_child_said == "You listened, and I got my place at college back"
    assert (e1.feedback_child_how, e1.feedback_parent_carer_how) == ("FACE_TO_FACE", "PHONE")
    assert e1.feedback_parent_carer_said == "Calmer at home, we talk now"
    group = Supervision.objects.get(source_id="S1")
    assert group.kind == "GROUP" and group.held_on == dt.date(2024, 7, 1)
    assert list(group.group_episodes.values_list("source_id", flat=True)) == ["E2"]
    assert group.supervisor == User.objects.get(source_id="P2") == group.recorded_by
    ava = Person.objects.get(source_id="C2")
    assert list(Supervision.objects.about_child(ava)) == [group]  # on the other child's record
    assert Supervision.objects.get(source_id="S2").locality_worker == "Sam Locality"

    again = run_import(folder(tmp_path, FILES), actor=None)
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0


def test_import_export_import_keeps_feedback_and_supervision(tmp_path):
    run_import(folder(tmp_path, FILES), actor=None)
    first, second = tmp_path / "first", tmp_path / "second"
    export(first, actor=None)
    episodes = (first / "csh_episode.csv").read_text()
    assert '"You listened, and I got my place at college back",FACE_TO_FACE' in episodes
    assert "S1,E1,GROUP,2024-07-01,P2,P1,,Hub team" in (first / "csh_supervision.csv").read_text()
    assert (first / "csh_supervision_episode.csv").read_text().splitlines() == [
        "supervision_id,episode_id",
        "S1,E2",
    ]
    again = run_import(first, actor=None)
    assert sum(again.counts.created.values()) == sum(again.counts.updated.values()) == 0
    export(second, actor=None)
    for csv_file in first.iterdir():
        assert csv_file.read_text() == (second / csv_file.name).read_text(), csv_file.name


def test_a_changed_session_updates_and_its_other_children_follow_the_file(tmp_path):
    run_import(folder(tmp_path, FILES), actor=None)
    changed = dict(FILES)
    changed["csh_supervision.csv"] = FILES["csh_supervision.csv"].replace(
        "Share the address with police", "Share the address with police and housing"
    )
    changed["csh_supervision_episode.csv"] = "supervision_id,episode_id\n"
    result = run_import(folder(tmp_path, changed), actor=None)
    assert result.counts.updated["supervision"] == 1
    group = Supervision.objects.get(source_id="S1")
    assert group.decisions.endswith("and housing")
    assert list(group.group_episodes.all()) == [Episode.objects.get(source_id="E2")]  # S1 not named: kept


def test_supervision_rules_are_checked(tmp_path):
    bad = dict(FILES)
    bad["csh_supervision.csv"] = (
        FILES["csh_supervision.csv"]
        .replace("Sam Locality", "")
        .replace("S1,E1,GROUP,2024-07-01,P2,P1,,", "S1,E1,GROUP,2024-07-01,P2,P1,Sam Locality,")
    )
    bad["csh_supervision_episode.csv"] = "supervision_id,episode_id\nS1,E1\nS2,E2\n"
    errors = [str(e) for e in run_import(folder(tmp_path, bad), actor=None).errors]
    assert errors == [
        "csh_supervision.csv:2: locality_worker: only a JOINT session names a locality social worker",
        "csh_supervision.csv:3: locality_worker: required for a JOINT session",
        "csh_supervision_episode.csv:2: episode_id: the child the session was recorded from: list only the others",
        "csh_supervision_episode.csv:3: supervision_id: other children are discussed in a GROUP session only",
    ]
    assert not Supervision.objects.exists()
