"""A real OpenID Provider for the tests (panva's oidc-provider, `provider.mjs`), started
with node on a free local port, and a browser's part of the authorization-code flow."""

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client

SCRIPT = Path(__file__).with_name("provider.mjs")
REPO = Path(__file__).resolve().parents[4]
CALLBACK = "http://testserver/sign-in/sso/callback/"
PASSWORD = "op-test-password"  # the test provider's accounts (provider.mjs)
CLIENT_ID, CLIENT_SECRET = "cshub", "cshub-test-secret"  # its static client


@dataclass
class LocalProvider:
    issuer: str

    def sign_in(
        self, client: Client, login: str, password: str = PASSWORD, start: str = "/sign-in/sso/"
    ) -> str:
        """Start at CSHub, sign in at the provider as a browser would (its login form), and
        return the callback address (path and query) the provider sends the browser back to."""
        response = client.get(start)
        assert response.status_code == 302, response.status_code
        location = response["Location"]
        assert location.startswith(f"{self.issuer}/auth?"), location
        browser = requests.Session()
        answer = browser.get(location, allow_redirects=False, timeout=10)
        for _ in range(10):
            if answer.status_code in (302, 303):
                location = urljoin(answer.url, answer.headers["Location"])
                if location.startswith(CALLBACK):
                    parts = urlsplit(location)
                    return f"{parts.path}?{parts.query}"
                answer = browser.get(location, allow_redirects=False, timeout=10)
                continue
            assert answer.status_code == 200, (answer.status_code, answer.text[:300])
            action = re.search(r'action="([^"]+)"', answer.text)
            assert action, answer.text[:300]
            answer = browser.post(
                urljoin(answer.url, action.group(1)),
                data={"login": login, "password": password},
                allow_redirects=False,
                timeout=10,
            )
        raise AssertionError("the provider never sent the browser back to CSHub")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def op_server() -> Iterator[LocalProvider]:
    node = shutil.which("node")
    assert node, "node is needed for the OpenID provider the sign-in tests start"
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603  (our own script, fixed arguments)
        [node, str(SCRIPT), str(port), CALLBACK],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # until its discovery document answers (at most 30 s)
            if process.poll() is not None:
                raise AssertionError(
                    f"the test provider stopped: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("the test provider's discovery document never answered")
        yield LocalProvider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def op(op_server: LocalProvider, settings: Any) -> LocalProvider:
    """Single sign-on switched on, with the test provider as the council's."""
    settings.CSHUB_OIDC = True
    settings.CSHUB_OIDC_PROVIDER_NAME = "Test Council"
    settings.CSHUB_OIDC_ISSUER = op_server.issuer
    settings.CSHUB_OIDC_MATCH_CLAIM = "email"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    return op_server
