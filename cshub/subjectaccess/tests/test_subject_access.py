"""Subject access: everything about the child in the export, others and police-only content
marked, redaction removes the text from the released file, every step audited."""

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cshub.access.models import Role, RolePermission, User
from cshub.access.permissions import Perm
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.meetings import actions as meetings
from cshub.subjectaccess import actions
from cshub.subjectaccess.models import Decision, ItemKind

POLICE_TEXT = "A police source says the flat on Quill Street is used by the group."


@pytest.fixture
def officer(personas: dict[str, User]) -> User:
    role = Role.objects.create(code="information_governance", name="Information governance")
    for perm in (Perm.SUBJECT_ACCESS, Perm.VIEW_CHILD):
        RolePermission.objects.create(role=role, permission=perm)
    user = personas["sysadmin"]
    user.roles.add(role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def shared_item(hub: dict[str, Any]) -> Any:
    """A meeting item about the child and another child, with police-only information that
    names the other child."""
    manager, child, second = hub["manager"], hub["child"], hub["second"]
    item = meetings.add_item(
        hub["meeting"], "INTELLIGENCE", "Two children seen together", [child, second], actor=manager
    )
    meetings.share_information(
        item,
        "POLICE",
        f"{second.forename} {second.surname} was with them. {POLICE_TEXT}",
        "POLICE_ONLY",
        actor=manager,
    )
    return item


def _zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}


def test_export_holds_everything_and_marks_others_and_police_only(
    hub: dict[str, Any], officer: User, shared_item: Any
) -> None:
    child, second = hub["child"], hub["second"]
    sar = actions.start(officer, child, "SAR-1")
    items = {(i.kind, i.text) for i in sar.items.all()}
    assert (ItemKind.THIRD_PARTY, f"{second.forename} {second.surname}") in items
    assert (ItemKind.PROFESSIONAL, hub["worker"].get_full_name()) in items
    police = [i for i in sar.items.all() if i.kind == ItemKind.POLICE_ONLY]
    assert len(police) == 1 and POLICE_TEXT in police[0].text
    assert any(i.kind == ItemKind.DOCUMENT for i in sar.items.all())

    with pytest.raises(ValidationError, match="not reviewed"):
        actions.release(officer, sar)
    for item in sar.items.all():
        actions.decide(officer, item, Decision.KEEP, "Known to the requester")
    files = _zip(actions.release(officer, sar))
    index = files["index.html"]
    # Every kind of record about the child is there.
    for label in (
        "referrals.referral",
        "casework.episode",
        "contact.nrmreferral",
        "people.timelineentry",
        "missing.missingepisode",
        "meetings.sharedinformation",
    ):
        assert f"csv/{label}.csv" in files, label
    assert "Seen with older youths." in index
    assert hub["document"].title in index
    assert any(n.startswith("documents/") for n in files)
    assert "Who viewed the record" in index and "csv/viewed.csv" in files
    # Nothing about a child on no shared record with this one.
    assert hub["restricted"].surname not in "".join(files.values())


def test_redaction_removes_the_text_from_the_released_file(
    hub: dict[str, Any], officer: User, shared_item: Any
) -> None:
    child, second = hub["child"], hub["second"]
    sar = actions.start(officer, child)
    for item in sar.items.all():
        if item.kind in (ItemKind.THIRD_PARTY, ItemKind.POLICE_ONLY):
            actions.decide(officer, item, Decision.REDACT, "Third party; police-only")
        else:
            actions.decide(officer, item, Decision.KEEP, "Disclosable")
    data = actions.release(officer, sar)
    text = "".join(_zip(data).values())
    assert POLICE_TEXT not in text
    assert second.surname not in text
    assert "[Redacted: police-only information]" in text
    # Audited: the start, each decision and the release.
    assert (
        AuditEvent.objects.filter(
            action=Action.CREATE, object_type="subjectaccess.subjectaccessrequest"
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(action=Action.REDACT, child_id=child.pk).count()
        == sar.items.filter(decision=Decision.REDACT).count()
    )
    release = AuditEvent.objects.get(action=Action.EXPORT, child_id=child.pk, detail__subject_access=sar.pk)
    assert release.actor == officer
    sar.refresh_from_db()
    assert sar.released_at is not None
    with pytest.raises(ValidationError):
        actions.decide(officer, sar.items.all()[0], Decision.KEEP, "Changed my mind")


def test_only_the_permission_prepares_an_export(hub: dict[str, Any], officer: User) -> None:
    with pytest.raises(PermissionDenied):
        actions.start(hub["manager"], hub["child"])
    sar = actions.start(officer, hub["child"])
    item = sar.items.first()
    assert item is not None
    with pytest.raises(ValidationError):
        actions.decide(officer, item, Decision.REDACT, " ")


def test_the_pages(hub: dict[str, Any], officer: User, shared_item: Any) -> None:
    client = sign_in_verified(Client(), officer)
    child = hub["child"]
    start = reverse("subjectaccess:start", args=[child.pk])
    assert start in client.get(reverse("people:details", args=[child.pk])).content.decode()
    worker = sign_in_verified(Client(), hub["episode"].allocated_worker)
    assert start not in worker.get(reverse("people:details", args=[child.pk])).content.decode()
    assert client.get(start).status_code == 200
    response = client.post(reverse("subjectaccess:start", args=[child.pk]), {"reference": "SAR-2"})
    assert response.status_code == 302
    review_url = response["Location"]
    page = client.get(review_url).content.decode()
    assert "Police-only information" in page and "still to review" in page
    sar_pk = int(review_url.rstrip("/").rsplit("/", 1)[1])
    from cshub.subjectaccess.models import ReviewItem

    for item in ReviewItem.objects.filter(request_id=sar_pk):
        url = reverse("subjectaccess:decide", args=[sar_pk, item.pk])
        assert client.post(url, {"decision": "KEEP", "reason": "Disclosable"}).status_code == 302
    released = client.post(reverse("subjectaccess:release", args=[sar_pk]))
    assert released.status_code == 200 and released["Content-Type"] == "application/zip"
    assert "index.html" in _zip(released.content)
