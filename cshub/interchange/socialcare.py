"""The SSD tables of the council's record of the child (cshub.socialcare) in the interchange
format: `ssd_cin_episodes`, `ssd_involvements`, `ssd_cin_assessments`,
`ssd_assessment_factors`, `ssd_cla_episodes`, `ssd_cp_plans`, `ssd_contacts`
(docs/interchange.md, docs/research/ssd-extracts.md).

The cells are read by the reader like every other table; this module adds what is particular
to them, before the common checks (`check`), and how each row becomes a record (`BINDINGS`,
written by `write.Writer` like every other table: in bulk, idempotent on the SSD ids,
audited per child) and a row again (`ROWS`, for the export):

- an involvement without `invo_person_id` (Mosaic has no such column) reaches its child
  through `invo_referral_id`, the CIN episode it belongs to;
- `cinf_assessment_factors_json` is read in each spelling the systems write (a JSON list,
  with or without empty slots, a JSON object of codes and answers, or a plain list) and
  its row is linked to its assessment by the research's three rules, in order;
- worker and referral columns are kept as the extract gives them and linked to the
  professional or CIN episode they name when there is one: several systems put a worker's
  name (SystemC) or a form's submitter (Eclipse) there, so it is never an error;
- a missing episode whose extract does not say whether the child was missing from care
  (`csh_from_care`) is from care when it starts (UK date) within one of the child's
  looked-after episodes, and from home otherwise, once CSHub knows any looked-after
  episodes (in this import or before it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from cshub.access.models import User
from cshub.core.dates import LONDON
from cshub.interchange.reader import Parsed, ParsedTable, Problem, Row
from cshub.interchange.records import CHUNK, existing
from cshub.people.models import Person
from cshub.socialcare.models import (
    CIN_FACTORS,
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    ClaEpisode,
    Contact,
    CpPlan,
    Involvement,
)

if TYPE_CHECKING:
    from cshub.interchange.bindings import Refs
    from cshub.interchange.write import Writer

MODELS: dict[str, type[models.Model]] = {
    "cin_episode": CinEpisode,
    "involvement": Involvement,
    "cin_assessment": CinAssessment,
    "assessment_factor": AssessmentFactor,
    "cla_episode": ClaEpisode,
    "cp_plan": CpPlan,
    "contact": Contact,
}

# Text cells and the field each lands in (validate.LIMITED: a longer value is an error).
LIMITED: dict[tuple[str, str], tuple[type[models.Model], str]] = {
    ("cin_episode", "cine_referral_source_code"): (CinEpisode, "referral_source_code"),
    ("cin_episode", "cine_referral_source_desc"): (CinEpisode, "referral_source"),
    ("cin_episode", "cine_referral_outcome_json"): (CinEpisode, "referral_outcome"),
    ("cin_episode", "cine_referral_team"): (CinEpisode, "team"),
    ("cin_episode", "cine_referral_worker_id"): (CinEpisode, "worker"),
    ("involvement", "invo_professional_id"): (Involvement, "professional"),
    ("involvement", "invo_professional_role_id"): (Involvement, "role"),
    ("involvement", "invo_professional_team"): (Involvement, "team"),
    ("involvement", "invo_worker_change_reason"): (Involvement, "change_reason"),
    ("involvement", "invo_referral_id"): (Involvement, "referral_id"),
    ("cin_assessment", "cina_referral_id"): (CinAssessment, "referral_id"),
    ("cin_assessment", "cina_assessment_outcome_json"): (CinAssessment, "outcome"),
    ("cin_assessment", "cina_assessment_team"): (CinAssessment, "team"),
    ("cin_assessment", "cina_assessment_worker_id"): (CinAssessment, "worker"),
    ("assessment_factor", "cinf_table_id"): (AssessmentFactor, "table_id"),
    ("cla_episode", "clae_cla_placement_id"): (ClaEpisode, "placement_id"),
    ("cla_episode", "clae_cla_id"): (ClaEpisode, "cla_id"),
    ("cla_episode", "clae_referral_id"): (ClaEpisode, "referral_id"),
    ("cp_plan", "cppl_referral_id"): (CpPlan, "referral_id"),
    ("cp_plan", "cppl_icpc_id"): (CpPlan, "icpc_id"),
    ("contact", "cont_contact_source_code"): (Contact, "source_code"),
    ("contact", "cont_contact_source_desc"): (Contact, "source_desc"),
    ("contact", "cont_contact_outcome_json"): (Contact, "outcome"),
}

# Dates of what happened: plausible as validate checks every event (from 2000, not in the
# future). The authorisation and IRO dates are left out: the SSD's placeholder 1900-01-01
# stands there for "none" (read as empty where the extract is read).
DATES: dict[str, dict[str, str]] = {
    "cin_episode": {"cine_referral_date": "event", "cine_close_date": "event"},
    "involvement": {"invo_involvement_start_date": "event"},
    "cin_assessment": {"cina_assessment_start_date": "event"},
    "cla_episode": {"clae_cla_episode_start_date": "event", "clae_cla_episode_ceased_date": "event"},
    "cp_plan": {"cppl_cp_plan_start_date": "event", "cppl_cp_plan_end_date": "event"},
    "contact": {"cont_contact_date": "event"},
}

# (table, start column, end column, what the message calls it)
_SPANS = (
    ("cin_episode", "cine_referral_date", "cine_close_date", "the CIN episode closes before the referral"),
    (
        "involvement",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "the involvement ends before it starts",
    ),
    (
        "cla_episode",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        "the episode of care ends before it starts",
    ),
    ("cp_plan", "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", "the plan ends before it starts"),
)

# Worker columns: linked to the professional they name, else kept as given.
WORKERS = (
    ("cin_episode", "cine_referral_worker_id"),
    ("involvement", "invo_professional_id"),
    ("cin_assessment", "cina_assessment_worker_id"),
)
ASSESSMENT = "@assessment"  # a factor row's assessment (its cina_assessment_id), once placed
_ORDER = {code: n for n, code in enumerate(CIN_FACTORS)}


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _persons_of(model: type[models.Model], ids: Iterable[str]) -> dict[str, str]:
    """The interchange id of the child of each record of `model` these SSD ids name."""
    found: dict[str, str] = {}
    for chunk in _chunks(ids):
        for source_id, person_id, person_source in model._default_manager.filter(
            source_id__in=chunk
        ).values_list("source_id", "person_id", "person__source_id"):
            found[source_id] = person_source or f"csh-{person_id}"
    return found


def check(parsed: Parsed) -> None:
    """What is particular to these tables, before the checks common to every table."""
    _involvement_children(parsed)
    _factors(parsed)
    _spans(parsed)
    _workers(parsed)
    _from_care(parsed)


def _involvement_children(parsed: Parsed) -> None:
    table = parsed.tables.get("involvement")
    if table is None:
        return
    wanted = {r["invo_referral_id"] for r in table.rows if not r["invo_person_id"] and r["invo_referral_id"]}
    children = {r["cine_referral_id"]: r["cine_person_id"] for r in parsed.rows("cin_episode")}
    if wanted - set(children):
        children |= _persons_of(CinEpisode, wanted - set(children))
    kept = []
    for row in table.rows:
        if not row["invo_person_id"]:
            row["invo_person_id"] = children.get(row["invo_referral_id"] or "")
        if row["invo_person_id"]:
            kept.append(row)
            continue
        parsed.warnings.append(
            Problem(
                table.filename,
                row.line,
                "invo_person_id",
                "not imported: the involvement names no child (no invo_person_id, and no CIN "
                "episode in the import or in CSHub with its invo_referral_id)",
            )
        )
    table.rows = kept


def read_factors(text: str) -> list[str]:
    """The CIN factor codes of a `cinf_assessment_factors_json` cell: a JSON list (its
    empty slots and nulls dropped), a JSON object of codes and answers (the codes answered
    yes), or codes separated by `;` or `,`. In the CIN census order, each once; a code
    in any case. ValueError names a cell that is none of these or a code that is not a
    CIN assessment factor."""
    text = text.strip()
    items: list[Any]
    if text[:1] in "[{":
        try:
            value = json.loads(text)
        except ValueError:
            raise ValueError("is not a JSON list of CIN assessment factor codes") from None
        if isinstance(value, dict):
            yes = {"Y", "YES", "TRUE", "1"}
            items = [k for k, v in value.items() if str(v).strip().upper() in yes or v is True]
        elif isinstance(value, list):
            items = value
        else:
            raise ValueError("is not a JSON list of CIN assessment factor codes")
    else:
        items = text.replace(";", ",").split(",")
    codes = set()
    for item in items:
        if item is None:
            continue
        code = str(item).strip().strip("\"'").upper()
        if not code:
            continue
        if code not in _ORDER:
            raise ValueError(f"'{code}' is not a CIN assessment factor")
        codes.add(code)
    return sorted(codes, key=_ORDER.__getitem__)


def _factors(parsed: Parsed) -> None:
    table = parsed.tables.get("assessment_factor")
    if table is None:
        return
    column = "cinf_assessment_factors_json"
    for row in table.rows:
        if row[column] is None:
            row[column] = []
            continue
        try:
            row[column] = read_factors(row[column])
        except ValueError as exc:
            row.invalid.add(column)
            parsed.error(table, row, column, str(exc))
    # The assessments a row may name: in the import, and in CSHub.
    people = {r["cina_assessment_id"]: r["cina_person_id"] for r in parsed.rows("cin_assessment")}
    named = {v for r in table.rows for v in (r["cinf_assessment_id"], r["cinf_table_id"]) if v}
    people |= _persons_of(CinAssessment, named - set(people))
    # Mosaic and Eclipse: cina_assessment_id is the child's id followed by the form's id.
    by_suffix: dict[str, set[str]] = defaultdict(set)
    for ident, person in people.items():
        if person and ident.startswith(person) and len(ident) > len(person):
            by_suffix[ident[len(person) :]].add(ident)
    for row in table.rows:
        ident, table_id = row["cinf_assessment_id"], row["cinf_table_id"]
        if ident in people:
            row[ASSESSMENT] = ident
        elif table_id in people:
            row[ASSESSMENT] = table_id
        elif ident and len(by_suffix.get(ident, ())) == 1:
            row[ASSESSMENT] = next(iter(by_suffix[ident]))
        elif ident and not by_suffix.get(ident) and (found := _ending_with(ident)):
            row[ASSESSMENT] = found
        elif ident:
            parsed.error(
                table,
                row,
                "cinf_assessment_id",
                f"no assessment in the import or in CSHub for '{ident}' (as cina_assessment_id, "
                "by cinf_table_id, or as the child's id followed by it)",
            )


def _ending_with(ident: str) -> str | None:
    """An assessment in CSHub whose id is its child's id followed by `ident` (one only)."""
    found = [
        source_id
        for source_id, person_id, person_source in CinAssessment.objects.filter(
            source_id__endswith=ident
        ).values_list("source_id", "person_id", "person__source_id")
        if source_id == (person_source or f"csh-{person_id}") + ident
    ]
    return found[0] if len(found) == 1 else None


