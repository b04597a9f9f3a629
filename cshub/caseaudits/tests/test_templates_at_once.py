"""Two team managers press "Make a new version" of one template at the same moment (CI runs
this on SQLite and on PostgreSQL, where the two transactions really run side by side): one
draft, and the second is told there is one already, never an IntegrityError (a 500)."""

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cshub.access.actions import create_user
from cshub.caseaudits import actions
from cshub.caseaudits.models import AuditTemplate, TemplateStatus

pytestmark = pytest.mark.usefixtures("live_db")


def test_a_new_version_made_twice_at_once_is_one_draft(hub: dict[str, Any]) -> None:
    template = hub["published_template"]
    other = create_user(
        "second.manager",
        agency="SOCIAL_CARE",
        roles=["team_manager"],
        actor=None,
        password="a-long-test-password-2",
    )
    managers = [hub["manager"], other]
    first_made, release = threading.Event(), threading.Event()
    made: list[AuditTemplate] = []
    refused: list[ValidationError] = []
    failures: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                made.append(actions.new_version(AuditTemplate.objects.get(pk=template.pk), actor=managers[0]))
                first_made.set()
                release.wait(10)  # the second runs into this uncommitted draft
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            first_made.wait(10)
            # Read before the first commits, as a second manager's page did.
            row = AuditTemplate.objects.get(pk=template.pk)
            made.append(actions.new_version(row, actor=managers[1]))
        except ValidationError as exc:
            refused.append(exc)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_made.wait(10)
    threading.Event().wait(1)  # the second is now waiting on the first's lock (PostgreSQL)
    release.set()
    for t in threads:
        t.join(30)
    assert failures == []
    assert len(made) == 1
    assert [e.message_dict for e in refused] == [
        {"template": ["There is already a draft of version 2: change that draft instead"]}
    ]
    drafts = AuditTemplate.objects.filter(previous=template)
    assert [(d.version, d.status) for d in drafts] == [(2, TemplateStatus.DRAFT)]
    assert drafts[0].sections.count() == template.sections.count()
