import datetime as dt

from django.db.models import Count

from cshub.audit.models import AuditEvent
from cshub.casework.models import Episode
from cshub.demo.generator import generate
from cshub.people.models import Person
from cshub.referrals.models import Referral


def test_generator_makes_a_living_hub_through_the_actions(db):
    summary = generate(seed=7, today=dt.date(2026, 11, 23), years=1, referrals_per_year=120)
    assert Referral.objects.count() == summary.referrals == 120
    by_type = dict(Referral.objects.values_list("primary_type").annotate(n=Count("id")))
    assert 0.45 < by_type["CCE"] / 120 < 0.75
    assert 0.10 < by_type["CSE"] / 120 < 0.35
    boys = Person.objects.filter(sex="M").count() / Person.objects.count()
    assert 0.55 < boys < 0.85
    assert Episode.objects.open().exists() and Episode.objects.exclude(close_date=None).exists()
    assert Referral.objects.pending().exists()
    assert Person.objects.filter(restricted=True).count() == 2
    # Every record went through an action: each child has a timeline and an audit trail.
    child = Person.objects.filter(referrals__isnull=False).first()
    assert child is not None
    assert child.timeline.exists() and AuditEvent.objects.filter(child_id=child.pk).exists()
    for episode in Episode.objects.exclude(close_date=None):
        assert episode.closure_authorised_by is not None
        assert episode.outcome_eet
    # Open episodes at every stage of casework (issue 5), some of it overdue.
    from cshub.assessments.models import Finding
    from cshub.contact.models import VoiceEntry
    from cshub.plans.models import ChildPlan, SafetyPlan, TriggerPlan
    from cshub.supervision.models import Supervision, without_supervision

    today = dt.date(2026, 11, 23)
    assert Finding.objects.exists() and ChildPlan.objects.exists()
    assert SafetyPlan.objects.exists() and TriggerPlan.objects.exists() and VoiceEntry.objects.exists()
    assert Supervision.objects.filter(kind="JOINT").exists()
    overdue = without_supervision(Episode.objects.all(), today, 28).count()
    assert 0 < overdue < Episode.objects.open().count()
    # A living return-interview queue (some within 72 hours, some past them), and the same
    # places and people named for several children.
    from cshub.access.models import User
    from cshub.missing.queries import interview_queue, patterns

    manager = User.objects.get(username="manager")
    queue = interview_queue(manager)
    assert any(item.overdue for item in queue) and any(not item.overdue for item in queue)
    assert patterns(manager)
    # Case notes on open episodes, some amended, in words the language guidance has no advice on;
    # visits say who was present.
    from cshub.contact.models import Contact
    from cshub.language.guidance import check
    from cshub.notes.models import CaseNote, Change

    notes = list(CaseNote.objects.all())
    assert notes and CaseNote.objects.filter(versions__change=Change.AMENDED).exists()
    assert {n.kind for n in notes} >= {"PHONE_CALL", "STRATEGY_DISCUSSION", "MANAGEMENT_OVERSIGHT"}
    assert [(n.pk, a.phrase) for n in notes for a in check(n.body)] == []
    assert Contact.objects.exclude(present="").exists()


def test_same_seed_same_hub(db):
    first = generate(seed=3, today=dt.date(2026, 11, 23), years=1, referrals_per_year=20)
    names = list(Person.objects.order_by("pk").values_list("forename", "surname", "date_of_birth"))
    assert first.referrals == 20
    assert names[0][1].endswith(
        (
            "combe",
            "thwaite",
            "wick",
            "hollow",
            "stead",
            "field",
            "brook",
            "ridge",
            "worth",
            "dale",
            "ford",
            "holme",
        )
    )


def test_back_filled_history_is_dated_when_it_happened(db):
    generate(seed=5, today=dt.date(2026, 11, 23), years=1, referrals_per_year=40)
    episode = Episode.objects.exclude(close_date=None).order_by("close_date").first()
    assert episode is not None and episode.close_date is not None
    entries = episode.person.timeline.filter(
        kind__in=["CLOSURE_REQUESTED", "EPISODE_CLOSED", "PERSON_CREATED"]
    )
    assert all(e.occurred_at.date() <= episode.close_date for e in entries)
    assert episode.closure_authorised_at is not None
    assert episode.closure_authorised_at.date() == episode.close_date


def test_synthetic_data_is_refused_where_real_accounts_exist(db, settings):
    from cshub.access.actions import create_user
    from cshub.demo.accounts import refuse_real_database

    settings.DEMO = False
    assert "CSHUB_DEMO=1" in (refuse_real_database() or "")
    settings.DEMO = True
    assert refuse_real_database() is None
    create_user("real.person", agency="POLICE", roles=["practitioner"], actor=None)
    assert "not demo accounts" in (refuse_real_database() or "")


def test_the_demo_holds_an_intelligence_network_made_through_the_actions(db):
    from cshub.access.models import User
    from cshub.intelligence import analysis
    from cshub.intelligence.models import Alert, Link, Subject

    summary = generate(seed=7, today=dt.date(2026, 11, 23), years=1, referrals_per_year=60)
    police = User.objects.get(username="police")
    g = analysis.load(police)
    hotspots = {Subject.objects.get(pk=pk).name for pk, _ in analysis.hotspots(g, 3)}
    assert {"Golden Fry, High Street", "Northern Rest Hotel"} <= hotspots
    assert len(analysis.adults_linked_to(g, 3)) >= 2
    assert Subject.objects.filter(kind="GROUP", group_kind="COUNTY_LINE").exists()
    assert summary.intelligence_links == Link.objects.filter(recorded_by=police).count() > 20
    assert Alert.objects.exists()
    # Interview entries were captured as links too (proposed subjects for a worker to confirm).
    assert Link.objects.filter(source_type="RETURN_INTERVIEW").exists()
