import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.codes import Ethnicity, Gender, Sex
from cshub.core.dates import age_on
from cshub.core.limits import NAME_MAX, long_text


class PersonType(models.TextChoices):
    CHILD = "CHILD", "Child"
    ADULT = "ADULT", "Adult"


class PersonQuerySet(models.QuerySet["Person"]):
    def children(self) -> "PersonQuerySet":
        return self.filter(person_type=PersonType.CHILD)

    def current(self) -> "PersonQuerySet":
        """Records not merged into another (a merged record forwards to its survivor and
        holds none of the child's records: it is not counted, listed or found)."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: User) -> "PersonQuerySet":
        """The records this user may open: the same rule as get_child_for_user(). Merged
        records are left out: they forward to the record they were merged into."""
        if not may_view_children(user):
            return self.none()
        return self.filter(visible_q(user, prefix="")).current()


def may_view_children(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has(Perm.VIEW_CHILD))


def visible_q(user: User, prefix: str = "person__") -> Q:
    """The visibility rule of get_child_for_user() as a condition on the query's rows.

    `prefix` is the path from the query's rows to the person ("person__", "episode__person__",
    "" for people themselves). The rule is written as its complement: the rows whose person is
    not among the few restricted records this user has no grant or live break-glass for. That
    set is small (restricted records are few, and found by a partial index), so the database
    drives from the query's own selective index and checks the person's id against it,
    without joining or scanning every person. Callers check `may_view_children(user)` first
    (a user without the permission sees nothing); this returns a condition that matches
    nothing then.
    """
    if not may_view_children(user):
        return Q(pk__in=[])
    now = timezone.now()
    granted = AccessGrant.objects.filter(person=OuterRef("pk"), user=user)
    broke_glass = BreakGlass.objects.filter(person=OuterRef("pk"), user=user, expires_at__gt=now)
    hidden = (
        Person.objects.filter(restricted=True)
        .filter(~Exists(granted), ~Exists(broke_glass))
        .order_by()
        .values("pk")
    )
    field = f"{prefix.removesuffix('__')}__in" if prefix else "pk__in"
    return ~Q(**{field: hidden})


class Person(models.Model):
    person_type = models.CharField(max_length=8, choices=PersonType.choices, default=PersonType.CHILD)
    forename = models.CharField(max_length=NAME_MAX)
    surname = models.CharField(max_length=NAME_MAX)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    dob_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    gender = models.CharField(max_length=2, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    restricted = models.BooleanField(default=False)
    restricted_reason = long_text(blank=True)
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # A duplicate merged into another record: it forwards there (people.merge). Its own
    # audit trail stays on its id; the survivor's Access page shows both (trail_ids()).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "forename", "id"]
        verbose_name_plural = "people"
        indexes = [
            # The few restricted records, for the visibility rule (visible_q).
            models.Index(fields=["id"], condition=Q(restricted=True), name="person_restricted"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if not (self.forename or self.surname):  # an extract without names (several SSD versions)
            return (
                f"Name not recorded (source id {self.source_id})" if self.source_id else "Name not recorded"
            )
        return f"{self.forename} {self.surname}"

    @property
    def called(self) -> str:
        """How the child is named in a sentence: the forename, else the whole name (which
        says that none is recorded, with the id to find them by)."""
        return self.forename or self.full_name

    def trail_ids(self) -> list[int]:
        """This record's id and those of every record merged into it (and into those): the
        ids whose audit trails together are this child's."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids

    def survivor(self) -> "Person":
        """The record this one forwards to: itself unless merged, else the end of the chain."""
        person = self
        while person.merged_into_id is not None:
            person = Person.objects.get(pk=person.merged_into_id)
        return person

    @staticmethod
    def forwarding() -> dict[int, int]:
        """Every merged record's id and the id of the record it forwards to (the end of its
        chain). One query: merged records are few, whatever the size of the index."""
        links: dict[int, int] = {
            pk: target
            for pk, target in Person.objects.filter(merged_into__isnull=False).values_list(
                "pk", "merged_into"
            )
            if target is not None
        }
        ends: dict[int, int] = {}
        for pk, first in links.items():
            target, seen = first, {pk}
            while target in links and target not in seen:  # merging never makes a cycle
                seen.add(target)
                target = links[target]
            ends[pk] = target
        return ends

    def age(self, on: dt.date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def reporting_gender(self) -> str:
        """`male`, `female`, `self_described` or `not_known` (interchange.md)."""
        by_gender = {
            Gender.MALE: "male",
            Gender.FEMALE: "female",
            Gender.SELF_DESCRIBED: "self_described",
            Gender.NOT_KNOWN: "not_known",
        }
        if self.gender:
            return by_gender[Gender(self.gender)]
        return {Sex.M: "male", Sex.F: "female"}.get(Sex(self.sex), "not_known") if self.sex else "not_known"


class NameKind(models.TextChoices):
    PRIMARY = "PRIMARY", "Name"
    ALIAS = "ALIAS", "Also known as"


class PersonName(models.Model):
    """Every name a person is known by (their name and each alias), indexed for search by
    the first word of the forename and of the surname, in either order (people.search)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=8, choices=NameKind.choices)
    forename = models.CharField(max_length=NAME_MAX, blank=True)
    surname = models.CharField(max_length=NAME_MAX, blank=True)
    normalised = models.CharField(max_length=201)
    fore = models.CharField(max_length=NAME_MAX, blank=True)  # first word of the forename, normalised
    sur = models.CharField(max_length=NAME_MAX, blank=True)  # first word of the surname, normalised

    class Meta:
        ordering = ["kind", "surname", "forename"]
        indexes = [
            models.Index(fields=["sur", "fore"], name="people_name_sur_fore"),
            models.Index(fields=["fore", "sur"], name="people_name_fore_sur"),
        ]

    def __str__(self) -> str:
        return f"{self.forename} {self.surname}".strip()


class NameWord(models.Model):
    """Each distinct word of the names in the index, once: the dictionary a query's words
    are expanded against (people.names)."""

    word = models.CharField(max_length=NAME_MAX, unique=True)

    def __str__(self) -> str:
        return self.word


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line = models.CharField("Address", max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        "IMD decile", null=True, blank=True, help_text="1 = most deprived 10% of areas"
    )
    source_id = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.postcode or self.line

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class AccessGrant(models.Model):
    """A user named on a restricted record: they may see it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="unique_access_grant")]

    def __str__(self) -> str:
        return f"{self.user} on {self.person_id}"


