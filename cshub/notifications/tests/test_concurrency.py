"""Sent at the same moment to a live server (CI runs these on SQLite and PostgreSQL, see
cshub/tests/test_concurrency.py): a police report sent several times at once is one
episode and one email; a held report, one email; choices saved at once, one row a kind."""

import datetime as dt
from functools import partial

import pytest

from cshub.access.models import User
from cshub.conftest import make_child
from cshub.missing.models import HeldReport, MissingEpisode
from cshub.notifications.models import EmailChoice, EmailKind
from cshub.notifications.tests.test_home import _allocated
from cshub.tests.test_concurrency import AT_ONCE, api, at_once, no_server_errors, report, signed_in

pytestmark = pytest.mark.usefixtures("live_db")


def _email(user: User) -> None:
    User.objects.filter(pk=user.pk).update(email=f"{user.username}@hub.example.gov.uk")


def test_the_same_police_report_sent_at_once_emails_the_worker_once(live_server, personas, smtp_server):
    _email(personas["practitioner"])
    child, _ = _allocated(personas)
    feed = api(live_server, personas["missing_worker"])
    send = partial(feed.send, "POST", "/api/v1/missing-episodes/", body=report("GMP-31", child=child.pk))
    statuses = at_once([send] * AT_ONCE)
    no_server_errors(statuses)
    assert MissingEpisode.objects.filter(police_reference="GMP-31").count() == 1
    assert [m.to for m in smtp_server.received] == [["practitioner.user@hub.example.gov.uk"]]


def test_a_held_report_sent_at_once_emails_the_missing_service_once(live_server, personas, smtp_server):
    _email(personas["missing_worker"])
    worker = personas["practitioner"]
    make_child(worker, "Kofi", "Ashcombe", born=dt.date(2011, 5, 2))
    make_child(worker, "Kofi", "Ashcombe", born=dt.date(2011, 5, 9))  # two likely matches: held
    feed = api(live_server, worker)
    who = {"forename": "Kofi", "surname": "Ashcombe", "date_of_birth": "2011-05-04"}
    send = partial(feed.send, "POST", "/api/v1/missing-episodes/", body=report("GMP-32", person=who))
    statuses = at_once([send] * AT_ONCE)
    no_server_errors(statuses)
    assert HeldReport.objects.filter(police_reference="GMP-32").count() == 1
    assert [m.to for m in smtp_server.received] == [["missing_worker.user@hub.example.gov.uk"]]


def test_email_choices_saved_at_once_are_one_row_a_kind(live_server, personas):
    browser = signed_in(live_server, personas["practitioner"])
    statuses = at_once(
        [
            partial(browser.send, "POST", "/account/emails/", form={"kinds": str(kind)})
            for kind in [EmailKind.ACTION_ASSIGNED, EmailKind.CLOSURE_RETURNED] * (AT_ONCE // 2)
        ]
    )
    no_server_errors(statuses)
    rows = EmailChoice.objects.filter(user=personas["practitioner"])
    assert rows.count() == len(EmailKind) and rows.filter(send=True).count() == 1
