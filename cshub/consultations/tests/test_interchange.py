"""csh_consultation.csv: imported as every file is (rejected whole with file:line: column:
message), on the child's timeline, and exported so that import → export → import changes
nothing."""

from pathlib import Path
from typing import Any

import pytest

from cshub.conftest import make_child
from cshub.consultations import actions
from cshub.consultations.models import Consultation
from cshub.consultations.tests.test_rules import details
from cshub.interchange.exporter import export
from cshub.interchange.importer import run_import
from cshub.interchange.tests.test_import_export import GOOD, folder
from cshub.people.models import Person, TimelineKind

pytestmark = pytest.mark.django_db

HEADER = (
    "consultation_id,occurred_at,how,caller_role,caller_agency,person_id,anonymous_initials,"
    "anonymous_age,types,worry,advice,outcome,referral_id,follow_up_on,recorded_by_id\n"
)
ROWS = (
    "K1,2024-06-10 14:30,PHONE,School nurse,HEALTH,C1,,,CCE;CSE,Seen with older men,Tell the police,ADVICE_ONLY,,2024-06-17,P1\n"
    "K2,2024-06-11 09:00,EMAIL,,EDUCATION,,AB,14,,,Speak to the MASH,MASH_REFERRAL,,,P1\n"
    "K3,2024-06-01 10:00,PHONE,,POLICE,C2,,,CSE,,Refer to the hub,HUB_REFERRAL,R2,,P1\n"
)


def test_a_consultation_file_imports_onto_the_timeline_and_exports_back(tmp_path: Path) -> None:
    result = run_import(folder(tmp_path, {**GOOD, "csh_consultation.csv": HEADER + ROWS}), actor=None)
    assert result.ok, [str(e) for e in result.errors]
    kofi = Person.objects.get(source_id="C1")
    k1 = Consultation.objects.get(source_id="K1")
    assert (k1.person, k1.types, k1.recorded_by.get_full_name()) == (kofi, ["CCE", "CSE"], "Ffion Ashworth")
    assert kofi.timeline.filter(kind=TimelineKind.CONSULTATION, source_id=str(k1.pk)).exists()
    anonymous = Consultation.objects.get(source_id="K2")
    assert anonymous.anonymous and anonymous.anonymous_age == 14
    assert Consultation.objects.get(source_id="K3").referral.source_id == "R2"
    first, second = tmp_path / "first", tmp_path / "second"
    export(first, actor=None)
    assert sum(run_import(first, actor=None).counts.updated.values()) == 0
    export(second, actor=None)
    assert (first / "csh_consultation.csv").read_text() == (second / "csh_consultation.csv").read_text()


def test_one_made_in_cshub_exports_with_its_worker(tmp_path: Path, personas: dict[str, Any]) -> None:
    worker = personas["practitioner"]
    made = actions.record_consultation(details(), person=make_child(worker), actor=worker)
    export(tmp_path / "out", actor=None)
    text = (tmp_path / "out" / "csh_consultation.csv").read_text()
    assert (
        f"csh-{made.pk}," in text
        and f"csh-{worker.pk}" in (tmp_path / "out" / "professional.csv").read_text()
    )


def test_a_bad_consultation_file_is_rejected_whole(tmp_path: Path) -> None:
    bad = (
        HEADER
        + "K1,2099-06-10 14:30,PHONE,,HEALTH,C9,,,CCE,,Tell the police,ADVICE_ONLY,,,P1\n"
        + "K2,2024-06-11 09:00,LETTER,,,,,30,,,,GONE,R2,2024-06-01,P1\n"
    )
    result = run_import(folder(tmp_path, {**GOOD, "csh_consultation.csv": bad}), actor=None)
    assert [str(e) for e in result.errors] == [
        "csh_consultation.csv:2: occurred_at: the date must be today or in the past",
        "csh_consultation.csv:2: person_id: no person with id 'C9' in the import or in CSHub",
        "csh_consultation.csv:3: advice: a value is required",
        "csh_consultation.csv:3: anonymous_age: an age is a number from 0 to 25",
        "csh_consultation.csv:3: caller_agency: a value is required",
        "csh_consultation.csv:3: follow_up_on: the follow-up date is before the consultation",
        "csh_consultation.csv:3: how: unknown code 'LETTER' in 1 row (line 3) (expected one of PHONE, EMAIL, IN_PERSON)"
        ": map it to a CSHub code on the Imports page or with cshub import --map",
        "csh_consultation.csv:3: outcome: unknown code 'GONE' in 1 row (line 3) (expected one of ADVICE_ONLY, HUB_REFERRAL, MASH_REFERRAL, POLICE_REFERRAL, MORE_INFORMATION)"
        ": map it to a CSHub code on the Imports page or with cshub import --map",
        "csh_consultation.csv:3: referral_id: a consultation that became a referral names the child (person_id)",
    ]
    assert not Person.objects.exists() and not Consultation.objects.exists()
