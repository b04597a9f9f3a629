"""The SSD tables of the council's record of the child (cshub.socialcare), as data: the
SSD's own column names and nullability (docs/interchange.md)."""

from cshub.interchange.columns import Column, Table
from cshub.socialcare.models import (
    CLA_CEASED_REASONS,
    ClaStartReason,
    CloseReason,
    CpCategory,
    PrimaryNeed,
)

# The SSD tables of the council's record of the child (cshub.socialcare): the SSD's own
# column names and nullability (docs/interchange.md). Columns that name another record
# without the SSD promising it is in the extract (workers, referrals) are text, linked
# when they match (cshub.interchange.socialcare).
SOCIAL_CARE_TABLES: tuple[Table, ...] = (
    Table(
        "cin_episode",
        "ssd_cin_episodes.csv",
        "ssd_cin_episodes.csv",
        "cine_referral_id",
        (
            Column("cine_referral_id", "id", True),
            Column("cine_person_id", "ref", True, ref="person"),
            Column("cine_referral_date", "date"),
            Column("cine_cin_primary_need_code", "code", codes=tuple(PrimaryNeed.values)),
            Column("cine_referral_source_code", "text"),
            Column("cine_referral_source_desc", "text"),
            Column("cine_referral_outcome_json", "text"),
            Column("cine_referral_nfa", "flag"),
            Column("cine_close_reason", "code", codes=tuple(CloseReason.values)),
            Column("cine_close_date", "date"),
            Column("cine_referral_team", "text"),
            Column("cine_referral_worker_id", "text"),
        ),
        aliases=(
            ("cin_referral_nfa", "cine_referral_nfa"),
            ("cine_referral_source", "cine_referral_source_code"),
        ),
    ),
    Table(
        "involvement",
        "ssd_involvements.csv",
        "ssd_involvements.csv",
        "invo_involvements_id",
        (
            Column("invo_involvements_id", "id", True),
            Column("invo_professional_id", "text"),
            Column("invo_professional_role_id", "text"),
            Column("invo_professional_team", "text"),
            Column("invo_person_id", "ref", ref="person"),
            Column("invo_involvement_start_date", "date"),
            Column("invo_involvement_end_date", "date"),
            Column("invo_worker_change_reason", "text"),
            Column("invo_referral_id", "text"),
        ),
    ),
    Table(
        "cin_assessment",
        "ssd_cin_assessments.csv",
        "ssd_cin_assessments.csv",
        "cina_assessment_id",
        (
            Column("cina_assessment_id", "id", True),
            Column("cina_person_id", "ref", True, ref="person"),
            Column("cina_referral_id", "text"),
            Column("cina_assessment_start_date", "date"),
            Column("cina_assessment_child_seen", "flag"),
            Column("cina_assessment_auth_date", "date"),
            Column("cina_assessment_outcome_json", "text"),
            Column("cina_assessment_outcome_nfa", "flag"),
            Column("cina_assessment_team", "text"),
            Column("cina_assessment_worker_id", "text"),
        ),
    ),
    Table(
        "assessment_factor",
        "ssd_assessment_factors.csv",
        "ssd_assessment_factors.csv",
        "cinf_assessment_id",
        (
            Column("cinf_table_id", "text"),
            Column("cinf_assessment_id", "id", True),
            Column("cinf_assessment_factors_json", "text"),
        ),
    ),
    Table(
        "cla_episode",
        "ssd_cla_episodes.csv",
        "ssd_cla_episodes.csv",
        "clae_cla_episode_id",
        (
            Column("clae_cla_episode_id", "id", True),
            Column("clae_person_id", "ref", True, ref="person"),
            Column("clae_cla_placement_id", "text"),
            Column("clae_cla_episode_start_date", "date"),
            Column("clae_cla_episode_start_reason", "code", codes=tuple(ClaStartReason.values)),
            Column("clae_cla_primary_need_code", "code", codes=tuple(PrimaryNeed.values)),
            Column("clae_cla_episode_ceased_date", "date"),
            Column("clae_cla_episode_ceased_reason", "code", codes=CLA_CEASED_REASONS),
            Column("clae_cla_id", "text"),
            Column("clae_referral_id", "text"),
            Column("clae_cla_last_iro_contact_date", "date"),
            Column("clae_entered_care_date", "date"),
        ),
        aliases=(("clae_cla_episode_ceased", "clae_cla_episode_ceased_date"),),
    ),
    Table(
        "cp_plan",
        "ssd_cp_plans.csv",
        "ssd_cp_plans.csv",
        "cppl_cp_plan_id",
        (
            Column("cppl_cp_plan_id", "id", True),
            Column("cppl_referral_id", "text"),
            Column("cppl_icpc_id", "text"),
            Column("cppl_person_id", "ref", True, ref="person"),
            Column("cppl_cp_plan_start_date", "date"),
            Column("cppl_cp_plan_end_date", "date"),
            Column("cppl_cp_plan_ola", "flag"),
            Column("cppl_cp_plan_initial_category", "code", codes=tuple(CpCategory.values)),
            Column("cppl_cp_plan_latest_category", "code", codes=tuple(CpCategory.values)),
        ),
    ),
    Table(
        "contact",
        "ssd_contacts.csv",
        "ssd_contacts.csv",
        "cont_contact_id",
        (
            Column("cont_contact_id", "id", True),
            Column("cont_person_id", "ref", True, ref="person"),
            Column("cont_contact_date", "date"),
            Column("cont_contact_source_code", "text"),
            Column("cont_contact_source_desc", "text"),
            Column("cont_contact_outcome_json", "text"),
        ),
    ),
)
