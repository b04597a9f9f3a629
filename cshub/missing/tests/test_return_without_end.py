"""A missing episode from a DfE return (SSDA903) with no MIS_END: the child had not come
back by the end of the return's collection year. Once that year is over, CSHub does not know
whether they came back, so it never says "Missing now" (issue 16)."""

import datetime as dt

import pytest

from cshub.casework import actions as casework
from cshub.conftest import make_referral
from cshub.interchange.importer import run_import
from cshub.interchange.tests.test_returns import copy
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.referrals import actions as referrals

pytestmark = pytest.mark.django_db


def test_a_903_episode_without_an_end_is_not_missing_now(tmp_path, personas, client_for):
    assert run_import(copy(tmp_path, "ssda903"), actor=None).ok
    child = Person.objects.get(source_id="LAC5001")
    last = MissingEpisode.objects.get(source_id="903:LAC5001:2025-03-22")
    assert last.returned_at is None
    assert last.return_collection_end == dt.date(2025, 3, 31)

    page = client_for("practitioner").get(f"/children/{child.pk}/").content.decode()
    assert "Missing now" not in page
    assert "End not recorded in the return" in page
    assert "the council's SSDA903 return to 31 March 2025 gives no end date" in page

    # Nor is the child "missing now" on their worker's home page.
    worker, manager = personas["practitioner"], personas["team_manager"]
    referral = make_referral(child, worker, days_ago=20)
    referrals.decide_referral(referral, "OPEN", "Meets threshold.", actor=manager)
    casework.open_episode(referral, actor=manager, allocated_worker=worker)
    home = client_for("practitioner").get("/").content.decode()
    assert "Your work" in home and '<h2 class="govuk-heading-m">Missing now</h2>' not in home
