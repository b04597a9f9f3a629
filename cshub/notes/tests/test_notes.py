import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cshub.audit.models import Action, AuditEvent
from cshub.core.dates import LONDON
from cshub.notes import actions
from cshub.notes.actions import NoteText
from cshub.notes.models import CaseNote, Change
from cshub.people.models import TimelineKind

pytestmark = pytest.mark.django_db

WHEN = (timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)


def _note(
    hub: dict[str, Any], body: str = "Spoke to Kofi's mum: he came home at 22:00.", **kw: Any
) -> CaseNote:
    text = NoteText(kind="PHONE_CALL", occurred_at=WHEN, body=body, present=kw.pop("present", "Mum"))
    return actions.record_note(hub["child"], text, actor=kw.pop("actor", hub["worker"]))


def _past_the_window(note: CaseNote) -> None:
    """As if it had been recorded longer ago than the edit window (no waiting)."""
    CaseNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=settings.CSHUB_NOTE_EDIT_MINUTES + 1)
    )
    note.refresh_from_db()


def _form(body: str, **extra: str) -> dict[str, str]:
    when = WHEN.astimezone(LONDON)
    return {
        "kind": "PHONE_CALL",
        "occurred_date_day": str(when.day),
        "occurred_date_month": str(when.month),
        "occurred_date_year": str(when.year),
        "occurred_time": f"{when:%H:%M}",
        "present": "Mum",
        "body": body,
        **extra,
    }


def test_a_note_is_recorded_with_its_first_version_audited_and_on_the_timeline(hub: dict[str, Any]) -> None:
    note = _note(hub, present="Mum,   PC Ellery")
    assert note.present == "Mum, PC Ellery"
    assert [(v.number, v.change) for v in note.versions.all()] == [(1, Change.RECORDED)]
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="notes.casenote", object_id=str(note.pk), child_id=hub["child"].pk
    ).exists()
    entry = hub["child"].timeline.get(kind=TimelineKind.CASE_NOTE)
    assert entry.occurred_at == WHEN and not entry.date_only
    assert entry.summary.startswith("Phone call (present: Mum, PC Ellery): Spoke to Kofi's mum")
    assert entry.link == reverse("notes:detail", args=[hub["child"].pk, note.pk])


def test_a_note_needs_a_kind_a_time_not_in_the_future_and_a_text(hub: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        actions.record_note(
            hub["child"],
            NoteText(kind="VISIT", occurred_at=timezone.now() + dt.timedelta(hours=2), body="  "),
            actor=hub["worker"],
        )
    assert set(err.value.message_dict) == {"kind", "occurred_at", "body"}


def test_its_author_edits_it_within_the_window_and_the_earlier_text_is_kept(hub: dict[str, Any]) -> None:
    note = _note(hub)
    actions.edit_note(
        note,
        NoteText("PHONE_CALL", WHEN, "Spoke to Kofi's mum: he came home at 23:00.", "Mum"),
        actor=hub["worker"],
    )
    note.refresh_from_db()
    assert note.body.endswith("23:00.")
    assert [(v.number, v.change, v.body[-6:]) for v in note.versions.all()] == [
        (1, Change.RECORDED, "22:00."),
        (2, Change.EDITED, "23:00."),
    ]
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(note.pk), object_type="notes.casenote")
    assert event.detail == {"fields": ["body"], "version": 2, "change": "EDITED"}
    # The timeline follows the current version (one entry per note).
    assert hub["child"].timeline.get(kind=TimelineKind.CASE_NOTE).summary.endswith("23:00.")


