"""Merging duplicate records and unmerging them (people.merge, docs/merging.md)."""

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cshub.access.models import User
from cshub.casework import actions as casework
from cshub.conftest import TODAY, make_child, make_referral
from cshub.documents.models import Document
from cshub.missing import actions as missing
from cshub.notes.models import CaseNote
from cshub.people import actions as people
from cshub.people.merge import merge_people, relations, unmerge
from cshub.people.models import AccessGrant, MergedRow, NameKind, Person, PersonMerge, PersonName
from cshub.plans.models import SafetyPlan
from cshub.referrals import actions as referrals
from cshub.tasks import actions as tasks

REASON = "Same NHS number; confirmed with the child's social worker."


def rows_of(person: Person) -> dict[str, set[str]]:
    """Every row pointing at the person, by model and field: what a merge must move."""
    found: dict[str, set[str]] = defaultdict(set)
    for relation in relations():
        for pk in relation.model._default_manager.filter(**{relation.field: person}).values_list(
            "pk", flat=True
        ):
            found[f"{relation.label}.{relation.field}"].add(str(pk))
    return dict(found)


def duplicate_with_everything(worker: User, manager: User) -> Person:
    """A second record of Kofi with something of every common kind on it."""
    dup: Person = make_child(worker, "Kofee", "Ashcombe")
    people.add_alias(dup, "K", "Ash", actor=worker)
    people.add_address(
        dup, actor=worker, line="1 Canal Street", postcode="M1 1AA", start_date=TODAY - dt.timedelta(days=90)
    )
    make_referral(dup, worker, days_ago=60)
    now = timezone.now()
    missing.record_missing_episode(
        dup,
        missing.MissingReport(
            reported_at=now - dt.timedelta(days=10), returned_at=now - dt.timedelta(days=9)
        ),
        actor=worker,
    )
    tasks.agree_task(
        tasks.NewTask(
            "Ask the school about attendance", "EDUCATION", TODAY + dt.timedelta(days=5), owner=worker
        ),
        [dup],
        actor=manager,
    )
    # Models of other parts of issue 19: moved without merge knowing them.
    CaseNote.objects.create(
        person=dup, kind="PHONE_CALL", occurred_at=now, body="Called his mum.", author=worker
    )
    Document.objects.create(
        person=dup,
        kind="LETTER",
        title="School letter",
        original_name="letter.pdf",
        stored_name="merge-test-letter",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=worker,
    )
    return dup


@pytest.fixture
def staff(personas: dict[str, User]) -> tuple[User, User]:
    return personas["practitioner"], personas["team_manager"]


def test_a_merge_moves_every_row_of_every_kind_to_the_survivor(hub: dict[str, Any], staff: Any) -> None:
    worker, manager = staff
    child = hub["child"]
    dup = duplicate_with_everything(worker, manager)
    before_dup, before_child = rows_of(dup), rows_of(child)
    assert {"notes.casenote.person", "documents.document.person", "tasks.task_people.person"} <= set(
        before_dup
    )

    merge = merge_people(child, dup, actor=manager, reason=REASON)

    assert rows_of(dup) == {}, "nothing is left pointing at the merged record"
    after = rows_of(child)
    for key in set(before_dup) | set(before_child):
        assert after[key] == before_dup.get(key, set()) | before_child.get(key, set()), key
    assert CaseNote.objects.get(body="Called his mum.").person == child
    assert Document.objects.get(title="School letter").person == child
    dup.refresh_from_db()
    assert dup.merged_into == child and dup.merged_at is not None
    assert dup.forename == "Kofee"  # its own fields are kept
    assert MergedRow.objects.filter(merge=merge).count() == sum(len(v) for v in before_dup.values())
    # Its name is now one the child is also known by; the survivor keeps one name.
    assert child.names.filter(kind=NameKind.PRIMARY).count() == 1
    assert child.names.filter(forename="Kofee", kind=NameKind.ALIAS).exists()


