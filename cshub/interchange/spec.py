"""The interchange format (docs/interchange.md) as data: files, columns, kinds, codes."""

__all__ = [
    "BY_FILENAME",
    "BY_KEY",
    "SSD_COLUMNS",
    "SSD_OPTIONAL",
    "SSD_SKIP_WITHOUT",
    "TABLES",
    "Column",
    "Table",
]


from cshub.casework.models import FeedbackHow
from cshub.consultations.models import How, Outcome
from cshub.core.codes import Agency, Ethnicity, ExploitationType, ReferralSource
from cshub.intelligence.models import (
    Assessment,
    GroupKind,
    Handling,
    LinkType,
    PlaceKind,
    SourceEvaluation,
    SubjectKind,
)
from cshub.interchange.columns import Column, Table
from cshub.interchange.spec_socialcare import SOCIAL_CARE_TABLES
from cshub.missing.models import EntryKind
from cshub.supervision.models import Kind as SupervisionKind

YN = ("Y", "N")
OUTCOMES = ("YES", "NO", "UNKNOWN", "NOT_APPLICABLE")
RISK = ("LOW", "MEDIUM", "HIGH")


def _subject_columns(prefix: str, *, required: bool) -> tuple[Column, ...]:
    """A subject of csh_intelligence.csv: its kind and what identifies it."""
    return (
        Column(f"{prefix}_kind", "code", required, codes=tuple(SubjectKind.values)),
        Column(f"{prefix}_value", "text"),
        Column(f"{prefix}_person_id", "ref", ref="person"),
        Column(f"{prefix}_platform", "text"),
        Column(f"{prefix}_place_kind", "code", codes=tuple(PlaceKind.values)),
        Column(f"{prefix}_postcode", "text"),
        Column(f"{prefix}_group_kind", "code", codes=tuple(GroupKind.values)),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "professional",
        "professional.csv",
        "ssd_professionals.csv",
        "prof_professional_id",
        (
            Column("prof_professional_id", "id", True),
            Column("prof_professional_name", "text", True),
            Column("prof_professional_job_title", "text"),
            Column("csh_agency", "code", codes=tuple(Agency.values)),
            Column("prof_staff_id", "text"),
        ),
        fallbacks=(("prof_professional_id", "prof_staff_id"),),
    ),
    Table(
        "person",
        "person.csv",
        "ssd_person.csv",
        "pers_person_id",
        (
            Column("pers_person_id", "id", True),
            Column("pers_forename", "text", True),
            Column("pers_surname", "text", True),
            Column("pers_dob", "date"),
            Column("pers_sex", "code", codes=("M", "F", "U")),
            Column("pers_gender", "code", codes=("00", "01", "02", "09")),
            Column("pers_ethnicity", "code", codes=tuple(Ethnicity.values)),
            Column("pers_upn", "text"),
            Column("csh_person_type", "code", codes=("CHILD", "ADULT")),
            Column("csh_aliases", "text"),
            Column("pers_expected_dob", "date"),  # last: writers that fill columns by position
        ),
    ),
    Table(
        "address",
        "address.csv",
        "ssd_address.csv",
        "addr_table_id",
        (
            Column("addr_table_id", "id", True),
            Column("addr_person_id", "ref", True, ref="person"),
            Column("addr_address_postcode", "text"),
            Column("addr_address_start_date", "date", True),
            Column("addr_address_end_date", "date"),
            Column("csh_imd_decile", "int"),
        ),
    ),
    Table(
        "referral",
        "csh_referral.csv",
        "",
        "referral_id",
        (
            Column("referral_id", "id", True),
            Column("person_id", "ref", True, ref="person"),
            Column("received_date", "date", True),
            Column("source_code", "code", codes=tuple(ReferralSource.values)),
            Column("primary_type", "code", True, codes=tuple(ExploitationType.values)),
            Column("other_types", "codes", codes=tuple(ExploitationType.values)),
            Column("decision", "code", True, codes=("OPEN", "NFA", "SIGNPOSTED", "PENDING")),
            Column("decision_date", "date"),
            Column("decision_rationale", "text"),
        ),
    ),
    Table(
        # A professional's call to the hub for advice (docs/consultations.md): about a child
        # (`person_id`) or anonymous (no `person_id`; initials, age, school or area only).
        "consultation",
        "csh_consultation.csv",
        "",
        "consultation_id",
        (
            Column("consultation_id", "id", True),
            Column("occurred_at", "datetime", True),
            Column("how", "code", True, codes=tuple(How.values)),
            Column("caller_name", "text"),
            Column("caller_role", "text"),
            Column("caller_agency", "code", True, codes=tuple(Agency.values)),
            Column("caller_organisation", "text"),
            Column("caller_contact", "text"),
            Column("person_id", "ref", ref="person"),
            Column("anonymous_initials", "text"),
            Column("anonymous_age", "int"),
            Column("anonymous_where", "text"),
            Column("types", "codes", codes=tuple(ExploitationType.values)),
            Column("indicators", "codes"),
            Column("worry", "text"),
            Column("advice", "text", True),
            Column("outcome", "code", True, codes=tuple(Outcome.values)),
            Column("referral_id", "ref", ref="referral"),
            Column("follow_up_on", "date"),
            Column("followed_up_at", "datetime"),
            Column("recorded_by_id", "ref", True, ref="professional"),
        ),
    ),
    Table(
        "episode",
        "csh_episode.csv",
        "",
        "episode_id",
        (
            Column("episode_id", "id", True),
            Column("person_id", "ref", True, ref="person"),
            Column("referral_id", "ref", ref="referral"),
            Column("open_date", "date", True),
            Column("close_date", "date"),
            Column("allocated_worker_id", "ref", ref="professional"),
            Column("outcome_eet", "code", codes=OUTCOMES),
            Column("outcome_stable_accommodation", "code", codes=OUTCOMES),
            Column("outcome_positive_relationship", "code", codes=OUTCOMES),
            Column("feedback_child", "flag"),
            Column("feedback_parent_carer", "flag"),
            # What the child and the parent or carer said at closure, and how it was gathered
            # (the flags above stay the figures).
            Column("feedback_child_said", "text"),
            Column("feedback_child_how", "code", codes=tuple(FeedbackHow.values)),
            Column("feedback_parent_carer_said", "text"),
            Column("feedback_parent_carer_how", "code", codes=tuple(FeedbackHow.values)),
        ),
    ),
    Table(
        "assessment",
        "csh_assessment.csv",
        "",
        "assessment_id",
        (
            Column("assessment_id", "id", True),
            Column("episode_id", "ref", True, ref="episode"),
            Column("completed_date", "date", True),
            Column("risk_level", "code", True, codes=RISK),
            Column("assessor_id", "ref", ref="professional"),
            Column("reviewer_id", "ref", ref="professional"),
            Column("reviewer_risk_level", "code", codes=RISK),
            Column("cin_factors", "codes"),
        ),
    ),
    Table(
        "supervision",
        "csh_supervision.csv",
        "",
        "supervision_id",
        (
            Column("supervision_id", "id", True),
            Column("episode_id", "ref", True, ref="episode"),  # the child it was recorded from
            Column("kind", "code", True, codes=tuple(SupervisionKind.values)),
            Column("held_on", "date", True),
            Column("supervisor_id", "ref", True, ref="professional"),
            Column("supervisee_id", "ref", True, ref="professional"),
            Column("locality_worker", "text"),
            Column("others_present", "text"),
            Column("discussion", "text"),
            Column("reflection", "text"),
            Column("decisions", "text"),
        ),
    ),
    Table(
        # The other children a group session was about: one row per session and episode.
        "supervision_episode",
        "csh_supervision_episode.csv",
        "",
        "",
        (
            Column("supervision_id", "ref", True, ref="supervision"),
            Column("episode_id", "ref", True, ref="episode"),
        ),
        ("supervision_id", "episode_id"),
    ),
    Table(
        "missing",
        "missing.csv",
        "ssd_missing.csv",
        "miss_table_id",
        (
            Column("miss_table_id", "id", True),
            Column("miss_person_id", "ref", True, ref="person"),
            Column("miss_missing_episode_start_date", "datetime", True),
            Column("miss_missing_episode_end_date", "datetime"),
            Column("miss_missing_episode_type", "code", codes=("M", "A")),
            Column("miss_missing_rhi_offered", "code", codes=("Y", "N", "NA")),
            Column("miss_missing_rhi_accepted", "code", codes=("Y", "N", "NA")),
            Column("csh_police_risk", "code", codes=("NO_APPARENT_RISK", "LOW", "MEDIUM", "HIGH")),
            Column("csh_from_care", "flag"),
        ),
    ),
    Table(
        "return_interview",
        "csh_return_interview.csv",
        "",
        "interview_id",
        (
            Column("interview_id", "id", True),
            Column("missing_id", "ref", True, ref="missing"),
            Column(
                "outcome", "code", True, codes=("COMPLETED", "DECLINED", "UNABLE_TO_CONTACT", "NOT_OFFERED")
            ),
            Column("offered_at", "datetime"),
            Column("completed_at", "datetime"),
            Column("interviewer_id", "ref", ref="professional"),
            Column("delay_reason", "text"),
            Column("exploitation_concern", "flag"),
        ),
    ),
    Table(
        "population",
        "population.csv",
        "",
        "",
        (
            Column("dimension", "code", True, codes=("gender", "ethnicity", "age_band", "imd_decile")),
            Column("group", "text", True),
            Column("count", "int", True),
        ),
        ("dimension", "group"),
    ),
    Table(
        "interview_entry",
        "csh_interview_entry.csv",
        "",
        "",
        (
            Column("interview_id", "ref", True, ref="return_interview"),
            Column("kind", "code", True, codes=tuple(EntryKind.values)),
            Column("value", "text", True),
            Column("detail", "text"),
        ),
        ("interview_id", "kind", "value"),
    ),
    Table(
        "intelligence",
        "csh_intelligence.csv",
        "",
        "intel_id",
        (
            Column("intel_id", "id", True),
            Column("person_id", "ref", ref="person"),
            *_subject_columns("from", required=False),
            *_subject_columns("subject", required=True),
            Column("link_type", "code", True, codes=tuple(LinkType.values)),
            Column("first_seen", "date"),
            Column("last_seen", "date"),
            Column("source_evaluation", "code", codes=tuple(SourceEvaluation.values)),
            Column("assessment", "code", codes=tuple(Assessment.values)),
            Column("handling", "code", codes=tuple(Handling.values)),
            Column("agencies", "codes", codes=tuple(Agency.values)),
            Column("detail", "text"),
        ),
    ),
)

