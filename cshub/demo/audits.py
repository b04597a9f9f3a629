"""The demo city's case audits (issue 22), made only through the case audits' write path
(`cshub.caseaudits.actions`) and the actions list's (`cshub.tasks.actions`):

- a round completed last quarter ("Open cases, <month>": two open episodes per worker),
  audited by the team manager and two senior practitioners, every question answered as the
  record shows it (no case summary, no words of the child or no supervision on the file:
  "No"), overall grades from outstanding to inadequate with rationales, feedback to the
  worker, findings tagged with the seeded themes (case summaries, the child's voice and
  supervision most often, as the seeds' peer review found), learning actions done, open and
  overdue, and a moderated share graded blind with a few disagreements;
- a round drawn this month and in progress, with audits for the demo `manager` and
  `practitioner` (one started);
- a peer audit round of the late return interviews of last month, the demo `missing` user
  one of its two auditors (one audit completed);
- a multi-agency audit round where the `police` and `nurse` users answer their own sections
  (one audit completed, one waiting for the police section).

The write functions stamp their own times (now); the last quarter's round is then dated
back (as `practice.py` dates case notes), so the audit dashboard has a quarter to show.
Its own random stream and seeds: the rest of the demo is unchanged."""

import datetime as dt
import random
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.caseaudits import actions
from cshub.caseaudits.models import (
    GRADES,
    AnswerChoice,
    Audit,
    AuditAnswer,
    AuditPart,
    AuditRole,
    AuditTemplate,
    Evidence,
    Finding,
    FindingKind,
    Grade,
    Question,
    Sample,
    SampleRule,
    TemplateStatus,
    Theme,
)
from cshub.casework.due import standard
from cshub.casework.models import CaseSummary
from cshub.contact.models import VoiceEntry
from cshub.core.dates import LONDON
from cshub.demo.audit_words import (
    ACTIONS,
    COMMENTS,
    FEEDBACK,
    FIRST_THEMES,
    GENERIC,
    IMPROVE,
    RATIONALE,
    STRENGTH,
    THEME_OF,
    ensure_auditors,
)
from cshub.language.guidance import check
from cshub.missing import actions as missing
from cshub.missing.models import InterviewOutcome, MissingEpisode, ReturnInterview
from cshub.people.access import may_see
from cshub.people.models import Person, TimelineEntry
from cshub.supervision.models import Supervision
from cshub.tasks.actions import NewTask, finish_task
from cshub.tasks.models import Task


@dataclass
class AuditsSummary:
    rounds: int = 0
    audits: int = 0
    completed: int = 0


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def _month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month of a day: its first and last days."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _label(day: dt.date) -> str:
    return f"{day:%B} {day.year}"


def build_audits(users: dict[str, User], today: dt.date, *, seed: int) -> AuditsSummary:
    """The demo's case audits; nothing when there are audit rounds already."""
    if Sample.objects.exists():
        return AuditsSummary()
    with transaction.atomic():
        return _Builder({**users, **ensure_auditors()}, today, seed).run()


class _RedrawError(Exception):
    """A draw the demo passes over (too few moderated for the round's story)."""


