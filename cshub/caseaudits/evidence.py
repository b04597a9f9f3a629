"""What CSHub already knows, shown beside an audit's questions (part B of issue 22), so the
auditor checks instead of searching: the case summary's age, the child's last words, the
last supervision, language-guidance hits in the record, and so on (models.Evidence).

Each kind of evidence costs a fixed number of queries, whatever the size of the record
(the language check reads a fixed number of the child's most recent texts)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.caseaudits.models import Audit, Evidence, Question
from cshub.casework.due import standard
from cshub.casework.models import Assessment, CaseSummary
from cshub.contact.models import VoiceEntry
from cshub.core.dates import format_date, format_datetime
from cshub.language.guidance import check
from cshub.meetings.models import AgendaItem
from cshub.notes.models import CaseNote
from cshub.people.models import Person, TimelineEntry
from cshub.plans.models import ChildPlan
from cshub.supervision.models import Oversight, Supervision

VOICE_MAX_AGE_DAYS = 91  # "older than 3 months"
RECENT_NOTES = 10  # case notes read for language guidance
MEETING_ITEMS = 10  # the child's most recent daily meeting items shown


@dataclass(frozen=True)
class EvidenceNote:
    summary: str  # one line: "Case summary written 3 March 2026 (271 days ago)"
    details: list[str] = field(default_factory=list)
    warning: bool = False  # shown as a warning (stale, missing, a phrase found)
    link: str = ""  # where on the record to look


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _age(when: dt.date, today: dt.date) -> int:
    return (today - when).days


def _case_summary(audit: Audit, today: dt.date) -> EvidenceNote:
    latest = CaseSummary.objects.filter(person_id=audit.person_id).order_by("-written_at", "-id").first()
    link = reverse("people:timeline", args=[audit.person_id])
    if latest is None:
        return EvidenceNote("No case summary on the record", warning=True, link=link)
    age = _age(timezone.localdate(latest.written_at), today)
    limit = standard("SUMMARY", today)
    return EvidenceNote(
        f"Case summary written {format_date(latest.written_at)} ({_days(age)} ago)",
        [f"Older than the practice standard of {_days(limit)}"] if age > limit else [],
        warning=age > limit,
        link=link,
    )


def _chronology(audit: Audit, today: dt.date) -> EvidenceNote:
    marked = TimelineEntry.objects.filter(person_id=audit.person_id, significant=True).count()
    link = reverse("people:chronology", args=[audit.person_id])
    if not marked:
        return EvidenceNote("No timeline entries marked significant", warning=True, link=link)
    entries = "1 timeline entry" if marked == 1 else f"{marked} timeline entries"
    return EvidenceNote(f"{entries} marked significant in the chronology", link=link)


def _latest_assessment(audit: Audit) -> Assessment | None:
    return (
        Assessment.objects.filter(episode__person_id=audit.person_id)
        .order_by("-completed_date", "-id")
        .first()
    )


def _assessment(audit: Audit, today: dt.date) -> EvidenceNote:
    latest = _latest_assessment(audit)
    if latest is None:
        return EvidenceNote("No exploitation risk assessment on the record", warning=True)
    details = [f"Score {latest.score}" if latest.score is not None else "No score recorded"]
    if latest.suggested_level:
        details.append(f"Suggested level: {latest.get_suggested_level_display()}")
    differs = bool(latest.suggested_level) and latest.suggested_level != latest.risk_level
    unreviewed = differs and latest.reviewer_id is None
    if unreviewed:
        details.append("The level differs from the suggested level and no manager has reviewed it")
    return EvidenceNote(
        f"Assessment completed {format_date(latest.completed_date)}: {latest.get_risk_level_display()} risk",
        details,
        warning=unreviewed,
        link=reverse("assessments:detail", args=[latest.pk]),
    )


def _plan(audit: Audit, today: dt.date) -> EvidenceNote:
    plan = (
        ChildPlan.objects.filter(episode__person_id=audit.person_id)
        .order_by("-written_at", "-id")
        .prefetch_related("tasks__owner")
        .first()
    )
    link = reverse("plans:casework", args=[audit.person_id])
    if plan is None:
        return EvidenceNote("No plan on the record", warning=True, link=link)
    tasks = list(plan.tasks.all())
    details = [
        f"{t.description} — {t.owner_display} ({t.get_owner_agency_display()}), by {format_date(t.due_date)}"
        for t in tasks
    ]
    return EvidenceNote(
        f"Plan version {plan.version} written {format_date(plan.written_at)}: "
        + ("1 action" if len(tasks) == 1 else f"{len(tasks)} actions"),
        details or ["The plan has no actions with owners and dates"],
        warning=not tasks,
        link=link,
    )


def _child_voice(audit: Audit, today: dt.date) -> EvidenceNote:
    last = VoiceEntry.objects.filter(person_id=audit.person_id).order_by("-gathered_on", "-id").first()
    link = reverse("contact:child", args=[audit.person_id])
    if last is None:
        return EvidenceNote("No words of the child recorded", warning=True, link=link)
    age = _age(last.gathered_on, today)
    return EvidenceNote(
        f"The child's words last recorded {format_date(last.gathered_on)} ({_days(age)} ago)",
        [f"“{last.said}”"] + (["Older than 3 months"] if age > VOICE_MAX_AGE_DAYS else []),
        warning=age > VOICE_MAX_AGE_DAYS,
        link=link,
    )


def _supervision(audit: Audit, today: dt.date) -> EvidenceNote:
    last = Supervision.objects.about_child(audit.person).order_by("-held_on", "-id").first()
    oversight = Oversight.objects.filter(episode__person_id=audit.person_id).order_by("-recorded_at").first()
    limit = standard("SUPERVISION", today)
    link = reverse("supervision:child", args=[audit.person_id])
    details = [
        f"Management oversight last recorded {format_date(oversight.recorded_at)}"
        if oversight
        else "No management oversight recorded"
    ]
    if last is None:
        return EvidenceNote("No supervision recorded about the child", details, warning=True, link=link)
    age = _age(last.held_on, today)
    if age > limit:
        details.append(f"Outside the practice standard of supervision every {_days(limit)}")
    return EvidenceNote(
        f"Last supervision held {format_date(last.held_on)} ({_days(age)} ago)",
        details,
        warning=age > limit,
        link=link,
    )


def _language(audit: Audit, today: dt.date) -> EvidenceNote:
    texts: list[tuple[str, str]] = []
    summary = CaseSummary.objects.filter(person_id=audit.person_id).order_by("-written_at", "-id").first()
    if summary is not None:
        texts.append(
            (
                f"case summary of {format_date(summary.written_at)}",
                "\n".join(
                    [
                        summary.who_the_child_is,
                        summary.current_risks,
                        summary.what_is_working,
                        summary.the_plan,
                    ]
                ),
            )
        )
    for note in CaseNote.objects.filter(person_id=audit.person_id).order_by("-occurred_at", "-id")[
        :RECENT_NOTES
    ]:
        texts.append((f"case note of {format_date(note.occurred_at)}", note.body))
    assessment = _latest_assessment(audit)
    if assessment is not None:
        texts.append(
            (
                f"assessment of {format_date(assessment.completed_date)}",
                "\n".join([assessment.analysis, assessment.rationale]),
            )
        )
    plan = ChildPlan.objects.filter(episode__person_id=audit.person_id).order_by("-written_at", "-id").first()
    if plan is not None:
        texts.append(
            (f"plan version {plan.version}", "\n".join([plan.needs, plan.outcomes, plan.contingency]))
        )
    found = [
        f"“{advice.phrase}” in the {where}: {advice.instead}"
        for where, text in texts
        for advice in check(text)
    ]
    if not texts:
        return EvidenceNote("No recent free text on the record to check")
    if not found:
        return EvidenceNote("No phrases from the language guidance found in the recent record")
    return EvidenceNote(
        "1 phrase from the language guidance found"
        if len(found) == 1
        else f"{len(found)} phrases from the language guidance found",
        found,
        warning=True,
        link=reverse("people:timeline", args=[audit.person_id]),
    )


def _meeting_decisions(audit: Audit, today: dt.date, user: User | None = None) -> EvidenceNote:
    """The child's agenda items and their decisions, as the meetings pages show them: only to a
    reader of minutes, and an item that also names a child the reader may not see shows
    neither its title nor its decision (meetings.queries does the same)."""
    if user is not None and not user.has(Perm.VIEW_MINUTES):
        return EvidenceNote("You do not have access to meeting minutes: look at the child's timeline")
    items = list(
        AgendaItem.objects.filter(children__id=audit.person_id, removed_at__isnull=True)
        .select_related("meeting__meeting_type")
        .order_by("-meeting__date", "-id")[:MEETING_ITEMS]
    )
    if not items:
        return EvidenceNote("The child has not been discussed at a meeting")
    hidden: set[int] = set()
    if user is not None:
        hidden = set(
            AgendaItem.children.through.objects.filter(agendaitem_id__in=[i.pk for i in items])
            .exclude(person_id__in=Person.objects.visible_to(user).values("pk"))
            .values_list("agendaitem_id", flat=True)
        )
    undecided = [i for i in items if not i.decision.strip()]
    details = [
        f"{format_date(i.meeting.date)}, {i.meeting.meeting_type.name}: "
        + (
            "an item that also names a child whose record you may not see"
            if i.pk in hidden
            else f"{i.title} — "
            + (f"decision: {i.decision}" if i.decision.strip() else "no decision recorded")
        )
        for i in items
    ]
    return EvidenceNote(
        f"Discussed at {len(items)} meeting item{'s' if len(items) != 1 else ''} (most recent first)",
        details,
        warning=bool(undecided),
    )


def _return_interview(audit: Audit, today: dt.date) -> EvidenceNote:
    interview = audit.return_interview
    if interview is None:
        return EvidenceNote("This audit is not about a return interview")
    returned = interview.missing_episode.returned_at
    details = [f"Returned {format_datetime(returned)}" if returned else "No return time recorded"]
    if interview.offered_at:
        details.append(f"Offered {format_datetime(interview.offered_at)}")
    late = False
    if interview.completed_at:
        details.append(f"Completed {format_datetime(interview.completed_at)}")
        if returned:
            hours = int((interview.completed_at - returned).total_seconds() // 3600)
            late = hours > 72
            details.append(f"{hours} hours after the return" + (" (more than 72 hours)" if late else ""))
    else:
        details.append("Not completed")
    has_account = bool(interview.child_account.strip())
    details.append(
        "The child's account is recorded" if has_account else "The child's account is not recorded"
    )
    return EvidenceNote(
        f"Return interview: {interview.get_outcome_display()}",
        details,
        warning=late or not has_account or interview.completed_at is None,
    )


_KINDS: dict[str, Callable[[Audit, dt.date], EvidenceNote]] = {
    Evidence.CASE_SUMMARY: _case_summary,
    Evidence.CHRONOLOGY: _chronology,
    Evidence.ASSESSMENT: _assessment,
    Evidence.PLAN: _plan,
    Evidence.CHILD_VOICE: _child_voice,
    Evidence.SUPERVISION: _supervision,
    Evidence.LANGUAGE: _language,
    Evidence.MEETING_DECISIONS: _meeting_decisions,
    Evidence.RETURN_INTERVIEW: _return_interview,
}


def evidence_for(audit: Audit, user: User | None = None) -> dict[str, EvidenceNote]:
    """One note per Evidence code the audit's template uses, from a bounded number of queries,
    as `user` may read it (meeting items naming a child they may not see are not shown)."""
    codes = set(
        Question.objects.filter(section__template_id=audit.template_id)
        .exclude(evidence="")
        .values_list("evidence", flat=True)
    )
    today = timezone.localdate()
    notes = {
        code: _KINDS[code](audit, today)
        for code in sorted(codes)
        if code in _KINDS and code != Evidence.MEETING_DECISIONS
    }
    if Evidence.MEETING_DECISIONS in codes:
        notes[Evidence.MEETING_DECISIONS] = _meeting_decisions(audit, today, user)
    return notes
