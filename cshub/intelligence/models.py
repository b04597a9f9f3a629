"""Intelligence: subjects (adults of concern, places, vehicles, phones, online accounts,
groups), graded links between a child or subject and a subject, the grading rules the hub
sets, and the alerts a new link raises."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.limits import SHORT_TEXT_MAX, long_text
from cshub.people.models import Person


class SubjectKind(models.TextChoices):
    ADULT = "ADULT", "Adult of concern"
    PLACE = "PLACE", "Place"
    VEHICLE = "VEHICLE", "Vehicle"
    PHONE = "PHONE", "Phone"
    ACCOUNT = "ACCOUNT", "Online account"
    GROUP = "GROUP", "Group"


class PlaceKind(models.TextChoices):
    TAKEAWAY = "TAKEAWAY", "Takeaway"
    HOTEL = "HOTEL", "Hotel"
    SHOP = "SHOP", "Shop"
    PARK = "PARK", "Park"
    STATION = "STATION", "Station"
    HOUSE = "HOUSE", "House or flat"
    SCHOOL = "SCHOOL", "School"
    CAR_PARK = "CAR_PARK", "Car park"
    OTHER = "OTHER", "Other"


class GroupKind(models.TextChoices):
    PEER = "PEER", "Peer group"
    OCG = "OCG", "Organised crime group"
    COUNTY_LINE = "COUNTY_LINE", "County line"


class SubjectQuerySet(models.QuerySet["Subject"]):
    def confirmed(self) -> "SubjectQuerySet":
        return self.filter(confirmed=True)

    def proposed(self) -> "SubjectQuerySet":
        return self.filter(confirmed=False)


class Subject(models.Model):
    """Someone or something around children. `key` is the normal form two mentions share
    (a plate without spaces, a phone in E.164, a person's id, a place's postcode and name).
    A subject captured from a return interview that matched nothing is `confirmed=False`
    (proposed) until a worker confirms it."""

    kind = models.CharField(max_length=8, choices=SubjectKind.choices)
    name = models.CharField("Name", max_length=200)
    key = models.CharField(max_length=200)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="intelligence_subjects"
    )
    place_kind = models.CharField(max_length=10, choices=PlaceKind.choices, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    platform = models.CharField(max_length=60, blank=True)
    group_kind = models.CharField(max_length=12, choices=GroupKind.choices, blank=True)
    description = long_text(blank=True)
    confirmed = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "key"], name="intel_subject_key")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(kind__in=["ADULT", "VEHICLE", "PHONE", "ACCOUNT", "GROUP"], confirmed=True),
                name="intel_one_subject_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class LinkType(models.TextChoices):
    ASSOCIATES = "ASSOCIATES", "Associates with"
    EXPLOITS = "EXPLOITS", "Exploits"
    SEEN_AT = "SEEN_AT", "Seen at"
    FOUND_AT = "FOUND_AT", "Found at when missing"
    FOUND_WITH = "FOUND_WITH", "Found with when missing"
    TRAVELS_IN = "TRAVELS_IN", "Travels in"
    CONTACTS = "CONTACTS", "Contacts"
    MEMBER_OF = "MEMBER_OF", "Member of"
    USES = "USES", "Owns or uses"
    LIVES_AT = "LIVES_AT", "Lives at"


class SourceType(models.TextChoices):
    RETURN_INTERVIEW = "RETURN_INTERVIEW", "Return interview"
    MISSING_EPISODE = "MISSING_EPISODE", "Missing episode (found)"
    MEETING_ITEM = "MEETING_ITEM", "Meeting item"
    POLICE = "POLICE", "Police intelligence entry"
    CASE_NOTE = "CASE_NOTE", "Case note"


class SourceEvaluation(models.TextChoices):
    """The 3x5x2 model: how reliable the source is."""

    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class Assessment(models.TextChoices):
    """The 3x5x2 model: how true the intelligence is believed to be."""

    KNOWN = "A", "A: Known directly to the source"
    INDIRECT_CORROBORATED = "B", "B: Known indirectly, corroborated"
    INDIRECT = "C", "C: Known indirectly"
    NOT_KNOWN = "D", "D: Not known"
    SUSPECTED_FALSE = "E", "E: Suspected to be false"


class Handling(models.TextChoices):
    """The 3x5x2 model: P may be shared (lawful sharing); C only with conditions."""

    SHARE = "P", "P: Lawful sharing permitted"
    CONDITIONS = "C", "C: Handling conditions apply"


class GradingRule(models.Model):
    """The grading a link captured automatically gets from its source type, until a police
    officer grades it. The hub sets them (data, not code)."""

    source_type = models.CharField(max_length=20, choices=SourceType.choices, unique=True)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    assessment = models.CharField(max_length=1, choices=Assessment.choices)
    handling = models.CharField(max_length=1, choices=Handling.choices)

    class Meta:
        ordering = ["source_type"]

    def __str__(self) -> str:
        return f"{self.get_source_type_display()}: {self.grading}"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.assessment}{self.handling}"


class LinkQuerySet(models.QuerySet["Link"]):
    def about_children(self, children: models.QuerySet[Person]) -> "LinkQuerySet":
        return self.filter(child__in=children)


def police_agency() -> list[str]:
    return [Agency.POLICE.value]


class Link(models.Model):
    """A child or a subject linked to a subject: typed, dated, with the record it came from
    and its 3x5x2 grading. Handling code C: only `agencies` and `named_users` see its
    content; everyone else sees that a restricted item exists."""

    child = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="intelligence_links"
    )
    from_subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="links_out"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links_in")
    link_type = models.CharField(max_length=12, choices=LinkType.choices)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    source_type = models.CharField(max_length=20, choices=SourceType.choices)
    source_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    assessment = models.CharField(max_length=1, choices=Assessment.choices)
    handling = models.CharField(max_length=1, choices=Handling.choices)
    graded_by_rule = models.BooleanField(default=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    agencies = models.JSONField(
        default=police_agency, blank=True, help_text="code C: agencies who may see it"
    )
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=True, from_subject__isnull=False)
                | Q(child__isnull=False, from_subject__isnull=True),
                name="intel_link_from_child_or_subject",
            ),
            models.CheckConstraint(
                condition=Q(source_evaluation__in=["1", "2", "3"])
                & Q(assessment__in=["A", "B", "C", "D", "E"])
                & Q(handling__in=["P", "C"]),
                name="intel_link_graded_in_scheme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_link_type_display()} {self.subject.name}"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.assessment}{self.handling}"

    def content_visible_to(self, user: User) -> bool:
        """Code P: anyone who may see the link. Code C: the agencies and people named."""
        if self.handling != Handling.CONDITIONS:
            return True
        if user.agency in (self.agencies or []):
            return True
        return self.named_users.filter(pk=user.pk).exists()


class Alert(models.Model):
    """A new link that joined a child to a network (an existing group, or an adult now
    linked to N children or more): for the next daily meeting and the dashboard."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="alerts")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="alerts")
    reason = models.CharField(max_length=SHORT_TEXT_MAX)
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.reason
