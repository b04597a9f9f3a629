"""Emails for what cannot wait (issue 16), seen arriving at a real SMTP server: never a
child's name or details, only after the action commits, and as each person chose."""

import datetime as dt
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.casework import actions as casework
from cshub.casework.tests.test_workflow import _closure
from cshub.conftest import TODAY, make_child
from cshub.missing import actions as missing
from cshub.notifications.models import EmailChoice
from cshub.notifications.tests.test_home import _allocated
from cshub.tasks import actions as tasks

pytestmark = pytest.mark.django_db

BORN = dt.date(2011, 3, 14)
PERSONAL = ["Kofi", "Ashcombe", "14 March 2011", "2011-03-14", "GMP-0101", "Piccadilly"]


def _emails(personas, *roles):
    for role in roles:
        User.objects.filter(pk=personas[role].pk).update(email=f"{role}@hub.example.gov.uk")


def _report(reference="GMP-0101"):
    return missing.MissingReport(
        reported_at=timezone.now() - dt.timedelta(hours=2),
        police_reference=reference,
        circumstances="Last seen at Piccadilly station.",
    )


def _caseload_child(personas):
    child, episode = _allocated(personas)
    child.date_of_birth = BORN
    child.save(update_fields=["date_of_birth"])
    return child, episode


def test_a_child_on_my_caseload_reported_missing_emails_me_without_their_details(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    _emails(personas, "practitioner", "missing_worker")
    child, _ = _caseload_child(personas)
    with django_capture_on_commit_callbacks(execute=True):
        missing.record_missing_episode(child, _report(), actor=personas["missing_worker"])

    [mail] = smtp_server.received
    assert mail.to == ["practitioner@hub.example.gov.uk"]
    assert mail.message["Subject"] == "CSHub: A child on your caseload has been reported missing"
    assert "https://cshub.example.gov.uk/" in mail.body  # a link to sign in
    for detail in PERSONAL:
        assert detail not in mail.text
    assert f"/children/{child.pk}" not in mail.text


def _record_then_fail(child, actor):
    with transaction.atomic():
        missing.record_missing_episode(child, _report(), actor=actor)
        raise RuntimeError("something later in the same transaction failed")


def test_an_action_that_rolls_back_sends_nothing(personas, smtp_server, django_capture_on_commit_callbacks):
    _emails(personas, "practitioner")
    child, _ = _caseload_child(personas)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _record_then_fail(child, personas["missing_worker"])
    assert callbacks == [] and smtp_server.received == []


def test_a_held_police_report_emails_the_missing_service_not_the_caseholders(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    _emails(personas, "practitioner", "missing_worker", "team_manager")
    make_child(personas["practitioner"], "Kofi", "Ashcombe", born=BORN)
    with django_capture_on_commit_callbacks(execute=True):
        _, held, _ = missing.receive_report_about(
            missing.ReportedChild("Kofy", "Ashcombe", BORN + dt.timedelta(days=1)),
            _report(),
            actor=personas["practitioner"],
        )
    assert held is not None
    # Practitioners and managers hold caseloads: held reports are off for them unless chosen.
    assert [m.to for m in smtp_server.received] == [["missing_worker@hub.example.gov.uk"]]
    assert "/missing/police-reports/" in smtp_server.received[0].body
    for detail in [*PERSONAL, "Kofy"]:
        assert detail not in smtp_server.received[0].text


def test_a_returned_closure_emails_the_worker(personas, smtp_server, django_capture_on_commit_callbacks):
    _emails(personas, "practitioner", "team_manager")
    _, episode = _caseload_child(personas)
    casework.record_closure(episode, _closure(), actor=personas["practitioner"], override_reason="Settled")
    with django_capture_on_commit_callbacks(execute=True):
        casework.return_closure(episode, "Record Kofi's view first", actor=personas["team_manager"])
    [mail] = smtp_server.received
    assert mail.to == ["practitioner@hub.example.gov.uk"]
    assert "returned a closure you recorded" in mail.body
    assert "Kofi" not in mail.text


def test_an_action_given_to_me_emails_me_but_not_one_i_give_myself(
    personas, smtp_server, django_capture_on_commit_callbacks
):
    _emails(personas, "practitioner", "team_manager")
    child, _ = _caseload_child(personas)
    worker = personas["practitioner"]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.agree_task(
            tasks.NewTask(
                "Take Kofi to the clinic", "SOCIAL_CARE", TODAY + dt.timedelta(days=2), owner=worker
            ),
            [child],
            actor=personas["team_manager"],
        )
        tasks.agree_task(
            tasks.NewTask("Phone the school", "SOCIAL_CARE", TODAY + dt.timedelta(days=2), owner=worker),
            [child],
            actor=worker,
        )
    [mail] = smtp_server.received
    assert mail.to == ["practitioner@hub.example.gov.uk"]
    assert mail.message["Subject"] == "CSHub: You have a new action"
    assert "clinic" not in mail.text and "Kofi" not in mail.text


def test_choices_on_your_account_are_kept(
    personas, client_for, smtp_server, django_capture_on_commit_callbacks
):
    _emails(personas, "practitioner")
    page = client_for("practitioner").get("/account/").content.decode()
    assert "Email me when" in page and "practitioner@hub.example.gov.uk" in page
    assert 'value="MISSING_REPORTED" checked' in page
    assert 'value="REPORT_HELD">' in page  # offered, off by default for a caseholder

    response = client_for("practitioner").post("/account/emails/", {"kinds": ["ACTION_ASSIGNED"]})
    assert response.status_code == 302 and response.url == "/account/"
    assert dict(EmailChoice.objects.filter(user=personas["practitioner"]).values_list("kind", "send")) == {
        "MISSING_REPORTED": False,
        "REPORT_HELD": False,
        "CLOSURE_RETURNED": False,
        "ACTION_ASSIGNED": True,
    }
    child, _ = _caseload_child(personas)
    with django_capture_on_commit_callbacks(execute=True):
        missing.record_missing_episode(child, _report(), actor=personas["missing_worker"])
    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("practitioner", ["MISSING_REPORTED", "REPORT_HELD", "CLOSURE_RETURNED", "ACTION_ASSIGNED"]),
        ("team_manager", ["MISSING_REPORTED", "REPORT_HELD", "CLOSURE_RETURNED", "ACTION_ASSIGNED"]),
        ("missing_worker", ["REPORT_HELD", "ACTION_ASSIGNED"]),
        ("analyst", []),
        ("strategic_lead", []),
        ("sysadmin", []),
    ],
)
def test_each_role_is_offered_the_emails_about_its_work(role, offered, client_for):
    page = client_for(role).get("/account/").content.decode()
    for kind in ["MISSING_REPORTED", "REPORT_HELD", "CLOSURE_RETURNED", "ACTION_ASSIGNED"]:
        assert (f'value="{kind}"' in page) == (kind in offered)
    assert ("Email me when" in page) == bool(offered)


def test_a_kind_not_offered_cannot_be_chosen(personas, client_for):
    response = client_for("analyst").post("/account/emails/", {"kinds": ["MISSING_REPORTED"]})
    assert response.status_code == 302
    assert not EmailChoice.objects.exists()


def test_a_mail_server_that_is_down_never_fails_the_action(
    personas, settings, django_capture_on_commit_callbacks, caplog
):
    from cshub.notifications.tests.smtp import free_port

    _emails(personas, "practitioner")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    child, _ = _caseload_child(personas)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        episode = missing.record_missing_episode(child, _report(), actor=personas["missing_worker"])
    assert episode.pk is not None
    assert "1 notification email(s) (MISSING_REPORTED) not sent: ConnectionRefusedError" in caplog.text
    assert "practitioner@" not in caplog.text and "Kofi" not in caplog.text
