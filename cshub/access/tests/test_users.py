import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cshub.access.models import ApiToken, User
from cshub.audit.models import Action, AuditEvent


def test_user_add_and_disable_from_the_console(db, capsys):
    call_command("user", "add", "pc.jones", "--agency", "POLICE", "--role", "practitioner", "--api-token")
    out = capsys.readouterr().out
    assert "Added pc.jones" in out and "csh_" in out
    user = User.objects.get(username="pc.jones")
    assert user.has("view_child") and not user.has("decide_referral")
    call_command("user", "disable", "pc.jones")
    user.refresh_from_db()
    assert not user.is_active and not user.has("view_child")
    assert not ApiToken.objects.live().filter(user=user).exists()
    assert AuditEvent.objects.filter(action=Action.USER_DISABLED).exists()


def test_user_add_refuses_a_duplicate(db):
    call_command("user", "add", "pc.jones", "--agency", "POLICE", "--role", "practitioner")
    with pytest.raises(CommandError, match="already a user"):
        call_command("user", "add", "PC.Jones", "--agency", "POLICE", "--role", "practitioner")


def test_admin_creates_a_user_in_the_ui(client_for):
    admin = client_for("sysadmin")
    response = admin.post(
        "/users/new/", {"username": "nurse.ali", "agency": "HEALTH", "roles": ["practitioner"]}
    )
    assert response.status_code == 302
    assert User.objects.get(username="nurse.ali").agency == "HEALTH"
    response = admin.post("/users/new/", {"username": "", "agency": "HEALTH"})
    assert b"Enter a username" in response.content and b"Select at least one role" in response.content


def test_admin_cannot_disable_themself(personas):
    from cshub.access.actions import update_user

    admin = personas["sysadmin"]
    with pytest.raises(ValidationError):
        update_user(
            admin,
            actor=admin,
            agency="SOCIAL_CARE",
            roles=["sysadmin"],
            first_name="",
            last_name="",
            email="",
            job_title="",
            is_active=False,
        )


def test_roles_page_shows_the_permission_map(client_for):
    page = client_for("sysadmin").get("/roles/")
    assert b"Make the threshold decision on a referral" in page.content
    assert b"Team manager" in page.content
