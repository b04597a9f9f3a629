"""Saves of one child's profile sent at the same moment (on PostgreSQL they really run side
by side): each is its own version, numbered 1 to n, and nobody gets a 500."""

import dataclasses
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.urls import reverse

from cshub.philomena import actions
from cshub.philomena.models import Profile
from cshub.philomena.tests.conftest import TEXT
from cshub.tests.test_concurrency import AT_ONCE, at_once, no_server_errors, signed_in

pytestmark = pytest.mark.usefixtures("live_db")


def test_saves_and_reviews_at_once_are_each_a_version(
    live_server: Any, child: Any, personas: dict[str, Any]
) -> None:
    actions.write_profile(child, TEXT, actor=personas["practitioner"])
    browser = signed_in(live_server, personas["missing_worker"])
    form = {**dataclasses.asdict(TEXT), "in_care": "Y", "photo": ""}
    edit, review = reverse("philomena:edit", args=[child.pk]), reverse("philomena:confirm", args=[child.pk])
    calls: list[Callable[[], Any]] = [
        partial(browser.send, "POST", edit, form={**form, "hair": f"Style {n}"}) for n in range(AT_ONCE // 2)
    ]
    calls += [partial(browser.send, "POST", review, form={})] * (AT_ONCE - AT_ONCE // 2)
    statuses = at_once(calls)
    no_server_errors(statuses)
    assert statuses == [302] * AT_ONCE
    versions = sorted(Profile.objects.filter(person=child).values_list("version", flat=True))
    assert versions == list(range(1, AT_ONCE + 2))