def test_unmerge_moves_back_exactly_those_rows_and_leaves_what_came_after(
    hub: dict[str, Any], staff: Any, client_for: Any
) -> None:
    worker, manager = staff
    child = hub["child"]
    dup = duplicate_with_everything(worker, manager)
    before_dup, before_child = rows_of(dup), rows_of(child)
    merge_people(child, dup, actor=manager, reason=REASON)
    later = make_referral(child, worker, days_ago=0, kind="CSE")  # added to the survivor after

    page = client_for("team_manager").get(f"/children/{dup.pk}/unmerge/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Staying with this record" in text
    assert f"Referral of {TODAY.day} " in text.replace("&nbsp;", " ") or "Referrals: 1" in text

    unmerge(dup, actor=manager, reason="Twins: two children.")

    assert rows_of(dup) == before_dup
    after_child = rows_of(child)
    later_keys = {k: v - before_child.get(k, set()) for k, v in after_child.items()}
    added = {k: v for k, v in later_keys.items() if v}
    assert str(later.pk) in added.pop("referrals.referral.person")
    # Only what the new referral wrote itself (its timeline entry) is new on the survivor.
    assert set(added) <= {"people.timelineentry.person"}
    dup.refresh_from_db()
    assert dup.merged_into is None and dup.merged_at is None
    assert PersonName.objects.get(person=dup, kind=NameKind.PRIMARY).forename == "Kofee"
    assert child.names.filter(kind=NameKind.PRIMARY).get().forename == "Kofi"
    assert PersonMerge.objects.get().unmerged_at is not None


def test_a_merged_record_forwards_to_the_survivors_same_page(
    hub: dict[str, Any], staff: Any, client_for: Any
) -> None:
    _, manager = staff
    child, second = hub["child"], hub["second"]
    merge_people(child, second, actor=manager, reason=REASON)
    browser = client_for("practitioner")

    response = browser.get(f"/children/{second.pk}/details/")
    assert response.status_code == 302
    assert response["Location"] == f"/children/{child.pk}/details/"
    page = browser.get(response["Location"])
    assert f"This record (CSHub ID {second.pk}) was merged into this one" in page.content.decode()
    assert browser.get(f"/children/{second.pk}/").status_code == 302
    # The API: the merged record is not found (no redirect for a machine to follow blindly).
    assert browser.get(f"/api/v1/children/{second.pk}/").status_code == 404
    # Search and lists leave it out; the survivor is found by the merged record's name.
    assert list(Person.objects.visible_to(manager).filter(pk=second.pk)) == []
    found = browser.post("/children/", {"name": "Amara Brambleford"})
    assert f"/children/{second.pk}/" not in found.content.decode()
    assert f"/children/{child.pk}/" in found.content.decode()


def test_both_audit_trails_show_on_the_survivors_access_page(
    hub: dict[str, Any], staff: Any, client_for: Any
) -> None:
    _, manager = staff
    child, second = hub["child"], hub["second"]
    browser = client_for("team_manager")
    browser.get(f"/children/{second.pk}/timeline/")  # a view on the duplicate's own trail
    merge_people(child, second, actor=manager, reason=REASON)

    text = browser.get(f"/children/{child.pk}/access/").content.decode()
    assert f"CSHub ID {second.pk} (merged into this one)" in text
    assert "Timeline" in text
    # The events keep their record ids: nothing was rewritten.
    from cshub.audit.models import AuditEvent

    assert AuditEvent.objects.filter(child_id=second.pk, detail__part="timeline").exists()


def test_two_open_episodes_are_refused_with_a_reason_and_nothing_moves(
    hub: dict[str, Any], staff: Any
) -> None:
    worker, manager = staff
    child = hub["child"]
    dup = make_child(worker, "Kofee", "Ashcombe")
    referral = make_referral(dup, worker)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    casework.open_episode(referral, actor=manager, open_date=TODAY, allocated_worker=worker)
    before = rows_of(dup)

    with pytest.raises(ValidationError) as refused:
        merge_people(child, dup, actor=manager, reason=REASON)

    assert "Both records have an open hub episode" in " ".join(refused.value.messages)
    assert rows_of(dup) == before
    assert not PersonMerge.objects.exists()


def test_one_per_child_rows_stay_or_are_renumbered_and_come_back_as_they_were(
    hub: dict[str, Any], staff: Any
) -> None:
    worker, manager = staff
    child, second = hub["child"], hub["second"]
    other = hub["worker"]
    for person in (child, second):
        SafetyPlan.objects.create(
            person=person,
            version=1,
            safe_people="Nan",
            safe_places="School",
            i_will="Call",
            others_will="Help",
            written_by=worker,
        )
        AccessGrant.objects.create(person=person, user=other, granted_by=manager)

    merge_people(child, second, actor=manager, reason=REASON)

    assert sorted(child.safety_plans.values_list("version", flat=True)) == [1, 2]
    # The survivor names that worker already: the duplicate's grant stays with it.
    assert AccessGrant.objects.filter(person=second).count() == 1
    assert AccessGrant.objects.filter(person=child, user=other).count() == 1

    unmerge(second, actor=manager, reason="Two children.")

    assert list(second.safety_plans.values_list("version", flat=True)) == [1]
    assert list(child.safety_plans.values_list("version", flat=True)) == [1]


def test_refusals(hub: dict[str, Any], staff: Any, personas: dict[str, User]) -> None:
    worker, manager = staff
    child, second, restricted = hub["child"], hub["second"], hub["restricted"]

    def refused(survivor: Person, merged: Person) -> str:
        with pytest.raises(ValidationError) as exc:
            merge_people(survivor, merged, actor=manager, reason=REASON)
        return " ".join(exc.value.messages)

    assert "cannot be merged into itself" in refused(child, child)
    adult = make_child(worker, "Dean", "Ashcombe", person_type="ADULT")
    assert "a child's and the other an adult's" in refused(child, adult)
    # The manager restricted it, so is named on it; take their grant away.
    AccessGrant.objects.filter(person=restricted, user=manager).delete()
    people.break_glass(restricted, "Checking a duplicate", actor=manager)
    assert "Only someone named on every restricted record" in refused(child, restricted)
    with pytest.raises(ValidationError, match="Give the reason"):
        merge_people(child, second, actor=manager, reason=" ")
    merge_people(child, second, actor=manager, reason=REASON)
    third = make_child(worker, "Kofi", "Ashcombe-Smith")
    assert "already been merged" in refused(second, third)
    with pytest.raises(PermissionDenied):
        merge_people(child, third, actor=worker, reason=REASON)


def test_a_restricted_duplicate_keeps_the_child_restricted_until_unmerged(
    hub: dict[str, Any], staff: Any
) -> None:
    _, manager = staff
    child, restricted = hub["child"], hub["restricted"]
    merge_people(child, restricted, actor=manager, reason=REASON)
    child.refresh_from_db()
    assert child.restricted and child.restricted_reason == "Relative of staff"
    assert AccessGrant.objects.filter(person=child, user=manager).exists()
    unmerge(restricted, actor=manager, reason="Two children.")
    child.refresh_from_db()
    assert not child.restricted
    assert AccessGrant.objects.filter(person=restricted, user=manager).exists()


def test_a_merged_child_is_counted_once_by_the_metrics_engine(hub: dict[str, Any], staff: Any) -> None:
    from cshub.assurance.metrics import compute
    from cshub.assurance.metrics.base import Period
    from cshub.casework.models import Episode

    worker, manager = staff
    child = hub["child"]
    dup = make_child(worker, "Kofee", "Ashcombe")
    # An earlier, closed episode on the duplicate record.
    Episode.objects.create(
        person=dup, open_date=TODAY - dt.timedelta(days=20), close_date=TODAY - dt.timedelta(days=10)
    )
    period = Period(TODAY - dt.timedelta(days=60), TODAY)
    assert compute(period)["children.worked_with"].as_dict()["value"] == 2

    merge_people(child, dup, actor=manager, reason=REASON)

    assert compute(period)["children.worked_with"].as_dict()["value"] == 1
    assert Person.objects.current().children().filter(pk__in=[child.pk, dup.pk]).count() == 1
