"""Compliance with practice standards (docs/metrics.md, docs/compliance.md).

On a day d (`Period.measured_on`: the period's last day, today while it has not ended), of
the hub episodes open on d, the share within each practice standard in force on d
(`cshub.standards.standards.in_force(d)`), counting only what was recorded on or before d:

- visit: the child seen (a contact with the child seen) within VISIT days, or the episode
  opened less than VISIT days before d (`contact.queries.practice_flags`, `last_seen`);
- supervision: a supervision about the episode (its own or a group session covering it) held
  in the SUPERVISION days up to and including d (`supervision.models.without_supervision`);
- assessment: the next exploitation risk assessment not overdue (`casework.due.assessment_due`:
  the first within ASSESSMENT_FIRST days of opening, then ASSESSMENT_REVIEW days after the
  last, sooner — ASSESSMENT_AFTER_EVENT days — after a high-risk missing episode since);
- plan_review: the current plan reviewed (or written) within its cadence, PLAN_REVIEW_<level>
  days at the level of the episode's last assessment, medium with none
  (`plans.due.plan_review_due`); no plan yet is not within (the child's page says so too);
- voice: an entry in the child's own words gathered within VOICE days;
- summary: a case summary written within SUMMARY days (`CaseSummary.is_stale`).

`annotate_within(episodes, d)` is the one definition (a boolean column per standard, and the
dates it rests on); `hub`, `by_team` and `by_worker` aggregate it in one query each, and the
dashboard's drill-down lists its rows, so the engine, the dashboard and the lists cannot
disagree."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.casework.models import Assessment, CaseSummary, Episode, EpisodeQuerySet, RiskLevel
from cshub.contact.models import Contact, ContactKind, VoiceEntry
from cshub.core.dates import LONDON
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.plans.models import ChildPlan, PlanReview
from cshub.standards.models import StandardCode
from cshub.standards.standards import in_force
from cshub.supervision.models import Supervision


@dataclass(frozen=True)
class Standard:
    slug: str  # in URLs and figure ids (compliance.<key>)
    key: str
    title: str
    within: str  # what "within" means, for the page


STANDARDS: list[Standard] = [
    Standard("visit", "visit", "Visits", "Seen within the visit standard"),
    Standard("supervision", "supervision", "Supervision", "Supervised within the supervision standard"),
    Standard("assessment", "assessment", "Assessments", "No risk assessment overdue"),
    Standard("plan-review", "plan_review", "Plan reviews", "Plan reviewed on time"),
    Standard("voice", "voice", "The child's voice", "Own words recorded within the voice standard"),
    Standard("summary", "summary", "Case summary", "Case summary written within the summary standard"),
]
BY_SLUG = {s.slug: s for s in STANDARDS}
NO_TEAM = "No team"
NOT_ALLOCATED = "Not allocated"


def _midnight(day: dt.date) -> dt.datetime:
    """The instant a London calendar day begins."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON)