class BreakGlass(models.Model):
    """Emergency access to a restricted record, with a typed reason, for a limited time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = long_text()
    at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "break-glass accesses"

    def __str__(self) -> str:
        return f"{self.user} on {self.person_id} at {self.at}"


class TimelineKind(models.TextChoices):
    PERSON_CREATED = "PERSON_CREATED", "Record created"
    DETAILS_CHANGED = "DETAILS_CHANGED", "Details changed"
    RESTRICTED = "RESTRICTED", "Record restricted"
    REFERRAL = "REFERRAL", "Referral received"
    DECISION = "DECISION", "Threshold decision"
    EPISODE_OPENED = "EPISODE_OPENED", "Hub episode opened"
    ALLOCATED = "ALLOCATED", "Allocated"
    CASE_SUMMARY = "CASE_SUMMARY", "Case summary"
    CLOSURE_REQUESTED = "CLOSURE_REQUESTED", "Closure recorded"
    EPISODE_CLOSED = "EPISODE_CLOSED", "Hub episode closed"
    MISSING_REPORTED = "MISSING_REPORTED", "Reported missing"
    RETURN_INTERVIEW = "RETURN_INTERVIEW", "Return interview"
    MISSING_FLAGGED = "MISSING_FLAGGED", "Brought to the missing panel"
    PANEL_DECISION = "PANEL_DECISION", "Missing panel decision"
    INTERVIEW_REVIEWED = "INTERVIEW_REVIEWED", "Return interview reviewed"
    ASSESSMENT = "ASSESSMENT", "Exploitation risk assessment"
    ASSESSMENT_REVIEWED = "ASSESSMENT_REVIEWED", "Assessment reviewed by a manager"
    PLAN = "PLAN", "Child's plan"
    PLAN_REVIEW = "PLAN_REVIEW", "Plan reviewed"
    SAFETY_PLAN = "SAFETY_PLAN", "Safety plan"
    TRIGGER_PLAN = "TRIGGER_PLAN", "Trigger plan"
    VOICE = "VOICE", "The child's voice"
    DIRECT_WORK = "DIRECT_WORK", "Direct work"
    VISIT = "VISIT", "Visit"
    TEAM_CHANGED = "TEAM_CHANGED", "Team around the child"
    SUPERVISION = "SUPERVISION", "Supervision"
    OVERSIGHT = "OVERSIGHT", "Management oversight"
    NRM = "NRM", "National Referral Mechanism"
    TRANSITION = "TRANSITION", "Transition plan"
    ACTION_AGREED = "ACTION_AGREED", "Action agreed"
    ACTION_COMPLETED = "ACTION_COMPLETED", "Action completed"
    FLAGGED_FOR_MEETING = "FLAGGED_FOR_MEETING", "Brought to the daily meeting"
    MEETING_DECISION = "MEETING_DECISION", "Meeting decision"
    INTELLIGENCE = "INTELLIGENCE", "Intelligence link"
    DISRUPTION = "DISRUPTION", "Disruption"
    CASE_NOTE = "CASE_NOTE", "Case note"
    CONSULTATION = "CONSULTATION", "Consultation with the hub"
    AREA_FLAG = "AREA_FLAG", "Flagged at risk of exploitation"


class TimelineEntryQuerySet(models.QuerySet["TimelineEntry"]):
    def significant(self) -> "TimelineEntryQuerySet":
        return self.filter(significant=True)


class TimelineEntry(models.Model):
    """One row per thing that happened to a child, written by the rooms' actions."""

    # Indexed together (timeline_person_time) as the timeline is read: a child's entries in
    # time order. No other index: every import and action writes here, and each index costs.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="timeline", db_index=False)
    occurred_at = models.DateTimeField()
    # Known by its date only: stored at the start of that day in London (so it comes before
    # the day's timed entries) and shown as a date, never with a time it did not have.
    date_only = models.BooleanField(default=False)
    kind = models.CharField(max_length=32, choices=TimelineKind.choices)
    summary = models.TextField()  # written by actions from bounded parts, not typed
    link = models.CharField(max_length=200, blank=True)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    significant = models.BooleanField(default=False)
    significant_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["person", "-occurred_at"], name="timeline_person_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.kind}"


class PersonMerge(models.Model):
    """One merge of a duplicate record into its survivor (people.merge): who, when, why,
    and each row it moved (MergedRow), so an unmerge moves back exactly those."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    reason = long_text()
    # The survivor's own fields the merge changed (a restriction taken from the merged
    # record), as they were: an unmerge puts them back.
    survivor_before = models.JSONField(default=dict, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = long_text(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        # Not on the Person table: these are the few records (people) to show on a page.
        indexes = [models.Index(fields=["merged", "unmerged_at"], name="person_merge_merged")]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"


class MergedRow(models.Model):
    """A row a merge moved from the merged record to the survivor: its model, its primary
    key, the field that points at the person, and any other values the merge changed to
    make it fit (a name's kind, a plan's version), as they were."""

    merge = models.ForeignKey(PersonMerge, on_delete=models.CASCADE, related_name="rows")
    model = models.CharField(max_length=100)  # the model's label: "referrals.referral"
    object_pk = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.model} {self.object_pk}.{self.field}"
