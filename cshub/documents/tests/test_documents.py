"""Documents: type by content, size, the real scanner (clamd, conftest), police-only,
audited downloads, access, the scanner down and `cshub documents rescan`, removal."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.documents import actions, samples, storage
from cshub.documents.models import Document, ScanStatus
from cshub.documents.tests.conftest import EICAR, PLANTED, PLANTED_NAME

PNG = samples.png()
PDF = samples.pdf(["Minutes of the strategy discussion."])


def _post(client: Client, url: str, name: str, content: bytes, **fields: Any) -> Any:
    data = {"title": "A document", "kind": "REPORT", **fields, "file": SimpleUploadedFile(name, content)}
    return client.post(url, data)


def _upload_url(hub: dict[str, Any]) -> str:
    return reverse("documents:upload_child", args=[hub["child"].pk])


@pytest.fixture
def police(db: Any) -> Any:
    return create_user(
        "pc.test",
        agency="POLICE",
        roles=["practitioner"],
        actor=None,
        first_name="Pat",
        last_name="Constable",
        password="a-long-test-password-1",
    )


# Type by content, not name -------------------------------------------------------------


def test_a_pdf_that_is_really_a_png_is_refused_with_what_it_really_is(hub, client_for, scanner):
    response = _post(client_for("practitioner"), _upload_url(hub), "report.pdf", PNG)
    assert response.status_code == 400
    assert "The selected file is called .pdf but its content is a PNG image" in response.content.decode()
    assert not Document.objects.filter(title="A document").exists()


def test_a_program_renamed_to_pdf_is_refused(hub, client_for, scanner):
    program = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4
    response = _post(client_for("practitioner"), _upload_url(hub), "letter.pdf", program)
    assert response.status_code == 400
    assert "its content is none of these" in response.content.decode()
    assert not Document.objects.filter(title="A document").exists()


def test_an_image_named_exe_is_refused(hub, client_for, scanner):
    response = _post(client_for("practitioner"), _upload_url(hub), "photo.exe", PNG)
    assert response.status_code == 400
    assert "called .exe but its content is a PNG image" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", PDF, "application/pdf"),
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "image/jpeg"),
        ("photo.png", PNG, "image/png"),
        (
            "nrm.docx",
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("report.odt", samples.odt(), "application/vnd.oasis.opendocument.text"),
        ("notes.txt", "Seen at the station café at 9pm.\n".encode(), "text/plain"),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(hub, name, content, content_type, scanner):
    document = actions.attach_document(
        content=content, original_name=name, title="T", kind="OTHER", person=hub["child"], actor=hub["worker"]
    )
    assert document.content_type == content_type
    assert document.scan_status == ScanStatus.CLEAN


def test_a_word_file_with_macros_is_refused(hub, scanner):
    with pytest.raises(ValidationError) as refused:
        actions.attach_document(
            content=samples.docx(macros=True),
            original_name="form.docx",
            title="T",
            kind="OTHER",
            person=hub["child"],
            actor=hub["worker"],
        )
    assert "its content is none of these" in refused.value.message_dict["file"][0]


def test_a_file_over_the_size_limit_is_refused(hub, client_for, settings, scanner):
    settings.CSHUB_DOCUMENT_MAX_MB = 1
    big = b"A line of plain text.\n" * (2**20 // 22 + 1)
    assert len(big) > 2**20
    response = _post(client_for("practitioner"), _upload_url(hub), "notes.txt", big)
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not Document.objects.filter(title="A document").exists()


# The real scanner ------------------------------------------------------------------------


def test_the_scanner_refuses_a_file_with_the_test_signature_and_deletes_it(
    hub, client_for, scanner, django_capture_on_commit_callbacks
):
    infected = samples.png(extra=PLANTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client_for("practitioner"), _upload_url(hub), "photo.png", infected, title="Photo")
    assert response.status_code == 400
    assert f"The selected file contains a virus ({PLANTED_NAME})" in response.content.decode()
    document = Document.objects.get(title="Photo")
    assert document.scan_status == ScanStatus.INFECTED
    assert document.scan_result == PLANTED_NAME
    assert not storage.path_of(document.stored_name).exists(), "the infected bytes are deleted"
    event = AuditEvent.objects.get(
        object_type="documents.document", object_id=str(document.pk), action="UPDATE"
    )
    assert event.detail["scan"] == "INFECTED"
    assert event.child_id == hub["child"].pk
    # Never listed, never opened.
    page = client_for("practitioner").get(reverse("documents:child", args=[hub["child"].pk]))
    assert "Photo" not in page.content.decode()
    assert client_for("practitioner").get(reverse("documents:view", args=[document.pk])).status_code == 404


def test_the_scanner_refuses_the_eicar_test_file(hub, scanner):
    with pytest.raises(ValidationError) as refused:
        actions.attach_document(
            content=EICAR,
            original_name="eicar.txt",
            title="T",
            kind="OTHER",
            person=hub["child"],
            actor=hub["worker"],
        )
    assert "contains a virus (CSHub.Test.EICAR.UNOFFICIAL)" in refused.value.message_dict["file"][0]


def test_a_clean_file_is_scanned_before_it_opens_and_each_download_is_audited(hub, client_for, scanner):
    client = client_for("practitioner")
    response = _post(client, _upload_url(hub), "report.pdf", PDF, title="Strategy discussion")
    assert response.status_code == 302
    document = Document.objects.get(title="Strategy discussion")
    assert document.scan_status == ScanStatus.CLEAN
    assert document.scanned_at is not None
    assert storage.read(document.stored_name) == PDF
    before = AuditEvent.objects.filter(action=Action.VIEW, object_id=str(document.pk)).count()
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200
    assert download.content == PDF
    events = AuditEvent.objects.filter(
        action=Action.VIEW, object_type="documents.document", object_id=str(document.pk)
    )
    assert events.count() == before + 1
    assert events.first().child_id == hub["child"].pk


def test_served_files_are_sandboxed_never_sniffed_and_safely_named(hub, client_for, scanner):
    document = actions.attach_document(
        content=PDF,
        original_name='C:\\Users\\x\\evil"; name=x\r\n.pdf',
        title="T",
        kind="REPORT",
        person=hub["child"],
        actor=hub["worker"],
    )
    client = client_for("practitioner")
    inline = client.get(reverse("documents:view", args=[document.pk]))
    assert inline["Content-Type"] == "application/pdf"
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert inline["Content-Security-Policy"] == "sandbox"
    assert inline["Content-Disposition"] == 'inline; filename="evil_ name_x.pdf"'
    attached = client.get(reverse("documents:download", args=[document.pk]))
    assert attached["Content-Disposition"] == 'attachment; filename="evil_ name_x.pdf"'
    assert attached["Content-Security-Policy"] == "sandbox"


def test_a_text_file_is_downloaded_not_shown(hub, client_for, scanner):
    document = actions.attach_document(
        content=b"<script>alert(1)</script>\n",
        original_name="notes.txt",
        title="T",
        kind="OTHER",
        person=hub["child"],
        actor=hub["worker"],
    )
    response = client_for("practitioner").get(reverse("documents:view", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/plain; charset=utf-8"


# The scanner down, and the rescan -------------------------------------------------------------


def test_when_the_scanner_is_down_nobody_can_open_it_until_rescan(
    hub, client_for, settings, tmp_path, clamd_socket
):
    settings.CSHUB_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    client = client_for("practitioner")
    response = _post(client, _upload_url(hub), "report.pdf", PDF, title="Waiting")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "the virus scanner could not be reached, so nobody can open it yet" in page
    assert "Not checked for viruses yet" in page
    document = Document.objects.get(title="Waiting")
    assert document.scan_status == ScanStatus.FAILED
    assert client.get(reverse("documents:view", args=[document.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    with pytest.raises(CommandError, match="does not answer"):
        call_command("documents", "rescan")
    settings.CSHUB_CLAMD_SOCKET = clamd_socket
    call_command("documents", "rescan")
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.CLEAN
    assert client.get(reverse("documents:view", args=[document.pk])).status_code == 200


def test_rescan_refuses_a_waiting_file_that_has_a_virus(hub, clamd_socket, settings, tmp_path):
    settings.CSHUB_CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    document = actions.attach_document(
        content=samples.png(extra=PLANTED),
        original_name="photo.png",
        title="T",
        kind="PHOTOGRAPH",
        person=hub["child"],
        actor=hub["worker"],
    )
    assert document.scan_status == ScanStatus.FAILED
    settings.CSHUB_CLAMD_SOCKET = clamd_socket
    result = actions.rescan()
    assert (result.clean, result.infected) == (0, 1)
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.INFECTED


# Police only ---------------------------------------------------------------------------


def test_police_only_documents_are_invisible_to_those_who_may_not_see_them(hub, client_for, police, scanner):
    officer = sign_in_verified(Client(), police)
    response = _post(
        officer, _upload_url(hub), "report.pdf", PDF, title="Intelligence report", police_only="on"
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Intelligence report")
    assert document.police_only
    tab = reverse("documents:child", args=[hub["child"].pk])
    for role in ("practitioner", "missing_worker"):
        client = client_for(role)
        assert "Intelligence report" not in client.get(tab).content.decode()
        assert client.get(reverse("documents:view", args=[document.pk])).status_code == 404
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    # A manager holds "see police-only information"; the officer is police.
    for client in (client_for("team_manager"), officer):
        assert "Intelligence report" in client.get(tab).content.decode()
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_only_those_who_may_see_police_only_information_may_mark_a_document_so(hub, client_for, scanner):
    client = client_for("practitioner")
    assert 'name="police_only"' not in client.get(_upload_url(hub)).content.decode()
    with pytest.raises(ValidationError) as refused:
        actions.attach_document(
            content=PDF,
            original_name="a.pdf",
            title="T",
            kind="OTHER",
            person=hub["child"],
            police_only=True,
            actor=hub["worker"],
        )
    assert "police_only" in refused.value.message_dict


# Access -------------------------------------------------------------------------------


def test_a_document_about_a_restricted_child_does_not_open_for_those_not_named(hub, client_for, scanner):
    document = actions.attach_document(
        content=PDF,
        original_name="a.pdf",
        title="T",
        kind="OTHER",
        person=hub["restricted"],
        actor=hub["manager"],
    )
    response = client_for("practitioner").get(reverse("documents:download", args=[document.pk]))
    assert response.status_code in (302, 404)  # break glass, or 404
    if response.status_code == 302:
        assert "break-glass" in response["Location"] or "break_glass" in response["Location"]
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, child_id=hub["restricted"].pk).exists()
    assert (
        client_for("team_manager").get(reverse("documents:download", args=[document.pk])).status_code == 200
    )


def test_an_unknown_document_is_404_and_figures_only_roles_get_403(hub, client_for):
    assert client_for("practitioner").get(reverse("documents:view", args=[999999])).status_code == 404
    assert client_for("analyst").get(reverse("documents:view", args=[hub["document"].pk])).status_code == 403


def test_a_document_on_a_meeting_item_is_listed_there_and_about_its_children(hub, client_for, scanner):
    client = client_for("team_manager")
    response = _post(
        client, reverse("documents:upload_item", args=[hub["item"].pk]), "a.pdf", PDF, title="Map"
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Map")
    assert document.agenda_item == hub["item"]
    assert document.person == hub["child"]  # the item's only child
    page = client.get(reverse("meetings:detail", args=[hub["meeting"].pk])).content.decode()
    assert "Map" in page
    assert reverse("documents:view", args=[document.pk]) in page


def test_a_document_on_a_referral_is_listed_on_the_referral_and_the_childs_tab(hub, client_for, scanner):
    client = client_for("practitioner")
    url = reverse("documents:upload_referral", args=[hub["referral"].pk])
    assert _post(client, url, "a.pdf", PDF, title="Referral form").status_code == 302
    assert (
        "Referral form" in client.get(reverse("referrals:detail", args=[hub["referral"].pk])).content.decode()
    )
    assert "Referral form" in client.get(reverse("documents:child", args=[hub["child"].pk])).content.decode()


def test_a_document_on_a_case_note_is_listed_on_the_note_and_the_childs_tab(hub, client_for, scanner):
    client = client_for("practitioner")
    note = hub["case_note"]
    note_page = reverse("notes:detail", args=[note.person_id, note.pk])
    assert "Add a document" in client.get(note_page).content.decode()
    url = reverse("documents:upload_note", args=[note.pk])
    assert _post(client, url, "call.pdf", PDF, title="Notes of the call").status_code == 302
    document = Document.objects.get(title="Notes of the call")
    assert (document.case_note_id, document.person_id) == (note.pk, note.person_id)
    assert "Notes of the call" in client.get(note_page).content.decode()
    assert (
        "Notes of the call" in client.get(reverse("documents:child", args=[note.person_id])).content.decode()
    )


# Removal ------------------------------------------------------------------------------------


def test_the_uploader_removes_a_document_with_a_reason_and_a_tombstone_stays(
    hub, client_for, django_capture_on_commit_callbacks
):
    document = hub["document"]
    client = client_for("practitioner")
    url = reverse("documents:remove", args=[document.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the document is being removed" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "Attached to the wrong child"}).status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None
    assert document.removed_reason == "Attached to the wrong child"
    assert not storage.path_of(document.stored_name).exists()
    event = AuditEvent.objects.get(
        object_type="documents.document", object_id=str(document.pk), action=Action.UPDATE
    )
    assert event.reason == "Attached to the wrong child"
    assert event.child_id == hub["child"].pk
    assert client.get(reverse("documents:view", args=[document.pk])).status_code == 404
    tab = client.get(reverse("documents:child", args=[hub["child"].pk])).content.decode()
    assert "Removed documents (1)" in tab
    assert "Attached to the wrong child" in tab


def test_someone_else_may_not_remove_a_document(hub, client_for):
    url = reverse("documents:remove", args=[hub["document"].pk])
    assert client_for("missing_worker").post(url, {"reason": "Not mine"}).status_code == 403
    hub["document"].refresh_from_db()
    assert hub["document"].removed_at is None


def test_a_full_disk_is_a_clear_503_and_nothing_is_recorded(hub, client_for, monkeypatch, scanner):
    import errno

    def full(content: bytes) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "store", full)
    response = _post(client_for("practitioner"), _upload_url(hub), "report.pdf", PDF, title="Full")
    assert response.status_code == 503
    assert "The file could not be stored: the server has no space left" in response.content.decode()
    assert not Document.objects.filter(title="Full").exists()
