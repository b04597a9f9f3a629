"""The network drawing fits its box again when the window is resized (issue 16): drawn at
1280 px, then the window narrowed to 375 px, every node is inside the box. Headless Chromium
(Debian's, driven by playwright-core) against a live server, as the small-screens test."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cshub.access.testing import sign_in_verified
from cshub.intelligence.tests.test_analysis import network  # noqa: F401

pytestmark = pytest.mark.usefixtures("live_db")

ROOT = Path(__file__).resolve().parents[3]


def test_the_drawing_fits_its_box_again_after_a_resize(live_server: Any, network: dict[str, Any]) -> None:  # noqa: F811
    node, chromium = shutil.which("node"), Path("/usr/bin/chromium")
    assert node and chromium.exists(), "this test needs node and Debian's chromium"
    worker = network["worker"]
    cookie = sign_in_verified(Client(), worker).cookies["sessionid"].value
    path = reverse("intelligence:subject_network", args=[network["adult"].pk])
    done = subprocess.run(  # noqa: S603 - our own script, arguments we made
        [node, str(ROOT / "frontend" / "network-resize.mjs"), live_server.url, cookie, path],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    found = json.loads(done.stdout)
    assert found["drawn"] and found["nodes"] >= 4
    assert found["fitted"], found
