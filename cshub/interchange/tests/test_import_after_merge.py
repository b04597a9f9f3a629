"""A re-import after two records were merged: rows that name the merged record's id belong
to the record it was merged into. Before, a re-import of a referral moved back to the
merged (hidden) record, undoing the merge for it, and a new referral landed on the hidden
record where nobody would see it."""

from pathlib import Path
from typing import Any

import pytest

from cshub.interchange.importer import run_import
from cshub.interchange.tests.test_import_export import GOOD, folder
from cshub.people.merge import merge_people
from cshub.people.models import Person
from cshub.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_a_reimport_after_a_merge_keeps_and_adds_records_on_the_survivor(
    tmp_path: Path, personas: dict[str, Any]
) -> None:
    files = {k: GOOD[k] for k in ("professional.csv", "person.csv", "csh_referral.csv")}
    assert run_import(folder(_dir(tmp_path, "a"), files), actor=None).ok
    kofi, ava = Person.objects.get(source_id="C1"), Person.objects.get(source_id="C2")
    merge_people(kofi, ava, actor=personas["team_manager"], reason="The same child recorded twice")
    assert Referral.objects.get(source_id="R2").person == kofi

    again = dict(files)
    again["csh_referral.csv"] = files["csh_referral.csv"] + "R3,C2,2024-07-01,CSE,,PENDING,,\n"
    result = run_import(folder(_dir(tmp_path, "b"), again), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    assert Referral.objects.get(source_id="R2").person == kofi  # not moved back to the merged record
    assert Referral.objects.get(source_id="R3").person == kofi  # a new one, on the record people see
    assert not Referral.objects.filter(person=ava).exists()


def _dir(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name