def _spans(parsed: Parsed) -> None:
    for key, start, end, message in _SPANS:
        table = parsed.tables.get(key)
        if table is None:
            continue
        for row in table.rows:
            if row[start] and row[end] and row[end] < row[start] and end not in row.invalid:
                parsed.error(table, row, end, message)


def _workers(parsed: Parsed) -> None:
    """A worker column whose values name no professional: one warning for the column."""
    imported = parsed.tables["professional"].ids() if "professional" in parsed.tables else set()
    for key, column in WORKERS:
        table = parsed.tables.get(key)
        if table is None:
            continue
        values = {r[column] for r in table.rows if r[column]} - imported
        known = imported | set(existing(User, values))
        lines = [r.line for r in table.rows if r[column] and r[column] not in known]
        if lines:
            first = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
            rows = "1 row" if len(lines) == 1 else f"{len(lines):,} rows"
            parsed.warnings.append(
                Problem(
                    table.filename,
                    lines[0],
                    column,
                    f"{rows} name no professional in the import or in CSHub (lines {first}): "
                    "kept as given, not linked",
                )
            )


def _from_care(parsed: Parsed) -> None:
    """`csh_from_care` of missing episodes that do not give it, from looked-after episodes."""
    missing = [
        r
        for r in parsed.rows("missing")
        if r["csh_from_care"] is None and r["miss_person_id"] and r["miss_missing_episode_start_date"]
    ]
    cla = parsed.tables.get("cla_episode")
    if not missing or not ((cla is not None and cla.rows) or ClaEpisode.objects.exists()):
        return  # nothing says whether any child was looked after
    spans: dict[str, list[tuple[dt.date | None, dt.date | None]]] = defaultdict(list)
    imported = cla.ids() if cla else set()
    for row in cla.rows if cla else ():
        if row["clae_person_id"]:
            spans[row["clae_person_id"]].append(
                (row["clae_cla_episode_start_date"], row["clae_cla_episode_ceased_date"])
            )
    people = existing(Person, {r["miss_person_id"] for r in missing})
    by_pk = {p.pk: ident for ident, p in people.items()}
    for pks in _chunks(map(str, by_pk)):
        for source_id, person_id, start, ceased in ClaEpisode.objects.filter(
            person_id__in=[int(pk) for pk in pks]
        ).values_list("source_id", "person_id", "start_date", "ceased_date"):
            if source_id not in imported:
                spans[by_pk[person_id]].append((start, ceased))
    for row in missing:
        day = row["miss_missing_episode_start_date"].astimezone(LONDON).date()
        row["csh_from_care"] = any(
            (start is None or start <= day) and (ceased is None or day <= ceased)
            for start, ceased in spans.get(row["miss_person_id"], ())
        )


