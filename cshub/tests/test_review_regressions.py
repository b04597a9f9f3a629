"""Regression tests for the findings of the access review of the casework and meeting apps."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.audit.models import AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import TODAY
from cshub.contact import actions as contact
from cshub.meetings import actions as meetings
from cshub.people.models import TimelineKind
from cshub.plans import actions as plans
from cshub.supervision import actions as supervision
from cshub.tasks import actions as tasks
from cshub.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_an_action_cannot_be_owned_by_someone_who_may_not_see_the_child(hub, personas):
    worker = personas["missing_worker"]  # not named on the restricted record
    with pytest.raises(ValidationError) as err:
        tasks.agree_task(
            tasks.NewTask("Visit", "MISSING_SERVICE", TODAY, owner=worker),
            [hub["restricted"]],
            actor=hub["manager"],
        )
    assert "owner" in err.value.message_dict
    item = meetings.add_item(
        hub["meeting"], "INTELLIGENCE", "Address", [hub["restricted"]], actor=hub["manager"]
    )
    with pytest.raises(ValidationError):
        meetings.add_action(item, meetings.ProposedAction("Visit", TODAY, owner=worker), actor=hub["manager"])


def test_an_owned_action_about_a_hidden_child_is_not_listed(hub, personas, client_for):
    # Made directly (as an import might): the list still hides it from the owner.
    task = Task.objects.create(
        description="Check the flat", owner=personas["missing_worker"], owner_agency="POLICE", due_date=TODAY
    )
    task.people.set([hub["restricted"]])
    page = client_for("missing_worker").get(reverse("tasks:list"), {"owner": "me"}).content.decode()
    assert "Cinderwick" not in page and "Check the flat" not in page
    with pytest.raises(PermissionDenied):
        tasks.finish_task(task, "Done", actor=personas["missing_worker"])


def test_closing_a_meeting_keeps_a_restricted_childs_item_off_the_others_timelines(hub):
    manager = hub["manager"]
    item = meetings.add_item(
        hub["meeting"],
        "INTELLIGENCE",
        "Flat at Larch Court",
        [hub["child"], hub["restricted"]],
        actor=manager,
    )
    meetings.save_minutes(item, discussion="", decision="Disruption visit by police.", actor=manager)
    meetings.add_action(
        item, meetings.ProposedAction("Disruption visit", TODAY, owner=manager), actor=manager
    )
    meetings.save_minutes(hub["item"], discussion="", decision="Visit at home.", actor=manager)
    meetings.close_meeting(hub["meeting"], actor=manager)
    open_child = " ".join(hub["child"].timeline.values_list("summary", flat=True))
    assert "Larch Court" not in open_child and "Disruption" not in open_child
    assert "details restricted" in open_child
    restricted = " ".join(hub["restricted"].timeline.values_list("summary", flat=True))
    assert "Larch Court" in restricted and "Disruption visit" in restricted


def test_a_back_dated_closing_date_does_not_hide_the_warnings(hub, personas):
    episode = hub["episode"]
    casework.record_closure(
        episode,
        casework.Closure(episode.open_date, "Closed", "YES", "YES", "YES", False, False),
        actor=personas["practitioner"],
    )
    episode.refresh_from_db()
    assert len(episode.closure_warnings) == 2
    with pytest.raises(ValidationError):
        casework.authorise_closure(episode, actor=hub["manager"])


def test_moving_an_item_about_a_hidden_child_goes_through_the_access_helper(hub, client_for):
    item = meetings.add_item(
        hub["meeting"], "INTELLIGENCE", "Address", [hub["restricted"]], actor=hub["manager"]
    )
    before = item.order
    response = client_for("practitioner").post(reverse("meetings:move", args=[item.pk]), {"direction": "up"})
    assert response.status_code == 302 and "break-glass" in response["Location"]
    item.refresh_from_db()
    assert item.order == before


def test_an_nrm_update_is_audited_as_a_change(hub):
    contact.record_nrm(
        hub["child"],
        actor=hub["worker"],
        nrm=hub["nrm"],
        referred_on=TODAY,
        first_responder="Police",
        reasonable_grounds="POSITIVE",
        reasonable_grounds_on=TODAY,
    )
    actions = list(
        AuditEvent.objects.filter(object_type="contact.nrmreferral", object_id=str(hub["nrm"].pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["CREATE", "UPDATE"]


def test_no_supervision_on_a_closed_episode_and_no_review_of_an_old_plan(hub):
    newer = plans.write_plan(hub["episode"], plans.PlanText("N", "O", "C"), actor=hub["worker"])
    with pytest.raises(ValidationError):
        plans.review_plan(hub["plan"], TODAY, "Fine", {}, actor=hub["worker"])
    plans.review_plan(newer, TODAY, "Fine", {}, actor=hub["worker"])
    casework.record_closure(
        hub["episode"],
        casework.Closure(TODAY, "Closed", "YES", "YES", "YES", False, False),
        actor=hub["manager"],
        override_reason="Held by the locality team",
    )
    record = supervision.SupervisionRecord("INDIVIDUAL", TODAY, hub["worker"], "Talked", "Decided")
    with pytest.raises(ValidationError):
        supervision.record_supervision(hub["episode"], record, actor=hub["manager"])
    assert hub["child"].timeline.filter(kind=TimelineKind.EPISODE_CLOSED).exists()
