"""Pages of issue 22, part: conduct (carrying out an audit, moderation side by side, the
worker's own audits and feedback)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.caseaudits import actions
from cshub.caseaudits.evidence import EvidenceNote, evidence_for
from cshub.caseaudits.models import (
    GRADES,
    AnswerChoice,
    Audit,
    AuditAnswer,
    AuditPart,
    AuditRole,
    AuditStatus,
    Finding,
    FindingKind,
    Grade,
    Question,
    Theme,
)
from cshub.caseaudits.seeing import Mode, may_compare, mode_for, partner
from cshub.core.codes import Agency
from cshub.meetings.forms import action_owners
from cshub.people.access import get_child_for_user, may_see
from cshub.people.models import Person
from cshub.tasks.actions import NewTask

AUDITING = (Perm.CONDUCT_AUDIT, Perm.MANAGE_AUDITS)

# Pages of the other parts of issue 22, linked from Case audits for MANAGE_AUDITS holders.
MANAGER_LINKS = [
    ("caseaudits:samples", "Audit rounds", "Draw dip samples and allocate their audits"),
    ("caseaudits:templates", "Audit templates", "The questions audits ask, in sections"),
    ("caseaudits:themes", "Themes", "The themes findings are tagged with"),
    ("caseaudits:dashboard", "Audit dashboard", "Grades over time, themes and learning actions"),
]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _links(user: User) -> list[tuple[str, str, str]]:
    """The managers' links, skipping any page not there (yet)."""
    if not user.has(Perm.MANAGE_AUDITS):
        return []
    links = []
    for name, label, hint in MANAGER_LINKS:
        try:
            links.append((reverse(name), label, hint))
        except NoReverseMatch:
            continue
    return links


def _audits() -> Any:
    return Audit.objects.select_related("template", "person", "episode", "return_interview", "auditor")


@require_perm(*AUDITING)
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = _audits().for_auditor(user).visible_to(user)
    to_do = list(
        mine.open()
        .annotate(
            sections=Count("parts", distinct=True),
            submitted=Count("parts", filter=Q(parts__submitted_at__isnull=False), distinct=True),
        )
        .order_by("due_date", "id")
    )
    my_sections = dict.fromkeys(
        AuditPart.objects.filter(audit__in=[a.pk for a in to_do], auditor=user).values_list(
            "audit_id", flat=True
        )
    )
    done = list(mine.completed().order_by("-completed_at", "-id")[:50])
    record_views(user, [a.person_id for a in [*to_do, *done]], part="case audits")
    today = timezone.localdate()
    return render(
        request,
        "caseaudits/conduct/home.html",
        {
            "to_do": [
                {
                    "audit": a,
                    "overdue": a.is_overdue(today),
                    "lead": a.auditor_id == user.pk,
                    "yours": a.pk in my_sections,
                }
                for a in to_do
            ],
            "done": done,
            "links": _links(user),
        },
    )


@dataclass
class QuestionRow:
    question: Question
    answer: AuditAnswer | None
    evidence: EvidenceNote | None
    posted: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class SectionRow:
    part: AuditPart | None
    title: str
    agency: str
    questions: list[QuestionRow]
    editable: bool
    show_answers: bool


def _open_audit(request: HttpRequest, pk: int) -> tuple[Audit, Person, Mode]:
    """The audit, if this user may see it and its child; else 404 (no trace of it)."""
    user = _user(request)
    audit = get_object_or_404(_audits(), pk=pk)
    mode = mode_for(user, audit)
    if mode is None or not may_see(user, audit.person):
        raise Http404("No such audit")
    person = get_child_for_user(user, audit.person_id, part=f"case audit {audit.pk}")
    return audit, person, mode


