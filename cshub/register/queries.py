"""Reading the whole-area register (docs/register.md, "The register's pages").

**Known to the hub** is defined here once (parts of CSHub that count it copy this
definition): a child is known to the hub when they have an open hub episode
(`casework.Episode` with no close date), else a past episode, else a referral to the hub
or a consultation about them, else never. Each is an `Exists` subquery on the child's id,
so any query whose rows lead to a child (people, flags) carries it as a column: no query
per child.

The register is every child (not merged into another record) with a flag in force today
(`AreaFlag.current`); the triage list ("Not known to the hub") is those of them the hub
does not know, that nobody has decided about since their last flag was recorded, most
concerning first, ordered by the database."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.consultations.models import Consultation
from cshub.missing.models import MissingEpisode, PoliceRisk
from cshub.people.models import Person, PersonType, visible_q
from cshub.referrals.models import Referral
from cshub.register.models import AreaFlag, Concern, Holder, Source, Triage

# A missing episode graded high risk by police this recently puts a child first on the
# triage list.
RECENT_MISSING_DAYS = 30
# Concerns that put a child before others on the triage list.
FIRST_CONCERNS = (Concern.CSE, Concern.CCE)


class HubKnowledge(models.TextChoices):
    """Whether the hub knows the child, the closest first."""

    OPEN = "OPEN", "Open to the hub"
    PAST = "PAST", "Past hub episode"
    CONTACT = "CONTACT", "Consultation or referral"
    NEVER = "NEVER", "Not known to the hub"


def _person(prefix: str) -> OuterRef:
    """The outer query's child: `prefix` is the path from its rows to the person ("" for
    people themselves, "person__" for rows with a `person`)."""
    return OuterRef(prefix.removesuffix("__") if prefix else "pk")


def hub_knowledge_annotations(prefix: str = "") -> dict[str, Any]:
    """Annotations for a query whose rows lead to a child (`prefix` as `visible_q`'s):
    `hub_open`, `hub_past`, `hub_referral`, `hub_consultation` (booleans) and
    `hub_knowledge` (a `HubKnowledge` value). Pass them to `.annotate(**…)`."""
    person = _person(prefix)
    return {
        "hub_open": Exists(Episode.objects.filter(person=person, close_date__isnull=True)),
        "hub_past": Exists(Episode.objects.filter(person=person, close_date__isnull=False)),
        "hub_referral": Exists(Referral.objects.filter(person=person)),
        "hub_consultation": Exists(Consultation.objects.filter(person=person)),
        "hub_knowledge": Case(
            When(hub_open=True, then=Value(HubKnowledge.OPEN.value)),
            When(hub_past=True, then=Value(HubKnowledge.PAST.value)),
            When(Q(hub_referral=True) | Q(hub_consultation=True), then=Value(HubKnowledge.CONTACT.value)),
            default=Value(HubKnowledge.NEVER.value),
            output_field=models.CharField(),
        ),
    }


QS = TypeVar("QS", bound="models.QuerySet[Any]")


def not_known_to_hub(qs: QS, prefix: str = "") -> QS:
    """The rows of `qs` whose child the hub has never known: no episode (open or past), no
    referral to the hub, no consultation about them."""
    person = _person(prefix)
    return qs.filter(
        ~Exists(Episode.objects.filter(person=person)),
        ~Exists(Referral.objects.filter(person=person)),
        ~Exists(Consultation.objects.filter(person=person)),
    )


def current_flags(on: dt.date) -> "models.QuerySet[AreaFlag]":
    """Flags in force on `on`, of children not merged into another record."""
    return AreaFlag.objects.current(on).filter(person__merged_into__isnull=True)


def on_register(on: dt.date) -> "models.QuerySet[Person]":
    """Every child with a flag in force on `on` (merged records forward: their flags moved
    to the record kept; adults' records are not on it, as `area.children` counts children)."""
    # Driven from the flags in force (a few hundred), not by asking of every person in the
    # index (140,000 at region scale) whether they have one: 5 ms there, not 45.
    return Person.objects.current().filter(
        pk__in=AreaFlag.objects.current(on).values("person_id"), person_type=PersonType.CHILD
    )


# Who holds the case when several flags say: the hub while a hub episode is open (its flag
# is in force), then locality social work, youth justice, early help, police, a school.
HOLDER_ORDER = (
    Holder.HUB,
    Holder.LOCALITY,
    Holder.YOUTH_JUSTICE,
    Holder.EARLY_HELP,
    Holder.POLICE,
    Holder.SCHOOL,
    Holder.OTHER,
    Holder.NONE,
)


def holder_rank() -> Case:
    return Case(
        *(When(holder=h, then=Value(i)) for i, h in enumerate(HOLDER_ORDER)),
        default=Value(len(HOLDER_ORDER)),
        output_field=IntegerField(),
    )


def register_annotations(on: dt.date) -> dict[str, Any]:
    """Columns of a register row, on a query of people: who holds the case (of the flags in
    force, the one whose holder comes first in HOLDER_ORDER, the latest among those), how
    many flags are in force, the latest flag's date, and their last missing episode (when
    reported, the police grading)."""
    flags = AreaFlag.objects.current(on).filter(person=OuterRef("pk"))
    lead = flags.annotate(rank=holder_rank()).order_by("rank", "-flagged_on", "-recorded_at", "-id")
    latest = flags.order_by("-flagged_on", "-recorded_at", "-id")
    missing = MissingEpisode.objects.filter(person=OuterRef("pk")).order_by("-reported_at", "-id")
    return {
        "holder": Subquery(lead.values("holder")[:1]),
        "holder_team": Subquery(lead.values("holder_team")[:1]),
        "latest_flagged_on": Subquery(latest.values("flagged_on")[:1]),
        "flag_count": Coalesce(
            Subquery(flags.order_by().values("person").annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
        ),
        "last_missing_at": Subquery(missing.values("reported_at")[:1]),
        "last_missing_risk": Subquery(missing.values("police_risk")[:1]),
    }


@dataclass(frozen=True)
class Filters:
    """The register's filters: codes only (nothing about a child goes in a URL)."""

    concern: str = ""
    source: str = ""
    holder: str = ""
    known: str = ""

    @classmethod
    def from_query(cls, data: Any) -> "Filters":
        def pick(name: str, allowed: Iterable[str]) -> str:
            value = str(data.get(name, ""))
            return value if value in allowed else ""

        return cls(
            concern=pick("concern", Concern.values),
            source=pick("source", Source.values),
            holder=pick("holder", Holder.values),
            known=pick("known", HubKnowledge.values),
        )

    def __bool__(self) -> bool:
        return bool(self.concern or self.source or self.holder or self.known)

    def query_string(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.__dict__.items() if v)


def register_rows(on: dt.date, filters: Filters = Filters()) -> "models.QuerySet[Person]":
    """The register's rows (one per child, filtered), every child: callers narrow to those
    the user may see. Newest flag first."""
    qs = on_register(on)
    if filters.concern:
        qs = qs.filter(
            Exists(AreaFlag.objects.current(on).filter(person=OuterRef("pk"), concern=filters.concern))
        )
    if filters.source:
        qs = qs.filter(
            Exists(AreaFlag.objects.current(on).filter(person=OuterRef("pk"), source=filters.source))
        )
    qs = qs.annotate(**register_annotations(on), **hub_knowledge_annotations())
    if filters.holder:
        qs = qs.filter(Q(holder=filters.holder))
    if filters.known:
        qs = qs.filter(Q(hub_knowledge=filters.known))
    return qs.order_by(F("latest_flagged_on").desc(nulls_last=True), "surname", "forename", "id")


@dataclass
class Counts:
    """The register's figures: children, not flags (a child with three flags is one)."""

    children: int = 0
    hidden: int = 0  # restricted records counted, not named
    by_knowledge: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, n
    by_concern: list[tuple[str, str, int]] = field(default_factory=list)
    by_holder: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def known(self) -> int:
        return sum(n for code, _, n in self.by_knowledge if code != HubKnowledge.NEVER)

    @property
    def not_known(self) -> int:
        return self.children - self.known


def _tally(rows: "models.QuerySet[Person]", column: str) -> dict[str, int]:
    """How many rows have each value of the annotation `column` (one GROUP BY)."""
    return {r["key"]: r["n"] for r in rows.values(key=F(column)).annotate(n=Count("pk"))}


def counts(
    rows: "models.QuerySet[Person]", on: dt.date, *, visible: "models.QuerySet[Person] | None" = None
) -> Counts:
    """Figures for the register's rows (`register_rows`, any filters): how many children,
    by whether the hub knows them, by concern (a child with flags of two concerns counts
    under both) and by who holds the case. `visible`, when given, is the rows the user may
    see: the others are counted as hidden."""
    plain = rows.order_by()
    knowledge = _tally(plain, "hub_knowledge")
    holders = _tally(plain, "holder")
    concerns = dict(
        current_flags(on)
        .filter(person__in=plain.values("pk"))
        .order_by()
        .values_list("concern")
        .annotate(n=Count("person", distinct=True))
    )
    total = sum(knowledge.values())
    return Counts(
        children=total,
        hidden=total - visible.order_by().count() if visible is not None else 0,
        by_knowledge=[(c, str(label), knowledge.get(c, 0)) for c, label in HubKnowledge.choices],
        by_concern=[(c, str(label), concerns[c]) for c, label in Concern.choices if concerns.get(c)],
        by_holder=[(c, str(label), holders[c]) for c, label in Holder.choices if holders.get(c)],
    )


def flags_of(person_ids: Iterable[int], on: dt.date) -> dict[int, list[AreaFlag]]:
    """The flags in force on `on` of these children (one query), newest first."""
    found: dict[int, list[AreaFlag]] = {}
    for flag in (
        AreaFlag.objects.current(on)
        .filter(person_id__in=list(person_ids))
        .order_by("person_id", "-flagged_on", "-id")
    ):
        found.setdefault(flag.person_id, []).append(flag)
    return found


def triage_rows(on: dt.date, now: dt.datetime) -> "models.QuerySet[Person]":
    """The triage list, "Not known to the hub": children on the register the hub has never
    known and no one has decided about since a flag in force was last recorded, most
    concerning first: (1) a missing episode reported or ended in the last 30 days that
    police graded high risk; (2) a flag of sexual or criminal exploitation; (3) two flags
    or more; (4) younger first. Each row carries `last_decided_at` (the latest decision,
    when a flag recorded since brought them back) and `last_decision`."""
    since = now - dt.timedelta(days=RECENT_MISSING_DAYS)
    flags = AreaFlag.objects.current(on).filter(person=OuterRef("pk"))
    decisions = Triage.objects.filter(person=OuterRef("pk")).order_by("-decided_at", "-id")
    high_missing = MissingEpisode.objects.filter(person=OuterRef("pk"), police_risk=PoliceRisk.HIGH).filter(
        Q(reported_at__gte=since) | Q(returned_at__gte=since)
    )
    qs = not_known_to_hub(on_register(on)).annotate(
        **register_annotations(on),
        last_decided_at=Subquery(decisions.values("decided_at")[:1]),
        last_decision=Subquery(decisions.values("decision")[:1]),
        high_missing=Exists(high_missing),
        exploitation=Exists(flags.filter(concern__in=FIRST_CONCERNS)),
    )
    qs = qs.filter(
        Q(last_decided_at__isnull=True) | Exists(flags.filter(recorded_at__gt=OuterRef("last_decided_at")))
    )
    return qs.annotate(
        several=Case(When(flag_count__gte=2, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by(
        F("high_missing").desc(),
        F("exploitation").desc(),
        F("several").desc(),
        F("date_of_birth").desc(nulls_last=True),
        "id",
    )


def visible_rows(qs: "models.QuerySet[Person]", user: User) -> "models.QuerySet[Person]":
    """The rows naming a child this user may see (restricted records they are not named on
    are left out: the pages count them)."""
    return qs.filter(visible_q(user, ""))
