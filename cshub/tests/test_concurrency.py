"""Requests sent at the same moment to a live server: every create-if-absent path stays
one record, and nobody gets a 500.

CI runs these on SQLite (a file, so each request has its own connection: see
test_settings.py) and on PostgreSQL, where transactions really run side by side. Each test
starts its requests together behind a barrier; a fault shows as a duplicate row or a 5xx.
"""

import datetime as dt
import http.cookiejar
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from threading import Barrier
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from cshub.access.actions import create_api_token
from cshub.access.models import User
from cshub.access.testing import sign_in_verified
from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child, make_referral
from cshub.interchange.importer import run_import
from cshub.meetings.models import MeetingFlag
from cshub.missing.models import HeldReport, MissingEpisode
from cshub.people.models import Person
from cshub.referrals import actions as referrals

pytestmark = pytest.mark.usefixtures("live_db")

AT_ONCE = 6


class Session:
    """A signed-in browser (session cookie and CSRF token) or an API client (bearer token)
    talking to the live server over HTTP; safe to use from several threads."""

    def __init__(self, base: str, *, cookie: str | None = None, token: str | None = None) -> None:
        self.base, self.token = base, token
        self.csrf = secrets.token_hex(16)  # Django accepts a token of our own in cookie and form
        self.cookie = f"csrftoken={self.csrf}" + (f"; sessionid={cookie}" if cookie else "")

    def send(self, method: str, path: str, *, form: dict[str, Any] | None = None, body: Any = None) -> int:
        headers = {"Cookie": self.cookie}
        data = None
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = self.base + path  # the live server: http://localhost:<port>
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - http to the live server
        opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        try:
            with opener.open(request, timeout=60) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads that start together; each thread closes its own database
    connection when done (threads that touch the ORM open one each)."""
    barrier = Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def signed_in(live_server: Any, user: User) -> Session:
    client = sign_in_verified(Client(), user)
    return Session(live_server.url, cookie=client.cookies["sessionid"].value)


def api(live_server: Any, user: User) -> Session:
    _, raw = create_api_token(user, "police feed", actor=user)
    return Session(live_server.url, token=raw)


def report(ref: str, **about: Any) -> dict[str, Any]:
    return {
        "police_reference": ref,
        "reported_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        **about,
    }


def no_server_errors(statuses: list[int]) -> None:
    assert all(s < 500 for s in statuses), statuses


def test_the_same_police_report_sent_at_once_is_one_episode(live_server, personas):
    child = make_child(personas["practitioner"])
    feed = api(live_server, personas["missing_worker"])
    statuses = at_once(
        [lambda: feed.send("POST", "/api/v1/missing-episodes/", body=report("GMP-7", child=child.pk))]
        * AT_ONCE
    )
    no_server_errors(statuses)
    assert sorted(statuses) == [200] * (AT_ONCE - 1) + [201]
    assert MissingEpisode.objects.filter(police_reference="GMP-7").count() == 1


def test_reports_about_a_new_child_sent_at_once_make_one_record(live_server, personas):
    feed = api(live_server, personas["missing_worker"])
    who = {"forename": "Zeb", "surname": "Quarrington", "date_of_birth": "2011-05-02"}
    statuses = at_once(
        [
            partial(feed.send, "POST", "/api/v1/missing-episodes/", body=report(f"GMP-{n}", person=who))
            for n in range(AT_ONCE)
        ]
    )
    no_server_errors(statuses)
    person = Person.objects.get(surname="Quarrington")  # one record, not one per report
    assert MissingEpisode.objects.filter(person=person).count() == AT_ONCE
    assert statuses == [201] * AT_ONCE


def test_held_reports_sent_at_once_are_held_once(live_server, personas):
    worker = personas["practitioner"]
    make_child(worker, "Kofi", "Ashcombe", born=dt.date(2011, 5, 2))
    make_child(worker, "Kofi", "Ashcombe", born=dt.date(2011, 5, 9))  # two likely matches: held
    feed = api(live_server, personas["missing_worker"])
    who = {"forename": "Kofi", "surname": "Ashcombe", "date_of_birth": "2011-05-04"}
    statuses = at_once(
        [lambda: feed.send("POST", "/api/v1/missing-episodes/", body=report("GMP-H", person=who))] * AT_ONCE
    )
    assert statuses == [202] * AT_ONCE
    assert HeldReport.objects.filter(police_reference="GMP-H").count() == 1
    assert not MissingEpisode.objects.filter(police_reference="GMP-H").exists()


def test_a_person_added_twice_at_once_is_one_record(live_server, personas):
    browser = signed_in(live_server, personas["practitioner"])
    form = {
        "forename": "Ines",
        "surname": "Warbleton",
        "person_type": "CHILD",
        "date_of_birth_day": "3",
        "date_of_birth_month": "4",
        "date_of_birth_year": "2012",
        "sex": "F",
    }
    statuses = at_once([lambda: browser.send("POST", "/children/new/", form=form)] * AT_ONCE)
    no_server_errors(statuses)
    assert Person.objects.filter(surname="Warbleton").count() == 1
    # One was created (a redirect to the record); the others were shown it as a likely match.
    assert sorted(statuses) == [200] * (AT_ONCE - 1) + [302]


def test_an_episode_opened_twice_at_once_is_one_episode(live_server, personas):
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker)
    referral = make_referral(child, worker, days_ago=2)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    browser = signed_in(live_server, manager)
    form = {"open_date_day": TODAY.day, "open_date_month": TODAY.month, "open_date_year": TODAY.year}
    statuses = at_once(
        [lambda: browser.send("POST", f"/referrals/{referral.pk}/open-episode/", form=form)] * AT_ONCE
    )
    no_server_errors(statuses)
    assert Episode.objects.filter(person=child).count() == 1


def test_a_child_brought_to_the_meeting_twice_at_once_has_one_flag(live_server, personas):
    child = make_child(personas["practitioner"])
    browser = signed_in(live_server, personas["practitioner"])
    form = {"reason": "Seen with an adult of concern last night."}
    statuses = at_once(
        [lambda: browser.send("POST", f"/children/{child.pk}/bring-to-meeting/", form=form)] * AT_ONCE
    )
    no_server_errors(statuses)
    assert MeetingFlag.objects.filter(person=child).count() == 1


def test_todays_meeting_started_and_minuted_at_once(live_server, hub):
    chairs = [signed_in(live_server, hub["manager"]) for _ in range(2)]
    statuses = at_once([partial(c.send, "POST", "/meetings/today/", form={}) for c in chairs])
    no_server_errors(statuses)
    meeting = hub["meeting"]  # the hub's daily meeting for today: nobody made a second
    assert type(meeting).objects.filter(date=TODAY, meeting_type=meeting.meeting_type).count() == 1

    item = hub["item"]
    typed = [f"Decision draft {n}" for n in range(AT_ONCE)]
    browser = signed_in(live_server, hub["worker"])
    statuses = at_once(
        [
            partial(
                browser.send,
                "POST",
                f"/meetings/items/{item.pk}/autosave/",
                form={f"m{item.pk}-discussion": "Both agencies agree", f"m{item.pk}-decision": text},
            )
            for text in typed
        ]
        + [lambda: browser.send("POST", f"/meetings/{meeting.pk}/agenda/refresh/", form={})] * 2
    )
    no_server_errors(statuses)
    item.refresh_from_db()
    assert item.decision in typed  # one whole save won; nothing half-written
    sources = list(meeting.items.exclude(source_key="").values_list("source_kind", "source_key"))
    assert len(sources) == len(set(sources))


def test_a_new_reason_joins_the_childs_agenda_item_once_when_refreshed_at_once(live_server, hub):
    from cshub.meetings import actions as meetings
    from cshub.missing import actions as missing

    manager, child, meeting = hub["manager"], hub["child"], hub["meeting"]
    # Before the meeting and before now (in the small hours the meeting's start is still to come).
    start = min(meeting.scheduled_start(), timezone.now() - dt.timedelta(minutes=1))
    meetings.flag_for_meeting(
        child, "Worried about a new friend", actor=hub["worker"], at=start - dt.timedelta(hours=3)
    )
    meetings.build_agenda(meeting, actor=manager)
    reported = missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=start - dt.timedelta(hours=2), police_risk="HIGH"),
        actor=hub["worker"],
    )
    chairs = [signed_in(live_server, manager) for _ in range(2)]
    refreshes: list[Callable[[], Any]] = [
        partial(c.send, "POST", f"/meetings/{meeting.pk}/agenda/refresh/", form={}) for c in chairs
    ]
    statuses = at_once(refreshes * 3)
    no_server_errors(statuses)
    built = [i for i in meeting.items.current().exclude(source_key="") if child in i.children.all()]
    assert len(built) == 1  # one item about the child, with each reason once
    keys = [s["key"] for s in built[0].sources]
    assert len(keys) == len(set(keys)) and keys.count(f"missing:{reported.pk}") == 1


def test_the_same_extract_imported_twice_at_once(personas, tmp_path: Path):
    from cshub.interchange.tests.test_import_export import GOOD, folder

    source = folder(tmp_path, GOOD)
    results = at_once([lambda: run_import(source, actor=personas["team_manager"])] * 2)
    assert all(r.ok for r in results), [str(e) for r in results for e in r.errors]
    assert Person.objects.filter(source_id__in=["C1", "C2"]).count() == 2
    assert MissingEpisode.objects.filter(source_id="M1").count() == 1
