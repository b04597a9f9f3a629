"""The demo's teams and training (issue 23): every demo account in a team, the training
needs analysis, and records (through the actions) that leave some people up to date, some
expiring, some expired and some never trained."""

import datetime as dt

import pytest

from cshub.audit.models import AuditEvent
from cshub.demo.accounts import ensure_demo_accounts
from cshub.demo.audit_words import ensure_auditors
from cshub.demo.workforce import build_workforce
from cshub.workforce.models import CourseRequirement, Membership, Team, TrainingRecord
from cshub.workforce.training import Status, shares

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_the_demo_workforce() -> None:
    users = ensure_demo_accounts()
    build_workforce(users, TODAY, seed=7)
    accounts = {**users, **ensure_auditors()}
    assert len(accounts) >= 15
    placed = set(Membership.objects.values_list("user__username", flat=True))
    assert placed == set(accounts)  # worker.*, senior.* and missing.* too
    assert Team.objects.filter(name="Police exploitation team", agency="POLICE").exists()
    assert CourseRequirement.objects.filter(role="", agency="").count() >= 2
    found = shares(TODAY)
    for status in Status.values:
        assert found.total.statuses[status] > 0, status
    assert 0 < found.total.up_to_date < found.total.pairs
    assert TrainingRecord.objects.filter(withdrawn_at__isnull=False).count() == 1
    # Made through the write path: an audit event for each record.
    records = TrainingRecord.objects.count()
    assert (
        AuditEvent.objects.filter(object_type="workforce.trainingrecord", action="CREATE").count() == records
    )
    # The same seed, the same records; a second run adds nothing.
    build_workforce(users, TODAY, seed=7)
    assert TrainingRecord.objects.count() == records
