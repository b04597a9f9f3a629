"""The derived flags (register.sync): the hub's from its episodes, children's social care's
from the council's SSD extract; idempotent, set-based, removed with their source."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cshub.audit.models import Action, AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import TODAY, make_child, make_referral
from cshub.interchange.importer import run_import
from cshub.people.models import Person
from cshub.referrals import actions as referrals
from cshub.register.models import AreaFlag, Holder, Source
from cshub.register.sync import sync_people
from cshub.socialcare.models import AssessmentFactor


def _flags(person, source):
    return sorted(
        (f.concern, f.flagged_on, f.ended_on, f.holder, f.holder_team)
        for f in AreaFlag.objects.filter(person=person, source=source)
    )


def _closure(close_date):
    return casework.Closure(
        close_date=close_date,
        closure_summary="Safe at home; in college.",
        outcome_eet="YES",
        outcome_stable_accommodation="YES",
        outcome_positive_relationship="YES",
        feedback_child=False,
        feedback_parent_carer=False,
    )


def _open_episode(personas, child, kind="CRIMINAL_AND_SEXUAL", days_ago=20):
    manager = personas["team_manager"]
    referral = make_referral(child, personas["practitioner"], days_ago=days_ago + 2, kind=kind)
    referrals.decide_referral(
        referral, "OPEN", "Meets threshold.", actor=manager, decision_date=TODAY - dt.timedelta(days=days_ago)
    )
    return casework.open_episode(referral, actor=manager, open_date=TODAY - dt.timedelta(days=days_ago))


def test_opening_and_closing_a_hub_episode_flags_the_child_then_ends_the_flags(personas):
    child = make_child(personas["practitioner"])
    episode = _open_episode(personas, child)
    opened = TODAY - dt.timedelta(days=20)
    assert _flags(child, Source.HUB) == [
        ("CCE", opened, None, Holder.HUB, ""),
        ("CSE", opened, None, Holder.HUB, ""),
    ]
    closed = TODAY - dt.timedelta(days=2)
    casework.record_closure(
        episode, _closure(closed), actor=personas["team_manager"], override_reason="Safe now."
    )
    assert _flags(child, Source.HUB) == [
        ("CCE", opened, closed, Holder.HUB, ""),
        ("CSE", opened, closed, Holder.HUB, ""),
    ]
    # on the child's audit trail, by the manager who opened and closed it
    events = AuditEvent.objects.filter(child_id=child.pk, detail__has_key="derived_area_flags")
    assert events.count() == 2
    assert {e.actor_id for e in events} == {personas["team_manager"].pk}


def test_sync_is_idempotent_and_removes_flags_whose_source_is_gone(personas):
    child = make_child(personas["practitioner"])
    episode = _open_episode(personas, child, kind="CSE")
    before = list(AreaFlag.objects.values_list("pk", "origin", "concern", "flagged_on", "ended_on"))
    events = AuditEvent.objects.count()
    sync_people()
    sync_people([child.pk])
    assert list(AreaFlag.objects.values_list("pk", "origin", "concern", "flagged_on", "ended_on")) == before
    assert AuditEvent.objects.count() == events  # nothing changed, nothing written
    # a flag of the hub with no episode behind it any more (removed by hand here) goes
    AreaFlag.objects.create(
        person=child,
        source=Source.HUB,
        concern="GANGS",
        flagged_on=TODAY,
        holder=Holder.HUB,
        origin="hub:999999:GANGS",
    )
    AreaFlag.objects.create(
        person=child,
        source=Source.SCHOOL,
        concern="GANGS",
        flagged_on=TODAY,
        holder=Holder.SCHOOL,
        origin="cshub:x",
    )
    sync_people()
    assert sorted(AreaFlag.objects.values_list("origin", flat=True)) == ["cshub:x", f"hub:{episode.pk}:CSE"]


def test_sync_reads_a_fixed_number_of_queries_however_many_children(personas):
    worker = personas["practitioner"]
    first = make_child(worker, "Kofi", "Ashcombe")
    _open_episode(personas, first, kind="CSE")
    AreaFlag.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        sync_people()
    for n in range(4):
        _open_episode(personas, make_child(worker, f"Child{n}", "Brambleford"), kind="CCE")
    AreaFlag.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        sync_people()
    assert AreaFlag.objects.count() == 5
    assert len(many.captured_queries) == len(few.captured_queries)


CIN_EPISODES = (
    "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,cine_referral_nfa,"
    "cine_close_reason,cine_close_date,cine_referral_team\n"
    "2311005,1004501,2024-01-15,N1,N,{reason},{closed},104\n"
)
ASSESSMENTS = (
    "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,cina_assessment_auth_date\n"
    "3301005,1004501,2311005,2024-01-22,2024-03-01\n"
)
FACTORS = (
    "cinf_table_id,cinf_assessment_id,cinf_assessment_factors_json\n"
    '92005,3301005,"[""4A"", ""10A"", ""11A""]"\n'
)
INVOLVEMENTS = (
    "invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_professional_team,invo_person_id,"
    "invo_involvement_start_date,invo_involvement_end_date,invo_referral_id\n"
    "7711005,40201,CW,North locality team,1004501,2024-01-20,,2311005\n"
)


def _extract(folder: Path, closed: str = "", reason: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "ssd_cin_episodes.csv").write_text(CIN_EPISODES.format(closed=closed, reason=reason))
    (folder / "ssd_cin_assessments.csv").write_text(ASSESSMENTS)
    (folder / "ssd_assessment_factors.csv").write_text(FACTORS)
    (folder / "ssd_involvements.csv").write_text(INVOLVEMENTS)
    return folder


@pytest.mark.django_db
def test_an_ssd_import_flags_the_child_and_the_flags_end_when_the_cin_episode_closes(tmp_path):
    child = Person.objects.create(
        forename="Test", surname="Child", date_of_birth=dt.date(2010, 1, 1), source_id="1004501"
    )
    result = run_import(_extract(tmp_path / "one"), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    authorised = dt.date(2024, 3, 1)
    # 10A (missing) and 11A (CSE); 4A is not about exploitation
    assert _flags(child, Source.SOCIAL_CARE) == [
        ("CSE", authorised, None, Holder.LOCALITY, "North locality team"),
        ("MISSING", authorised, None, Holder.LOCALITY, "North locality team"),
    ]
    row = AssessmentFactor.objects.get().source_id
    assert sorted(AreaFlag.objects.values_list("origin", flat=True)) == [f"ssd:{row}:10A", f"ssd:{row}:11A"]
    # the same extract again: nothing changes
    before = list(AreaFlag.objects.values_list("pk", "origin", "flagged_on", "ended_on", "holder_team"))
    assert run_import(_extract(tmp_path / "two"), actor=None).ok
    assert (
        list(AreaFlag.objects.values_list("pk", "origin", "flagged_on", "ended_on", "holder_team")) == before
    )
    # the council closes the CIN episode: the flags end that day
    assert run_import(_extract(tmp_path / "three", closed="2024-09-30", reason="RC8"), actor=None).ok
    assert _flags(child, Source.SOCIAL_CARE) == [
        ("CSE", authorised, dt.date(2024, 9, 30), Holder.LOCALITY, "North locality team"),
        ("MISSING", authorised, dt.date(2024, 9, 30), Holder.LOCALITY, "North locality team"),
    ]
    # the factors no longer say exploitation: the flags go
    AssessmentFactor.objects.update(factors=["4A"])
    sync_people([child.pk])
    assert not AreaFlag.objects.exists()
    assert AuditEvent.objects.filter(
        child_id=child.pk, action=Action.UPDATE, detail__has_key="derived_area_flags"
    ).exists()