def test_after_the_window_its_author_cannot_edit_it_but_amends_it_with_a_reason(hub: dict[str, Any]) -> None:
    note = _note(hub)
    _past_the_window(note)
    new = NoteText("PHONE_CALL", WHEN - dt.timedelta(hours=1), "Spoke to Kofi's mum: home at 21:00.", "Mum")
    with pytest.raises(ValidationError, match="amend it instead"):
        actions.edit_note(note, new, actor=hub["worker"])
    with pytest.raises(ValidationError) as err:
        actions.amend_note(note, new, "   ", actor=hub["worker"])
    assert "reason" in err.value.message_dict
    actions.amend_note(note, new, "Mum rang back: the time was wrong", actor=hub["worker"])
    note.refresh_from_db()
    assert note.occurred_at == WHEN - dt.timedelta(hours=1)
    original, amended = note.versions.all()
    assert (original.change, original.body) == (
        Change.RECORDED,
        "Spoke to Kofi's mum: he came home at 22:00.",
    )
    assert (amended.change, amended.reason) == (Change.AMENDED, "Mum rang back: the time was wrong")
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(note.pk), object_type="notes.casenote")
    assert event.reason == "Mum rang back: the time was wrong"
    assert event.detail == {"fields": ["occurred_at", "body"], "version": 2, "change": "AMENDED"}
    entry = hub["child"].timeline.get(kind=TimelineKind.CASE_NOTE)
    assert entry.occurred_at == WHEN - dt.timedelta(hours=1)
    assert "[Amended" in entry.summary and "the time was wrong" in entry.summary


def test_an_amendment_within_the_window_is_an_edit(hub: dict[str, Any]) -> None:
    note = _note(hub)
    with pytest.raises(ValidationError, match="edit it instead"):
        actions.amend_note(note, NoteText("OTHER", WHEN, "x"), "Because", actor=hub["worker"])


def test_nobody_edits_or_amends_someone_elses_note(hub: dict[str, Any]) -> None:
    note = _note(hub)
    manager = hub["manager"]
    with pytest.raises(PermissionDenied):
        actions.edit_note(note, NoteText("OTHER", WHEN, "Changed by the manager"), actor=manager)
    _past_the_window(note)
    with pytest.raises(PermissionDenied):
        actions.amend_note(note, NoteText("OTHER", WHEN, "Changed by the manager"), "Why", actor=manager)
    assert note.versions.count() == 1


def test_the_pages_edit_within_the_window_and_amend_after(hub: dict[str, Any], client_for: Any) -> None:
    note = _note(hub)
    child = hub["child"]
    worker = client_for("practitioner")
    detail = reverse("notes:detail", args=[child.pk, note.pk])
    assert "Edit the note" in worker.get(detail).content.decode()
    # The amend page sends the author back to the edit form while the window is open.
    assert worker.get(reverse("notes:amend", args=[child.pk, note.pk]))["Location"].endswith("/edit/")
    response = worker.post(reverse("notes:edit", args=[child.pk, note.pk]), _form("Home at 22:15."))
    assert response.status_code == 302 and response["Location"] == detail
    # Someone else may read it, never change it.
    manager = client_for("team_manager")
    assert "Edit the note" not in manager.get(detail).content.decode()
    assert manager.get(reverse("notes:edit", args=[child.pk, note.pk])).status_code == 403
    assert manager.post(reverse("notes:amend", args=[child.pk, note.pk]), _form("No")).status_code == 403

    _past_the_window(note)
    page = worker.get(detail).content.decode()
    assert "Amend the note" in page and "Edit the note" not in page
    assert worker.get(reverse("notes:edit", args=[child.pk, note.pk]))["Location"].endswith("/amend/")
    amend = reverse("notes:amend", args=[child.pk, note.pk])
    page = worker.post(amend, _form("Home at 22:30.")).content.decode()
    assert "Say why you are amending the note" in page  # the reason is needed
    response = worker.post(amend, _form("Home at 22:30.", reason="Mum corrected the time"))
    assert response.status_code == 302
    page = manager.get(detail).content.decode()
    # The current version first, then every earlier one, the original included.
    assert page.index("Home at 22:30.") < page.index("Earlier versions")
    assert "Version 2: edited" in page and "Home at 22:15." in page
    assert "Version 1 (the original): recorded" in page and "he came home at 22:00." in page
    assert "Mum corrected the time" in page