def _flag(condition: Any) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def annotate_within(episodes: EpisodeQuerySet, day: dt.date) -> EpisodeQuerySet:
    """The episodes open on `day`, each with `within_<key>` for every standard in force on
    that day (one query for the standards) and the dates each rests on (`last_<key>`)."""
    days = in_force(day)
    end = _midnight(day + dt.timedelta(days=1))  # records up to the end of the day
    ago = {code: day - dt.timedelta(days=n) for code, n in days.items()}
    seen = Contact.objects.filter(
        episode=OuterRef("pk"), seen=True, kind__in=ContactKind.values, on__lte=day
    ).order_by("-on", "-id")
    supervised = Supervision.objects.filter(
        Q(episode=OuterRef("pk")) | Q(group_episodes=OuterRef("pk")), held_on__lte=day
    ).order_by("-held_on", "-id")
    assessed = Assessment.objects.filter(episode=OuterRef("pk"), completed_date__lte=day).order_by(
        "-completed_date", "-id"
    )
    high_risk_since = (
        MissingEpisode.objects.filter(
            person=OuterRef("person"),
            police_risk=PoliceRisk.HIGH,
            reported_at__date__gt=OuterRef("last_assessment"),
            reported_at__lt=end,
        )
        .values("person")
        .annotate(first=Min("reported_at__date"))
        .values("first")[:1]
    )
    plan = ChildPlan.objects.filter(episode=OuterRef("pk"), written_at__lt=end).order_by("-version")
    reviewed = PlanReview.objects.filter(plan=OuterRef("plan_id"), reviewed_on__lte=day).order_by(
        "-reviewed_on", "-id"
    )
    voice = VoiceEntry.objects.filter(person=OuterRef("person"), gathered_on__lte=day).order_by(
        "-gathered_on", "-id"
    )
    summary = CaseSummary.objects.filter(person=OuterRef("person"), written_at__lt=end).order_by(
        "-written_at", "-id"
    )
    annotated = (
        episodes.open_on(day)
        .annotate(
            last_visit=Subquery(seen.values("on")[:1]),
            last_supervision=Subquery(supervised.values("held_on")[:1]),
            last_assessment=Subquery(assessed.values("completed_date")[:1]),
            assessed_level=Subquery(assessed.values("risk_level")[:1]),
            plan_id=Subquery(plan.values("pk")[:1]),
            last_voice=Subquery(voice.values("gathered_on")[:1]),
            last_summary_at=Subquery(summary.values("written_at")[:1]),
        )
        .annotate(
            high_risk_since=Subquery(high_risk_since),
            plan_written_at=Subquery(
                ChildPlan.objects.filter(pk=OuterRef("plan_id")).values("written_at")[:1]
            ),
            last_plan_review=Subquery(reviewed.values("reviewed_on")[:1]),
            plan_level=Coalesce(F("assessed_level"), Value(RiskLevel.MEDIUM), output_field=CharField()),
        )
    )
    after_event = days[StandardCode.ASSESSMENT_AFTER_EVENT]
    event_overdue = MissingEpisode.objects.filter(
        person=OuterRef("person"),
        police_risk=PoliceRisk.HIGH,
        reported_at__date__gt=OuterRef("last_assessment"),
        reported_at__lt=_midnight(day - dt.timedelta(days=after_event)),
    )
    levels = {
        RiskLevel.HIGH: "PLAN_REVIEW_HIGH",
        RiskLevel.MEDIUM: "PLAN_REVIEW_MEDIUM",
        RiskLevel.LOW: "PLAN_REVIEW_LOW",
    }
    plan_on_time = Q(pk__in=[])
    for level, code in levels.items():
        since = ago[code]
        plan_on_time |= Q(plan_level=level) & (
            Q(last_plan_review__gte=since)
            | Q(last_plan_review__isnull=True, plan_written_at__gte=_midnight(since))
        )
    return annotated.annotate(
        within_visit=_flag(Q(last_visit__gte=ago["VISIT"]) | Q(open_date__gt=ago["VISIT"])),
        within_supervision=_flag(Q(last_supervision__gt=ago["SUPERVISION"])),
        within_assessment=_flag(
            Q(last_assessment__isnull=True, open_date__gte=ago["ASSESSMENT_FIRST"])
            | (Q(last_assessment__gte=ago["ASSESSMENT_REVIEW"]) & ~Exists(event_overdue))
        ),
        within_plan_review=_flag(Q(plan_id__isnull=False) & plan_on_time),
        within_voice=_flag(Q(last_voice__gte=ago["VOICE"])),
        within_summary=_flag(Q(last_summary_at__gte=_midnight(ago["SUMMARY"]))),
    )


def _counts() -> dict[str, Count]:
    return {
        "n": Count("pk"),
        **{s.key: Count("pk", filter=Q(**{f"within_{s.key}": True})) for s in STANDARDS},
    }


