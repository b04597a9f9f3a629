"""Issue 20: a system administrator gives any role; team manager and above take effect only
when a strategic lead approves on the user's page. Audited; nobody approves their own."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cshub.access import actions
from cshub.access.models import RoleRequest, User
from cshub.access.permissions import Perm
from cshub.audit.models import Action, AuditEvent


def _give(user: User, roles: list[str], actor: User) -> User:
    return actions.update_user(
        user,
        actor=actor,
        agency=user.agency,
        roles=roles,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        job_title=user.job_title,
        is_active=True,
    )


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_team_manager_waits_for_a_strategic_lead(personas: dict[str, User], client_for: Any) -> None:
    admin, worker, lead = personas["sysadmin"], personas["practitioner"], personas["strategic_lead"]
    admin_page = client_for("sysadmin")
    response = admin_page.post(
        reverse("access:user_edit", args=[worker.pk]),
        {
            "first_name": worker.first_name,
            "last_name": worker.last_name,
            "email": "",
            "job_title": "",
            "agency": worker.agency,
            "roles": ["practitioner", "team_manager"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert _fresh(worker).role_codes() == ["practitioner"]  # until approved, as before
    assert not _fresh(worker).has(Perm.DECIDE_REFERRAL)
    request = RoleRequest.objects.get(user=worker, role__code="team_manager")
    assert request.status == RoleRequest.Status.PENDING and request.requested_by == admin
    shown = admin_page.get(reverse("access:user_edit", args=[worker.pk])).content.decode()
    assert "Waiting for a strategic lead" in shown

    lead_page = client_for("strategic_lead")
    listing = lead_page.get(reverse("access:role_requests")).content.decode()
    assert worker.get_full_name() in listing and "Team manager" in listing
    page_url = reverse("access:user_roles", args=[worker.pk])
    assert "Approve" in lead_page.get(page_url).content.decode()
    decided = lead_page.post(page_url, {"request": request.pk, "decision": "approve"})
    assert decided.status_code == 302
    assert _fresh(worker).role_codes() == ["practitioner", "team_manager"]
    assert _fresh(worker).has(Perm.DECIDE_REFERRAL)
    request.refresh_from_db()
    assert request.status == RoleRequest.Status.APPROVED and request.decided_by == lead
    trail = [
        (e.action, e.actor_id, e.detail["role_request"])
        for e in AuditEvent.objects.filter(
            object_type="access.rolerequest", object_id=str(request.pk)
        ).order_by("id")
    ]
    assert trail == [(Action.USER_UPDATED, admin.pk, "requested"), (Action.USER_UPDATED, lead.pk, "approved")]


def test_a_declined_role_never_takes_effect(personas: dict[str, User]) -> None:
    admin, worker, lead = personas["sysadmin"], personas["missing_worker"], personas["strategic_lead"]
    _give(worker, ["missing_worker", "sysadmin"], admin)
    request = RoleRequest.objects.get(user=worker)
    actions.decide_role_request(request, approve=False, actor=lead)
    assert _fresh(worker).role_codes() == ["missing_worker"]
    assert AuditEvent.objects.filter(
        object_type="access.rolerequest", object_id=str(request.pk), detail__role_request="declined"
    ).exists()
    with pytest.raises(ValidationError, match="already"):
        actions.decide_role_request(request, approve=True, actor=lead)


def test_roles_below_team_manager_and_removals_take_effect_at_once(personas: dict[str, User]) -> None:
    admin, manager = personas["sysadmin"], personas["team_manager"]
    _give(manager, ["missing_worker"], admin)  # taking team manager away: at once
    assert _fresh(manager).role_codes() == ["missing_worker"]
    _give(manager, ["missing_worker", "analyst"], admin)
    assert _fresh(manager).role_codes() == ["analyst", "missing_worker"]
    assert not RoleRequest.objects.exists()


def test_unticking_a_waiting_role_withdraws_the_request(personas: dict[str, User]) -> None:
    admin, worker = personas["sysadmin"], personas["practitioner"]
    _give(worker, ["practitioner", "strategic_lead"], admin)
    _give(worker, ["practitioner", "strategic_lead"], admin)  # saved again: still one request
    assert RoleRequest.objects.filter(status=RoleRequest.Status.PENDING).count() == 1
    _give(worker, ["practitioner"], admin)
    assert RoleRequest.objects.get().status == RoleRequest.Status.WITHDRAWN


def test_a_sysadmin_cannot_approve_their_own_request(personas: dict[str, User]) -> None:
    admin, worker, lead = personas["sysadmin"], personas["practitioner"], personas["strategic_lead"]
    # An administrator who is also a strategic lead (made at the console)...
    second_admin = actions.create_user(
        "admin.two", agency="SOCIAL_CARE", roles=["sysadmin", "strategic_lead"], actor=None
    )
    _give(worker, ["practitioner", "team_manager"], second_admin)
    request = RoleRequest.objects.get(user=worker)
    with pytest.raises(PermissionDenied, match="another strategic lead"):
        actions.decide_role_request(request, approve=True, actor=second_admin)
    # ...nor one about themselves, made by someone else.
    _give(second_admin, ["sysadmin", "strategic_lead", "team_manager"], admin)
    own = RoleRequest.objects.get(user=second_admin)
    with pytest.raises(PermissionDenied, match="another strategic lead"):
        actions.decide_role_request(own, approve=True, actor=second_admin)
    assert _fresh(worker).role_codes() == ["practitioner"]
    # A strategic lead who asked for nothing approves it; an administrator cannot at all.
    with pytest.raises(PermissionDenied):
        actions.decide_role_request(request, approve=True, actor=admin)
    actions.decide_role_request(request, approve=True, actor=lead)
    assert "team_manager" in _fresh(worker).role_codes()


def test_a_new_user_with_a_senior_role_waits_too(personas: dict[str, User], client_for: Any) -> None:
    response = client_for("sysadmin").post(
        reverse("access:user_create"),
        {"username": "new.manager", "agency": "POLICE", "roles": ["team_manager"]},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.manager")
    assert user.role_codes() == []
    assert RoleRequest.objects.get(user=user).role.code == "team_manager"


def test_the_roles_page_says_which_roles_need_approval(client_for: Any) -> None:
    page = client_for("sysadmin").get(reverse("access:roles")).content.decode()
    assert "Needs a strategic lead&#x27;s approval" in page or "Needs a strategic lead's approval" in page
