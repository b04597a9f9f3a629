"""The derived flags (docs/register.md "Derived flags"): children's social care and the hub
flag a child by their own records, and `sync_people` keeps those flags in step with them.

- **Children's social care**: one flag per CIN assessment factor row
  (`socialcare.AssessmentFactor`) and exploitation factor in it (10A, 11A, 12A, 13A, 24A,
  `CIN_FACTOR_CONCERNS`), origin `ssd:<row's SSD id>:<factor>`; flagged on the assessment's
  authorisation date (else its start), ended when its CIN episode closed, held by locality
  social work in the team of the child's current involvement (the allocated worker's, as
  the *Council record* card reads it). A row without either date flags nothing.
- **The hub**: one flag per hub episode and concern of its referral's main and other types
  (`HUB_TYPE_CONCERNS`; "other" when the episode has no referral), origin
  `hub:<episode id>:<concern>`; flagged on the opening date, ended on the closing date.

Set-based: the sources and the flags of a batch of children are read in a few queries,
and created, changed and removed in bulk, so the work does not grow by a query per child.
Idempotent: a flag is known by its origin, so syncing again changes nothing; a derived
flag whose source row is gone (or no longer says exploitation) is removed. The JSON list
of factors is read in Python, batch by batch, the same on SQLite and PostgreSQL.

Called by the import after it writes the council's and the hub's records
(`interchange.write`), when a hub episode opens or closes (`casework.signals`), by
`cshub register sync` (every child) and at the end of the demo build."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.events import record_about_children
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.core import dataversion
from cshub.register.models import (
    CIN_FACTOR_CONCERNS,
    DERIVED_SOURCES,
    HUB_TYPE_CONCERNS,
    AreaFlag,
    Concern,
    Holder,
    Source,
)
from cshub.socialcare.models import AssessmentFactor, Involvement
from cshub.socialcare.queries import allocated_roles

BATCH = 500  # children per round of queries (well under SQLite's limit of bound values)
FIELDS = ("person_id", "source", "concern", "flagged_on", "ended_on", "holder", "holder_team")


def _factor_codes(factors: Any) -> list[str]:
    """The exploitation factors of a row's `factors` (a list of codes as the importer keeps
    it), each once, in the order given."""
    codes = factors if isinstance(factors, list) else []
    found = [str(c).strip().upper() for c in codes if isinstance(c, str | int)]
    return [c for c in dict.fromkeys(found) if c in CIN_FACTOR_CONCERNS]


def _teams(ids: list[int], on: dt.date) -> dict[int, str]:
    """The team of each child's current involvement: the allocated worker's when there is
    one (`CSHUB_ALLOCATED_WORKER_ROLES`), else any current one; the latest started."""
    roles = allocated_roles()
    best: dict[int, tuple[bool, dt.date, int, str]] = {}
    rows = Involvement.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=on),
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        person_id__in=ids,
    ).values_list("person_id", "role", "team", "start_date", "pk")
    for person_id, role, team, start, pk in rows:
        key = (role.casefold() in roles, start or dt.date.min, pk, team)
        if person_id not in best or key > best[person_id]:
            best[person_id] = key
    return {person_id: key[3] for person_id, key in best.items()}


def _social_care(ids: list[int], on: dt.date) -> dict[str, dict[str, Any]]:
    teams: dict[int, str] | None = None
    wanted: dict[str, dict[str, Any]] = {}
    rows = AssessmentFactor.objects.filter(person_id__in=ids).values_list(
        "source_id",
        "person_id",
        "factors",
        "assessment__auth_date",
        "assessment__start_date",
        "assessment__cin_episode__close_date",
    )
    for source_id, person_id, factors, auth_date, start_date, closed in rows:
        codes = _factor_codes(factors)
        flagged_on = auth_date or start_date
        if not codes or flagged_on is None:
            continue
        if teams is None:
            teams = _teams(ids, on)
        for code in codes:
            wanted[f"ssd:{source_id}:{code}"] = {
                "person_id": person_id,
                "source": Source.SOCIAL_CARE.value,
                "concern": CIN_FACTOR_CONCERNS[code].value,
                "flagged_on": flagged_on,
                "ended_on": closed if closed is None or closed >= flagged_on else flagged_on,
                "holder": Holder.LOCALITY.value,
                "holder_team": (teams.get(person_id) or "")[:200],
            }
    return wanted


def hub_concerns(primary_type: str | None, other_types: Any) -> list[str]:
    """What a hub episode flags: the concerns of its referral's main and other types, each
    once; "other" when there is no referral."""
    if primary_type is None:
        return [Concern.OTHER.value]
    types = [primary_type, *(t for t in (other_types or []) if isinstance(t, str))]
    concerns = [c.value for t in types for c in HUB_TYPE_CONCERNS.get(t, (Concern.OTHER,))]
    return list(dict.fromkeys(concerns))


def _hub(ids: list[int]) -> dict[str, dict[str, Any]]:
    wanted: dict[str, dict[str, Any]] = {}
    rows = Episode.objects.filter(person_id__in=ids).values_list(
        "pk", "person_id", "open_date", "close_date", "referral__primary_type", "referral__other_types"
    )
    for pk, person_id, opened, closed, primary_type, other_types in rows:
        for concern in hub_concerns(primary_type, other_types):
            wanted[f"hub:{pk}:{concern}"] = {
                "person_id": person_id,
                "source": Source.HUB.value,
                "concern": concern,
                "flagged_on": opened,
                "ended_on": closed,
                "holder": Holder.HUB.value,
                "holder_team": "",
            }
    return wanted


def _sync_batch(ids: list[int], on: dt.date, now: dt.datetime) -> dict[int, dict[str, int]]:
    """Bring the derived flags of these children in step; what changed, per child."""
    wanted = {**_social_care(ids, on), **_hub(ids)}
    held = {
        f.origin: f
        for f in AreaFlag.objects.filter(
            Q(person_id__in=ids, source__in=DERIVED_SOURCES) | Q(origin__in=list(wanted))
        )
    }
    changes: dict[int, dict[str, int]] = defaultdict(lambda: {"created": 0, "changed": 0, "removed": 0})
    new, changed, gone = [], [], []
    for origin, values in wanted.items():
        flag = held.get(origin)
        if flag is None:
            new.append(AreaFlag(origin=origin, recorded_at=now, **values))
            changes[values["person_id"]]["created"] += 1
        elif any(getattr(flag, name) != values[name] for name in FIELDS):
            if flag.person_id != values["person_id"]:
                changes[flag.person_id]["removed"] += 1
            for name in FIELDS:
                setattr(flag, name, values[name])
            changed.append(flag)
            changes[values["person_id"]]["changed"] += 1
    for origin, flag in held.items():
        if origin not in wanted and flag.source in DERIVED_SOURCES:
            gone.append(flag.pk)
            changes[flag.person_id]["removed"] += 1
    # Another sync of the same children at once (an import's, an episode opening, `cshub
    # register sync`) may have written the same origin first: its values come from the same
    # records, so that row stands (on PostgreSQL this one waited for it, then goes on).
    AreaFlag.objects.bulk_create(new, ignore_conflicts=True)
    AreaFlag.objects.bulk_update(changed, list(FIELDS))
    AreaFlag.objects.filter(pk__in=gone).delete()
    return changes


def _children_with_sources() -> list[int]:
    ids: set[int] = set(AssessmentFactor.objects.values_list("person_id", flat=True).distinct())
    ids |= set(Episode.objects.values_list("person_id", flat=True).distinct())
    ids |= set(
        AreaFlag.objects.filter(source__in=DERIVED_SOURCES).values_list("person_id", flat=True).distinct()
    )
    return sorted(ids)


@transaction.atomic
def sync_people(person_ids: Iterable[int] | None = None, *, actor: User | None = None) -> None:
    """Make the social care and hub flags of these children (every child when None) match
    their sources. Each child whose flags changed gets an audit event (by `actor`: None
    for the console and the import's own run) and the data version is raised once."""
    ids = _children_with_sources() if person_ids is None else sorted(set(person_ids))
    on, now = timezone.localdate(), timezone.now()
    changes: dict[int, dict[str, int]] = {}
    for start in range(0, len(ids), BATCH):
        changes.update(_sync_batch(ids[start : start + BATCH], on, now))
    if not changes:
        return
    by_detail: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for child, counts in changes.items():
        by_detail[(counts["created"], counts["changed"], counts["removed"])].append(child)
    for (created, changed, removed), children in by_detail.items():
        detail = {"derived_area_flags": {"created": created, "changed": changed, "removed": removed}}
        record_about_children(actor, Action.UPDATE, sorted(children), detail=detail)
    dataversion.bump()
