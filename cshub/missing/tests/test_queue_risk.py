"""The return-interview queue shows each child's current risk (issue 16, "Risk in
sight"), read for every row in one query."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cshub.assessments import actions as assessments
from cshub.conftest import make_child
from cshub.missing import actions as missing

pytestmark = pytest.mark.django_db


def test_the_queue_shows_the_current_risk(hub: dict[str, Any], client_for: Callable[[str], Client]) -> None:
    client = client_for("missing_worker")
    assessments.review_assessment(hub["assessment"], "HIGH", "Found 40 miles away.", actor=hub["manager"])
    page = client.get(reverse("missing:queue")).content.decode()
    assert "Current risk" in page
    assert "High risk" in page


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "missing_worker"])
def test_the_queue_reads_the_risk_in_a_constant_number_of_queries(
    hub: dict[str, Any], client_for: Callable[[str], Client], persona: str
) -> None:
    client = client_for(persona)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("missing:queue"))
        assert page.status_code == 200
        assert "Current risk" in page.content.decode()
        return sum("casework_assessment" in q["sql"] for q in ctx.captured_queries)

    before = count()
    for name in ("Ada", "Bea", "Cal"):
        child = make_child(hub["worker"], name, "Queueworth")
        back = timezone.now() - dt.timedelta(hours=5)
        missing.record_missing_episode(
            child,
            missing.MissingReport(reported_at=back - dt.timedelta(hours=4), returned_at=back),
            actor=hub["worker"],
        )
    assert count() == before
