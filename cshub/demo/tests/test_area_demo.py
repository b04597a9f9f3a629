"""The demo city's consultations and whole-area register (issue 21): both pages show
something true on the first run."""

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.consultations.models import Consultation, Outcome
from cshub.demo.area_register import build_register, register_children
from cshub.demo.consultations import build_consultations
from cshub.demo.generator import ETHNICITIES, generate
from cshub.language.guidance import check
from cshub.missing.models import MissingEpisode
from cshub.people.models import Address, Person, TimelineEntry
from cshub.referrals.models import Referral
from cshub.register.models import DERIVED_SOURCES, AreaFlag, Triage
from cshub.socialcare.models import AssessmentFactor, CinAssessment, CinEpisode, Involvement

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def city(db):
    return generate(seed=7, today=TODAY, years=1, referrals_per_year=60)


def _not_known_to_hub() -> set[int]:
    """The contract's "never known": no episode, no referral, no consultation."""
    return set(
        Person.objects.exclude(Exists(Episode.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Referral.objects.filter(person=OuterRef("pk"))))
        .exclude(Exists(Consultation.objects.filter(person=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


def test_the_demo_holds_consultations_of_every_kind(city):
    consultations = list(Consultation.objects.select_related("referral", "person"))
    assert city.consultations == len(consultations) > 20
    assert {c.outcome for c in consultations} == set(Outcome.values)
    assert all(c.occurred_at.date() >= TODAY - dt.timedelta(days=366) for c in consultations)
    # About a quarter anonymous: some with initials, age and school, some with nothing at all.
    anonymous = [c for c in consultations if c.person_id is None]
    assert 0.12 < len(anonymous) / len(consultations) < 0.4
    assert any(c.anonymous_initials and c.anonymous_age and c.anonymous_where for c in anonymous)
    assert any(not (c.anonymous_initials or c.anonymous_age or c.anonymous_where) for c in anonymous)
    # One anonymous call linked to a child afterwards.
    assert any(c.linked_at and c.linked_by_id and c.person_id and c.anonymous_initials for c in consultations)
    # Converted to the hub's referrals, linked both ways, about the referral's child.
    converted = [c for c in consultations if c.outcome == Outcome.HUB_REFERRAL]
    assert converted and all(c.referral is not None for c in converted)
    for c in converted:
        assert c.referral is not None
        assert Referral.objects.get(pk=c.referral.pk).consultation == c
        assert c.person_id == c.referral.person_id
        assert c.occurred_at.date() <= c.referral.received_date
    assert not [c for c in consultations if c.referral_id and c.outcome != Outcome.HUB_REFERRAL]
    # Each consultation about a child is on the child's timeline.
    about_children = [c for c in consultations if c.person_id]
    entries = set(TimelineEntry.objects.filter(kind="CONSULTATION").values_list("source_id", flat=True))
    assert {str(c.pk) for c in about_children} == entries
    # Some about the hub's children, some about register children the hub knew nothing of.
    hub = set(Episode.objects.values_list("person_id", flat=True))
    assert any(c.person_id in hub for c in about_children)
    flagged = set(AreaFlag.objects.values_list("person_id", flat=True)) | set(
        AssessmentFactor.objects.values_list("person_id", flat=True)
    )
    outside = [c for c in about_children if c.person_id in flagged and c.person_id not in hub]
    assert outside
    # A child discussed three times within 90 days (the prompt to consider a referral).
    recent = Counter(
        c.person_id for c in about_children if c.occurred_at.date() > TODAY - dt.timedelta(days=90)
    )
    assert max(recent.values()) >= 3
    # Follow-ups: most done; a few due or overdue for the demo practitioner.
    practitioner = User.objects.get(username="practitioner")
    assert Consultation.objects.follow_up_due(TODAY).filter(recorded_by=practitioner).count() >= 2
    assert Consultation.objects.filter(followed_up_at__isnull=False).exists()
    # The words follow the language guidance.
    assert [(c.pk, a.phrase) for c in consultations for a in check(f"{c.worry}\n{c.advice}")] == []


def test_the_register_is_about_three_times_the_caseload_and_mostly_unknown_to_the_hub(city):
    open_caseload = Episode.objects.open().count()
    register = register_children(TODAY)
    assert open_caseload > 5
    assert city.register_children == len(register)
    assert 2.5 * open_caseload <= len(register) <= 3.5 * open_caseload
    unknown = register & _not_known_to_hub()
    assert len(unknown) > len(register) / 3
    # Held by locality teams (CIN assessments with exploitation factors, the team's name) …
    locality = AssessmentFactor.objects.filter(person__in=unknown)
    assert locality.exists()
    assert all(
        set(f) & {"10A", "11A", "12A", "13A", "24A"} for f in locality.values_list("factors", flat=True)
    )
    assert Involvement.objects.filter(person__in=unknown).exclude(team="").exists()
    # … and by early help, youth justice, schools and police (imported flags).
    # The locality children's flags are derived from their CIN factors (register.sync).
    assert AreaFlag.objects.filter(
        person__in=unknown, source="SOCIAL_CARE", origin__startswith="ssd:"
    ).exists()
    imported = AreaFlag.objects.filter(person__in=unknown).exclude(source__in=DERIVED_SOURCES)
    assert {"EARLY_HELP", "YOUTH_JUSTICE", "SCHOOL", "POLICE"} <= set(
        imported.values_list("source", flat=True)
    )
    assert all(o.startswith(f"import:{s}:") for s, o in imported.values_list("source", "origin"))
    # Some children flagged by two or three sources.
    sources: dict[int, set[str]] = {}
    for pid, source in AreaFlag.objects.values_list("person_id", "source"):
        sources.setdefault(pid, set()).add(source)
    for pid in locality.values_list("person_id", flat=True):
        sources.setdefault(pid, set()).add("SOCIAL_CARE")
    assert any(len(s) >= 2 for s in sources.values())
    assert any(pid in unknown and len(s) >= 3 for pid, s in sources.items())
    # Some of the hub's own children are flagged by others too.
    assert AreaFlag.objects.filter(person__in=Episode.objects.open().values("person_id")).exists()
    # At least one child not known to the hub missing at high risk in the last 30 days.
    assert MissingEpisode.objects.filter(
        person__in=unknown, police_risk="HIGH", reported_at__date__gte=TODAY - dt.timedelta(days=30)
    ).exists()
    # Past triage decisions, one child flagged again since.
    decisions = list(Triage.objects.all())
    assert len(decisions) >= 2
    assert all(d.person_id in unknown for d in decisions)
    again = [
        d
        for d in decisions
        if AreaFlag.objects.filter(person=d.person, recorded_at__gt=d.decided_at).exists()
    ]
    assert len(again) == 1
    latest = AreaFlag.objects.filter(person=again[0].person).order_by("-flagged_on").first()
    assert latest is not None and again[0].decided_at.date() < latest.flagged_on
    # The words follow the language guidance.
    words = [f.note for f in AreaFlag.objects.all()] + [d.reason for d in decisions]
    assert [(w, a.phrase) for w in words for a in check(w)] == []
    # Varied children: ages 10 to 17, boys and girls, several ethnicities, a few with no address.
    children = Person.objects.filter(pk__in=unknown)
    ages = {(TODAY - born).days // 365 for born in children.values_list("date_of_birth", flat=True) if born}
    assert min(ages) >= 10 and max(ages) <= 17 and len(ages) >= 5
    assert {"M", "F"} <= set(children.values_list("sex", flat=True))
    assert len(set(children.values_list("ethnicity", flat=True))) >= 4
    homeless = children.exclude(Exists(Address.objects.filter(person=OuterRef("pk"))))
    assert 0 < homeless.count() < children.count() / 4
    assert children.filter(addresses__imd_decile__isnull=False).exists()


def _build(seed: int) -> tuple[Any, ...]:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    sid = transaction.savepoint()
    register = build_register(users, TODAY, seed=seed, ethnicities=ETHNICITIES)
    made = build_consultations(users, TODAY, seed=seed, per_year=40)
    result = (
        register.children,
        register.new_children,
        register.flags,
        made,
        sorted(Person.objects.values_list("forename", "surname", "date_of_birth")),
        sorted(AreaFlag.objects.values_list("source", "concern", "flagged_on", "origin")),
        sorted(
            (o, a, s or "")
            for o, a, s in Consultation.objects.values_list("outcome", "caller_agency", "person__surname")
        ),
        Triage.objects.count(),
    )
    transaction.savepoint_rollback(sid)
    return result


def test_the_register_and_the_consultations_are_the_same_for_one_seed(db):
    generate(seed=3, today=TODAY, years=1, referrals_per_year=40)
    Consultation.objects.all().delete()
    TimelineEntry.objects.filter(kind__in=["CONSULTATION", "AREA_FLAG"]).delete()
    Triage.objects.all().delete()
    AreaFlag.objects.all().delete()
    for model in (AssessmentFactor, Involvement, CinAssessment, CinEpisode):
        model.objects.all().delete()
    first, second = _build(11), _build(11)
    assert first == second
    assert first[3] == 40 and first[0] > 0
    assert _build(12)[4] != first[4]