def _detail(
    request: HttpRequest,
    audit: Audit,
    person: Person,
    mode: Mode,
    *,
    errors: dict[str, list[str]] | None = None,
    posted_part: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    errors = errors or {}
    parts = {p.section_id: p for p in audit.parts.select_related("auditor")}
    sections = list(audit.template.sections.prefetch_related("questions"))
    answers = {a.question_id: a for a in audit.answers.all()} if mode in (Mode.FULL, Mode.SECTIONS) else {}
    evidence = evidence_for(audit, _user(request)) if mode in (Mode.FULL, Mode.SECTIONS) else {}
    is_open = audit.status in (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS)
    rows = []
    for section in sections:
        part = parts.get(section.pk)
        mine = part is not None and part.auditor_id == user.pk
        if mode == Mode.SECTIONS and not mine:
            continue
        editable = mine and is_open and part is not None and part.submitted_at is None
        rows.append(
            SectionRow(
                part=part,
                title=section.title,
                agency=section.get_agency_display() if section.agency else "",
                editable=editable,
                show_answers=mode in (Mode.FULL, Mode.SECTIONS),
                questions=[
                    QuestionRow(
                        question=q,
                        answer=answers.get(q.pk),
                        evidence=evidence.get(q.evidence) if q.evidence else None,
                        posted={
                            k: request.POST.get(f"{k}_{q.pk}", "") for k in ("answer", "grade", "comment")
                        }
                        if posted_part is not None and part is not None and part.pk == posted_part
                        else {},
                        errors=errors.get(f"answer_{q.pk}", []) + errors.get(f"grade_{q.pk}", []),
                    )
                    for q in section.questions.all()
                ],
            )
        )
    submitted = sum(1 for p in parts.values() if p.submitted_at is not None)
    findings = (
        list(
            audit.findings.select_related("recorded_by").prefetch_related(
                "themes", Prefetch("actions", to_attr="learning_actions")
            )
        )
        if mode in (Mode.FULL, Mode.FEEDBACK)
        else []
    )
    other = partner(audit)
    lead = audit.auditor_id == user.pk
    return render(
        request,
        "caseaudits/conduct/detail.html",
        {
            "audit": audit,
            "person": person,
            "mode": mode.value,
            "sections": rows,
            "submitted": submitted,
            "total": len(parts),
            "is_open": is_open,
            "lead": lead,
            "may_complete": lead and is_open and submitted == len(parts),
            "may_record": lead and audit.status != AuditStatus.CANCELLED and mode == Mode.FULL,
            # Learning actions reach the child's timeline: once the audit and its pair are done.
            "may_act": lead
            and mode == Mode.FULL
            and audit.status == AuditStatus.COMPLETED
            and (other is None or other.status not in (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS)),
            "findings": findings,
            "errors": errors,
            "post": request.POST if request.method == "POST" else {},
            "grades": Grade.choices,
            "answer_choices": AnswerChoice.choices,
            "finding_kinds": FindingKind.choices,
            "themes": Theme.objects.filter(active=True),
            "agencies": [("", "The CSHub user's agency"), *Agency.choices],
            "owners": action_owners(),
            "partner": other,
            "compare": other is not None and may_compare(user, *_pair(audit, other)),
            "worker": audit.case_worker_id == user.pk,
        },
        status=status,
    )


def _pair(audit: Audit, other: Audit) -> tuple[Audit, Audit]:
    return (audit, other) if audit.role == AuditRole.PRIMARY else (other, audit)


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}


@require_perm(Perm.VIEW_CHILD)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit, person, mode = _open_audit(request, pk)
    return _detail(request, audit, person, mode)


