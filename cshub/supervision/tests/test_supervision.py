import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.assurance.metrics.base import Period
from cshub.assurance.metrics.practice import supervision as supervision_metric
from cshub.conftest import TODAY
from cshub.people.models import TimelineKind
from cshub.supervision import actions
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def _record(hub: dict[str, Any], kind: str = "INDIVIDUAL", days_ago: int = 0, **extra: Any) -> Any:
    return actions.SupervisionRecord(
        kind=kind,
        held_on=TODAY - dt.timedelta(days=days_ago),
        supervisee=hub["worker"],
        discussion="Kofi was found in another town again.",
        decisions="Hold a strategy discussion; share the trigger plan with police.",
        **extra,
    )


def test_joint_supervision_names_the_locality_worker(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.record_supervision(hub["episode"], _record(hub, "JOINT"), actor=hub["manager"])
    assert "locality_worker" in err.value.message_dict
    joint = actions.record_supervision(
        hub["episode"],
        _record(hub, "JOINT", locality_worker="Sam Idowu, North locality"),
        actor=hub["manager"],
    )
    entry = hub["child"].timeline.get(kind=TimelineKind.SUPERVISION, source_id=str(joint.pk))
    assert "Joint supervision" in entry.summary and "Sam Idowu" in entry.summary
    assert entry.link == reverse("supervision:detail", args=[joint.pk])


def test_only_supervisors_record_supervision(hub: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_supervision(hub["episode"], _record(hub), actor=hub["worker"])


def test_actions_agreed_in_supervision_reach_the_owners_list(hub: dict[str, Any]) -> None:
    task = NewTask(
        "Book a joint visit with the school", "SOCIAL_CARE", TODAY + dt.timedelta(days=5), owner=hub["worker"]
    )
    supervision = actions.record_supervision(hub["episode"], _record(hub), actor=hub["manager"], tasks=[task])
    agreed = Task.objects.get(description="Book a joint visit with the school")
    assert agreed.owner == hub["worker"] and agreed.source == "SUPERVISION"
    assert list(supervision.tasks.all()) == [agreed]


def test_oversight_needs_a_reason_and_lands_on_the_timeline(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        actions.record_oversight(hub["episode"], "Keep open", " ", actor=hub["manager"])
    actions.record_oversight(
        hub["episode"], "Keep the episode open.", "Missing twice this month.", actor=hub["manager"]
    )
    assert "Missing twice this month." in hub["child"].timeline.get(kind=TimelineKind.OVERSIGHT).summary


def test_supervision_overdue_counts_open_episodes_without_supervision_in_28_days(hub: dict[str, Any]) -> None:
    def overdue(end: dt.date) -> Any:
        return supervision_metric(Period(end - dt.timedelta(days=90), end))["supervision.overdue"].value

    # The hub's one open episode (opened 28 days ago) was supervised 20 days ago: the 28
    # days ending yesterday include that day; the 28 days ending 21 days ago do not.
    assert overdue(TODAY - dt.timedelta(days=1)) == 0
    assert overdue(TODAY - dt.timedelta(days=21)) == 1
    actions.record_supervision(hub["episode"], _record(hub, days_ago=22), actor=hub["manager"])
    assert overdue(TODAY - dt.timedelta(days=21)) == 0
    # A period that has not ended is measured today (docs/metrics.md).
    assert overdue(TODAY + dt.timedelta(days=30)) == 0


def test_supervision_overdue_follows_the_hubs_standard_not_a_fixed_28_days(
    hub: dict[str, Any], settings: Any
) -> None:
    """metrics.md: "within the supervision standard (28 days by default)": a hub that sets
    CSHUB_SUPERVISION_DAYS to 14 counts an episode last supervised 20 days ago as overdue,
    on the dashboard's figure and its drill-down alike."""
    from cshub.assurance.metrics.drilldown import DRILLS

    period = Period(TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=1))
    assert supervision_metric(period)["supervision.overdue"].value == 0
    settings.CSHUB_STANDARDS = {**settings.CSHUB_STANDARDS, "SUPERVISION": 14}
    assert supervision_metric(period)["supervision.overdue"].value == 1
    assert DRILLS["supervision.overdue"].records(period).count() == 1


def test_the_form_records_supervision_with_an_action(hub: dict[str, Any], client_for: Any) -> None:
    url = reverse("supervision:new", args=[hub["episode"].pk])
    data = {
        "kind": "REFLECTIVE",
        "held_on_day": TODAY.day,
        "held_on_month": TODAY.month,
        "held_on_year": TODAY.year,
        "supervisee": hub["worker"].pk,
        "discussion": "Talked through the last return interview.",
        "decisions": "Refer to the NRM.",
        "action_1": "Complete the NRM referral",
    }
    page = client_for("team_manager").post(url, data).content.decode()
    assert "Write the reflective analysis" in page or "Select who will do action 1" in page
    data |= {
        "reflection": "We may be missing the older sibling's role.",
        "action_1_owner": hub["worker"].pk,
        "action_1_due_day": TODAY.day,
        "action_1_due_month": TODAY.month,
        "action_1_due_year": TODAY.year,
    }
    response = client_for("team_manager").post(url, data)
    assert response.status_code == 302
    mine = client_for("practitioner").get(reverse("supervision:mine")).content.decode()
    assert "Reflective" in mine and "Ashcombe" in mine


def test_only_joint_supervision_carries_the_locality_social_worker(
    hub: dict[str, Any], client_for: Any
) -> None:
    """Issue 16: individual and reflective sessions kept the locality social worker the form
    fills in from the episode; only a joint session is with them."""
    individual = actions.record_supervision(
        hub["episode"], _record(hub, locality_worker="Sam Idowu"), actor=hub["manager"]
    )
    assert individual.locality_worker == ""
    entry = hub["child"].timeline.get(kind=TimelineKind.SUPERVISION, source_id=str(individual.pk))
    assert "Sam Idowu" not in entry.summary
    hub["episode"].locality_social_worker = "Sam Idowu"
    hub["episode"].save()
    url = reverse("supervision:new", args=[hub["episode"].pk])
    data = {
        "kind": "REFLECTIVE",
        "held_on_day": TODAY.day,
        "held_on_month": TODAY.month,
        "held_on_year": TODAY.year,
        "supervisee": hub["worker"].pk,
        "locality_worker": "Sam Idowu",
        "discussion": "Talked through the last return interview.",
        "reflection": "We may be missing the older sibling's role.",
        "decisions": "Refer to the NRM.",
    }
    assert client_for("team_manager").post(url, data).status_code == 302
    reflective = hub["episode"].supervisions.get(kind="REFLECTIVE")
    assert reflective.locality_worker == ""


def test_group_supervision_is_about_several_children(hub: dict[str, Any], client_for: Any) -> None:
    """Issue 16: a group session covers several children: each child's record has it."""
    from cshub.casework import actions as casework
    from cshub.casework.models import Episode
    from cshub.conftest import make_child, make_referral
    from cshub.referrals import actions as referrals
    from cshub.supervision.models import Supervision, without_supervision

    manager, worker = hub["manager"], hub["worker"]
    others = []
    for forename, surname in (("Lena", "Marsh"), ("Dev", "Okafor")):
        child = make_child(worker, forename, surname)
        referral = make_referral(child, worker)
        referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
        others.append(
            casework.open_episode(
                referral, actor=manager, open_date=TODAY - dt.timedelta(days=20), allocated_worker=worker
            )
        )
    with pytest.raises(ValidationError) as err:
        actions.record_supervision(hub["episode"], _record(hub, "GROUP"), actor=manager)
    assert "others" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.record_supervision(hub["episode"], _record(hub, others=(others[0],)), actor=manager)
    assert "others" in err.value.message_dict

    url = reverse("supervision:new", args=[hub["episode"].pk])
    data = {
        "kind": "GROUP",
        "held_on_day": TODAY.day,
        "held_on_month": TODAY.month,
        "held_on_year": TODAY.year,
        "supervisee": worker.pk,
        "others": [e.pk for e in others],
        "discussion": "Three children linked to the same county line.",
        "decisions": "A joint strategy discussion for all three.",
    }
    client = client_for("team_manager")
    form_page = client.get(url).content.decode()
    assert "Lena Marsh" in form_page and "Dev Okafor" in form_page
    assert client.post(url, data).status_code == 302
    group = Supervision.objects.get(kind="GROUP")
    assert set(group.group_episodes.all()) == set(others)
    for episode in [hub["episode"], *others]:
        entry = episode.person.timeline.get(kind=TimelineKind.SUPERVISION, source_id=str(group.pk))
        assert entry.summary.startswith("Group supervision")
        assert "Lena" not in entry.summary and "Okafor" not in entry.summary  # no other child named
        page = client_for("practitioner").get(reverse("supervision:child", args=[episode.person_id]))
        assert reverse("supervision:detail", args=[group.pk]) in page.content.decode()
    # Each child's episode counts as supervised.
    assert not without_supervision(Episode.objects.filter(pk__in=[e.pk for e in others]), TODAY, 28).exists()
    # The session's page names the children it was about.
    detail = client_for("practitioner").get(reverse("supervision:detail", args=[group.pk])).content.decode()
    assert "Lena Marsh" in detail and "Dev Okafor" in detail


def test_a_group_session_does_not_name_a_restricted_child_to_those_not_named_on_it(
    hub: dict[str, Any], client_for: Any
) -> None:
    from cshub.casework import actions as casework
    from cshub.conftest import make_referral
    from cshub.referrals import actions as referrals
    from cshub.supervision.models import Supervision

    manager, worker, restricted = hub["manager"], hub["worker"], hub["restricted"]
    referral = make_referral(restricted, worker)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    other = casework.open_episode(referral, actor=manager, open_date=TODAY - dt.timedelta(days=5))
    group = actions.record_supervision(hub["episode"], _record(hub, "GROUP", others=(other,)), actor=manager)
    assert Supervision.objects.get(pk=group.pk).group_episodes.get() == other
    detail = client_for("practitioner").get(reverse("supervision:detail", args=[group.pk])).content.decode()
    assert "Cinderwick" not in detail
    assert "1 other child you cannot see" in detail
