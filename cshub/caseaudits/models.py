"""Case audits (quality assurance): templates held as data, dip samples drawn by rule from a
recorded seed, audits allocated to auditors (never the case's own worker), blind moderation,
findings tagged with themes that become learning actions in the one actions list.

The app is called caseaudits so that it never reads like the audit trail (cshub.audit)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.core.codes import Agency
from cshub.core.limits import long_text
from cshub.missing.models import ReturnInterview
from cshub.people.models import Person, visible_q
from cshub.tasks.models import Task


class Grade(models.TextChoices):
    """The Ofsted scale, best first (GRADES gives the order for agreement and kappa)."""

    OUTSTANDING = "OUTSTANDING", "Outstanding"
    GOOD = "GOOD", "Good"
    REQUIRES_IMPROVEMENT = "REQUIRES_IMPROVEMENT", "Requires improvement"
    INADEQUATE = "INADEQUATE", "Inadequate"


GRADES = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]


class AnswerChoice(models.TextChoices):
    YES = "YES", "Yes"
    PARTLY = "PARTLY", "Partly"
    NO = "NO", "No"
    NOT_APPLICABLE = "NOT_APPLICABLE", "Not applicable"


class Subject(models.TextChoices):
    """What a template audits."""

    EPISODE = "EPISODE", "A child's hub episode (case audit)"
    RETURN_INTERVIEW = "RETURN_INTERVIEW", "A return interview (peer audit)"


class TemplateStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    PUBLISHED = "PUBLISHED", "In use"
    RETIRED = "RETIRED", "Replaced or withdrawn"


class Evidence(models.TextChoices):
    """What CSHub already knows and shows beside a question (caseaudits.evidence)."""

    CASE_SUMMARY = "CASE_SUMMARY", "The case summary and its age"
    CHRONOLOGY = "CHRONOLOGY", "The chronology: significant events marked"
    ASSESSMENT = "ASSESSMENT", "The latest assessment: level, score and suggested level"
    PLAN = "PLAN", "The plan: its actions, owners and dates"
    CHILD_VOICE = "CHILD_VOICE", "The child's last words on the record"
    SUPERVISION = "SUPERVISION", "The last supervision and management oversight"
    LANGUAGE = "LANGUAGE", "Language guidance: phrases found in the record"
    MEETING_DECISIONS = "MEETING_DECISIONS", "The daily meeting's decisions about the child"
    RETURN_INTERVIEW = "RETURN_INTERVIEW", "The return interview: offered, completed, what the child said"


class AuditTemplate(models.Model):
    """Questions in sections. A draft is edited; a published template is never changed (its
    audits keep meaning what they meant): a new version is a draft copy that, once
    published, retires the one it replaces."""

    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=20, choices=Subject.choices, default=Subject.EPISODE)
    description = long_text("What the audit is for", blank=True)
    status = models.CharField(max_length=12, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="one_template_version")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_multi_agency(self) -> bool:
        return any(s.agency for s in self.sections.all())


class TemplateSection(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=160)
    # Blank: the lead auditor answers it. An agency: an auditor of that agency answers it
    # (a multi-agency audit: each agency answers its own sections).
    agency = models.CharField(max_length=32, choices=Agency.choices, blank=True)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="one_section_per_position")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    text = models.CharField("Question", max_length=300)
    guidance = long_text("What good looks like", blank=True)
    evidence = models.CharField(
        "What CSHub shows beside it", max_length=20, choices=Evidence.choices, blank=True
    )

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="one_question_per_position")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Theme(models.Model):
    """A theme of findings (held as data by a team manager): findings are tagged with them,
    and the dashboard counts them by quarter."""

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SampleRule(models.TextChoices):
    OPEN_PER_WORKER = "OPEN_PER_WORKER", "A number of random open episodes per worker"
    CLOSURES_MEDIUM_HIGH = "CLOSURES_MEDIUM_HIGH", "Every closure of the period at medium or high risk"
    LATE_RETURN_INTERVIEWS = (
        "LATE_RETURN_INTERVIEWS",
        "Every return interview of the period completed more than 72 hours after the return",
    )
    RETURN_INTERVIEWS = "RETURN_INTERVIEWS", "A number of random return interviews of the period"
    STRATIFIED_BY_TYPE = "STRATIFIED_BY_TYPE", "A number of random episodes of each type of exploitation"


# Rules that draw return interviews (the template's subject must be RETURN_INTERVIEW).
INTERVIEW_RULES = (SampleRule.LATE_RETURN_INTERVIEWS, SampleRule.RETURN_INTERVIEWS)
# Rules that take a number per worker or per type.
COUNTED_RULES = (SampleRule.OPEN_PER_WORKER, SampleRule.RETURN_INTERVIEWS, SampleRule.STRATIFIED_BY_TYPE)


class Sample(models.Model):
    """An audit round: a dip sample drawn by a rule with a recorded seed (the same rule, period
    and seed draw the same cases again), allocated to a pool of auditors. Made only when the
    rule selects something: there is no empty round."""

    name = models.CharField(max_length=120)
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="samples")
    rule = models.CharField(max_length=24, choices=SampleRule.choices)
    per_stratum = models.PositiveIntegerField("How many", null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    types = models.JSONField("Types of exploitation", default=list, blank=True)
    seed = models.BigIntegerField()
    moderation_percent = models.PositiveSmallIntegerField("Share moderated (%)", default=10)
    due_date = models.DateField("Audits due by")
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="audit_pools")
    # What was drawn, in order ("episode:12", "interview:40"): the proof of a redraw.
    drawn = models.JSONField(default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)
    # The new-round form's idempotency key: the same form sent twice draws one round.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="sample_period_order"
            ),
            models.CheckConstraint(condition=Q(moderation_percent__lte=100), name="sample_moderation_share"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditStatus(models.TextChoices):
    ALLOCATED = "ALLOCATED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class AuditRole(models.TextChoices):
    PRIMARY = "PRIMARY", "Audit"
    MODERATION = "MODERATION", "Moderation (graded blind)"


class AuditQuerySet(models.QuerySet["Audit"]):
    def primary(self) -> "AuditQuerySet":
        return self.filter(role=AuditRole.PRIMARY)

    def completed(self) -> "AuditQuerySet":
        return self.filter(status=AuditStatus.COMPLETED)

    def open(self) -> "AuditQuerySet":
        return self.filter(status__in=[AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS])

    def for_auditor(self, user: "User") -> "AuditQuerySet":
        """Audits this user has something to answer in: as lead auditor or for a section."""
        # A subquery, not a join: counts annotated afterwards count every part of the audit.
        return self.filter(
            Q(auditor=user) | Exists(AuditPart.objects.filter(audit=OuterRef("pk"), auditor=user))
        )

    def visible_to(self, user: "User") -> "AuditQuerySet":
        """Audits about children the user may see."""
        return self.filter(visible_q(user))


class Audit(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="audits")
    sample = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_audits")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="case_audits"
    )
    return_interview = models.ForeignKey(
        ReturnInterview, null=True, blank=True, on_delete=models.PROTECT, related_name="peer_audits"
    )
    # Whose practice is audited (the episode's allocated worker, the interviewer) when it was
    # allocated: never its auditor (checked in the database too).
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits_of_my_work",
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_to_do"
    )
    role = models.CharField(max_length=12, choices=AuditRole.choices, default=AuditRole.PRIMARY)
    moderates = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="moderations"
    )
    status = models.CharField(max_length=12, choices=AuditStatus.choices, default=AuditStatus.ALLOCATED)
    due_date = models.DateField("Due by")
    overall_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    rationale = long_text("Why this grade", blank=True)
    feedback = long_text("Feedback to the worker", blank=True)
    feedback_read_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case_worker__isnull=True) | ~Q(auditor=F("case_worker")),
                name="audit_never_by_own_worker",
            ),
            models.CheckConstraint(
                condition=Q(episode__isnull=False) | Q(return_interview__isnull=False),
                name="audit_has_a_subject",
            ),
            models.CheckConstraint(
                condition=Q(role=AuditRole.PRIMARY, moderates__isnull=True)
                | Q(role=AuditRole.MODERATION, moderates__isnull=False),
                name="moderation_moderates_an_audit",
            ),
            models.UniqueConstraint(
                fields=["moderates"], condition=Q(role="MODERATION"), name="one_moderation_per_audit"
            ),
            models.CheckConstraint(
                condition=~Q(status="COMPLETED") | (~Q(overall_grade="") & Q(completed_at__isnull=False)),
                name="completed_audit_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="caseaudit_status_due")]

    def __str__(self) -> str:
        return f"Audit {self.pk}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status in (AuditStatus.ALLOCATED, AuditStatus.IN_PROGRESS) and self.due_date < (
            today or timezone.localdate()
        )


class AuditPart(models.Model):
    """One section of one audit, and who answers it: the lead auditor, or (a multi-agency
    audit) an auditor of the section's agency. Submitted once answered in full."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="parts")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_parts"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "section__position"]
        constraints = [models.UniqueConstraint(fields=["audit", "section"], name="one_part_per_section")]

    def __str__(self) -> str:
        return f"Audit {self.audit_id}: {self.section_id}"


class AuditAnswer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=16, choices=AnswerChoice.choices)
    grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    comment = long_text("What the auditor found", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question__section__position", "question__position"]
        constraints = [models.UniqueConstraint(fields=["audit", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.audit_id}/{self.question_id}: {self.answer}"


class FindingKind(models.TextChoices):
    STRENGTH = "STRENGTH", "What is working well"
    IMPROVE = "IMPROVE", "What needs to improve"


class Finding(models.Model):
    """A finding of an audit, tagged with themes; learning actions agreed from it go to the
    one actions list (tasks.Task, source AUDIT)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=10, choices=FindingKind.choices)
    text = long_text("Finding")
    themes = models.ManyToManyField(Theme, related_name="findings")
    actions = models.ManyToManyField(Task, related_name="audit_findings", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audit", "id"]

    def __str__(self) -> str:
        return self.text[:60]
