"""Who changed what: the child's change history read from the audit trail, with the values
before and after that the update actions keep (audit.changes)."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cshub.access.actions import create_user
from cshub.access.models import RolePermission
from cshub.access.testing import sign_in_verified
from cshub.audit.changes import change_detail, diff, snapshot
from cshub.audit.events import record_event
from cshub.audit.models import Action, AuditEvent
from cshub.casework import actions as casework
from cshub.conftest import make_child
from cshub.people import actions
from cshub.people.models import Person


def _details(child: Person, **changes: object) -> actions.PersonDetails:
    values = {
        "forename": child.forename,
        "surname": child.surname,
        "date_of_birth": child.date_of_birth,
        "sex": child.sex,
        "ethnicity": child.ethnicity,
    }
    return actions.PersonDetails(**(values | changes))  # type: ignore[arg-type]


def _page(client, child: Person, **query: str):
    return client.get(reverse("people:history", args=[child.pk]), query)


def test_an_update_keeps_the_values_before_and_after(hub, personas):
    child = hub["child"]
    born = child.date_of_birth.isoformat()
    actions.update_person(
        child,
        _details(child, ethnicity="BAFR", date_of_birth=dt.date(2011, 5, 2)),
        actor=personas["practitioner"],
    )
    event = AuditEvent.objects.filter(action=Action.UPDATE, child_id=child.pk).first()
    assert event is not None
    assert event.detail["changes"] == {
        "date_of_birth": [born, "2011-05-02"],
        "ethnicity": ["", "BAFR"],
    }
    assert sorted(event.detail["fields"]) == ["date_of_birth", "ethnicity"]


def test_snapshot_and_diff_are_json_safe(hub):
    child = hub["child"]
    before = snapshot(child, ["date_of_birth", "ethnicity", "created_at"])
    assert before["date_of_birth"] == child.date_of_birth.isoformat()
    assert isinstance(before["created_at"], str)
    assert diff({"a": 1, "b": "x"}, {"a": 1, "b": "y", "c": None}) == {"b": ["x", "y"]}
    assert change_detail({"a": 1}, {"a": 2}, police_only=True, review="HIGH") == {
        "review": "HIGH",
        "fields": ["a"],
        "changes": {"a": [1, 2]},
        "police_only": True,
    }


def test_a_change_to_details_shows_before_and_after_with_the_actor(hub, personas, client_for):
    child = hub["child"]
    actions.update_person(child, _details(child, ethnicity="BAFR"), actor=personas["practitioner"])
    response = _page(client_for("team_manager"), child)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who changed what" in html
    row = html[html.index("Changed person") :]
    row = row[: row.index("</tr>")]
    assert "Ethnicity" in row
    assert "Before: Not recorded" in row
    assert "After: Black African" in row  # the code's label, not "BAFR"
    assert "BAFR" not in row
    whole_row = html[: html.index("Changed person")]
    assert "Practitioner Persona" in whole_row[whole_row.rindex("<tr") :]
    # The threshold decision shows the choice's words before and after.
    assert "Awaiting decision" in html and "Open to the hub" in html


def test_a_user_without_review_access_gets_403(hub, client_for):
    assert _page(client_for("practitioner"), hub["child"]).status_code == 403
    assert _page(client_for("missing_worker"), hub["child"]).status_code == 403


def test_filters_by_person_kind_and_date(hub, personas, client_for):
    child, worker, manager = hub["child"], personas["practitioner"], personas["team_manager"]
    actions.update_person(child, _details(child, ethnicity="BAFR"), actor=worker)
    casework.allocate_episode(
        hub["episode"], casework.Allocation(worker, locality_social_worker="Ada Quill"), actor=manager
    )
    old = AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(days=40),
        actor=manager,
        action=Action.UPDATE,
        object_type="people.person",
        object_id=str(child.pk),
        child_id=child.pk,
        detail={"fields": ["upn"]},
    )
    client = client_for("team_manager")

    by_worker = _page(client, child, actor=str(worker.pk)).content.decode()
    assert "Black African" in by_worker and "Ada Quill" not in by_worker

    by_manager = _page(client, child, actor=str(manager.pk)).content.decode()
    assert "Ada Quill" in by_manager and "Black African" not in by_manager

    episodes = _page(client, child, kind="episode").content.decode()
    assert (
        "Ada Quill" in episodes and "Black African" not in episodes and "Unique pupil number" not in episodes
    )

    people_only = _page(client, child, kind="person").content.decode()
    assert "Black African" in people_only and "Ada Quill" not in people_only

    since = timezone.localdate() - dt.timedelta(days=1)
    recent = _page(
        client, child, start_day=str(since.day), start_month=str(since.month), start_year=str(since.year)
    ).content.decode()
    assert "Black African" in recent and "Unique pupil number" not in recent

    then = timezone.localtime(old.at).date()
    on_the_day = _page(
        client,
        child,
        start_day=str(then.day),
        start_month=str(then.month),
        start_year=str(then.year),
        end_day=str(then.day),
        end_month=str(then.month),
        end_year=str(then.year),
    ).content.decode()
    assert "Unique pupil number" in on_the_day and "Black African" not in on_the_day

    # A date no event can have is refused, not a server error (year 9999's next day overflows).
    far = _page(client, child, end_day="31", end_month="12", end_year="9999")
    assert far.status_code == 200 and "The to date must be within" in far.content.decode()

    nothing = _page(client, child, actor=str(worker.pk), kind="note").content.decode()
    assert "No changes match these filters" in nothing
    # The query string carries ids, codes and dates only; pagination keeps them.
    assert child.surname not in _page(client, child, kind="person").request["QUERY_STRING"]


def test_an_older_event_shows_the_fields_changed_without_values(hub, personas, client_for):
    child = hub["child"]
    record_event(
        personas["practitioner"],
        Action.UPDATE,
        child,
        child_id=child.pk,
        detail={"fields": ["ethnicity", "upn"]},
    )
    html = _page(client_for("team_manager"), child).content.decode()
    assert "Fields changed: Ethnicity, Unique pupil number" in html


def test_police_only_values_are_not_shown_to_someone_who_may_not_see_them(hub, personas, client_for):
    child = hub["child"]
    before, after = {"title": "Statement"}, {"title": "Statement naming the adult in the blue car"}
    record_event(
        personas["practitioner"],
        Action.UPDATE,
        child,
        child_id=child.pk,
        detail=change_detail(before, after, police_only=True),
    )
    # Managers may see police-only information by default; a manager who may not:
    RolePermission.objects.filter(role__code="team_manager", permission="view_police_only").delete()
    html = _page(client_for("team_manager"), child).content.decode()
    assert "blue car" not in html
    assert "Fields changed: Title. The values are police-only and are not shown to you." in html

    police = create_user(
        "police.manager",
        agency="POLICE",
        roles=["team_manager"],
        actor=None,
        first_name="Pat",
        last_name="Constable",
        password="a-long-test-password-1",
    )
    html = _page(sign_in_verified(client_for("team_manager"), police), child).content.decode()
    assert "blue car" in html


def test_break_glass_reasons_are_not_in_the_history(hub, personas, client_for):
    restricted = hub["restricted"]
    actions.break_glass(
        restricted, "Emergency: the duty worker needs the address", actor=personas["practitioner"]
    )
    html = _page(client_for("team_manager"), restricted).content.decode()
    assert "duty worker needs the address" not in html
    assert "Restricted the record" in html


def test_long_text_is_cut_with_a_way_to_see_all(hub, personas, client_for):
    child = hub["child"]
    long_risk = "She is seen with older men at the station most evenings. " * 10
    casework.write_case_summary(
        child, casework.CaseSummaryText("Who", long_risk, "Working", "Plan"), actor=personas["practitioner"]
    )
    html = _page(client_for("team_manager"), child).content.decode()
    assert "Show all" in html
    assert long_risk.strip() in html  # whole, inside the details


def test_a_merged_record_s_changes_are_included_with_its_record_id(hub, personas, client_for):
    child, worker = hub["child"], personas["practitioner"]
    duplicate = make_child(worker, "Kofi", "Ashcomb")
    actions.update_person(duplicate, _details(duplicate, ethnicity="WBRI"), actor=worker)
    Person.objects.filter(pk=duplicate.pk).update(merged_into=child, merged_at=timezone.now())
    html = _page(client_for("team_manager"), child).content.decode()
    assert "White British" in html
    assert ">Record</th>" in html
    assert f"{duplicate.pk} <span" in html
    # One record alone has no record column.
    other = hub["second"]
    assert ">Record</th>" not in _page(client_for("team_manager"), other).content.decode()


def test_the_empty_state(personas, client_for):
    child = make_child(personas["practitioner"])
    html = _page(client_for("team_manager"), child).content.decode()
    assert "Added person" in html
    nothing = _page(client_for("team_manager"), child, kind="referral").content.decode()
    assert "No changes match these filters" in nothing


def test_the_number_of_queries_does_not_grow_with_the_events_shown(hub, personas, client_for):
    child, worker, manager = hub["child"], personas["practitioner"], personas["team_manager"]
    client = client_for("team_manager")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _page(client, child).status_code == 200
        return len(queries)

    def changes(n: int) -> None:
        for i in range(n):
            actor = worker if i % 2 else manager
            actions.update_person(child, _details(child, upn=f"A{i:012d}"), actor=actor)

    changes(2)
    count()  # the first request of a session asks more (the session, the user's roles)
    few = count()
    changes(12)
    assert AuditEvent.objects.filter(child_id=child.pk, action=Action.UPDATE).count() >= 14
    assert count() == few


def _last_update(obj: Any) -> Any:
    event = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).first()
    assert event is not None
    return event.detail


def test_the_update_actions_across_the_apps_keep_before_and_after(hub, personas):
    from cshub.contact import actions as contact
    from cshub.missing import actions as missing
    from cshub.referrals.models import Referral

    worker, manager = personas["practitioner"], personas["team_manager"]
    # The fixture's threshold decision: its words before and after.
    decided = _last_update(Referral.objects.get(pk=hub["referral"].pk))
    assert decided["changes"]["decision"] == ["PENDING", "OPEN"]
    assert decided["changes"]["decided_by"] == [None, str(manager)]

    casework.allocate_episode(
        hub["episode"], casework.Allocation(worker, lead_professional="Dr Asha Patel"), actor=manager
    )
    assert _last_update(hub["episode"])["changes"] == {"lead_professional": ["", "Dr Asha Patel"]}

    contact.end_team_member(hub["member"], timezone.localdate(), actor=worker)
    assert _last_update(hub["member"])["changes"] == {"to_date": [None, timezone.localdate().isoformat()]}

    contact.record_nrm(
        hub["child"],
        actor=worker,
        nrm=hub["nrm"],
        referred_on=hub["nrm"].referred_on,
        first_responder="Home Office",
    )
    assert _last_update(hub["nrm"])["changes"] == {"first_responder": ["Police", "Home Office"]}

    reported = timezone.now() - dt.timedelta(hours=5)
    episode, _ = missing.receive_police_report(
        hub["child"], missing.MissingReport(reported_at=reported, police_reference="GMP-1"), actor=worker
    )
    missing.receive_police_report(
        hub["child"],
        missing.MissingReport(reported_at=reported, police_reference="GMP-1", police_risk="HIGH"),
        actor=worker,
        sent=["police_risk"],
    )
    assert _last_update(episode)["changes"] == {"police_risk": ["", "HIGH"]}
