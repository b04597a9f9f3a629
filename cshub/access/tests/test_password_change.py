"""Changing one's own password (ASVS 2.1.2, 2.1.5, 2.1.6, 2.1.12, 2.2.3, 2.5.5): the current
password and the new one twice, the council's rules (12 to 128 characters), every other
session ended, audited, and a security notice emailed to the person."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.access.tests.test_sign_in import PASSWORD, _code
from cshub.audit.models import Action, AuditEvent

NEW = "three unrelated words sundial"


def _change(client: Client, current: str, new: str, confirm: str | None = None) -> Any:
    return client.post(
        "/account/password/", {"current": current, "new": new, "confirm": new if confirm is None else confirm}
    )


def test_a_person_changes_their_password_and_their_other_sessions_end(
    personas: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    user = personas["practitioner"]
    user.email = "practitioner@example.org"
    user.save(update_fields=["email"])
    laptop, phone = sign_in_verified(Client(), user), sign_in_verified(Client(), user)
    page = laptop.get("/account/password/")
    assert b'data-module="govuk-password-input"' in page.content  # show/hide the password
    with django_capture_on_commit_callbacks(execute=True):
        response = _change(laptop, PASSWORD, NEW)
    assert response.status_code == 302 and response["Location"] == "/account/"
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    assert laptop.get("/account/").status_code == 200  # this session stays
    assert phone.get("/account/").status_code == 302  # the others end
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, actor=user).count() == 1
    (notice,) = mail.outbox
    assert notice.to == ["practitioner@example.org"]
    assert "password was changed" in notice.body and "If it was not you" in notice.body


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("not-my-password-at-all", NEW, None, "current", "Your current password is not right"),
        (PASSWORD, "short", None, "new", "too short"),
        (PASSWORD, "x" * 110 + " words sundial lantern 1234", None, "new", "128 characters or fewer"),
        (PASSWORD, NEW, NEW + "!", "confirm", "The passwords do not match"),
        (PASSWORD, PASSWORD, None, "new", "different from your current one"),
    ],
)
def test_a_bad_change_says_what_is_wrong_and_changes_nothing(
    personas: dict[str, User], current: str, new: str, confirm: str | None, field: str, message: str
) -> None:
    user = personas["practitioner"]
    client = sign_in_verified(Client(), user)
    response = _change(client, current, new, confirm)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


def test_a_password_of_128_characters_is_allowed(personas: dict[str, User]) -> None:
    user = personas["practitioner"]
    long = ("sundial lantern orchard " * 6)[:128]
    assert _change(sign_in_verified(Client(), user), PASSWORD, long).status_code == 302
    user.refresh_from_db()
    assert user.check_password(long)


def test_someone_who_signs_in_with_the_council_provider_changes_it_there(personas: dict[str, User]) -> None:
    user = personas["practitioner"]
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = sign_in_verified(Client(), user)
    assert b"Change your password" not in client.get("/account/").content
    page = _change(client, PASSWORD, NEW)
    assert b"change your password there" in page.content
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_setting_up_an_authenticator_app_sends_a_security_notice(
    personas: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    user = personas["practitioner"]
    user.email = "practitioner@example.org"
    user.save(update_fields=["email"])
    client = Client()
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    client.get("/sign-in/set-up-code/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/sign-in/set-up-code/", {"code": _code(device)})
    assert [m.to for m in mail.outbox] == [["practitioner@example.org"]]
    assert "authenticator app was set up" in mail.outbox[0].body
