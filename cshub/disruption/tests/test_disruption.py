"""The disruption log: each linked child's timeline, who sees what, the rules of an
order's end date and the due list (docs/disruption.md)."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cshub.access.models import RolePermission
from cshub.access.permissions import Perm
from cshub.audit.models import Action, AuditEvent
from cshub.conftest import TODAY, make_child
from cshub.disruption import actions, due
from cshub.disruption.models import Disruption
from cshub.disruption.tests.conftest import details
from cshub.intelligence import actions as intelligence
from cshub.people.models import PersonType, TimelineEntry, TimelineKind

pytestmark = pytest.mark.django_db


def test_a_disruption_lands_on_the_timeline_of_each_linked_child_without_its_subject(
    area: dict[str, Any],
) -> None:
    d = actions.record_disruption(
        details(
            area["place"],
            children=(area["kofi"].pk, area["amara"].pk),
            expires_on=TODAY + dt.timedelta(days=60),
        ),
        actor=area["worker"],
    )
    entries = TimelineEntry.objects.filter(kind=TimelineKind.DISRUPTION).order_by("person_id")
    assert [e.person_id for e in entries] == sorted([area["kofi"].pk, area["amara"].pk])
    for e in entries:
        assert e.summary.startswith("Disruption recorded: Child Abduction Warning Notice (done, ")
        assert f"ends {(TODAY + dt.timedelta(days=60)).day} " in e.summary
        assert "Chicken Palace" not in e.summary and "M1 1AE" not in e.summary
        assert e.link == reverse("disruption:detail", args=[d.pk])
        assert e.date_only and e.occurred_at.date() <= d.on
    event = AuditEvent.objects.get(object_type="disruption.disruption", object_id=str(d.pk))
    assert event.action == Action.CREATE and event.detail["children"] == [area["kofi"].pk, area["amara"].pk]
    # a child not linked hears nothing
    assert not TimelineEntry.objects.filter(kind=TimelineKind.DISRUPTION, person=area["tia"]).exists()


def test_a_change_of_status_goes_on_each_timeline_and_an_outcome_alone_does_not(area: dict[str, Any]) -> None:
    d = actions.record_disruption(
        details(area["place"], children=(area["kofi"].pk,), status="PLANNED", outcome="NOT_KNOWN", on=TODAY),
        actor=area["worker"],
    )
    actions.change_status(d, actions.StatusChange("DONE", "NOT_KNOWN"), actor=area["worker"])
    actions.change_status(d, actions.StatusChange("DONE", "SUCCESSFUL", "Served"), actor=area["worker"])
    summaries = list(
        TimelineEntry.objects.filter(kind=TimelineKind.DISRUPTION, person=area["kofi"])
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert len(summaries) == 2
    assert summaries[0].startswith("Disruption recorded: Child Abduction Warning Notice (planned")
    assert summaries[1].startswith("Disruption updated: Child Abduction Warning Notice (done")
    with pytest.raises(ValidationError) as exc:
        actions.change_status(d, actions.StatusChange("PLANNED", "NOT_KNOWN"), actor=area["worker"])
    assert "status" in exc.value.message_dict


def test_a_child_the_recorder_may_not_see_is_refused_and_nothing_is_written(area: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.record_disruption(
            details(area["place"], children=(area["kofi"].pk, area["tia"].pk)), actor=area["worker"]
        )
    assert "children" in exc.value.message_dict
    assert not Disruption.objects.exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.DISRUPTION).exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"disruption_type": "ARREST", "expires_on": TODAY + dt.timedelta(days=30)}, "expires_on"),
        ({"expires_on": TODAY - dt.timedelta(days=10)}, "expires_on"),
        ({"disruption_type": "CONVICTION"}, "sentence"),
        ({"sentence": "2 years"}, "sentence"),
        ({"status": "PLANNED"}, "outcome"),
        ({"disruption_type": "ARREST", "status": "BREACHED"}, "status"),
        ({"officer_name": ""}, "officer_name"),
        ({"licensed_kind": "TAXI"}, "licensed_kind"),
        ({"on": TODAY + dt.timedelta(days=5)}, "on"),
    ],
)
def test_what_does_not_add_up_is_refused_on_its_field(
    area: dict[str, Any], kw: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.record_disruption(details(area["place"], **kw), actor=area["worker"])
    assert field in exc.value.message_dict


def test_a_conviction_keeps_its_sentence(area: dict[str, Any]) -> None:
    adult = make_child(
        area["worker"], "Dean", "Harrowgate", person_type=PersonType.ADULT, born=dt.date(1990, 1, 1)
    )
    subject = intelligence.create_subject(
        intelligence.SubjectDetails(kind="ADULT", person_id=adult.pk), actor=area["worker"]
    )
    d = actions.record_disruption(
        details(subject, disruption_type="CONVICTION", sentence="6 years' imprisonment"), actor=area["worker"]
    )
    assert d.sentence == "6 years' imprisonment"


def test_who_sees_the_subject_of_a_disruption(
    area: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    d = actions.record_disruption(details(area["place"], children=(area["kofi"].pk,)), actor=area["worker"])
    # The missing-service worker's role, without intelligence: the child's timeline says a
    # disruption happened, and the disruption itself (its subject) stays closed.
    RolePermission.objects.filter(role__code="missing_worker", permission=Perm.VIEW_INTELLIGENCE).delete()
    client = client_for("missing_worker")
    timeline = client.get(reverse("people:timeline", args=[area["kofi"].pk]))
    assert timeline.status_code == 200
    assert b"Disruption recorded: Child Abduction Warning Notice" in timeline.content
    assert b"Chicken Palace" not in timeline.content
    assert client.get(reverse("disruption:detail", args=[d.pk])).status_code == 403
    # who may see intelligence sees it, on the disruption and on the subject's page
    page = client_for("practitioner").get(reverse("disruption:detail", args=[d.pk]))
    assert page.status_code == 200 and b"Chicken Palace" in page.content and b"Kofi Ashcombe" in page.content
    subject_page = client_for("practitioner").get(reverse("intelligence:subject", args=[area["place"].pk]))
    assert b"Disruptions" in subject_page.content
    assert reverse("disruption:detail", args=[d.pk]).encode() in subject_page.content


def test_a_restricted_child_on_a_disruption_is_a_restricted_record_to_others(
    area: dict[str, Any], client_for: Any
) -> None:
    d = actions.record_disruption(
        details(area["place"], children=(area["kofi"].pk, area["tia"].pk)), actor=area["manager"]
    )
    page = client_for("practitioner").get(reverse("disruption:detail", args=[d.pk]))
    assert page.status_code == 200
    assert b"Tia" not in page.content and b"a restricted record" in page.content


def test_a_disruption_of_an_operation_is_seen_only_by_its_members(
    area: dict[str, Any], client_for: Any
) -> None:
    op = actions.open_operation(
        actions.OperationDetails("Operation Lantern", "Stop the exploitation", TODAY, (area["kofi"].pk,)),
        actor=area["worker"],
    )
    d = actions.record_disruption(details(area["place"], operation=op), actor=area["worker"])
    assert client_for("practitioner").get(reverse("disruption:detail", args=[d.pk])).status_code == 200
    assert client_for("team_manager").get(reverse("disruption:detail", args=[d.pk])).status_code == 404
    page = client_for("team_manager").get(reverse("intelligence:subject", args=[area["place"].pk]))
    assert reverse("disruption:detail", args=[d.pk]).encode() not in page.content


# The due list -----------------------------------------------------------------------------


def test_an_order_shows_on_the_due_list_from_its_notice_period_until_something_is_recorded(
    area: dict[str, Any], personas: dict[str, Any]
) -> None:
    worker = area["worker"]
    notice = due.notice_days()
    inside = actions.record_disruption(
        details(area["place"], officer_name="", officer=worker, expires_on=TODAY + dt.timedelta(days=notice)),
        actor=area["manager"],
    )
    actions.record_disruption(
        details(
            area["place"], officer_name="", officer=worker, expires_on=TODAY + dt.timedelta(days=notice + 1)
        ),
        actor=area["manager"],
    )
    arrest = actions.record_disruption(details(area["place"], disruption_type="ARREST"), actor=worker)
    assert due.order_due(arrest) is None
    found = due.orders_due(worker, TODAY)
    assert [d.pk for d, _ in found] == [inside.pk]
    item = found[0][1]
    assert item.due_date == inside.expires_on and not item.overdue(TODAY)
    # the day after it ends it is overdue, while still recorded as in force
    later = TODAY + dt.timedelta(days=notice + 1)
    ended = [(d.pk, f.overdue(later)) for d, f in due.orders_due(worker, later)]
    assert (inside.pk, True) in ended
    # recorded as expired: off the list
    actions.change_status(
        inside, actions.StatusChange("EXPIRED", "SUCCESSFUL", expires_on=inside.expires_on), actor=worker
    )
    assert inside.pk not in [d.pk for d, _ in due.orders_due(worker, later)]


def test_the_due_list_is_the_officers_and_recorders_and_every_order_for_a_manager(
    area: dict[str, Any], personas: dict[str, Any], client_for: Any
) -> None:
    d = actions.record_disruption(
        details(area["place"], expires_on=TODAY + dt.timedelta(days=5)), actor=area["worker"]
    )
    assert [x.pk for x, _ in due.orders_due(area["worker"], TODAY)] == [d.pk]
    assert [x.pk for x, _ in due.orders_due(area["manager"], TODAY)] == [d.pk]
    assert due.orders_due(personas["missing_worker"], TODAY) == []
    assert due.orders_due(personas["analyst"], TODAY) == []
    home = client_for("practitioner").get(reverse("home"))
    assert b"Orders and notices ending" in home.content
    assert reverse("disruption:detail", args=[d.pk]).encode() in home.content
    assert b"Orders and notices ending" not in client_for("analyst").get(reverse("home")).content
