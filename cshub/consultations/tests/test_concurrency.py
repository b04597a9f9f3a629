"""The same consultation sent at once by a partner system (on PostgreSQL the requests
really run side by side): one row, one 201, the rest 200, and nobody gets a 500."""

from functools import partial
from typing import Any

import pytest

from cshub.access.actions import create_api_token
from cshub.consultations.models import Consultation
from cshub.consultations.tests.test_api import URL, call
from cshub.tests.test_concurrency import AT_ONCE, Session, at_once, no_server_errors

pytestmark = pytest.mark.usefixtures("live_db")


def test_one_reference_sent_at_once_is_one_consultation(live_server: Any, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    # A token each, so that nothing about one token (its last-use stamp) lines them up.
    feeds = [
        Session(
            live_server.url,
            token=create_api_token(
                worker, f"school system {n}", actor=worker, scopes=["consultations:write"]
            )[1],
        )
        for n in range(AT_ONCE)
    ]
    statuses = at_once([partial(feed.send, "POST", URL, body=call(reference="AT-ONCE-1")) for feed in feeds])
    no_server_errors(statuses)
    assert sorted(statuses) == [200] * (AT_ONCE - 1) + [201]
    assert Consultation.objects.filter(reference="AT-ONCE-1").count() == 1
