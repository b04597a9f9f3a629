"""Running a meeting: minuting, closing (decisions and actions on each child's timeline),
minutes and their restricted version, and who may do what."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.audit.models import AuditEvent
from cshub.conftest import TODAY
from cshub.meetings import actions
from cshub.meetings.models import Meeting, MeetingType
from cshub.people.models import TimelineKind
from cshub.tasks.models import Source, Status, Task

pytestmark = pytest.mark.django_db

POLICE_TEXT = "Intelligence: an adult of concern is using the flat at Larch Court."


def group_item(hub, meeting: Meeting | None = None):
    """An item about a peer group of two children, with information shared both ways."""
    manager = hub["manager"]
    meeting = meeting or hub["meeting"]
    item = actions.add_item(
        meeting, "NEW_CRIME", "Robbery near the bus station", [hub["child"], hub["second"]], actor=manager
    )
    actions.share_information(item, "POLICE", POLICE_TEXT, "POLICE_ONLY", actor=manager)
    actions.share_information(
        item, "HEALTH", "Both seen at the sexual health clinic.", "CONSENT", actor=manager
    )
    return item


def police_officer():
    return create_user(
        "pc.ellery", agency="POLICE", roles=["practitioner"], actor=None, first_name="Sam", last_name="Ellery"
    )


def test_closing_puts_each_decision_and_action_on_every_childs_timeline(hub):
    manager, worker = hub["manager"], hub["worker"]
    item = group_item(hub)
    actions.save_minutes(
        item,
        discussion="Both known to each other.",
        decision="Joint disruption plan with police.",
        actor=manager,
    )
    actions.add_action(
        item,
        actions.ProposedAction("Joint visit to both homes", TODAY + dt.timedelta(days=2), owner=worker),
        actor=manager,
    )
    actions.add_action(
        item,
        actions.ProposedAction(
            "Disruption notice", TODAY + dt.timedelta(days=7), owner_name="PC Ellery", owner_agency="POLICE"
        ),
        actor=manager,
    )
    actions.save_minutes(hub["item"], discussion="", decision="Keep open; review Friday.", actor=manager)
    assert not hub["child"].timeline.filter(kind=TimelineKind.MEETING_DECISION).exists()
    actions.close_meeting(hub["meeting"], actor=manager)

    link = f"/meetings/{hub['meeting'].pk}/#item-{item.pk}"
    for person in (hub["child"], hub["second"]):
        entry = person.timeline.get(kind=TimelineKind.MEETING_DECISION, source_id=str(item.pk))
        assert "Joint disruption plan with police." in entry.summary
        assert entry.link == link
        assert POLICE_TEXT not in entry.summary  # police-only information never reaches the timeline
        agreed = person.timeline.filter(kind=TimelineKind.ACTION_AGREED)
        assert {e.summary.split(": ", 1)[1] for e in agreed} >= {
            "Joint visit to both homes",
            "Disruption notice",
        }
    task = Task.objects.get(description="Joint visit to both homes")
    assert task.owner == worker and task.status == Status.OPEN and task.source == Source.MEETING
    assert set(task.people.all()) == {hub["child"], hub["second"]} and task.link == link
    assert Task.objects.get(description="Disruption notice").owner_name == "PC Ellery"
    # The owner sees it in their open actions.
    assert b"Joint visit to both homes" in sign_in_verified_client(worker).get("/actions/").content
    meeting = Meeting.objects.get(pk=hub["meeting"].pk)
    assert meeting.is_closed and meeting.closed_by == manager
    assert AuditEvent.objects.filter(
        object_type="meetings.meeting", object_id=str(meeting.pk), detail__closed=True
    ).exists()


def sign_in_verified_client(user):
    from django.test import Client

    return sign_in_verified(Client(), user)


def test_every_item_needs_a_decision_and_a_closed_meeting_is_read_only(hub):
    manager = hub["manager"]
    with pytest.raises(ValidationError, match="Record a decision on item 1"):
        actions.close_meeting(hub["meeting"], actor=manager)
    actions.save_minutes(hub["item"], discussion="", decision="No further action.", actor=manager)
    actions.close_meeting(hub["meeting"], actor=manager)
    with pytest.raises(ValidationError, match="closed"):
        actions.save_minutes(hub["item"], discussion="", decision="Changed later", actor=manager)
    with pytest.raises(ValidationError, match="closed"):
        actions.close_meeting(hub["meeting"], actor=manager)
    with pytest.raises(ValidationError, match="closed"):
        actions.build_agenda(hub["meeting"], actor=manager)


def test_the_restricted_minutes_omit_police_only_information(hub, client_for):
    item = group_item(hub)
    actions.save_minutes(item, discussion="", decision="Joint plan.", actor=hub["manager"])
    manager = client_for("team_manager")  # holds VIEW_POLICE_ONLY
    url = reverse("meetings:download", args=[hub["meeting"].pk])
    full = manager.get(url)
    assert full["Content-Disposition"].startswith("attachment;") and "full" in full["Content-Disposition"]
    assert POLICE_TEXT in full.content.decode()
    restricted = manager.get(url + "?version=restricted")
    text = restricted.content.decode()
    assert POLICE_TEXT not in text and "police only" not in text.lower().replace(
        "police-only information is not", ""
    )
    assert "Both seen at the sexual health clinic." in text and "Joint plan." in text
    assert "Restricted version" in text
    page = manager.get(reverse("meetings:minutes", args=[hub["meeting"].pk]) + "?version=restricted")
    assert POLICE_TEXT not in page.content.decode()
    assert AuditEvent.objects.filter(action="EXPORT", object_id=str(hub["meeting"].pk)).count() == 2


def test_without_police_only_visibility_only_the_restricted_content_is_given(hub, client_for):
    group_item(hub)
    worker = client_for("practitioner")  # social care: no police-only information
    for name in ("meetings:detail", "meetings:minutes", "meetings:download"):
        content = worker.get(reverse(name, args=[hub["meeting"].pk])).content.decode()
        assert POLICE_TEXT not in content, name
        assert "Both seen at the sexual health clinic." in content, name
    assert (
        "restricted"
        in worker.get(reverse("meetings:download", args=[hub["meeting"].pk]))["Content-Disposition"]
    )


def test_a_police_officer_sees_police_only_items(hub):
    group_item(hub)
    officer = sign_in_verified_client(police_officer())
    for name in ("meetings:detail", "meetings:minutes"):
        content = officer.get(reverse(name, args=[hub["meeting"].pk])).content.decode()
        assert POLICE_TEXT in content, name
        assert "Police only: not for onward disclosure" in content or "police only: not for onward" in content


def test_an_analyst_cannot_read_minutes_and_a_missing_worker_reads_but_cannot_run(hub, client_for):
    meeting, item = hub["meeting"], hub["item"]
    analyst = client_for("analyst")
    assert analyst.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 403
    assert analyst.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 403
    assert analyst.get(reverse("meetings:download", args=[meeting.pk])).status_code == 403
    missing = client_for("missing_worker")
    page = missing.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.status_code == 200 and b"Intelligence about an address" in page.content
    assert b"Close the meeting" not in page.content and b'name="m' not in page.content  # no forms
    response = missing.post(
        reverse("meetings:autosave", args=[item.pk]),
        {f"m{item.pk}-decision": "Changed", f"m{item.pk}-discussion": ""},
    )
    assert response.status_code == 403
    assert missing.post(reverse("meetings:start")).status_code == 403
    with pytest.raises(PermissionDenied):
        actions.save_minutes(
            item,
            discussion="",
            decision="x",
            actor=hub["worker"].__class__.objects.get(username="missing_worker.user"),
        )


def test_an_item_about_a_restricted_child_hides_the_name(hub, client_for):
    manager = hub["manager"]
    actions.add_item(hub["meeting"], "CUSTODY", "Arrested overnight", [hub["restricted"]], actor=manager)
    worker_page = (
        client_for("practitioner").get(reverse("meetings:detail", args=[hub["meeting"].pk])).content.decode()
    )
    assert "Cinderwick" not in worker_page and "Arrested overnight" not in worker_page
    assert "a child whose record is restricted" in worker_page
    manager_page = (
        client_for("team_manager").get(reverse("meetings:detail", args=[hub["meeting"].pk])).content.decode()
    )
    assert "Tia Cinderwick" in manager_page  # named on the record
    # Viewing the meeting audits a VIEW of each child shown, and only those.
    views = AuditEvent.objects.filter(
        action="VIEW", actor__username="practitioner.user", detail__part__startswith="meeting"
    )
    assert set(views.values_list("child_id", flat=True)) == {hub["child"].pk}


def test_minuting_without_javascript_returns_to_the_item(hub, client_for):
    client, item = client_for("practitioner"), hub["item"]
    response = client.post(
        reverse("meetings:save_item", args=[item.pk]),
        {f"m{item.pk}-discussion": "Discussed the address.", f"m{item.pk}-decision": "Police to visit."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{hub['meeting'].pk}/?open={item.pk}#item-{item.pk}"
    item.refresh_from_db()
    assert item.decision == "Police to visit."
    bad = client.post(
        reverse("meetings:add_action", args=[item.pk]),
        {f"a{item.pk}-description": "", f"a{item.pk}-due": "7"},
    )
    assert bad.status_code == 400
    assert b"Enter what needs to be done" in bad.content and b"Enter who will do it" in bad.content
    ok = client.post(
        reverse("meetings:share", args=[item.pk]),
        {
            f"s{item.pk}-agency": "HEALTH",
            f"s{item.pk}-text": "Missed appointments.",
            f"s{item.pk}-lawful_basis": "SAFEGUARDING",
        },
    )
    assert ok.status_code == 302 and item.shared.filter(text="Missed appointments.").exists()


def test_item_forms_sent_with_fetch_get_the_item_back(hub, client_for):
    client, item = client_for("practitioner"), hub["item"]
    response = client.post(
        reverse("meetings:add_action", args=[item.pk]),
        {
            f"a{item.pk}-description": "Check the address",
            f"a{item.pk}-owner_name": "PC Ellery",
            f"a{item.pk}-owner_agency": "POLICE",
            f"a{item.pk}-due": "3",
        },
        headers={"X-Requested-With": "fetch"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(f'<details class="cshub-item" id="item-{item.pk}"')
    assert (
        "Check the address" in html
        and (TODAY + dt.timedelta(days=3)) == item.actions.get(description="Check the address").due_date
    )


def test_autosave(hub, client_for):
    client, item = client_for("practitioner"), hub["item"]
    url = reverse("meetings:autosave", args=[item.pk])
    response = client.post(
        url,
        {f"m{item.pk}-discussion": "Typing…", f"m{item.pk}-decision": "Refer to"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["saved"] is True and answer["saved_at"].endswith(("am", "pm"))
    item.refresh_from_db()
    assert item.decision == "Refer to" and item.discussion == "Typing…"
    hub["meeting"].refresh_from_db()
    assert hub["meeting"].status == "IN_PROGRESS"
    actions.close_meeting(hub["meeting"], actor=hub["manager"])
    late = client.post(url, {f"m{item.pk}-discussion": "", f"m{item.pk}-decision": "Changed"})
    assert late.status_code == 409 and json.loads(late.content)["saved"] is False
    item.refresh_from_db()
    assert item.decision == "Refer to"


def test_reorder_and_remove_with_confirmation(hub, client_for):
    manager, meeting = hub["manager"], hub["meeting"]
    second = actions.add_item(meeting, "CUSTODY", "In custody overnight", [hub["second"]], actor=manager)
    third = actions.add_item(meeting, "OTHER", "School exclusion", [hub["child"]], actor=manager)
    client = client_for("team_manager")

    def order():
        return list(meeting.items.current().order_by("order").values_list("pk", flat=True))

    assert order() == [hub["item"].pk, second.pk, third.pk]
    client.post(reverse("meetings:move", args=[third.pk]), {"direction": "up"})
    assert order() == [hub["item"].pk, third.pk, second.pk]
    client.post(reverse("meetings:move", args=[hub["item"].pk]), {"direction": "up"})  # already first
    client.post(reverse("meetings:move", args=[hub["item"].pk]), {"direction": "down"})
    assert order() == [third.pk, hub["item"].pk, second.pk]
    confirm = client.get(reverse("meetings:remove_item", args=[second.pk]))
    assert b"Remove \xe2\x80\x9cIn custody overnight\xe2\x80\x9d from the agenda?" in confirm.content
    assert second.pk in order()  # asking does not remove
    client.post(reverse("meetings:remove_item", args=[second.pk]))
    assert order() == [third.pk, hub["item"].pk]
    assert (
        f'id="item-{second.pk}"'.encode()
        not in client.get(reverse("meetings:detail", args=[meeting.pk])).content
    )


def test_add_an_item_about_several_children_found_by_name(hub, client_for):
    client, meeting = client_for("practitioner"), hub["meeting"]
    url = reverse("meetings:add_item", args=[meeting.pk])
    found = client.post(
        url, {"find": "1", "find-name": "Amara Bramblefrod", "kind": "INTELLIGENCE", "title": "Peer group"}
    )
    assert found.status_code == 200
    html = found.content.decode()
    assert "Amara Brambleford" in html and "Kofi Ashcombe" in html  # found, and already on the agenda
    assert "Amara" not in found.request["QUERY_STRING"] if "QUERY_STRING" in found.request else True
    response = client.post(
        url,
        {
            "add": "1",
            "kind": "INTELLIGENCE",
            "title": "Peer group seen at the park",
            "children": [hub["second"].pk, hub["child"].pk],
        },
    )
    assert response.status_code == 302
    item = meeting.items.get(title="Peer group seen at the park")
    assert (
        set(item.children.all()) == {hub["child"], hub["second"]}
        and item.added_by.username == "practitioner.user"
    )
    empty = client.post(url, {"add": "1", "kind": "INTELLIGENCE", "title": ""})
    assert b"Enter a short title" in empty.content and b"Choose at least one child" in empty.content


def test_start_todays_daily_meeting_once(hub, client_for):
    client = client_for("practitioner")
    assert client.post(reverse("meetings:start"))["Location"] == f"/meetings/{hub['meeting'].pk}/"
    assert client.post(reverse("meetings:start"))["Location"] == f"/meetings/{hub['meeting'].pk}/"
    assert Meeting.objects.filter(meeting_type__code="daily", date=TODAY).count() == 1
    listing = client.get("/meetings/").content.decode()
    assert "Open today&#x27;s daily meeting" in listing or "Open today's daily meeting" in listing
    past = client.get("/meetings/?show=past").content.decode()
    assert "No past meetings." in past


def test_bring_a_child_to_the_daily_meeting_from_their_page(hub, client_for):
    client, child = client_for("missing_worker"), hub["second"]
    page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert reverse("meetings:flag", args=[child.pk]) in page
    missing_reason = client.post(reverse("meetings:flag", args=[child.pk]), {"reason": ""})
    assert b"Say why the child needs to come to the daily meeting" in missing_reason.content
    client.post(
        reverse("meetings:flag", args=[child.pk]), {"reason": "New older friends collecting from school"}
    )
    entry = child.timeline.get(kind=TimelineKind.FLAGGED_FOR_MEETING)
    assert "New older friends collecting from school" in entry.summary
    assert (
        "New older friends collecting from school"
        in client.get(reverse("casework:child", args=[child.pk])).content.decode()
    )
    meeting = actions.start_meeting(
        MeetingType.objects.get(code="daily"), TODAY + dt.timedelta(days=1), actor=hub["manager"]
    )
    assert meeting.items.filter(source_kind="FLAGGED", children=child).count() == 1


def test_a_change_sent_with_fetch_audits_only_that_items_children(hub, client_for):
    other = actions.add_item(
        hub["meeting"], "CUSTODY", "In custody overnight", [hub["second"]], actor=hub["manager"]
    )
    client, item = client_for("practitioner"), hub["item"]
    before = AuditEvent.objects.filter(action="VIEW").count()
    client.post(
        reverse("meetings:share", args=[item.pk]),
        {
            f"s{item.pk}-agency": "HEALTH",
            f"s{item.pk}-text": "Missed appointments.",
            f"s{item.pk}-lawful_basis": "CONSENT",
        },
        headers={"X-Requested-With": "fetch"},
    )
    viewed = set(
        AuditEvent.objects.filter(action="VIEW").order_by("pk")[before:].values_list("child_id", flat=True)
    )
    assert viewed == {hub["child"].pk}
    assert hub["second"].pk not in viewed and other.pk