def _percents(row: dict[str, int]) -> dict[str, Percent]:
    return {s.key: Percent(row[s.key] or 0, row["n"] or 0) for s in STANDARDS}


@dataclass(frozen=True)
class Group:
    """One team's or one worker's figures: `pk` is None for "No team" / "Not allocated"."""

    pk: int | None
    label: str
    figures: dict[str, Percent]
    team: int | None = None  # a worker's team

    @property
    def children(self) -> int:
        return next(iter(self.figures.values())).denominator


def hub(day: dt.date) -> dict[str, Percent]:
    """The hub's share within each standard on `day` (one query, and one for the standards)."""
    return _percents(annotate_within(Episode.objects.all(), day).aggregate(**_counts()))


def by_team(day: dt.date) -> list[Group]:
    """Per team of the allocated worker (`workforce.Membership`), by name, "No team" last."""
    rows = (
        annotate_within(Episode.objects.all(), day)
        .values(
            team_pk=F("allocated_worker__membership__team"),
            team_name=F("allocated_worker__membership__team__name"),
        )
        .annotate(**_counts())
        .order_by()
    )
    groups = [Group(r["team_pk"], r["team_name"] or NO_TEAM, _percents(r)) for r in rows]
    return sorted(groups, key=lambda g: (g.pk is None, g.label))


def by_worker(day: dt.date) -> list[Group]:
    """Per allocated worker, with their team (a staff figure: never published, never in the
    return), by name, "Not allocated" last."""
    rows = (
        annotate_within(Episode.objects.all(), day)
        .values(
            "allocated_worker",
            "allocated_worker__first_name",
            "allocated_worker__last_name",
            "allocated_worker__username",
            team_pk=F("allocated_worker__membership__team"),
        )
        .annotate(**_counts())
        .order_by()
    )
    groups = []
    for r in rows:
        name = f"{r['allocated_worker__first_name']} {r['allocated_worker__last_name']}".strip()
        label = (name or r["allocated_worker__username"]) if r["allocated_worker"] else NOT_ALLOCATED
        groups.append(Group(r["allocated_worker"], label, _percents(r), r["team_pk"]))
    return sorted(groups, key=lambda g: (g.pk is None, g.label))


def plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def last_and_due(row: Episode, key: str, days: dict[str, int]) -> tuple[dt.date | None, dt.date | None]:
    """For a row of `annotate_within(…, day)` and the standards in force on that day
    (`in_force(day)`, read once for a whole list): the last date the standard rests on and
    the last day it is within (it is within on `day` exactly when that is on or after `day`);
    None when nothing makes it due (no plan yet, no entry in the child's words)."""
    r: Any = row
    if key == "visit":
        opened = plus(r.open_date, days["VISIT"] - 1)
        return r.last_visit, max(plus(r.last_visit, days["VISIT"]), opened) if r.last_visit else opened
    if key == "supervision":
        last = r.last_supervision
        return last, plus(last, days["SUPERVISION"] - 1) if last else None
    if key == "assessment":
        if r.last_assessment is None:
            return None, plus(r.open_date, days["ASSESSMENT_FIRST"])
        due = plus(r.last_assessment, days["ASSESSMENT_REVIEW"])
        if r.high_risk_since is not None:
            due = min(due, plus(r.high_risk_since, days["ASSESSMENT_AFTER_EVENT"]))
        return r.last_assessment, due
    if key == "plan_review":
        if r.plan_id is None:
            return None, None
        since = r.last_plan_review or timezone.localtime(r.plan_written_at).date()
        return since, plus(since, days[f"PLAN_REVIEW_{r.plan_level}"])
    if key == "voice":
        return r.last_voice, plus(r.last_voice, days["VOICE"]) if r.last_voice else None
    written = timezone.localtime(r.last_summary_at).date() if r.last_summary_at else None
    return written, plus(written, days["SUMMARY"]) if written else None


def compute(period: Period) -> Metrics:
    return {f"compliance.{key}": figure for key, figure in hub(period.measured_on).items()}
