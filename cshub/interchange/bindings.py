"""How each table of the interchange format becomes rows of a model (`Binding`: the table's
key, the model, the fields of a row given the ids resolved so far, and what only a first
import sets), in the order the importer writes them. `interchange.write` writes them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from cshub.access.models import User
from cshub.casework.models import Assessment, Episode
from cshub.consultations.models import Consultation
from cshub.interchange import socialcare, supervision
from cshub.interchange.reader import ParsedTable, Row
from cshub.missing.models import MissingEpisode, ReturnInterview
from cshub.people.models import Address, Person
from cshub.referrals.models import Referral
from cshub.supervision.models import Supervision

if TYPE_CHECKING:
    from cshub.interchange.write import Writer

Refs = dict[str, dict[str, int]]


def _split_name(name: str) -> dict[str, str]:
    """CSHub keeps first and last names; a professional's full name splits at its last space."""
    first, _, last = name.strip().rpartition(" ")
    return {"first_name": (first or last)[:150], "last_name": last[:150] if first else ""}


def estimated_birth(r: Row) -> bool:
    """An expected date of birth (`pers_expected_dob`: a due date, or an estimate) is the
    date of birth kept as estimated when `pers_dob` is empty or the same (Eclipse writes a
    due date in both)."""
    expected = r["pers_expected_dob"]
    return expected is not None and r["pers_dob"] in (None, expected)


def _ref(refs: Refs, table: str, value: str | None) -> int | None:
    return refs[table][value] if value else None


@dataclass(frozen=True)
class Binding:
    key: str
    model: type[models.Model]
    fields: Callable[[Row, Refs], dict[str, Any]]
    prepare: Callable[["Writer", ParsedTable], None] | None = None  # links to find before writing
    create_only: tuple[str, ...] = ()  # fields set when the import creates a record, never changed


# Each binding turns a row into the model's field values. Text and code cells are strings
# or None (empty), and CSHub keeps an empty text as "".
BINDINGS: list[Binding] = [
    Binding(
        "professional",
        User,
        lambda r, _: {
            **_split_name(r["prof_professional_name"] or ""),
            "job_title": (r["prof_professional_job_title"] or "")[:100],
            "agency": r["csh_agency"] or "SOCIAL_CARE",
        },
    ),
    Binding(
        "person",
        Person,
        lambda r, _: {
            "forename": r["pers_forename"] or "",  # none in several SSD versions
            "surname": r["pers_surname"] or "",
            "date_of_birth": r["pers_dob"] or r["pers_expected_dob"],
            "dob_estimated": estimated_birth(r),
            "sex": r["pers_sex"] or "",
            "gender": r["pers_gender"] or "",
            "ethnicity": r["pers_ethnicity"] or "",
            "upn": r["pers_upn"] or "",
            "person_type": r["csh_person_type"] or "CHILD",
        },
    ),
    Binding(
        "address",
        Address,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["addr_person_id"]),
            "postcode": (r["addr_address_postcode"] or "").upper(),
            "start_date": r["addr_address_start_date"],
            "end_date": r["addr_address_end_date"],
            "imd_decile": r["csh_imd_decile"],
        },
    ),
    Binding(
        "referral",
        Referral,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["person_id"]),
            "received_date": r["received_date"],
            "source_code": r["source_code"] or "",
            "primary_type": r["primary_type"],
            "other_types": r["other_types"] or [],
            "decision": r["decision"],
            "decision_date": r["decision_date"],
            "decision_rationale": r["decision_rationale"] or "",
        },
    ),
    Binding(
        "consultation",
        Consultation,
        lambda r, refs: {
            "occurred_at": r["occurred_at"],
            "how": r["how"],
            "caller_name": r["caller_name"] or "",
            "caller_role": r["caller_role"] or "",
            "caller_agency": r["caller_agency"],
            "caller_organisation": r["caller_organisation"] or "",
            "caller_contact": r["caller_contact"] or "",
            "person_id": _ref(refs, "person", r["person_id"]),
            "anonymous_initials": r["anonymous_initials"] or "",
            "anonymous_age": r["anonymous_age"],
            "anonymous_where": r["anonymous_where"] or "",
            "types": r["types"] or [],
            "indicators": r["indicators"] or [],
            "worry": r["worry"] or "",
            "advice": r["advice"] or "",
            "outcome": r["outcome"],
            "referral_id": _ref(refs, "referral", r["referral_id"]),
            "follow_up_on": r["follow_up_on"],
            "followed_up_at": r["followed_up_at"],
            "recorded_by_id": _ref(refs, "professional", r["recorded_by_id"]),
        },
    ),
    Binding(
        "episode",
        Episode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["person_id"]),
            "referral_id": _ref(refs, "referral", r["referral_id"]),
            "open_date": r["open_date"],
            "close_date": r["close_date"],
            "allocated_worker_id": _ref(refs, "professional", r["allocated_worker_id"]),
            "outcome_eet": r["outcome_eet"] or "",
            "outcome_stable_accommodation": r["outcome_stable_accommodation"] or "",
            "outcome_positive_relationship": r["outcome_positive_relationship"] or "",
            "feedback_child": r["feedback_child"],
            "feedback_parent_carer": r["feedback_parent_carer"],
            "feedback_child_said": r["feedback_child_said"] or "",
            "feedback_child_how": r["feedback_child_how"] or "",
            "feedback_parent_carer_said": r["feedback_parent_carer_said"] or "",
            "feedback_parent_carer_how": r["feedback_parent_carer_how"] or "",
        },
    ),
    Binding(
        "assessment",
        Assessment,
        lambda r, refs: {
            "episode_id": _ref(refs, "episode", r["episode_id"]),
            "completed_date": r["completed_date"],
            "risk_level": r["risk_level"],
            "assessor_id": _ref(refs, "professional", r["assessor_id"]),
            "reviewer_id": _ref(refs, "professional", r["reviewer_id"]),
            "reviewer_risk_level": r["reviewer_risk_level"] or "",
            "cin_factors": r["cin_factors"] or [],
        },
    ),
    Binding("supervision", Supervision, supervision.fields, create_only=supervision.CREATE_ONLY),
    Binding(
        "missing",
        MissingEpisode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["miss_person_id"]),
            "reported_at": r["miss_missing_episode_start_date"],
            "returned_at": r["miss_missing_episode_end_date"],
            "missing_type": r["miss_missing_episode_type"] or "",
            "rhi_offered": r["miss_missing_rhi_offered"] or "",
            "rhi_accepted": r["miss_missing_rhi_accepted"] or "",
            "police_risk": r["csh_police_risk"] or "",
            "from_care": r["csh_from_care"],
        },
    ),
    Binding(
        "return_interview",
        ReturnInterview,
        lambda r, refs: {
            "missing_episode_id": _ref(refs, "missing", r["missing_id"]),
            "outcome": r["outcome"],
            "offered_at": r["offered_at"],
            "completed_at": r["completed_at"],
            "interviewer_id": _ref(refs, "professional", r["interviewer_id"]),
            "delay_reason": r["delay_reason"] or "",
            "exploitation_concern": r["exploitation_concern"],
        },
    ),
]


# The council's record of the child (ssd_cin_episodes … ssd_contacts), after the people.
BINDINGS += [Binding(*b) for b in socialcare.BINDINGS]