def test_the_list_filters_by_kind_pages_and_says_when_there_are_none(
    hub: dict[str, Any], client_for: Any, settings: Any
) -> None:
    settings.CSHUB_PAGE_SIZE = 2
    url = reverse("notes:child", args=[hub["child"].pk])
    client = client_for("team_manager")
    assert "No case notes about Kofi yet." in client.get(url).content.decode()
    for n in range(3):
        _note(hub, body=f"Phone call number {n}.")
    actions.record_note(
        hub["child"],
        NoteText("STRATEGY_DISCUSSION", WHEN, "Strategy discussion with police."),
        actor=hub["worker"],
    )
    first = client.get(url).content.decode()
    assert "4 notes" in first and first.count('class="cshub-card cshub-note"') == 2
    assert 'href="?page=2"' in first
    calls = client.get(url, {"kind": "PHONE_CALL", "page": "2"}).content.decode()
    assert "3 notes" in calls and calls.count('class="cshub-card cshub-note"') == 1
    assert "Strategy discussion with police." not in calls
    assert 'href="?kind=PHONE_CALL&amp;page=1"' in calls
    none = client.get(url, {"kind": "MANAGEMENT_OVERSIGHT"}).content.decode()
    assert "No management oversight notes about Kofi." in none
    assert client.get(url, {"kind": "NOT_A_KIND"}).status_code == 200  # a bad filter shows every kind


def test_the_form_shows_language_guidance_and_the_worker_may_rephrase_or_keep_it(
    hub: dict[str, Any], client_for: Any
) -> None:
    url = reverse("notes:new", args=[hub["child"].pk])
    client = client_for("practitioner")
    assert "data-language-guidance" in client.get(url).content.decode()
    blaming = "Kofi is putting himself at risk by going to the flat."
    # Shown with the form whenever it comes back (here the time is missing).
    page = client.post(url, _form(blaming, occurred_time="")).content.decode()
    assert "Enter the time it happened" in page
    assert "Language guidance (advice only)" in page and "putting himself at risk" in page
    # Advice, never a block: saved as written, or as rephrased.
    assert client.post(url, _form(blaming)).status_code == 302
    assert client.post(url, _form("Adults are exploiting Kofi at the flat.")).status_code == 302
    assert CaseNote.objects.filter(person=hub["child"]).count() == 2


def test_a_user_who_may_not_see_the_child_never_sees_its_notes(hub: dict[str, Any], client_for: Any) -> None:
    restricted = hub["restricted"]
    note = actions.record_note(
        restricted, NoteText("OTHER", WHEN, "About a restricted child."), actor=hub["manager"]
    )
    worker = client_for("practitioner")  # not named on the restricted record
    for name, kwargs in (
        ("notes:child", {"pk": restricted.pk}),
        ("notes:new", {"pk": restricted.pk}),
        ("notes:detail", {"pk": restricted.pk, "note_pk": note.pk}),
        ("notes:amend", {"pk": restricted.pk, "note_pk": note.pk}),
    ):
        # A restricted record the user is not named on: break glass is offered, nothing shown.
        response = worker.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("people:break_glass", args=[restricted.pk])
    # A note is only found under its own child: a child the user may see in the URL is a 404.
    smuggled = reverse("notes:detail", kwargs={"pk": hub["child"].pk, "note_pk": note.pk})
    response = worker.get(smuggled)
    assert response.status_code == 404 and "About a restricted child." not in response.content.decode()
    # Named on it (the manager who restricted it), the note is there.
    assert (
        "About a restricted child."
        in client_for("team_manager")
        .get(reverse("notes:detail", kwargs={"pk": restricted.pk, "note_pk": note.pk}))
        .content.decode()
    )
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, child_id=restricted.pk).exists()
    # Without the permission to see children at all: refused.
    assert client_for("analyst").get(reverse("notes:child", args=[hub["child"].pk])).status_code == 403
