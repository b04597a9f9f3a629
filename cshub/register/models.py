"""The whole-area exploitation register: every child in the area flagged at risk of
exploitation, wherever their case is held (docs/register.md).

Each flag is one row of `AreaFlag`, whatever its source:
- **children's social care**: derived from the council's SSD extract (the CIN assessment
  factors of exploitation, `socialcare.AssessmentFactor`), origin `ssd:…`;
- **early help, youth justice, schools, police, health**: recorded in CSHub or imported
  from a flag file (docs/interchange.md), origin `cshub:…` or `import:<source>:<flag id>`;
- **the hub**: derived from the hub's own episodes, origin `hub:…`.
Derived flags (social care, hub) are kept in step by `register.sync`; nobody edits them.
A child flagged by three sources is one child (one `Person`) with three flags."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.limits import NAME_MAX, long_text
from cshub.people.models import Person, visible_q


class Concern(models.TextChoices):
    """What a flag says the child is at risk of: the CIN census's exploitation factors."""

    CSE = "CSE", "Child sexual exploitation"
    CCE = "CCE", "Child criminal exploitation"
    TRAFFICKING = "TRAFFICKING", "Trafficking"
    GANGS = "GANGS", "Gangs and serious violence"
    MISSING = "MISSING", "Going or being missing"
    OTHER = "OTHER", "Other exploitation"


# The CIN assessment factors (socialcare.EXPLOITATION_FACTORS) and what each flags.
CIN_FACTOR_CONCERNS = {
    "10A": Concern.MISSING,
    "11A": Concern.CSE,
    "12A": Concern.TRAFFICKING,
    "13A": Concern.GANGS,
    "24A": Concern.CCE,
}

# The hub's referral types (core.codes.ExploitationType) and what each flags.
HUB_TYPE_CONCERNS: dict[str, tuple[Concern, ...]] = {
    "CSE": (Concern.CSE,),
    "CCE": (Concern.CCE,),
    "CRIMINAL_AND_SEXUAL": (Concern.CSE, Concern.CCE),
    "TRAFFICKING": (Concern.TRAFFICKING,),
    "SERIOUS_VIOLENCE": (Concern.GANGS,),
    "THREAT_TO_LIFE": (Concern.OTHER,),
    "FORCED_MARRIAGE_HBV": (Concern.OTHER,),
    "OTHER": (Concern.OTHER,),
}


class Source(models.TextChoices):
    SOCIAL_CARE = "SOCIAL_CARE", "Children's social care"
    EARLY_HELP = "EARLY_HELP", "Early help"
    YOUTH_JUSTICE = "YOUTH_JUSTICE", "Youth justice"
    SCHOOL = "SCHOOL", "School"
    POLICE = "POLICE", "Police"
    HEALTH = "HEALTH", "Health"
    HUB = "HUB", "The hub"
    OTHER = "OTHER", "Other"


# Sources whose flags are derived, never recorded or imported.
DERIVED_SOURCES = (Source.SOCIAL_CARE, Source.HUB)


class Holder(models.TextChoices):
    """Who holds the child's case."""

    LOCALITY = "LOCALITY", "Locality social work"
    EARLY_HELP = "EARLY_HELP", "Early help"
    YOUTH_JUSTICE = "YOUTH_JUSTICE", "Youth justice"
    SCHOOL = "SCHOOL", "School"
    POLICE = "POLICE", "Police"
    HUB = "HUB", "The hub"
    NONE = "NONE", "No one"
    OTHER = "OTHER", "Other"


class AreaFlagQuerySet(models.QuerySet["AreaFlag"]):
    def visible_to(self, user: User) -> "AreaFlagQuerySet":
        return self.filter(visible_q(user))

    def current(self, on: "object") -> "AreaFlagQuerySet":
        """Flags in force on the date `on`: flagged on or before it, not ended before it."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), flagged_on__lte=on)


class AreaFlag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="area_flags")
    source = models.CharField(max_length=16, choices=Source.choices)
    concern = models.CharField("At risk of", max_length=16, choices=Concern.choices)
    flagged_on = models.DateField("Flagged on")
    ended_on = models.DateField("Ended on", null=True, blank=True)
    holder = models.CharField("Who holds the case", max_length=16, choices=Holder.choices)
    holder_team = models.CharField("Team", max_length=200, blank=True)
    holder_contact = models.CharField("Contact", max_length=200, blank=True)
    note = long_text(blank=True)
    # Where the flag came from, unique so every sync and re-import is idempotent: for a
    # social care flag "ssd:" then the assessment factor's source id and the factor; for
    # the hub's "hub:" then the episode id and the concern; for an imported flag "import:"
    # then the source and its own flag id; for one recorded here "cshub:" and a uuid.
    origin = models.CharField(max_length=120, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AreaFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-flagged_on", "-id"]
        indexes = [
            models.Index(fields=["person", "flagged_on"], name="areaflag_person_when"),
            models.Index(fields=["flagged_on"], name="areaflag_when"),
        ]

    def __str__(self) -> str:
        return f"{self.get_concern_display()} flag of {self.flagged_on:%Y-%m-%d}"


class HeldFlagQuerySet(models.QuerySet["HeldFlag"]):
    def waiting(self) -> "HeldFlagQuerySet":
        return self.filter(resolved_at__isnull=True)


class HeldFlag(models.Model):
    """A flag naming a child CSHub could not match for certain (as a police report is
    held): kept, nothing dropped, until a worker picks the child or creates a record."""

    origin = models.CharField(max_length=120, unique=True)
    forename = models.CharField(max_length=NAME_MAX)
    surname = models.CharField(max_length=NAME_MAX)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    flag = models.JSONField(help_text="the flag's fields, as sent")
    received_at = models.DateTimeField(default=timezone.now)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_flag = models.ForeignKey(AreaFlag, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = HeldFlagQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"Held flag {self.origin}"


class TriageDecision(models.TextChoices):
    MEETING = "MEETING", "Brought to the daily meeting"
    NOT_FOR_HUB = "NOT_FOR_HUB", "Considered, not for the hub"


class Triage(models.Model):
    """A worker's decision about a flagged child not known to the hub. The child leaves the
    triage list; a flag recorded after `decided_at` brings them back."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="register_triage")
    decision = models.CharField(max_length=12, choices=TriageDecision.choices)
    reason = long_text()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # MEETING: the agenda item of the daily meeting that took the child (meetings' agenda
    # rule AREA_REGISTER), once a meeting's agenda is built.
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["person", "decided_at"], name="triage_person_when")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_at:%Y-%m-%d}"
