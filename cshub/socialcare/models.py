"""The council's record of the child: what its case system (Liquidlogic, Mosaic, Eclipse)
holds about a child in need, a child protection plan, a looked-after child, who holds the
case and the contacts about the child. Every record comes from an import of the Standard
Safeguarding Dataset (docs/interchange.md): `source_id` is the SSD id, and CSHub never
changes these records itself (the council's system is where they are kept)."""

from django.db import models

from cshub.access.models import User
from cshub.core.limits import long_text
from cshub.people.models import Person


class PrimaryNeed(models.TextChoices):
    N0 = "N0", "Not stated"
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability or illness"
    N3 = "N3", "Parent's disability or illness"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class CloseReason(models.TextChoices):
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social services"
    RC7 = "RC7", "Services ceased for any other reason"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class ClaStartReason(models.TextChoices):
    S = "S", "Started to be looked after"
    L = "L", "Change of legal status only"
    P = "P", "Change of placement and carer(s) only"
    T = "T", "Change of placement only (same carer)"
    B = "B", "Change of legal status and placement and carer(s)"
    U = "U", "Change of legal status and placement (same carer)"


# The SSDA903 reasons an episode of care ceased (the DfE's list; labels are the codes).
CLA_CEASED_REASONS = (
    "X1",
    "E11",
    "E12",
    "E13",
    "E14",
    "E15",
    "E16",
    "E17",
    "E2",
    "E3",
    "E4A",
    "E4B",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E5",
    "E6",
    "E7",
    "E8",
    "E9",
)


class CpCategory(models.TextChoices):
    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple categories"


# The CIN census assessment factors (CIN-V rule 8897Q; 18A and 19A are still accepted).
CIN_FACTORS = (
    *(f"{n}{x}" for n in range(1, 7) for x in "ABC"),
    "7A",
    "8B",
    "8C",
    "8D",
    "8E",
    "8F",
    "9A",
    "10A",
    "11A",
    "12A",
    "13A",
    "14A",
    "15A",
    "16A",
    "17A",
    "18A",
    "18B",
    "18C",
    "19A",
    "19B",
    "19C",
    "20",
    "21",
    "22A",
    "23A",
    "24A",
)
# The factors about exploitation, which the hub's own assessments derive as well.
EXPLOITATION_FACTORS = {
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "24A": "Child criminal exploitation",
}


class CinEpisode(models.Model):
    """`ssd_cin_episodes`: a referral to children's social care and the child-in-need
    episode that followed it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_episodes")
    referral_date = models.DateField(null=True, blank=True)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    referral_source_code = models.CharField(max_length=48, blank=True)
    referral_source = models.CharField(max_length=255, blank=True)
    referral_outcome = long_text("Referral outcome (as given)", blank=True)
    referral_nfa = models.BooleanField("No further action", null=True, blank=True)
    close_reason = models.CharField(max_length=3, choices=CloseReason.choices, blank=True)
    close_date = models.DateField(null=True, blank=True)
    team = models.CharField(max_length=100, blank=True)
    worker = models.CharField("Worker (as given)", max_length=100, blank=True)
    worker_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["referral_date", "id"]
        verbose_name = "CIN episode"

    def __str__(self) -> str:
        return f"CIN episode {self.source_id}"


class Involvement(models.Model):
    """`ssd_involvements`: a professional's involvement with the child (who holds the case)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    cin_episode = models.ForeignKey(
        CinEpisode, on_delete=models.SET_NULL, null=True, blank=True, related_name="involvements"
    )
    referral_id = models.CharField("Referral id (as given)", max_length=64, blank=True)
    professional = models.CharField("Professional (as given)", max_length=64, blank=True)
    professional_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=255, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    change_reason = models.CharField(max_length=200, blank=True)
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return f"Involvement {self.source_id}"


class CinAssessment(models.Model):
    """`ssd_cin_assessments`: a child and family (single) assessment."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_assessments")
    cin_episode = models.ForeignKey(
        CinEpisode, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    referral_id = models.CharField("Referral id (as given)", max_length=64, blank=True)
    start_date = models.DateField(null=True, blank=True)
    child_seen = models.BooleanField(null=True, blank=True)
    auth_date = models.DateField("Authorised", null=True, blank=True)
    outcome = long_text("Outcome (as given)", blank=True)
    outcome_nfa = models.BooleanField("No further action", null=True, blank=True)
    team = models.CharField(max_length=100, blank=True)
    worker = models.CharField("Worker (as given)", max_length=100, blank=True)
    worker_user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = "CIN assessment"

    def __str__(self) -> str:
        return f"CIN assessment {self.source_id}"


class AssessmentFactor(models.Model):
    """`ssd_assessment_factors`: the CIN factors an assessment identified."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cin_assessment_factors")
    assessment = models.ForeignKey(CinAssessment, on_delete=models.PROTECT, related_name="factor_rows")
    table_id = models.CharField("Table id (as given)", max_length=64, blank=True)
    factors = models.JSONField("CIN assessment factors", default=list, blank=True)
    source_id = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Assessment factors {self.source_id}"


class ClaEpisode(models.Model):
    """`ssd_cla_episodes`: an episode of care (looked after)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cla_episodes")
    start_date = models.DateField(null=True, blank=True)
    start_reason = models.CharField(max_length=1, choices=ClaStartReason.choices, blank=True)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    ceased_date = models.DateField(null=True, blank=True)
    ceased_reason = models.CharField(max_length=3, blank=True)
    cla_id = models.CharField("Period of care id (as given)", max_length=64, blank=True)
    referral_id = models.CharField("Referral id (as given)", max_length=64, blank=True)
    placement_id = models.CharField("Placement id (as given)", max_length=64, blank=True)
    entered_care_date = models.DateField(null=True, blank=True)
    last_iro_contact_date = models.DateField(null=True, blank=True)
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = "looked-after episode"

    def __str__(self) -> str:
        return f"Looked-after episode {self.source_id}"


class CpPlan(models.Model):
    """`ssd_cp_plans`: a child protection plan."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_plans")
    referral_id = models.CharField("Referral id (as given)", max_length=64, blank=True)
    icpc_id = models.CharField("Initial conference id (as given)", max_length=64, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=CpCategory.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=CpCategory.choices, blank=True)
    other_la = models.BooleanField("Plan from another local authority", null=True, blank=True)
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = "child protection plan"

    def __str__(self) -> str:
        return f"Child protection plan {self.source_id}"


class Contact(models.Model):
    """`ssd_contacts`: a contact about the child to children's social care."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="council_contacts")
    contact_date = models.DateField(null=True, blank=True)
    source_code = models.CharField(max_length=48, blank=True)
    source_desc = models.CharField(max_length=255, blank=True)
    outcome = long_text("Outcome (as given)", blank=True)
    source_id = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["contact_date", "id"]

    def __str__(self) -> str:
        return f"Contact {self.source_id}"