# --- Writing -----------------------------------------------------------------------------


def _link_professionals(*columns: str) -> Callable[[Writer, ParsedTable], None]:
    """Before a table is written: the professionals in CSHub its worker columns name."""

    def prepare(writer: Writer, table: ParsedTable) -> None:
        known = writer.refs["professional"]
        wanted = {r[c] for r in table.rows for c in columns if r[c]} - set(known)
        for ident, user in existing(User, wanted).items():
            known[ident] = user.pk

    return prepare


def _link_episodes(column: str, *then: Callable[[Writer, ParsedTable], None]) -> Callable[..., None]:
    """Before a table is written: the CIN episodes in CSHub its referral column names."""

    def prepare(writer: Writer, table: ParsedTable) -> None:
        known = writer.refs["cin_episode"]
        wanted = {r[column] for r in table.rows if r[column]} - set(known)
        for ident, episode in existing(CinEpisode, wanted).items():
            known[ident] = episode.pk
        for step in then:
            step(writer, table)

    return prepare


def _link_assessments(writer: Writer, table: ParsedTable) -> None:
    """Before factor rows are written: each one's assessment and child (the assessments of
    the import are written by then)."""
    pks, children = writer.refs.setdefault("cin_assessment", {}), writer.refs.setdefault("@child", {})
    for chunk in _chunks(r[ASSESSMENT] for r in table.rows if r[ASSESSMENT]):
        for source_id, pk, person_id in CinAssessment.objects.filter(source_id__in=chunk).values_list(
            "source_id", "pk", "person_id"
        ):
            pks[source_id], children[source_id] = pk, person_id


