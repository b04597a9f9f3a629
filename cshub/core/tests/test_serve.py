"""`cshub serve` for real: gunicorn in a subprocess on a free port of 127.0.0.1, on the test
database, answering over HTTP; a HUP gives new workers and the server goes on answering."""

import pytest
from django.conf import settings
from django.test import Client

from cshub.access import cookies
from cshub.access.actions import create_user
from cshub.access.testing import sign_in_verified
from cshub.core.served import ServedProcess, database_url, production_env, wait_for
from cshub.core.tests.faults import http

pytestmark = pytest.mark.usefixtures("live_db")


def test_serve_answers_signed_in_pages_and_goes_on_answering_after_a_hup(tmp_path):
    worker = create_user(
        "serve.worker",
        agency="SOCIAL_CARE",
        roles=["practitioner"],
        actor=None,
        first_name="Sian",
        last_name="Hollowmere",
        password="a-long-test-password-1",
    )
    # The test's key, so the session made here is valid in the server.
    session = sign_in_verified(Client(), worker).cookies[settings.SESSION_COOKIE_NAME].value
    cookie = {"Cookie": f"{cookies.SESSION}={session}"}  # the server runs the production settings
    server = ServedProcess(production_env(database_url(), tmp_path, settings.SECRET_KEY), tmp_path, workers=2)
    try:
        server.start()
        base = server.url
        assert http(f"{base}/healthz/").status == 200

        page = http(f"{base}/caseload/?name=Kofi+Ashcombe", headers=cookie)
        assert page.status == 200, page.body[:500]
        assert "Sian Hollowmere" in page.body
        assert "Sian Hollowmere" not in http(f"{base}/caseload/").body  # no session: the sign-in page
        # gunicorn's own limit on the request line, before Django reads anything
        assert http(f"{base}/{'a' * 5000}").status == 414

        server.hup()
        wait_for(lambda: "Hang up" in server.log(), "the master took the HUP")
        wait_for(lambda: server.log().count("Booting worker") >= 4, "new workers started")
        assert server.alive()
        assert http(f"{base}/healthz/").status == 200
        assert http(f"{base}/caseload/", headers=cookie).status == 200

        log = server.access_log.read_text()
        assert "GET /caseload/ HTTP/1.1" in log  # each request is logged ...
        assert "Kofi" not in log  # ... without its query string
        assert "name=" not in log
    finally:
        returncode = server.stop()
    assert returncode == 0, server.log()[-2000:]  # TERM is a graceful stop
