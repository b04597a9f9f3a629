"""The whole area: every child flagged at risk of exploitation, wherever their case is held
(the whole-area register, docs/register.md), not only the hub's children (docs/metrics.md,
"The whole area"). Every figure one or a few aggregate queries over the flags in force in
the period; a child flagged by several sources, or for several concerns, is one child."""

import datetime as dt

from django.db.models import Case, CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Value, When

from cshub.assurance.metrics.base import Count as CountResult
from cshub.assurance.metrics.base import Metrics, Percent, Period
from cshub.assurance.metrics.demand import AGE_BANDS, GENDERS, _band, age_on, home_decile, reporting_gender
from cshub.casework.models import Episode
from cshub.consultations.models import Consultation
from cshub.core.codes import Ethnicity
from cshub.meetings.models import AgendaItem, Cadence
from cshub.people.models import Person, PersonType
from cshub.referrals.models import Referral
from cshub.register.models import AreaFlag, Concern

CONCERNS = list(Concern.values)
NOT_KNOWN = "not_known"  # an age band: no date of birth recorded
NOT_RECORDED = "not_recorded"  # an ethnicity: none recorded (or a code outside the CIN list)
UNKNOWN = "unknown"  # a deprivation decile: no home address with a decile on the day
AREA_AGE_BANDS = [*AGE_BANDS, NOT_KNOWN]
ETHNICITY_GROUPS = [*Ethnicity.values, NOT_RECORDED]
DECILES = [*(str(d) for d in range(1, 11)), UNKNOWN]


def months(period: Period) -> list[tuple[str, dt.date, dt.date]]:
    """Each calendar month the period touches: (YYYY-MM, its first and last day in the period)."""
    out = []
    first = period.start
    while first <= period.end:
        next_month = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        last = min(next_month - dt.timedelta(days=1), period.end)
        out.append((f"{first:%Y-%m}", first, last))
        first = next_month
    return out


def names(period: Period) -> list[str]:
    """Every figure this module gives for the period (the months depend on it)."""
    return [
        "area.children",
        *(f"area.by_concern.{c}" for c in CONCERNS),
        *(f"area.by_age_band.{b}" for b in AREA_AGE_BANDS),
        *(f"area.by_gender.{g}" for g in GENDERS),
        *(f"area.by_ethnicity_group.{e}" for e in ETHNICITY_GROUPS),
        *(f"area.by_imd_decile.{d}" for d in DECILES),
        "area.known_to_hub",
        "area.seen_at_daily_meeting",
        *(f"area.new_flags.{key}" for key, _, _ in months(period)),
    ]


def flags_in_force(period: Period) -> "QuerySet[AreaFlag]":
    """Flags about a child in force on at least one day of the period: flagged on or before
    its last day and not ended before its first (`ended_on` is the last day in force)."""
    return AreaFlag.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
        flagged_on__lte=period.end,
        person__person_type=PersonType.CHILD,
        # As the register: a record merged into another forwards there (its flags move).
        person__merged_into__isnull=True,
    )


def children(period: Period) -> "QuerySet[Person]":
    """`area.children`: each child with a flag in force in the period, once."""
    return Person.objects.filter(pk__in=flags_in_force(period).values("person"))


def known_to_hub(period: Period) -> "QuerySet[Person]":
    """Of `area.children`, those known to the hub by the period's last day (the register's
    "known to the hub", docs/register.md, as at that day): a hub episode opened on or before
    it (open then or since closed), or a hub referral received, or a consultation about
    them on a London date, on or before it."""
    end = period.end
    episode = Episode.objects.filter(person=OuterRef("pk"), open_date__lte=end)
    referral = Referral.objects.filter(person=OuterRef("pk"), received_date__lte=end)
    consultation = Consultation.objects.filter(person=OuterRef("pk"), occurred_at__lt=period.utc_end)
    return children(period).filter(Exists(episode) | Exists(referral) | Exists(consultation))


def seen_at_daily_meeting(period: Period) -> "QuerySet[Person]":
    """Of `area.children`, those on an agenda item (not removed) of a meeting dated in the
    period whose type meets every working day (cadence DAILY)."""
    items = AgendaItem.objects.filter(
        removed_at__isnull=True, meeting__meeting_type__cadence=Cadence.DAILY, **period.dates("meeting__date")
    )
    return children(period).filter(pk__in=items.values("children"))


def _age_band() -> Case:
    """The age band of `age` (demand's bands), or not known with no date of birth."""
    return Case(
        When(date_of_birth__isnull=True, then=Value(NOT_KNOWN)), default=_band(), output_field=CharField()
    )


def _ethnicity_group() -> Case:
    return Case(
        When(ethnicity__in=list(Ethnicity.values), then="ethnicity"),
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def _grouped(qs: "QuerySet[Person]", field: str) -> dict[str, int]:
    return {str(g): n for g, n in qs.values_list(field).annotate(n=Count("id")).order_by()}


def compute(period: Period) -> Metrics:
    people = children(period)
    total = people.count()
    flags = flags_in_force(period)
    # A child with two concerns counts under both: distinct children per concern, one pass.
    concerns = flags.aggregate(**{c: Count("person", distinct=True, filter=Q(concern=c)) for c in CONCERNS})
    day = period.measured_on
    aged = people.annotate(age=age_on(day))  # type: ignore[no-redef]  # _band() reads "age"
    ages = _grouped(aged.annotate(band=_age_band()), "band")
    genders = _grouped(people.annotate(g=reporting_gender()), "g")
    ethnicities = _grouped(people.annotate(e=_ethnicity_group()), "e")
    deciles = people.annotate(decile=home_decile(day)).aggregate(
        **{f"d_{d}": Count("id", filter=Q(decile=int(d))) for d in DECILES if d != UNKNOWN},
        d_unknown=Count("id", filter=Q(decile__isnull=True) | ~Q(decile__gte=1, decile__lte=10)),
    )
    # Newly flagged: the child's earliest flag (any source, ever) is dated in the month.
    firsts = (
        Person.objects.filter(person_type=PersonType.CHILD, merged_into__isnull=True)
        .annotate(first=Min("area_flags__flagged_on"))
        .filter(**period.dates("first"))
    )
    in_months = months(period)
    per_month = firsts.aggregate(
        **{
            f"m{i}": Count("id", filter=Q(first__gte=start, first__lte=end))
            for i, (_, start, end) in enumerate(in_months)
        }
    )
    return {
        "area.children": CountResult(total),
        **{f"area.by_concern.{c}": Percent(concerns[c], total) for c in CONCERNS},
        **{f"area.by_age_band.{b}": Percent(ages.get(b, 0), total) for b in AREA_AGE_BANDS},
        **{f"area.by_gender.{g}": Percent(genders.get(g, 0), total) for g in GENDERS},
        **{f"area.by_ethnicity_group.{e}": Percent(ethnicities.get(e, 0), total) for e in ETHNICITY_GROUPS},
        **{f"area.by_imd_decile.{d}": Percent(deciles[f"d_{d}"], total) for d in DECILES},
        "area.known_to_hub": Percent(known_to_hub(period).count(), total),
        "area.seen_at_daily_meeting": Percent(seen_at_daily_meeting(period).count(), total),
        **{
            f"area.new_flags.{key}": CountResult(per_month[f"m{i}"])
            for i, (key, _, _) in enumerate(in_months)
        },
    }