class _Builder:
    def __init__(self, users: dict[str, User], today: dt.date, seed: int) -> None:
        self.users = users
        self.today = today
        self.seed = seed
        self.rng = random.Random(seed + 22)  # nosec B311 # seeded generator of synthetic data, never for security
        self.manager = users["manager"]
        # Open rounds fall due after the day the demo is made (tests make it for a fixed day).
        self.due_from = max(today, timezone.localdate())
        self.summary = AuditsSummary()
        self.themes = {t.name: t for t in Theme.objects.filter(active=True)}
        self.actions_made = 0

    def template(self, name: str) -> AuditTemplate:
        return AuditTemplate.objects.filter(name=name, status=TemplateStatus.PUBLISHED).order_by("-version")[
            0
        ]

    def run(self) -> AuditsSummary:
        self.last_quarter_round()
        self.this_month_round()
        self.peer_round()
        self.multi_agency_round()
        self.summary.audits = Audit.objects.count()
        self.summary.completed = Audit.objects.completed().count()
        return self.summary

    # Drawing ---------------------------------------------------------------------------
    def draw(
        self,
        name: str,
        template: AuditTemplate,
        definition: actions.SampleDefinition,
        *,
        auditors: list[User],
        due: dt.date,
        moderated: int = 0,
    ) -> Sample | None:
        """Draw a round (each try in a savepoint). A seed whose draw the pool cannot cover (the
        error on "auditors"), or that moderates fewer than `moderated` audits, is passed over
        for the next: a refused draw leaves nothing. None when the rule selects nothing."""
        assert definition.seed is not None
        # A round is due today or later when it is drawn: last quarter's is dated back after.
        due_when_drawn = max(due, timezone.localdate())
        for attempt in range(20):
            try:
                with transaction.atomic():
                    sample = actions.draw_sample(
                        name,
                        template,
                        replace(definition, seed=definition.seed + attempt),
                        auditors,
                        due_when_drawn,
                        actor=self.manager,
                    )
                    if sample.audits.filter(role=AuditRole.MODERATION).count() < moderated:
                        raise _RedrawError
            except _RedrawError:
                continue
            except ValidationError as error:
                if set(getattr(error, "error_dict", {})) == {"auditors"}:
                    continue  # another seed may draw cases this pool can cover
                return None  # the rule selects nothing in the period (a small hub)
            if due != due_when_drawn:
                Sample.objects.filter(pk=sample.pk).update(due_date=due)
                Audit.objects.filter(sample=sample).update(due_date=due)
                sample.refresh_from_db()
            self.summary.rounds += 1
            return sample
        return self.draw(name, template, definition, auditors=auditors, due=due) if moderated else None

    # Answering -------------------------------------------------------------------------
    def record_says(self, audit: Audit, question: Question) -> str | None:
        """The answer the record gives, where CSHub holds the evidence; None otherwise."""
        code = question.evidence
        person = audit.person_id
        if code == Evidence.CASE_SUMMARY:
            summary = CaseSummary.objects.filter(person_id=person).order_by("-written_at").first()
            if summary is None:
                return AnswerChoice.NO
            age = (self.today - summary.written_at.astimezone(LONDON).date()).days
            return AnswerChoice.YES if age <= standard("SUMMARY", self.today) else AnswerChoice.PARTLY
        if code == Evidence.CHILD_VOICE:
            voice = VoiceEntry.objects.filter(person_id=person).order_by("-gathered_on").first()
            if voice is None:
                return AnswerChoice.NO
            return AnswerChoice.YES if (self.today - voice.gathered_on).days <= 91 else AnswerChoice.PARTLY
        if code == Evidence.SUPERVISION and audit.episode_id:
            held = (
                Supervision.objects.filter(
                    Q(episode_id=audit.episode_id) | Q(group_episodes=audit.episode_id)
                )
                .order_by("-held_on")
                .values_list("held_on", flat=True)
                .first()
            )
            if held is None:
                return AnswerChoice.NO
            return AnswerChoice.YES if (self.today - held).days <= 42 else AnswerChoice.PARTLY
        if code == Evidence.LANGUAGE:
            summary = CaseSummary.objects.filter(person_id=person).order_by("-written_at").first()
            text = (
                " ".join([summary.who_the_child_is, summary.current_risks, summary.the_plan])
                if summary
                else ""
            )
            return AnswerChoice.NO if check(text) else None
        if code == Evidence.RETURN_INTERVIEW and audit.return_interview_id and question.position == 1:
            interview = ReturnInterview.objects.select_related("missing_episode").get(
                pk=audit.return_interview_id
            )
            returned = interview.missing_episode.returned_at
            on_time = bool(
                returned
                and interview.completed_at
                and interview.completed_at - returned <= dt.timedelta(hours=72)
            )
            return AnswerChoice.YES if on_time else AnswerChoice.NO
        return None

    def answer(self, audit: Audit, question: Question, quality: int) -> actions.AnswerInput:
        """quality: 0 (outstanding) to 3 (inadequate), the auditor's view of the practice."""
        said = self.record_says(audit, question)
        if said is None:
            roll = self.rng.random()
            said = [
                (AnswerChoice.YES,),
                (AnswerChoice.YES, AnswerChoice.YES, AnswerChoice.YES, AnswerChoice.PARTLY),
                (AnswerChoice.YES, AnswerChoice.PARTLY, AnswerChoice.PARTLY, AnswerChoice.NO),
                (AnswerChoice.PARTLY, AnswerChoice.NO, AnswerChoice.NO, AnswerChoice.YES),
            ][quality][int(roll * 4) % (1 if quality == 0 else 4)]
        grade = {
            AnswerChoice.YES: Grade.OUTSTANDING if quality == 0 else Grade.GOOD,
            AnswerChoice.PARTLY: Grade.REQUIRES_IMPROVEMENT,
            AnswerChoice.NO: Grade.INADEQUATE,
            AnswerChoice.NOT_APPLICABLE: "",
        }[AnswerChoice(said)]
        comment = COMMENTS.get((question.evidence, said), GENERIC[AnswerChoice(said)])
        return actions.AnswerInput(answer=said, grade=grade, comment=comment)

    def answer_parts(
        self, audit: Audit, quality: int, *, skip_agency: str | None = None, submit: bool = True
    ) -> None:
        for part in AuditPart.objects.filter(audit=audit).select_related("section", "auditor"):
            if skip_agency is not None and part.section.agency == skip_agency:
                continue
            answers = {q.pk: self.answer(audit, q, quality) for q in part.section.questions.all()}
            actions.save_part(part, answers, actor=part.auditor, submit=submit)

    def overall(self, audit: Audit) -> str:
        graded = [
            GRADES.index(Grade(a.grade)) for a in AuditAnswer.objects.filter(audit=audit).exclude(grade="")
        ]
        if not graded:
            return Grade.GOOD
        grade = min(3, int(sum(graded) / len(graded) + 0.5))
        nos = AuditAnswer.objects.filter(audit=audit, answer=AnswerChoice.NO).count()
        return GRADES[max(grade, 1 if nos else 0)]  # outstanding has nothing missing

    def complete(self, audit: Audit, quality: int, *, grade: str | None = None) -> Audit:
        """Answer every part and complete the audit (grade: a moderator's own, given blind)."""
        self.answer_parts(audit, quality)
        audit.refresh_from_db()
        grade = grade or self.overall(audit)
        primary = audit.role == AuditRole.PRIMARY
        return actions.complete_audit(
            audit,
            overall_grade=grade,
            rationale=RATIONALE[Grade(grade)],
            feedback=FEEDBACK[Grade(grade)] if primary and audit.case_worker_id else "",
            actor=audit.auditor,
        )

    def quality(self) -> int:
        return self.rng.choices([0, 1, 2, 3], weights=[2, 9, 7, 3])[0]

    def findings(self, audit: Audit) -> list[Finding]:
        """What needs to improve, from the questions answered no or partly (the peer review's
        themes first), and what is working well in a good audit."""
        weak = [
            THEME_OF[Evidence(q.evidence)]
            for a in AuditAnswer.objects.filter(audit=audit).select_related("question")
            for q in [a.question]
            if a.answer in (AnswerChoice.NO, AnswerChoice.PARTLY) and q.evidence
        ]
        themes = sorted(
            set(weak),
            key=lambda t: (t not in FIRST_THEMES, FIRST_THEMES.index(t) if t in FIRST_THEMES else 0, t),
        )
        made = []
        for name in themes[:3]:
            made.append(
                actions.record_finding(
                    audit,
                    kind=FindingKind.IMPROVE,
                    text=IMPROVE[name],
                    theme_ids=[self.themes[name].pk],
                    actor=audit.auditor,
                )
            )
        if audit.overall_grade in (Grade.OUTSTANDING, Grade.GOOD):
            actions.record_finding(
                audit,
                kind=FindingKind.STRENGTH,
                text=STRENGTH,
                theme_ids=[self.themes["Voice of the child"].pk],
                actor=audit.auditor,
            )
        return made

    def learning_action(self, finding: Finding, completed: dt.date) -> Task:
        """Done, open or overdue, in turn."""
        audit = finding.audit
        # The worker owns it, unless they may not see the child (a restricted record they are
        # not named on): then the auditor, who may.
        worker = audit.case_worker
        owner = worker if worker is not None and may_see(worker, audit.person) else audit.auditor
        theme = finding.themes.all()[0].name
        turn = self.actions_made % 3
        self.actions_made += 1
        due = {
            0: completed + dt.timedelta(days=21),
            1: min(completed + dt.timedelta(days=35), self.today - dt.timedelta(days=9)),
            2: self.today + dt.timedelta(days=24),
        }[turn]
        task = actions.add_learning_action(
            finding,
            NewTask(description=ACTIONS[theme], owner_agency=owner.agency, due_date=due, owner=owner),
            actor=audit.auditor,
        )
        if turn == 0:
            finish_task(task, "Done and checked in supervision.", actor=owner)
        return task

    # Dating back -------------------------------------------------------------------------
    def date_back(
        self, audit: Audit, allocated: dt.datetime, started: dt.datetime, done: dt.datetime
    ) -> None:
        Audit.objects.filter(pk=audit.pk).update(
            allocated_at=allocated, started_at=started, completed_at=done
        )
        AuditPart.objects.filter(audit=audit, submitted_at__isnull=False).update(submitted_at=done)
        AuditAnswer.objects.filter(audit=audit).update(answered_at=started)
        Finding.objects.filter(audit=audit).update(recorded_at=done)
        tasks = Task.objects.filter(audit_findings__audit=audit)
        for task in tasks:
            finished = _at(min(task.due_date - dt.timedelta(days=3), self.today), 15)
            Task.objects.filter(pk=task.pk).update(
                created_at=done, completed_at=finished if task.completed_at else None
            )
            TimelineEntry.objects.filter(
                source_type="tasks.task", source_id=str(task.pk), kind="ACTION_AGREED"
            ).update(occurred_at=done)
            TimelineEntry.objects.filter(
                source_type="tasks.task", source_id=str(task.pk), kind="ACTION_COMPLETED"
            ).update(occurred_at=finished)

    # The rounds --------------------------------------------------------------------------
    def last_quarter_round(self) -> None:
        """Two open episodes per worker in the first month of last quarter; all completed
        within the quarter, a fifth moderated blind, a few moderators disagreeing."""
        quarter = self.today.replace(month=3 * ((self.today.month - 1) // 3) + 1, day=1)
        quarter_end = quarter - dt.timedelta(days=1)
        start, end = _month((quarter_end - dt.timedelta(days=70)).replace(day=1))
        drawn_on = end + dt.timedelta(days=1)
        due = quarter_end - dt.timedelta(days=10)
        pool = [self.manager, self.users["senior.ffion"], self.users["senior.emrys"]]
        sample = self.draw(
            f"Open cases, {_label(start)}",
            self.template("Hub case audit"),
            actions.SampleDefinition(
                rule=SampleRule.OPEN_PER_WORKER,
                period_start=start,
                period_end=end,
                per_stratum=2,
                seed=self.seed * 100 + 1,
                moderation_percent=20,
            ),
            auditors=pool,
            due=due,
            moderated=2,
        )
        if sample is None:
            return
        Sample.objects.filter(pk=sample.pk).update(drawn_at=_at(drawn_on, 9))
        span = max((quarter_end - drawn_on).days - 3, 2)
        audits = list(sample.audits.order_by("pk"))
        primaries = [a for a in audits if a.role == AuditRole.PRIMARY]
        done_on: dict[int, dt.date] = {}
        later: list[tuple[Audit, Finding, dt.date]] = []
        for n, audit in enumerate(primaries):
            quality = self.quality()
            day = drawn_on + dt.timedelta(days=2 + (n * span) // max(len(primaries), 1))
            done_on[audit.pk] = day
            self.complete(audit, quality)
            # Learning actions once the moderations are done too (the pair is blind until then).
            later += [(audit, f, day) for f in self.findings(audit)[: 1 if n % 2 == 0 else 0]]
            self.date_back(audit, _at(drawn_on, 9), _at(day, 10), _at(day, 15))
        moderations = [a for a in audits if a.role == AuditRole.MODERATION]
        for n, moderation in enumerate(moderations):
            primary = moderation.moderates
            assert primary is not None
            primary.refresh_from_db()
            grade = GRADES.index(Grade(primary.overall_grade))
            if n % 2 == 0:  # graded one step apart (towards the middle of the scale)
                grade = grade + 1 if grade < 2 else grade - 1
            self.complete(moderation, min(grade, 3), grade=GRADES[grade])
            day = min(done_on[primary.pk] + dt.timedelta(days=4), quarter_end)
            self.date_back(moderation, _at(drawn_on, 9), _at(day, 10), _at(day, 16))
        for audit, finding, day in later:
            self.learning_action(finding, day)
            self.date_back(audit, _at(drawn_on, 9), _at(day, 10), _at(day, 15))
        # The audited workers have read their feedback, but for the demo practitioner's last.
        practitioner = self.users["practitioner"]
        theirs = [a for a in primaries if a.case_worker_id == practitioner.pk]
        for audit in [a for a in primaries if a.case_worker_id and a not in theirs[-1:]]:
            audit.refresh_from_db()
            worker, completed = audit.case_worker, audit.completed_at
            assert worker is not None
            assert completed is not None
            if not may_see(worker, audit.person):
                continue  # a restricted record the worker is not named on
            actions.mark_feedback_read(audit, actor=worker)
            Audit.objects.filter(pk=audit.pk).update(feedback_read_at=completed + dt.timedelta(days=2))

    def this_month_round(self) -> None:
        """Last month's open episodes, one per worker, drawn this month: not started yet,
        the demo practitioner's first started."""
        start, end = _month(self.today.replace(day=1) - dt.timedelta(days=1))
        practitioner = self.users["practitioner"]
        sample = self.draw(
            f"Open cases, {_label(start)}",
            self.template("Hub case audit"),
            actions.SampleDefinition(
                rule=SampleRule.OPEN_PER_WORKER,
                period_start=start,
                period_end=end,
                per_stratum=1,
                seed=self.seed * 100 + 2,
                moderation_percent=10,
            ),
            auditors=[self.manager, practitioner, self.users["senior.ffion"], self.users["senior.emrys"]],
            due=self.due_from + dt.timedelta(days=21),
        )
        if sample is None:
            return
        Sample.objects.filter(pk=sample.pk).update(drawn_at=_at(self.today.replace(day=1), 9))
        for user in (self.manager, practitioner):
            if not sample.audits.filter(auditor=user).exists():
                self.give(sample, user)
        mine = sample.audits.filter(auditor=practitioner).order_by("pk").first()
        if mine is not None:
            part = (
                AuditPart.objects.filter(audit=mine, auditor=practitioner).select_related("section").first()
            )
            if part is not None:
                questions = list(part.section.questions.all())[:2]
                actions.save_part(
                    part, {q.pk: self.answer(mine, q, 1) for q in questions}, actor=practitioner, submit=False
                )

    def give(self, sample: Sample, user: User) -> None:
        """Reallocate one of the round's audits to a user who may take it."""
        for audit in sample.audits.open().exclude(case_worker=user).order_by("pk"):
            if (
                audit.role == AuditRole.MODERATION
                and audit.moderates
                and audit.moderates.auditor_id == user.pk
            ):
                continue
            try:
                actions.reallocate(audit, user, actor=self.manager)
            except ValidationError:
                continue
            return

    def peer_round(self) -> None:
        """Last month's late return interviews, audited by the other missing-service worker.
        Two children who declined their first interview spoke to Seren days later, so the
        demo `missing` user has colleagues' interviews to audit."""
        start, end = _month(self.today.replace(day=1) - dt.timedelta(days=1))
        seren, nia = self.users["missing.seren"], self.users["missing"]
        declined = (
            MissingEpisode.objects.filter(
                # completed 80 to 130 hours after the return: inside the month
                returned_at__gte=_at(start - dt.timedelta(days=3), 0),
                returned_at__lt=_at(end - dt.timedelta(days=6), 0),
                person__restricted=False,
                interviews__outcome__in=[InterviewOutcome.DECLINED, InterviewOutcome.UNABLE_TO_CONTACT],
            )
            .exclude(interviews__outcome=InterviewOutcome.COMPLETED)
            .order_by("pk")
            .distinct()
        )
        episodes = list(declined)[:2]
        if len(episodes) < 2:  # a small hub: children who went missing last month, found next day
            open_children = list(
                Person.objects.filter(episodes__close_date__isnull=True, restricted=False)
                .order_by("pk")
                .distinct()[:50]
            )
            for child in self.rng.sample(open_children, k=min(2 - len(episodes), len(open_children))):
                reported = _at(start + dt.timedelta(days=self.rng.randint(2, 12)), 21)
                episodes.append(
                    missing.record_missing_episode(
                        child,
                        missing.MissingReport(
                            reported_at=reported,
                            returned_at=reported + dt.timedelta(hours=15),
                            missing_type="M",
                            police_risk="LOW",
                        ),
                        actor=seren,
                    )
                )
        for episode in episodes:
            assert episode.returned_at is not None
            completed = episode.returned_at + dt.timedelta(hours=self.rng.randint(80, 130))
            missing.record_return_interview(
                episode,
                missing.InterviewRecord(
                    outcome=InterviewOutcome.COMPLETED,
                    offered_at=episode.returned_at + dt.timedelta(hours=self.rng.randint(50, 70)),
                    completed_at=completed,
                    interviewer=seren,
                    delay_reason="Declined to talk at first; agreed to talk to another worker a few days later.",
                    exploitation_concern=False,
                    child_account="Said they stayed at a friend's and did not want to go home after an argument.",
                    where_and_who="A friend's house in the same area.",
                ),
                actor=seren,
            )
        sample = self.draw(
            f"Late return interviews, {_label(start)}",
            self.template("Return interview peer audit"),
            actions.SampleDefinition(
                rule=SampleRule.LATE_RETURN_INTERVIEWS,
                period_start=start,
                period_end=end,
                seed=self.seed * 100 + 3,
                moderation_percent=0,
            ),
            auditors=[nia, seren],
            due=self.due_from + dt.timedelta(days=14),
        )
        if sample is None:
            return
        first = sample.audits.filter(auditor=nia).order_by("pk").first()
        if first is not None:
            self.complete(first, 2)

    def multi_agency_round(self) -> None:
        """Two children at risk of sexual exploitation open last month: social care leads,
        police and health answer their own sections. One completed; one waits for police."""
        start, end = _month(self.today.replace(day=1) - dt.timedelta(days=1))
        police, nurse = self.users["police"], self.users["nurse"]
        sample = self.draw(
            f"Multi-agency audit: sexual exploitation, {_label(start)}",
            self.template("Multi-agency case audit"),
            actions.SampleDefinition(
                rule=SampleRule.STRATIFIED_BY_TYPE,
                period_start=start,
                period_end=end,
                per_stratum=2,
                types=("CSE",),
                seed=self.seed * 100 + 4,
                moderation_percent=0,
            ),
            auditors=[self.manager, police, nurse],
            due=self.due_from + dt.timedelta(days=14),
        )
        if sample is None:
            return
        audits = list(sample.audits.order_by("pk"))
        for audit in audits:
            if audit.auditor_id != self.manager.pk:
                actions.reallocate(audit, self.manager, actor=self.manager)
        for n, audit in enumerate(audits[:2]):
            audit.refresh_from_db()
            if n == 0:
                self.complete(audit, 1)
            else:
                self.answer_parts(audit, 2, skip_agency="POLICE")
