"""Disproportionality (docs/metrics.md): for each group of a breakdown, its share of the
period's referrals beside its share of the reference population (population.csv), and
the rate ratio (group referrals / group population) / (other referrals / other population)
with a 95% confidence interval by the log method. An interval wholly above 1 flags the
group over-represented; wholly below 1, under-represented."""

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan

from cshub.assurance.metrics.base import Metrics, Percent, Period, Ratio, _is_small
from cshub.assurance.metrics.demand import reporting_gender
from cshub.assurance.metrics.sqlfns import day, month, year
from cshub.assurance.models import ReferencePopulation
from cshub.people.models import Address
from cshub.referrals.models import Referral

Z95 = 1.959964


@dataclass(frozen=True)
class RateRatio(Ratio):
    referrals: int
    total_referrals: int
    population: int
    total_population: int

    @property
    def ratio(self) -> float | None:
        a, b = self.referrals, self.total_referrals - self.referrals
        n1, n2 = self.population, self.total_population - self.population
        if min(a, b, n1, n2) <= 0:
            return None
        return (a / n1) / (b / n2)

    @property
    def interval(self) -> tuple[float, float] | None:
        ratio = self.ratio
        if ratio is None:
            return None
        a, b = self.referrals, self.total_referrals - self.referrals
        n1, n2 = self.population, self.total_population - self.population
        se = math.sqrt(max(1 / a - 1 / n1 + 1 / b - 1 / n2, 0.0))
        return ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se)

    @property
    def flag(self) -> str | None:
        ci = self.interval
        if ci is None:
            return None
        if ci[0] > 1:
            return "over-represented"
        if ci[1] < 1:
            return "under-represented"
        return None

    def _share(self, part: int, whole: int) -> float | None:
        return Percent(part, whole).percent  # half-up to 2 places, as every percentage

    def as_dict(self, publication: bool = False) -> dict[str, Any]:
        ci = self.interval
        if publication and _is_small(self.referrals):
            return {
                "referrals": "c",
                "referral_share": "c",
                "population": self.population,
                "population_share": self._share(self.population, self.total_population),
                "rate_ratio": "c",
                "ci_low": "c",
                "ci_high": "c",
                "flag": "c",
            }
        return {
            "referrals": self.referrals,
            "referral_share": self._share(self.referrals, self.total_referrals),
            "population": self.population,
            "population_share": self._share(self.population, self.total_population),
            "rate_ratio": None if self.ratio is None else round(self.ratio, 3),
            "ci_low": None if ci is None else round(ci[0], 3),
            "ci_high": None if ci is None else round(ci[1], 3),
            "flag": self.flag,
        }

    def row_of(self, d: dict[str, Any]) -> tuple[Any, Any, Any]:
        return (d["referrals"], d["population"], "" if d["rate_ratio"] is None else d["rate_ratio"])


def _age_band() -> SqlCase:
    """The child's age band on the day the referral was received, in SQL."""
    dob, on = F("person__date_of_birth"), F("received_date")
    not_yet = Q(GreaterThan(month(dob), month(on))) | Q(
        Exact(month(dob), month(on)), GreaterThan(day(dob), day(on))
    )
    age = year(on) - year(dob)
    return SqlCase(When(not_yet, then=age - 1), default=age)


def _groups(dimension: str, referrals: QuerySet[Referral]) -> dict[str, int]:
    if dimension == "gender":
        keyed = referrals.annotate(group=reporting_gender("person__"))
    elif dimension == "ethnicity":
        keyed = referrals.annotate(group=F("person__ethnicity"))
    elif dimension == "age_band":
        keyed = referrals.annotate(age=_age_band()).annotate(
            group=SqlCase(
                When(age__isnull=True, then=Value("")),  # no date of birth: in no band
                When(age__lt=11, then=Value("under_11")),
                When(age__lte=12, then=Value("11_12")),
                When(age__lte=14, then=Value("13_14")),
                When(age__lte=16, then=Value("15_16")),
                When(age=17, then=Value("17")),
                default=Value("18_plus"),
                output_field=CharField(),
            )
        )
    else:  # imd_decile of the home address on the day of the referral
        decile = Subquery(
            Address.objects.filter(person=OuterRef("person"), start_date__lte=OuterRef("received_date"))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("received_date")))
            .order_by("-start_date", "-id")
            .values("imd_decile")[:1]
        )
        keyed = referrals.annotate(group=Cast(decile, CharField()))
    return {
        str(g): n
        for g, n in keyed.values_list("group").annotate(n=Count("id")).order_by()
        if g not in (None, "")
    }


def compute(period: Period) -> Metrics:
    population: dict[str, dict[str, int]] = {}
    for row in ReferencePopulation.objects.order_by("pk"):  # the order the hub listed them
        population.setdefault(row.dimension, {})[row.group] = row.count
    referrals = Referral.objects.filter(**period.dates("received_date"))
    total = referrals.count()
    results: Metrics = {}
    # Referrals of a child with no date of birth are in no age band: left out of the age
    # comparison altogether (not counted among "every other" referral).
    aged = referrals.filter(person__date_of_birth__isnull=False).count()
    for dimension, groups in population.items():
        counts = _groups(dimension, referrals)
        whole = sum(groups.values())
        for group, size in groups.items():
            results[f"disproportionality.{dimension}.{group}"] = RateRatio(
                counts.get(group, 0), aged if dimension == "age_band" else total, size, whole
            )
    return results
