import pytest
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils.html import escape

from cshub.audit.models import Action, AuditEvent
from cshub.people import actions
from cshub.people.access import RestrictedRecord, get_child_for_user
from cshub.people.models import Person


def test_viewing_a_child_writes_a_view_event(hub, client_for, personas):
    child = hub["child"]
    before = AuditEvent.objects.filter(action=Action.VIEW, child_id=child.pk).count()
    response = client_for("practitioner").get(f"/children/{child.pk}/")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action=Action.VIEW, child_id=child.pk).first()
    assert event is not None
    assert AuditEvent.objects.filter(action=Action.VIEW, child_id=child.pk).count() == before + 1
    assert event.actor == personas["practitioner"]
    assert event.actor_agency == "SOCIAL_CARE"
    assert event.request_id == response["X-Request-ID"]
    assert event.via == "page"


def test_changing_a_child_writes_an_update_event_with_the_fields(hub, personas):
    child = hub["child"]
    details = actions.PersonDetails(
        forename="Kofi", surname="Ashcombe", date_of_birth=child.date_of_birth, sex="M", ethnicity="BAFR"
    )
    actions.update_person(child, details, actor=personas["practitioner"])
    event = AuditEvent.objects.filter(action=Action.UPDATE, child_id=child.pk).first()
    assert event is not None
    assert event.detail == {"fields": ["ethnicity"], "changes": {"ethnicity": ["", "BAFR"]}}
    assert child.timeline.filter(kind="DETAILS_CHANGED").exists()


def test_audit_events_cannot_be_changed_or_deleted(hub):
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    for sql in ("UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_restricted_record_is_hidden_until_glass_is_broken(hub, personas, client_for):
    restricted, worker = hub["restricted"], personas["practitioner"]
    assert restricted not in Person.objects.visible_to(worker)
    with pytest.raises(RestrictedRecord):
        get_child_for_user(worker, restricted.pk)
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, child_id=restricted.pk, actor=worker
    ).exists()

    client = client_for("practitioner")
    response = client.get(f"/children/{restricted.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/children/{restricted.pk}/break-glass/"
    response = client.post(f"/children/{restricted.pk}/break-glass/", {"reason": "short"})
    assert b"at least 10 characters" in response.content
    response = client.post(
        f"/children/{restricted.pk}/break-glass/",
        {"reason": "Child found in crisis at A&E tonight, need the safety plan"},
    )
    assert response.status_code == 302
    assert client.get(f"/children/{restricted.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS, child_id=restricted.pk)
    assert "A&E" in event.reason
    review = client_for("team_manager").get("/access-review/")
    assert b"A&amp;E tonight" in review.content


def test_named_users_see_a_restricted_record(hub, personas):
    restricted, worker, manager = hub["restricted"], personas["practitioner"], personas["team_manager"]
    assert restricted in Person.objects.visible_to(manager)  # restricted it, so named
    actions.grant_access(restricted, worker, actor=manager)
    assert get_child_for_user(worker, restricted.pk) == restricted


def test_roles_without_case_access_never_see_a_child(hub, personas):
    for role in ("analyst", "strategic_lead", "sysadmin"):
        assert not Person.objects.visible_to(personas[role]).exists()
        with pytest.raises(Http404):
            get_child_for_user(personas[role], hub["child"].pk)


def test_who_viewed_this_record(hub, client_for):
    child = hub["child"]
    client_for("practitioner").get(f"/children/{child.pk}/timeline/")
    page = client_for("team_manager").get(f"/children/{child.pk}/access/")
    assert b"Practitioner Persona" in page.content
    assert b"timeline" in page.content


def test_timeline_entries_can_be_marked_significant_for_the_chronology(hub, client_for):
    child, entry = hub["child"], hub["entry"]
    client = client_for("practitioner")
    response = client.post(f"/children/{child.pk}/timeline/{entry.pk}/significant/", {"significant": "yes"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.significant
    chronology = client.get(f"/children/{child.pk}/chronology/")
    assert escape(entry.summary) in chronology.content.decode()


def test_an_alias_cannot_be_blank(hub, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.add_alias(hub["child"], " ", "", actor=personas["practitioner"])


def test_one_grant_per_person_and_user(hub, personas):
    restricted, manager = hub["restricted"], personas["team_manager"]
    with pytest.raises(IntegrityError), transaction.atomic():
        restricted.access_grants.create(user=manager, granted_by=manager)