# The SSD tables of the council's record of the child (cshub.socialcare): spec_socialcare.py.
TABLES += SOCIAL_CARE_TABLES

BY_KEY = {t.key: t for t in TABLES}
BY_FILENAME = {name: t for t in TABLES for name in (t.filename, t.ssd_filename) if name}

# Required columns a council's file may leave out (the SSD's nullability: several SSD
# versions have no name columns in ssd_person, docs/research/ssd-extracts.md), and whose
# cells any file may leave empty: a person without a name (validate: not half of one).
# Columns the SSD may leave NULL but without which CSHub cannot keep the row (an address of
# nobody, or from no date; a missing episode of nobody, or from no time): in a council's
# file such a row is left out with one warning per column, never an error for the import.
SSD_SKIP_WITHOUT: dict[str, tuple[str, ...]] = {
    "address": ("addr_person_id", "addr_address_start_date"),
    "missing": ("miss_person_id", "miss_missing_episode_start_date"),
}
SSD_OPTIONAL: dict[str, frozenset[str]] = {
    "person": frozenset({"pers_forename", "pers_surname"}),
    "professional": frozenset({"prof_professional_name"}),  # none in Mosaic's extract
}

# Every column of the SSD's tables (data-to-insight/ssd-data-model, the systems' deployment SQL,
# docs/research/ssd-extracts.md): a column here that CSHub does not read is named once per
# file as one of the SSD's, not kept; any other column is "unknown".
SSD_COLUMNS: dict[str, frozenset[str]] = {
    "person": frozenset(
        {
            "pers_common_child_id",
            "pers_death_date",
            "pers_dob",
            "pers_ethnicity",
            "pers_expected_dob",
            "pers_forename",
            "pers_gender",
            "pers_is_mother",
            "pers_legacy_id",
            "pers_nationality",
            "pers_person_id",
            "pers_send_flag",
            "pers_sex",
            "pers_single_unique_id",
            "pers_surname",
            "pers_upn",
            "pers_upn_unknown",
        }
    ),
    "missing": frozenset(
        {
            "miss_missing_episode_end_date",
            "miss_missing_episode_start_date",
            "miss_missing_episode_type",
            "miss_missing_rhi_accepted",
            "miss_missing_rhi_offered",
            "miss_person_id",
            "miss_table_id",
        }
    ),
    "address": frozenset(
        {
            "addr_address_end_date",
            "addr_address_json",
            "addr_address_postcode",
            "addr_address_start_date",
            "addr_address_type",
            "addr_person_id",
            "addr_table_id",
        }
    ),
    "professional": frozenset(
        {
            "prof_agency_worker_flag",
            "prof_full_time_equivalency",
            "prof_professional_caseload",
            "prof_professional_department",
            "prof_professional_id",
            "prof_professional_job_title",
            "prof_professional_name",
            "prof_social_worker_registration_no",
            "prof_staff_id",
        }
    ),
    "cin_episode": frozenset(
        {
            "cine_cin_primary_need_code",
            "cine_close_date",
            "cine_close_reason",
            "cine_person_id",
            "cine_referral_date",
            "cine_referral_id",
            "cine_referral_nfa",
            "cine_referral_outcome_json",
            "cine_referral_source_code",
            "cine_referral_source_desc",
            "cine_referral_team",
            "cine_referral_worker_id",
        }
    ),
    "involvement": frozenset(
        {
            "invo_involvement_end_date",
            "invo_involvement_start_date",
            "invo_involvements_id",
            "invo_person_id",
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_professional_team",
            "invo_referral_id",
            "invo_worker_change_reason",
        }
    ),
    "cin_assessment": frozenset(
        {
            "cina_assessment_auth_date",
            "cina_assessment_child_seen",
            "cina_assessment_id",
            "cina_assessment_outcome_json",
            "cina_assessment_outcome_nfa",
            "cina_assessment_start_date",
            "cina_assessment_team",
            "cina_assessment_worker_id",
            "cina_person_id",
            "cina_referral_id",
        }
    ),
    "assessment_factor": frozenset({"cinf_assessment_factors_json", "cinf_assessment_id", "cinf_table_id"}),
    "cla_episode": frozenset(
        {
            "clae_cla_episode_ceased",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
            "clae_cla_episode_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_id",
            "clae_cla_last_iro_contact_date",
            "clae_cla_placement_id",
            "clae_cla_primary_need_code",
            "clae_entered_care_date",
            "clae_person_id",
            "clae_referral_id",
        }
    ),
    "cp_plan": frozenset(
        {
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_id",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_latest_category",
            "cppl_cp_plan_ola",
            "cppl_cp_plan_start_date",
            "cppl_icpc_id",
            "cppl_person_id",
            "cppl_referral_id",
        }
    ),
    "contact": frozenset(
        {
            "cont_contact_date",
            "cont_contact_id",
            "cont_contact_outcome_json",
            "cont_contact_source_code",
            "cont_contact_source_desc",
            "cont_person_id",
        }
    ),
}
