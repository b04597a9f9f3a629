"""Retention rules, the dry run, legal holds and disposal (docs/data-protection.md)."""

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cshub.access.models import Role, RolePermission, User
from cshub.access.permissions import Perm
from cshub.access.testing import sign_in_verified
from cshub.audit.models import Action, AuditEvent
from cshub.conftest import make_child, make_referral
from cshub.documents import storage
from cshub.documents.models import Document
from cshub.people import actions as people
from cshub.people.models import Person, TimelineEntry
from cshub.referrals.models import Referral
from cshub.retention import actions
from cshub.retention.due import add_years, review
from cshub.retention.models import Basis, Disposal, RetentionRule

TODAY = dt.date.today()  # noqa: DTZ011


def born_years_ago(years: int) -> dt.date:
    return add_years(TODAY, -years) - dt.timedelta(days=10)


@pytest.fixture
def officer(personas: dict[str, User]) -> User:
    """An information-governance officer: the council gives disposal to its own role."""
    role = Role.objects.create(code="information_governance", name="Information governance")
    for perm in (Perm.DISPOSE_RECORDS, Perm.MANAGE_RETENTION):
        RolePermission.objects.create(role=role, permission=perm)
    user = personas["sysadmin"]
    user.roles.add(role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def old_child(personas: dict[str, User]) -> Person:
    """A child who turned 25 ten days ago, with a referral, a change of details, a document."""
    worker = personas["practitioner"]
    child = make_child(worker, "Zeph", "Oldacre", born=born_years_ago(25))
    make_referral(child, worker, days_ago=400)
    details = people.PersonDetails(
        forename="Zephyr", surname="Oldacre", date_of_birth=child.date_of_birth, sex="M"
    )
    people.update_person(child, details, actor=worker)
    Document.objects.create(
        person=child,
        kind="LETTER",
        title="Letter",
        original_name="letter.txt",
        stored_name=storage.store(b"a letter about the child"),
        content_type="text/plain",
        size=24,
        sha256="0" * 64,
        uploaded_by=worker,
    )
    return Person.objects.get(pk=child.pk)


def test_default_rules_are_seeded(db: Any) -> None:
    rules = {r.record_type: (r.basis, r.years) for r in RetentionRule.objects.all()}
    assert rules == {"CHILD": (Basis.AGE, 25), "ADULT": (Basis.LAST_ACTIVITY, 6)}


def test_dry_run_lists_due_and_held_records_without_names(
    personas: dict[str, User], old_child: Person, officer: User
) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    young = make_child(worker, "Young", "Fernhill")
    restricted = make_child(worker, "Rhea", "Quarrington", born=born_years_ago(26))
    people.set_restriction(restricted, True, "Relative of staff", actor=manager)
    held = make_child(worker, "Hal", "Pennyworth", born=born_years_ago(30))
    actions.place_hold(officer, held, "Inquiry into the home")
    items = {i.person_id: i for i in review()}
    assert young.pk not in items
    assert items[old_child.pk].held == []
    assert items[old_child.pk].due_on == add_years(born_years_ago(25), 25)
    assert items[restricted.pk].held == ["Restricted record"]
    assert items[held.pk].held == ["Legal hold: Inquiry into the home"]

    out, err = StringIO(), StringIO()
    call_command("retention", "--dry-run", stdout=out, stderr=err)
    text = out.getvalue()
    assert f"CHILD,{old_child.pk},A child's record: until their 25th birthday," in text
    assert f"{held.pk}," in text and "held" in text
    for name in ("Zeph", "Oldacre", "Rhea", "Quarrington", "Hal", "Pennyworth"):
        assert name not in text
    assert "1 due for disposal, 2 held" in err.getvalue()


def test_the_dry_run_reads_the_index_a_batch_at_a_time(
    personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At region scale (100,000 people) one query naming every id fails on SQLite (too many
    variables) and the whole index sat in memory: the people are read in batches."""
    worker = personas["practitioner"]
    due = [make_child(worker, f"Old{i}", "Battersby", born=born_years_ago(26 + i)).pk for i in range(5)]
    make_child(worker, "Young", "Battersby")
    monkeypatch.setattr("cshub.retention.due.BATCH", 2, raising=False)
    with CaptureQueriesContext(connection) as queries:
        items = review()
    assert [i.person_id for i in items if i.person_id in due] == due
    lists = [
        m.count(",") + 1 for q in queries.captured_queries for m in re.findall(r"IN \(([^()]*)\)", q["sql"])
    ]
    assert lists and max(lists) <= 2  # no query lists more than a batch of ids


def test_an_open_episode_holds_the_record(personas: dict[str, User]) -> None:
    from cshub.casework import actions as casework
    from cshub.referrals import actions as referrals

    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker, "Ona", "Trevelyan", born=born_years_ago(25))
    referral = make_referral(child, worker, days_ago=40)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    casework.open_episode(
        referral, actor=manager, open_date=TODAY - dt.timedelta(days=20), allocated_worker=worker
    )
    (item,) = review(person_ids=[child.pk])
    assert item.held == ["An open hub episode"]


def test_disposal_deletes_everything_leaves_a_tombstone_and_scrubs_changes(
    personas: dict[str, User], old_child: Person, officer: User
) -> None:
    other = make_child(personas["practitioner"], "Other", "Childe")
    make_referral(other, personas["practitioner"])
    stored = Document.objects.get(person=old_child).stored_name
    assert storage.path_of(stored).exists()
    pk = old_child.pk
    assert AuditEvent.objects.filter(child_id=pk, action=Action.UPDATE, detail__has_key="changes").exists()

    with pytest.raises(ValidationError):
        actions.dispose(officer, old_child, "  ")
    disposal = actions.dispose(officer, old_child, "Retention period ended")
    assert not Person.objects.filter(pk=pk).exists()
    assert not Referral.objects.filter(person_id=pk).exists()
    assert not TimelineEntry.objects.filter(person_id=pk).exists()
    assert not Document.objects.filter(person_id=pk).exists()
    assert Referral.objects.filter(person=other).exists()

    tombstone = Disposal.objects.get()
    assert tombstone == disposal
    assert (tombstone.record_type, tombstone.old_id, tombstone.reason) == (
        "CHILD",
        pk,
        "Retention period ended",
    )
    assert tombstone.rule == "A child's record: until their 25th birthday"
    assert tombstone.due_on == add_years(born_years_ago(25), 25)
    assert tombstone.rows["people.person"] == 1 and tombstone.rows["referrals.referral"] == 1
    assert tombstone.documents == 1
    assert "Zeph" not in str(tombstone.__dict__) and "Oldacre" not in str(tombstone.__dict__)

    # Audit events stay; the values of the changes are gone.
    updates = AuditEvent.objects.filter(child_id=pk, action=Action.UPDATE)
    assert updates.exists()
    for event in updates:
        assert "changes" not in event.detail
        assert event.detail["scrubbed"] == f"disposal {tombstone.pk}"
        assert "Zeph" not in str(event.detail)
    assert tombstone.audit_events_scrubbed == updates.count()
    assert AuditEvent.objects.filter(child_id=pk, action=Action.CREATE).exists()
    event = AuditEvent.objects.get(action=Action.DISPOSE)
    assert (event.child_id, event.actor, event.reason) == (pk, officer, "Retention period ended")


def test_documents_files_are_deleted_after_commit(
    personas: dict[str, User], old_child: Person, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    stored = Document.objects.get(person=old_child).stored_name
    with django_capture_on_commit_callbacks(execute=True):
        actions.dispose(officer, old_child, "Retention period ended")
    assert not storage.path_of(stored).exists()


def test_held_not_due_and_unpermitted_disposals_are_refused(
    personas: dict[str, User], old_child: Person, officer: User
) -> None:
    young = make_child(personas["practitioner"], "Young", "Fernhill")
    with pytest.raises(ValidationError, match="not due"):
        actions.dispose(officer, young, "Tidy up")
    hold = actions.place_hold(officer, old_child, "Police request")
    with pytest.raises(ValidationError, match="held: Legal hold: Police request"):
        actions.dispose(officer, old_child, "Retention period ended")
    with pytest.raises(PermissionDenied):
        actions.dispose(personas["team_manager"], old_child, "Retention period ended")
    actions.lift_hold(officer, hold, "Request withdrawn")
    actions.dispose(officer, old_child, "Retention period ended")
    assert not Person.objects.filter(pk=old_child.pk).exists()


def test_audit_events_stay_append_only(personas: dict[str, User], old_child: Person) -> None:
    event = AuditEvent.objects.filter(child_id=old_child.pk, action=Action.UPDATE).first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail={})


def test_changing_a_rule_is_audited(officer: User) -> None:
    rule = RetentionRule.objects.get(record_type="ADULT")
    actions.update_rule(officer, rule, basis=Basis.LAST_ACTIVITY, years=7, policy="Council policy 4.2")
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="retention.retentionrule")
    assert event.detail["changes"]["years"] == [6, 7]
    with pytest.raises(ValidationError):
        actions.update_rule(officer, rule, basis=Basis.AGE, years=0, policy="")


def test_pages_show_ids_and_dispose_with_a_reason(
    personas: dict[str, User], old_child: Person, officer: User
) -> None:
    client = sign_in_verified(Client(), officer)
    page = client.get(reverse("retention:overview")).content.decode()
    assert str(old_child.pk) in page and "Oldacre" not in page and "Zeph" not in page
    confirm = client.get(reverse("retention:dispose", args=[old_child.pk])).content.decode()
    assert "What will be deleted" in confirm and "Oldacre" not in confirm
    refused = client.post(reverse("retention:dispose", args=[old_child.pk]), {"reason": ""})
    assert refused.status_code == 200 and Person.objects.filter(pk=old_child.pk).exists()
    done = client.post(
        reverse("retention:dispose", args=[old_child.pk]), {"reason": "Retention period ended"}
    )
    assert done.status_code == 302
    assert not Person.objects.filter(pk=old_child.pk).exists()
    assert client.get(reverse("retention:dispose", args=[old_child.pk])).status_code == 404
