"""The council's record (the seven SSD tables of socialcare.py) written back out in the
interchange format, so that import, export and import again is the identity."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import models

from cshub.interchange.records import interchange_id
from cshub.interchange.values import format_date, format_flag
from cshub.people.models import Person
from cshub.socialcare.models import (
    AssessmentFactor,
    CinAssessment,
    CinEpisode,
    ClaEpisode,
    Contact,
    CpPlan,
    Involvement,
)

if TYPE_CHECKING:
    pass


def _people(model: type[models.Model]) -> dict[int, str]:
    pks = set(model._default_manager.values_list("person_id", flat=True))
    return {p.pk: interchange_id(p) for p in Person.objects.filter(pk__in=pks).only("pk", "source_id")}


def _cin_episodes() -> Iterable[list[str]]:
    people = _people(CinEpisode)
    for e in CinEpisode.objects.order_by("pk"):
        yield [
            e.source_id,
            people[e.person_id],
            format_date(e.referral_date),
            e.primary_need,
            e.referral_source_code,
            e.referral_source,
            e.referral_outcome,
            format_flag(e.referral_nfa),
            e.close_reason,
            format_date(e.close_date),
            e.team,
            e.worker,
        ]


def _involvements() -> Iterable[list[str]]:
    people = _people(Involvement)
    for i in Involvement.objects.order_by("pk"):
        yield [
            i.source_id,
            i.professional,
            i.role,
            i.team,
            people[i.person_id],
            format_date(i.start_date),
            format_date(i.end_date),
            i.change_reason,
            i.referral_id,
        ]


def _cin_assessments() -> Iterable[list[str]]:
    people = _people(CinAssessment)
    for a in CinAssessment.objects.order_by("pk"):
        yield [
            a.source_id,
            people[a.person_id],
            a.referral_id,
            format_date(a.start_date),
            format_flag(a.child_seen),
            format_date(a.auth_date),
            a.outcome,
            format_flag(a.outcome_nfa),
            a.team,
            a.worker,
        ]


def _assessment_factors() -> Iterable[list[str]]:
    for f in AssessmentFactor.objects.order_by("pk"):
        # The row keeps the ids it came with, so the same rule places it again.
        yield [f.table_id, f.source_id, json.dumps(f.factors)]


def _cla_episodes() -> Iterable[list[str]]:
    people = _people(ClaEpisode)
    for c in ClaEpisode.objects.order_by("pk"):
        yield [
            c.source_id,
            people[c.person_id],
            c.placement_id,
            format_date(c.start_date),
            c.start_reason,
            c.primary_need,
            format_date(c.ceased_date),
            c.ceased_reason,
            c.cla_id,
            c.referral_id,
            format_date(c.last_iro_contact_date),
            format_date(c.entered_care_date),
        ]


def _cp_plans() -> Iterable[list[str]]:
    people = _people(CpPlan)
    for p in CpPlan.objects.order_by("pk"):
        yield [
            p.source_id,
            p.referral_id,
            p.icpc_id,
            people[p.person_id],
            format_date(p.start_date),
            format_date(p.end_date),
            format_flag(p.other_la),
            p.initial_category,
            p.latest_category,
        ]


def _contacts() -> Iterable[list[str]]:
    people = _people(Contact)
    for c in Contact.objects.order_by("pk"):
        yield [
            c.source_id,
            people[c.person_id],
            format_date(c.contact_date),
            c.source_code,
            c.source_desc,
            c.outcome,
        ]


ROWS: dict[str, Callable[[], Iterable[list[str]]]] = {
    "cin_episode": _cin_episodes,
    "involvement": _involvements,
    "cin_assessment": _cin_assessments,
    "assessment_factor": _assessment_factors,
    "cla_episode": _cla_episodes,
    "cp_plan": _cp_plans,
    "contact": _contacts,
}
