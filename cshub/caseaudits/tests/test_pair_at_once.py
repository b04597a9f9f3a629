"""Two team managers reallocate the two audits of one blind pair to the same person at the
same moment (CI runs this on SQLite and on PostgreSQL, where the two transactions really run
side by side): one is refused, so nobody both audits a case and moderates that audit."""

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cshub.access.actions import create_user
from cshub.caseaudits import actions
from cshub.caseaudits.models import Audit, AuditPart, AuditRole
from cshub.conftest import TODAY

pytestmark = pytest.mark.usefixtures("live_db")


def _manager(username: str) -> Any:
    return create_user(
        username, agency="SOCIAL_CARE", roles=["team_manager"], actor=None, password="a-long-test-password-3"
    )


def test_the_two_audits_of_a_pair_given_to_one_person_at_once(hub: dict[str, Any]) -> None:
    primary = hub["case_audit"]
    moderator, both, second_manager = _manager("mod.one"), _manager("mod.both"), _manager("second.mgr")
    moderation = Audit.objects.create(
        template=primary.template,
        person=primary.person,
        episode=primary.episode,
        case_worker=primary.case_worker,
        auditor=moderator,
        role=AuditRole.MODERATION,
        moderates=primary,
        due_date=TODAY + dt.timedelta(days=14),
        allocated_by=hub["manager"],
    )
    for section in primary.template.sections.all():
        AuditPart.objects.create(audit=moderation, section=section, auditor=moderator)
    first_done, release = threading.Event(), threading.Event()
    given: list[Audit] = []
    refused: list[ValidationError] = []
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                given.append(actions.reallocate(Audit.objects.get(pk=primary.pk), both, actor=hub["manager"]))
                first_done.set()
                release.wait(10)  # the second runs into this uncommitted change
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_done.wait(10)
            row = Audit.objects.get(pk=moderation.pk)  # read before the first commits
            given.append(actions.reallocate(row, both, actor=second_manager))
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_done.wait(10)
    threading.Event().wait(1)  # the second now waits on the pair's lock (PostgreSQL)
    release.set()
    for t in threads:
        t.join(30)
    assert failures == []
    assert len(given) == 1 and len(refused) == 1
    assert "carried out the audit this one moderates" in str(refused[0])
    auditors = {Audit.objects.get(pk=primary.pk).auditor_id, Audit.objects.get(pk=moderation.pk).auditor_id}
    assert auditors == {both.pk, moderator.pk}
