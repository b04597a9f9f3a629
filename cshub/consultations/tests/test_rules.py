"""The rules of consultations, through the actions."""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.conftest import make_child
from cshub.consultations import actions
from cshub.consultations.models import Consultation
from cshub.core.dates import LONDON
from cshub.people.models import TimelineEntry, TimelineKind

pytestmark = pytest.mark.django_db


def details(**changes: Any) -> actions.ConsultationDetails:
    base = actions.ConsultationDetails(
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        how="PHONE",
        caller_agency="EDUCATION",
        advice="Talk to the child's social worker today; call the police if he goes missing.",
        outcome="ADVICE_ONLY",
        caller_name="Ms Okafor",
        caller_role="Designated safeguarding lead",
        types=["CCE"],
        worry="Older men wait for him at the school gate in a car.",
    )
    return dataclasses.replace(base, **changes)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def test_required_fields_are_refused_with_a_message_on_each(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_consultation(
            details(occurred_at=None, how="", caller_agency="", advice="  ", outcome=""),
            actor=personas["practitioner"],
        )
    assert refused.value.message_dict == {
        "occurred_at": ["Enter when the consultation took place"],
        "how": ["Select how the caller got in touch"],
        "caller_agency": ["Select the caller's agency"],
        "advice": ["Enter the advice given"],
        "outcome": ["Select the outcome of the consultation"],
    }
    assert not Consultation.objects.exists()


def test_an_anonymous_consultation_without_any_detail_is_allowed(personas: dict[str, Any]) -> None:
    made = actions.record_consultation(
        details(caller_name="", caller_role="", types=[], worry=""), actor=personas["missing_worker"]
    )
    assert made.anonymous and made.anonymous_initials == "" and made.anonymous_age is None
    assert AuditEvent.objects.filter(
        object_type="consultations.consultation", object_id=str(made.pk)
    ).exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.CONSULTATION).exists()


def test_a_known_childs_consultation_is_on_their_timeline(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    made = actions.record_consultation(details(), person=child, actor=worker)
    entry = TimelineEntry.objects.get(person=child, kind=TimelineKind.CONSULTATION)
    assert entry.source_id == str(made.pk) and entry.occurred_at == made.occurred_at
    assert "Designated safeguarding lead" in entry.summary


def test_an_anonymous_consultation_linked_later_is_audited_and_on_the_timeline(
    personas: dict[str, Any],
) -> None:
    worker = personas["practitioner"]
    made = actions.record_consultation(details(anonymous_initials="KA", anonymous_age=14), actor=worker)
    child = make_child(worker)
    assert not TimelineEntry.objects.filter(person=child, kind=TimelineKind.CONSULTATION).exists()
    actions.link_to_child(made, child, actor=personas["team_manager"])
    made.refresh_from_db()
    assert made.person == child and made.linked_by == personas["team_manager"] and made.linked_at
    event = AuditEvent.objects.filter(
        object_type="consultations.consultation", object_id=str(made.pk)
    ).latest("pk")
    assert event.child_id == child.pk and event.detail["linked"] is True
    assert TimelineEntry.objects.filter(person=child, kind=TimelineKind.CONSULTATION).count() == 1
    with pytest.raises(ValidationError):
        actions.link_to_child(made, make_child(worker, "Amara", "Brambleford"), actor=worker)


def test_conversion_opens_a_prefilled_referral_linked_both_ways(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    made = actions.record_consultation(
        details(types=["CSE", "CCE"], outcome="MORE_INFORMATION"), person=child, actor=worker
    )
    referral = actions.convert_to_referral(made, actor=worker)
    made.refresh_from_db()
    assert made.referral == referral and referral.consultation == made
    assert made.outcome == "HUB_REFERRAL"
    assert (referral.person, referral.primary_type, referral.other_types) == (child, "CSE", ["CCE"])
    assert (referral.referrer_name, referral.referrer_agency) == ("Ms Okafor", "EDUCATION")
    assert referral.concerns == made.worry
    assert referral.received_date == made.occurred_at.astimezone(LONDON).date()
    with pytest.raises(ValidationError):
        actions.convert_to_referral(made, actor=worker)


def test_an_anonymous_consultation_is_linked_before_it_becomes_a_referral(personas: dict[str, Any]) -> None:
    made = actions.record_consultation(details(), actor=personas["practitioner"])
    with pytest.raises(ValidationError) as refused:
        actions.convert_to_referral(made, actor=personas["practitioner"])
    assert "person" in refused.value.message_dict


def test_a_third_consultation_within_90_days_prompts_a_referral(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    today = dt.date(2026, 8, 20)
    # 00:30 in London in summer is the day before in UTC, and more than 90 times 24 hours
    # before the third: the London date counts.
    first = actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=90), 0).replace(minute=30)),
        person=child,
        actor=worker,
    )
    second = actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=30))), person=child, actor=worker
    )
    third = actions.record_consultation(details(occurred_at=at(today, 9)), person=child, actor=worker)
    assert not actions.prompts_referral(first)
    assert not actions.prompts_referral(second)
    assert actions.prompts_referral(third)
    actions.convert_to_referral(third, actor=worker)
    third.refresh_from_db()
    assert not actions.prompts_referral(third)


def test_one_inside_and_one_at_91_days_prompts_nothing(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    child = make_child(worker)
    today = dt.date(2026, 8, 20)
    # 23:30 in London on the 91st day before: outside, however late in the day.
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=91), 23).replace(minute=30)),
        person=child,
        actor=worker,
    )
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=10))), person=child, actor=worker
    )
    third = actions.record_consultation(details(occurred_at=at(today, 9)), person=child, actor=worker)
    assert not actions.prompts_referral(third)
    # Another child's consultations never count.
    other = make_child(worker, "Amara", "Brambleford")
    actions.record_consultation(
        details(occurred_at=at(today - dt.timedelta(days=5))), person=other, actor=worker
    )
    assert not actions.prompts_referral(third)


def test_the_follow_up_date_is_not_before_the_consultation(personas: dict[str, Any]) -> None:
    when = timezone.now() - dt.timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        actions.record_consultation(
            details(occurred_at=when, follow_up_on=when.astimezone(LONDON).date() - dt.timedelta(days=1)),
            actor=personas["practitioner"],
        )
    assert list(refused.value.message_dict) == ["follow_up_on"]


def test_the_follow_up_is_recorded_once(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    made = actions.record_consultation(details(follow_up_on=timezone.localdate()), actor=worker)
    assert list(Consultation.objects.follow_up_due(timezone.localdate())) == [made]
    actions.record_follow_up(made, actor=worker)
    assert not Consultation.objects.follow_up_due(timezone.localdate()).exists()
    with pytest.raises(ValidationError):
        actions.record_follow_up(made, actor=worker)


def test_the_same_partner_reference_is_one_consultation(personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    first, created = actions.record_from_partner(details(), actor=worker, reference="SCH-1")
    again, created_again = actions.record_from_partner(
        details(advice="Other"), actor=worker, reference="SCH-1"
    )
    assert created and not created_again and again == first
    assert Consultation.objects.count() == 1


def test_analysts_may_not_record(personas: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.record_consultation(details(), actor=personas["analyst"])
