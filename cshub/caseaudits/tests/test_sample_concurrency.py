"""A new-round form sent twice at once (a double click, a resubmitted page) draws one round:
the form's idempotency key, looked up under the draw's lock. CI runs it on PostgreSQL too,
where the two requests' transactions really run side by side."""

import datetime as dt
import uuid

import pytest

from cshub.caseaudits.models import Audit, AuditTemplate, Sample
from cshub.caseaudits.tests.sample_data import episode, staff
from cshub.conftest import TODAY
from cshub.tests.test_concurrency import at_once, no_server_errors, signed_in

pytestmark = pytest.mark.usefixtures("live_db")

START = TODAY - dt.timedelta(days=300)


def _date(name: str, value: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def test_a_new_round_sent_twice_at_once_is_one_round(live_server, personas):
    manager, worker = personas["team_manager"], personas["practitioner"]
    for _ in range(3):
        episode(manager, worker, START)
    auditor = staff("Sam Smith")
    template = AuditTemplate.objects.get(name="Hub case audit", version=1)
    form = {
        "name": "Open cases, sent twice",
        "template": template.pk,
        "rule": "OPEN_PER_WORKER",
        "per_stratum": 2,
        "seed": 4242,
        "moderation_percent": 0,
        "auditors": auditor.pk,
        "request_key": str(uuid.uuid4()),
        "confirm": "1",
        **_date("period_start", START),
        **_date("period_end", START + dt.timedelta(days=29)),
        **_date("due_date", TODAY + dt.timedelta(days=14)),
    }
    browser = signed_in(live_server, manager)

    statuses = at_once([lambda: browser.send("POST", "/audits/rounds/new/", form=form)] * 2)

    no_server_errors(statuses)
    assert statuses == [302, 302]
    sample = Sample.objects.get(name="Open cases, sent twice")  # one round, not two
    assert Audit.objects.filter(sample=sample).count() == 2
    assert Audit.objects.filter(sample__name="Open cases, sent twice").count() == 2