@require_perm(Perm.CONDUCT_AUDIT)
@require_POST
def save_part(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    audit, person, mode = _open_audit(request, pk)
    part = get_object_or_404(AuditPart.objects.select_related("audit"), pk=part_pk, audit=audit)
    if part.auditor_id != _user(request).pk:
        raise Http404("No such section")
    answers = {
        q.pk: actions.AnswerInput(
            answer=request.POST.get(f"answer_{q.pk}", ""),
            grade=request.POST.get(f"grade_{q.pk}", ""),
            comment=request.POST.get(f"comment_{q.pk}", ""),
        )
        for q in Question.objects.filter(section_id=part.section_id)
    }
    submit = request.POST.get("action") == "submit"
    try:
        actions.save_part(part, answers, actor=_user(request), submit=submit)
    except ValidationError as exc:
        return _detail(request, audit, person, mode, errors=_messages(exc), posted_part=part.pk, status=400)
    messages.success(request, "Section submitted." if submit else "Answers saved as a draft.")
    return redirect("caseaudits:detail", audit.pk)


@require_perm(Perm.CONDUCT_AUDIT)
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    audit, person, mode = _open_audit(request, pk)
    if audit.auditor_id != _user(request).pk:
        raise Http404("No such audit")
    try:
        actions.complete_audit(
            audit,
            overall_grade=request.POST.get("overall_grade", ""),
            rationale=request.POST.get("rationale", ""),
            feedback=request.POST.get("feedback", ""),
            actor=_user(request),
        )
    except ValidationError as exc:
        return _detail(request, audit, person, mode, errors=_messages(exc), status=400)
    messages.success(request, "Audit completed. The worker can read the grade and feedback.")
    return redirect("caseaudits:detail", audit.pk)


@require_perm(Perm.CONDUCT_AUDIT)
@require_POST
def add_finding(request: HttpRequest, pk: int) -> HttpResponse:
    audit, person, mode = _open_audit(request, pk)
    if audit.auditor_id != _user(request).pk:
        raise Http404("No such audit")
    try:
        theme_ids = [int(t) for t in request.POST.getlist("themes") if 0 < int(t) < 2**31]
    except ValueError:
        theme_ids = []
    try:
        actions.record_finding(
            audit,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            theme_ids=theme_ids,
            actor=_user(request),
        )
    except ValidationError as exc:
        return _detail(request, audit, person, mode, errors=_messages(exc), status=400)
    messages.success(request, "Finding recorded.")
    return redirect("caseaudits:detail", audit.pk)


def _date(request: HttpRequest, prefix: str) -> dt.date | None:
    try:
        return dt.date(
            int(request.POST.get(f"{prefix}-year", "")),
            int(request.POST.get(f"{prefix}-month", "")),
            int(request.POST.get(f"{prefix}-day", "")),
        )
    except (ValueError, OverflowError):
        return None


@require_perm(Perm.CONDUCT_AUDIT)
@require_POST
def add_action(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    audit, person, mode = _open_audit(request, pk)
    finding = get_object_or_404(Finding, pk=finding_pk, audit=audit)
    if audit.auditor_id != _user(request).pk:
        raise Http404("No such audit")
    due = _date(request, f"due_{finding.pk}")
    prefix = f"action_{finding.pk}_"
    if due is None:
        return _detail(
            request, audit, person, mode, errors={f"{prefix}due_date": ["Enter a real due date"]}, status=400
        )
    chosen = request.POST.get(f"{prefix}owner", "")
    owner = action_owners().filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 12 else None
    if chosen and owner is None:
        return _detail(
            request,
            audit,
            person,
            mode,
            errors={f"{prefix}owner": ["Select who will do it from the list"]},
            status=400,
        )
    agency = request.POST.get(f"{prefix}owner_agency", "") or (owner.agency if owner else "")
    try:
        actions.add_learning_action(
            finding,
            NewTask(
                description=request.POST.get(f"{prefix}description", ""),
                owner_agency=agency,
                due_date=due,
                owner=owner,
                owner_name="" if owner else request.POST.get(f"{prefix}owner_name", ""),
            ),
            actor=_user(request),
        )
    except ValidationError as exc:
        return _detail(
            request,
            audit,
            person,
            mode,
            errors={f"{prefix}{k}": v for k, v in _messages(exc).items()},
            status=400,
        )
    messages.success(request, "Learning action agreed. It is on the actions list.")
    return redirect("caseaudits:detail", audit.pk)


@require_perm(Perm.VIEW_CHILD)
@require_POST
def feedback_read(request: HttpRequest, pk: int) -> HttpResponse:
    audit, _person, _mode = _open_audit(request, pk)
    if audit.case_worker_id != _user(request).pk:
        raise Http404("No such audit")
    try:
        actions.mark_feedback_read(audit, actor=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in _messages(exc).values() for m in ms))
    else:
        messages.success(request, "Feedback marked as read.")
    return redirect("caseaudits:my_practice")


@dataclass(frozen=True)
class ComparedQuestion:
    question: Question
    primary: AuditAnswer | None
    moderation: AuditAnswer | None

    @property
    def agree(self) -> bool:
        return (
            self.primary is not None
            and self.moderation is not None
            and (self.primary.answer, self.primary.grade) == (self.moderation.answer, self.moderation.grade)
        )


@require_perm(Perm.VIEW_CHILD)
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderation pair side by side, once both are completed: per question and overall."""
    user = _user(request)
    audit = get_object_or_404(_audits(), pk=pk)
    other = partner(audit)
    if other is None:
        raise Http404("No such moderation")
    primary, moderation = _pair(audit, other)
    if not may_compare(user, primary, moderation) or not may_see(user, audit.person):
        raise Http404("No such moderation")
    person = get_child_for_user(user, audit.person_id, part=f"case audit {primary.pk} moderation")
    first = {a.question_id: a for a in primary.answers.all()}
    second = {a.question_id: a for a in moderation.answers.all()}
    questions = Question.objects.filter(section__template_id=primary.template_id).select_related("section")
    rows = [ComparedQuestion(q, first.get(q.pk), second.get(q.pk)) for q in questions]
    grades = [g.value for g in GRADES]
    return render(
        request,
        "caseaudits/conduct/compare.html",
        {
            "person": person,
            "primary": primary,
            "moderation": moderation,
            "rows": rows,
            "agreed": sum(1 for r in rows if r.agree),
            "overall_agree": primary.overall_grade == moderation.overall_grade,
            "grade_gap": abs(grades.index(primary.overall_grade) - grades.index(moderation.overall_grade)),
        },
    )


@require_perm(Perm.VIEW_CHILD)
def my_practice(request: HttpRequest) -> HttpResponse:
    """My practice: the completed audits of my cases, their grades, findings and feedback."""
    user = _user(request)
    audits = list(
        _audits()
        .primary()
        .completed()
        .filter(case_worker=user)
        .visible_to(user)
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.prefetch_related("themes", "actions"))
        )
        .order_by("-completed_at", "-id")[:50]
    )
    record_views(user, [a.person_id for a in audits], part="my practice audits")
    return render(
        request,
        "caseaudits/conduct/my_practice.html",
        {"audits": audits, "unread": sum(1 for a in audits if a.feedback_read_at is None)},
    )


urlpatterns: list[URLPattern] = [
    path("audits/", home, name="home"),
    path("audits/my-practice/", my_practice, name="my_practice"),
    path("audits/<int:pk>/", detail, name="detail"),
    path("audits/<int:pk>/sections/<int:part_pk>/", save_part, name="save_part"),
    path("audits/<int:pk>/complete/", complete, name="complete"),
    path("audits/<int:pk>/findings/", add_finding, name="add_finding"),
    path("audits/<int:pk>/findings/<int:finding_pk>/actions/", add_action, name="add_action"),
    path("audits/<int:pk>/feedback-read/", feedback_read, name="feedback_read"),
    path("audits/<int:pk>/moderation/", compare, name="compare"),
]
