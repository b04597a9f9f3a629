"""Merges sent at the same moment to a live server (the pattern of
cshub/tests/test_concurrency.py; CI runs it on SQLite and on PostgreSQL): one merge, no
lost rows, no 5xx, no deadlock when two people merge the pair in opposite directions."""

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from cshub.conftest import make_child, make_referral
from cshub.people.models import MergedRow, Person, PersonMerge
from cshub.referrals.models import Referral
from cshub.tests.test_concurrency import AT_ONCE, at_once, no_server_errors, signed_in

pytestmark = pytest.mark.usefixtures("live_db")


def test_the_same_pair_merged_at_once_both_ways_is_one_merge(live_server: Any, personas: Any) -> None:
    worker, manager = personas["practitioner"], personas["team_manager"]
    a = make_child(worker, "Kofi", "Ashcombe")
    b = make_child(worker, "Kofee", "Ashcombe")
    for child in (a, b):
        make_referral(child, worker)
    referrals = set(Referral.objects.values_list("pk", flat=True))
    browsers = [signed_in(live_server, manager) for _ in range(2)]
    calls: list[Callable[[], int]] = []
    for n in range(AT_ONCE):
        # Half keep a, half keep b: opposite lock orders if the merge took them naively.
        keep, other = (a, b) if n % 2 else (b, a)
        form = {"survivor": str(keep.pk), "reason": "Same NHS number."}
        path = f"/children/{keep.pk}/compare/{other.pk}/"
        calls.append(partial(browsers[n % 2].send, "POST", path, form=form))

    statuses = at_once(calls)

    no_server_errors(statuses)
    # One merged (302 to the survivor); the others were told why not (200) or, the record
    # already forwarding when their request read it, sent on to the survivor (302).
    assert set(statuses) <= {200, 302}, statuses
    merge = PersonMerge.objects.get()
    merged = Person.objects.get(pk=merge.merged_id)
    assert merged.merged_into_id == merge.survivor_id
    assert Person.objects.get(pk=merge.survivor_id).merged_into_id is None
    # No row lost or left behind: both referrals on the survivor, each move recorded once.
    assert set(Referral.objects.filter(person_id=merge.survivor_id).values_list("pk", flat=True)) == referrals
    assert MergedRow.objects.filter(model="referrals.referral").count() == 1