def _ref(refs: Refs, table: str, value: str | None) -> int | None:
    return refs[table][value] if value else None


def _link(refs: Refs, table: str, value: str | None) -> int | None:
    return refs[table].get(value) if value else None


BINDINGS: list[tuple[str, type[models.Model], Callable[[Row, Refs], dict[str, Any]], Any]] = [
    (
        "cin_episode",
        CinEpisode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["cine_person_id"]),
            "referral_date": r["cine_referral_date"],
            "primary_need": r["cine_cin_primary_need_code"] or "",
            "referral_source_code": r["cine_referral_source_code"] or "",
            "referral_source": r["cine_referral_source_desc"] or "",
            "referral_outcome": r["cine_referral_outcome_json"] or "",
            "referral_nfa": r["cine_referral_nfa"],
            "close_reason": r["cine_close_reason"] or "",
            "close_date": r["cine_close_date"],
            "team": r["cine_referral_team"] or "",
            "worker": r["cine_referral_worker_id"] or "",
            "worker_user_id": _link(refs, "professional", r["cine_referral_worker_id"]),
        },
        _link_professionals("cine_referral_worker_id"),
    ),
    (
        "involvement",
        Involvement,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["invo_person_id"]),
            "cin_episode_id": _link(refs, "cin_episode", r["invo_referral_id"]),
            "referral_id": r["invo_referral_id"] or "",
            "professional": r["invo_professional_id"] or "",
            "professional_user_id": _link(refs, "professional", r["invo_professional_id"]),
            "role": r["invo_professional_role_id"] or "",
            "team": r["invo_professional_team"] or "",
            "start_date": r["invo_involvement_start_date"],
            "end_date": r["invo_involvement_end_date"],
            "change_reason": r["invo_worker_change_reason"] or "",
        },
        _link_episodes("invo_referral_id", _link_professionals("invo_professional_id")),
    ),
    (
        "cin_assessment",
        CinAssessment,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["cina_person_id"]),
            "cin_episode_id": _link(refs, "cin_episode", r["cina_referral_id"]),
            "referral_id": r["cina_referral_id"] or "",
            "start_date": r["cina_assessment_start_date"],
            "child_seen": r["cina_assessment_child_seen"],
            "auth_date": r["cina_assessment_auth_date"],
            "outcome": r["cina_assessment_outcome_json"] or "",
            "outcome_nfa": r["cina_assessment_outcome_nfa"],
            "team": r["cina_assessment_team"] or "",
            "worker": r["cina_assessment_worker_id"] or "",
            "worker_user_id": _link(refs, "professional", r["cina_assessment_worker_id"]),
        },
        _link_episodes("cina_referral_id", _link_professionals("cina_assessment_worker_id")),
    ),
    (
        "assessment_factor",
        AssessmentFactor,
        lambda r, refs: {
            "person_id": refs["@child"][r[ASSESSMENT]],
            "assessment_id": refs["cin_assessment"][r[ASSESSMENT]],
            "table_id": r["cinf_table_id"] or "",
            "factors": r["cinf_assessment_factors_json"] or [],
        },
        _link_assessments,
    ),
    (
        "cla_episode",
        ClaEpisode,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["clae_person_id"]),
            "start_date": r["clae_cla_episode_start_date"],
            "start_reason": r["clae_cla_episode_start_reason"] or "",
            "primary_need": r["clae_cla_primary_need_code"] or "",
            "ceased_date": r["clae_cla_episode_ceased_date"],
            "ceased_reason": r["clae_cla_episode_ceased_reason"] or "",
            "cla_id": r["clae_cla_id"] or "",
            "referral_id": r["clae_referral_id"] or "",
            "placement_id": r["clae_cla_placement_id"] or "",
            "entered_care_date": r["clae_entered_care_date"],
            "last_iro_contact_date": r["clae_cla_last_iro_contact_date"],
        },
        None,
    ),
    (
        "cp_plan",
        CpPlan,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["cppl_person_id"]),
            "referral_id": r["cppl_referral_id"] or "",
            "icpc_id": r["cppl_icpc_id"] or "",
            "start_date": r["cppl_cp_plan_start_date"],
            "end_date": r["cppl_cp_plan_end_date"],
            "initial_category": r["cppl_cp_plan_initial_category"] or "",
            "latest_category": r["cppl_cp_plan_latest_category"] or "",
            "other_la": r["cppl_cp_plan_ola"],
        },
        None,
    ),
    (
        "contact",
        Contact,
        lambda r, refs: {
            "person_id": _ref(refs, "person", r["cont_person_id"]),
            "contact_date": r["cont_contact_date"],
            "source_code": r["cont_contact_source_code"] or "",
            "source_desc": r["cont_contact_source_desc"] or "",
            "outcome": r["cont_contact_outcome_json"] or "",
        },
        None,
    ),
]
