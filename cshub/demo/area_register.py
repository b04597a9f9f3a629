"""The demo city's whole-area exploitation register (issue 21): about three times as many
children flagged at risk of exploitation as the hub holds, most of them held by locality
social work, early help, youth justice, schools or police and never referred to the hub.

- **Locality social work**: the council's own records, as the SSD extract would bring
  them (a CIN episode, the allocated worker's involvement with the team's name, a CIN
  assessment and its factors with one or more of the exploitation factors 10A, 11A, 12A,
  13A, 24A). `register.sync.sync_people` derives their flags, and the hub's own.
- **Early help, youth justice, schools and police**: flags as a flag file imports them
  (`AreaFlag`, origin `import:<SOURCE>:<id>`), with a timeline entry each.
- Some children flagged by two or three sources, some of the hub's own children and of
  its past children flagged by others too, a few not known to the hub missing at high risk
  in the last 30 days (the triage list's first rule), a few past triage decisions (one
  flagged again since).

Its own random stream: the rest of the demo is unchanged. Sized from the hub's open
caseload, so a region-scale build grows it in step and no more."""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from cshub.access.models import User
from cshub.casework.models import Episode
from cshub.core.dates import LONDON
from cshub.demo import names
from cshub.missing import actions as missing
from cshub.people import actions as people
from cshub.people.models import Person, TimelineEntry, TimelineKind
from cshub.people.timeline import start_of_day
from cshub.register.models import AreaFlag, Concern, Holder, Source, Triage, TriageDecision
from cshub.socialcare.models import AssessmentFactor, CinAssessment, CinEpisode, Involvement

# How many children on the register for each child the hub holds (open episodes).
REGISTER_PER_OPEN_CASE = 3
# Where the flag of a child the hub does not know comes from.
HELD_BY = [("LOCALITY", 40), ("EARLY_HELP", 20), ("YOUTH_JUSTICE", 15), ("SCHOOL", 15), ("POLICE", 10)]
LOCALITY_TEAMS = [
    "North locality team",
    "South locality team",
    "Central locality team",
    "East locality team",
    "Children in care team",
]
TEAMS = {
    Source.EARLY_HELP: ["Early help hub, North", "Early help hub, South", "Family support team, Central"],
    Source.YOUTH_JUSTICE: ["Youth justice service, North", "Youth justice service, South"],
    Source.SCHOOL: [
        "Oakridge Academy",
        "Hollow Lane High School",
        "St Bramble's RC High School",
        "Marshcombe Pupil Referral Unit",
        "Linden Park Academy",
    ],
    Source.POLICE: [
        "Neighbourhood policing, North",
        "Neighbourhood policing, South",
        "Missing from home team",
    ],
}
HOLDERS = {
    Source.EARLY_HELP: Holder.EARLY_HELP,
    Source.YOUTH_JUSTICE: Holder.YOUTH_JUSTICE,
    Source.SCHOOL: Holder.SCHOOL,
    Source.POLICE: Holder.POLICE,
}
PREFIX = {Source.EARLY_HELP: "EH", Source.YOUTH_JUSTICE: "YJ", Source.SCHOOL: "SCH", Source.POLICE: "POL"}
ROLE = {
    Source.EARLY_HELP: "key worker",
    Source.YOUTH_JUSTICE: "case manager",
    Source.SCHOOL: "designated safeguarding lead",
    Source.POLICE: "officer in the case",
}
NOTES = {
    Concern.CCE: "Found with cash and two phones in another town; an older man drove him back.",
    Concern.CSE: "Seen getting into cars with adults after school; new clothes and a phone nobody gave her.",
    Concern.GANGS: "Named by police as linked to a group involved in a stabbing nearby.",
    Concern.MISSING: "Missing overnight three times this term, each time found in the city centre.",
    Concern.TRAFFICKING: "Moved between addresses in two towns by adults who are not family.",
    Concern.OTHER: "Contact online with adults the family do not know; worries shared by the school.",
}
# Exploitation factors of a CIN assessment (with other factors the assessment found).
CIN_FACTORS = {
    Concern.CCE: ["24A"],
    Concern.CSE: ["11A"],
    Concern.GANGS: ["13A", "24A"],
    Concern.MISSING: ["10A"],
    Concern.TRAFFICKING: ["12A"],
    Concern.OTHER: ["10A", "11A"],
}
OTHER_FACTORS = ["21", "20", "17A", "19A"]
TRIAGE_REASONS = [
    "The locality team holds the plan and the risk is reducing; the school and the worker meet weekly.",
    "Youth justice have a worker in place who knows him well; no new information about adults of concern.",
    "Early help are working with the family; the school will ring the consultation line if things change.",
    "Police flag relates to one incident two months ago; no missing episodes since and the child is in school.",
]


@dataclass
class RegisterSummary:
    children: int = 0  # on the register today (current flags, or open to the hub)
    new_children: int = 0  # made here, none known to the hub
    flags: int = 0  # imported flags made here
    cin_assessments: int = 0


def register_children(today: dt.date) -> set[int]:
    """The children on the register today: a current flag (any source), a current CIN
    exploitation factor (before `sync_people` has made its flag), or open to the hub."""
    flagged = set(AreaFlag.objects.current(today).values_list("person_id", flat=True))
    locality = {
        pid
        for pid, factors, closed in AssessmentFactor.objects.values_list(
            "person_id", "factors", "assessment__cin_episode__close_date"
        )
        if (closed is None or closed >= today) and set(factors) & {"10A", "11A", "12A", "13A", "24A"}
    }
    hub = set(Episode.objects.open().values_list("person_id", flat=True))
    return flagged | locality | hub


def _concern(rng: random.Random, sex: str) -> Concern:
    weights = (
        [(Concern.CCE, 50), (Concern.GANGS, 20), (Concern.CSE, 8)]
        if sex == "M"
        else [(Concern.CSE, 50), (Concern.CCE, 20), (Concern.GANGS, 5)]
    )
    weights += [(Concern.MISSING, 12), (Concern.TRAFFICKING, 5), (Concern.OTHER, 5)]
    return rng.choices([c for c, _ in weights], weights=[w for _, w in weights])[0]


class RegisterMaker:
    def __init__(
        self, users: dict[str, User], today: dt.date, *, seed: int, ethnicities: list[tuple[str, int]]
    ) -> None:
        self.rng = random.Random(seed + 31)  # nosec B311 # seeded generator of synthetic data, never for security
        self.today = today
        self.users = users
        self.ethnicities = ethnicities
        self.importer = users["admin"]
        self.worker = users["practitioner"]
        self.summary = RegisterSummary()
        self.flags: list[AreaFlag] = []
        self.ssd: list[tuple[CinEpisode, Involvement, CinAssessment, AssessmentFactor]] = []
        self.n = 0
        self.used_names = set(Person.objects.values_list("forename", "surname"))
        self.recent_missing: list[Person] = []

    def _next(self) -> int:
        self.n += 1
        return self.n

    def _day(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def _worker_name(self) -> str:
        return f"{self.rng.choice(names.WORKER_FIRST)} {self.rng.choice(names.SURNAMES)}"

    # Children ------------------------------------------------------------------------
    def new_child(self) -> Person:
        rng = self.rng
        is_boy = rng.random() < 0.62
        self_described = rng.random() < 0.02
        forename = rng.choice(names.NEUTRAL if self_described else names.BOYS if is_boy else names.GIRLS)
        surname = rng.choice(names.SURNAMES)
        while (forename, surname) in self.used_names:
            surname = rng.choice(names.SURNAMES)
        self.used_names.add((forename, surname))
        age = rng.choices(range(10, 18), weights=[3, 5, 8, 12, 18, 22, 20, 12])[0]
        born = self.today - dt.timedelta(days=age * 365 + rng.randint(10, 355))
        ethnicity = rng.choices([e for e, _ in self.ethnicities], weights=[w for _, w in self.ethnicities])[0]
        person = people.create_person(
            people.PersonDetails(
                forename=forename,
                surname=surname,
                date_of_birth=born,
                sex="U" if self_described else ("M" if is_boy else "F"),
                gender="09" if self_described else ("01" if is_boy else "02"),
                ethnicity=ethnicity if rng.random() > 0.04 else "",
                upn=f"A{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.9 else "",
            ),
            actor=self.worker,
            at=dt.datetime.combine(self._day(400, 720), dt.time(9), tzinfo=LONDON),
        )
        # One in fifteen with no address: they count as "unknown" deprivation.
        if self.summary.new_children % 15 != 7:
            area = rng.choice(names.POSTCODE_AREAS)
            letters = "ABDEFGHJLNPQRSTUWXYZ"
            people.add_address(
                person,
                actor=self.worker,
                line=f"{rng.randint(1, 180)} {rng.choice(names._FIRST)} Road",
                postcode=f"{area} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}",
                start_date=born + dt.timedelta(days=rng.randint(0, 3650)),
                imd_decile=rng.choices(range(1, 11), weights=[20, 18, 15, 11, 9, 8, 6, 5, 4, 4])[0],
            )
        self.summary.new_children += 1
        return person

    # Flags ---------------------------------------------------------------------------
    def locality(self, person: Person, concern: Concern, *, closed: bool = False) -> None:
        """A CIN episode with the allocated worker's involvement and an assessment whose
        factors include the exploitation factor (the flag `sync_people` derives)."""
        rng, n = self.rng, self._next()
        referred = self._day(30, 600)
        team = rng.choice(LOCALITY_TEAMS)
        worker = self._worker_name()
        close_date = (
            min(self.today - dt.timedelta(days=5), referred + dt.timedelta(days=rng.randint(60, 300)))
            if closed
            else None
        )
        episode = CinEpisode(
            person=person,
            referral_date=referred,
            primary_need="N6" if rng.random() < 0.6 else "N1",
            referral_source_code="1A" if rng.random() < 0.5 else "5A",
            referral_source="Police" if rng.random() < 0.5 else "School",
            referral_nfa=False,
            close_date=close_date,
            close_reason="RC7" if close_date else "",
            team=team,
            worker=worker,
            source_id=f"DEMO-CIN-{n}",
        )
        started = referred + dt.timedelta(days=rng.randint(1, 10))
        authorised = started + dt.timedelta(days=rng.randint(10, 40))
        assessment = CinAssessment(
            person=person,
            cin_episode=episode,
            referral_id=f"DEMO-REF-{n}",
            start_date=started,
            child_seen=True,
            auth_date=authorised if authorised <= self.today else None,
            outcome="Child in need plan",
            outcome_nfa=False,
            team=team,
            worker=worker,
            source_id=f"DEMO-CA-{n}",
        )
        involvement = Involvement(
            person=person,
            cin_episode=episode,
            referral_id=f"DEMO-REF-{n}",
            professional=worker,
            role="Allocated social worker",
            team=team,
            start_date=referred,
            end_date=close_date,
            source_id=f"DEMO-INV-{n}",
        )
        factors = list(CIN_FACTORS[concern])
        if rng.random() < 0.4:
            factors.append(rng.choice(OTHER_FACTORS))
        factor = AssessmentFactor(
            person=person,
            assessment=assessment,
            table_id=f"DEMO-AF-{n}",
            factors=factors,
            source_id=f"DEMO-AF-{n}",
        )
        self.ssd.append((episode, involvement, assessment, factor))
        self.summary.cin_assessments += 1

    def imported(
        self,
        person: Person,
        source: Source,
        concern: Concern,
        flagged_on: dt.date,
        *,
        ended_on: dt.date | None = None,
    ) -> AreaFlag:
        """A flag as the partner's flag file brings it (docs/interchange.md)."""
        rng, n = self.rng, self._next()
        team = rng.choice(TEAMS[source])
        recorded = dt.datetime.combine(
            min(self.today, flagged_on + dt.timedelta(days=rng.randint(0, 3))), dt.time(6), tzinfo=LONDON
        )
        flag = AreaFlag(
            person=person,
            source=source,
            concern=concern,
            flagged_on=flagged_on,
            ended_on=ended_on,
            holder=HOLDERS[source],
            holder_team=team,
            holder_contact=f"{self._worker_name()}, {ROLE[source]}, 0161 496 0{rng.randint(100, 999)}",
            note=NOTES[concern] if rng.random() < 0.6 else "",
            origin=f"import:{source}:{PREFIX[source]}-{4000 + n}",
            recorded_by=self.importer,
            recorded_at=min(recorded, timezone.now()),
        )
        self.flags.append(flag)
        return flag

    def flag(
        self, person: Person, held_by: str, concern: Concern, *, since: tuple[int, int] = (10, 600)
    ) -> None:
        if held_by == "LOCALITY":
            self.locality(person, concern)
        else:
            self.imported(person, Source(held_by), concern, self._day(*since))

    def more_flags(self, person: Person, first: str, concern: Concern) -> None:
        """A second source for about a quarter of children, a third for a few."""
        rng = self.rng
        extra = 2 if rng.random() < 0.08 else 1 if rng.random() < 0.25 else 0
        others = [h for h, _ in HELD_BY if h != first]
        for held_by in rng.sample(others, k=extra):
            self.flag(person, held_by, concern if rng.random() < 0.7 else _concern(rng, person.sex))

    # The register --------------------------------------------------------------------
    def build(self) -> RegisterSummary:
        rng = self.rng
        # (Not `episodes__close_date__isnull`: that matches children with no episode too.)
        open_children = list(
            Person.objects.filter(pk__in=Episode.objects.open().values("person_id")).order_by("pk")
        )
        past_children = list(
            Person.objects.filter(referrals__isnull=False)
            .exclude(pk__in=[p.pk for p in open_children])
            .distinct()
            .order_by("pk")
        )
        target = REGISTER_PER_OPEN_CASE * len(open_children)
        # The hub's own children: some held by a locality team or known to others too.
        for person in open_children:
            if rng.random() < 0.3:
                held_by = rng.choices([h for h, _ in HELD_BY], weights=[w for _, w in HELD_BY])[0]
                self.flag(person, held_by, _concern(rng, person.sex))
        # Children the hub closed (or turned away) that others flag now.
        returning = rng.sample(past_children, k=min(len(past_children), len(open_children) // 5))
        for person in returning:
            held_by = rng.choices([h for h, _ in HELD_BY], weights=[w for _, w in HELD_BY])[0]
            self.flag(person, held_by, _concern(rng, person.sex), since=(10, 300))
        # And most: children the hub has never heard of.
        unknown: list[Person] = []
        for _ in range(max(0, target - len(open_children) - len(returning))):
            person = self.new_child()
            held_by = rng.choices([h for h, _ in HELD_BY], weights=[w for _, w in HELD_BY])[0]
            concern = _concern(rng, person.sex)
            self.flag(person, held_by, concern)
            self.more_flags(person, held_by, concern)
            if rng.random() < 0.1:  # an older flag that has ended (not counted today)
                start = self._day(500, 700)
                self.imported(
                    person,
                    Source.SCHOOL,
                    concern,
                    start,
                    ended_on=start + dt.timedelta(days=rng.randint(30, 200)),
                )
            unknown.append(person)
        # Some closed CIN episodes of children not otherwise flagged: past, not on the register.
        for person in rng.sample(past_children, k=min(len(past_children), len(open_children) // 10)):
            self.locality(person, _concern(rng, person.sex), closed=True)
        self._save()
        self._missing(unknown)
        self._triage(unknown)
        self.summary.children = len(register_children(self.today))
        return self.summary

    def _save(self) -> None:
        CinEpisode.objects.bulk_create([row[0] for row in self.ssd])
        for episode, involvement, assessment, _ in self.ssd:
            involvement.cin_episode = assessment.cin_episode = episode
        Involvement.objects.bulk_create([row[1] for row in self.ssd])
        CinAssessment.objects.bulk_create([row[2] for row in self.ssd])
        for _, _, assessment, factor in self.ssd:
            factor.assessment = assessment
        AssessmentFactor.objects.bulk_create([row[3] for row in self.ssd])
        self._save_flags(self.flags)
        self.summary.flags = len(self.flags)

    def _save_flags(self, flags: list[AreaFlag]) -> None:
        AreaFlag.objects.bulk_create(flags)
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                person_id=flag.person_id,
                kind=TimelineKind.AREA_FLAG,
                date_only=True,
                occurred_at=start_of_day(flag.flagged_on),
                summary=f"Flagged at risk ({flag.get_concern_display().lower()}) by "
                f"{flag.get_source_display().lower()}: {flag.holder_team}",
                source_type=AreaFlag._meta.label_lower,
                source_id=str(flag.pk),
                recorded_by=flag.recorded_by,
                recorded_at=flag.recorded_at,
            )
            for flag in flags
        )

    def _missing(self, unknown: list[Person]) -> None:
        """A few children the hub does not know missing at high risk in the last 30 days,
        and older missing episodes for some others."""
        rng = self.rng
        worker = self.users["missing"]
        now = timezone.now()
        if not unknown:
            return
        recent = rng.sample(unknown, k=min(len(unknown), max(2, len(unknown) // 60)))
        older = rng.sample(unknown, k=len(unknown) // 8)
        for i, person in enumerate(recent):
            days_ago = 3 + (i * 7) % 26
            reported = dt.datetime.combine(
                self.today - dt.timedelta(days=days_ago), dt.time(21), tzinfo=LONDON
            )
            self._report(person, reported, "HIGH", worker, now)
        for person in older:
            if person in recent:
                continue
            reported = dt.datetime.combine(
                self._day(40, 330), dt.time(rng.choice([16, 19, 22])), tzinfo=LONDON
            )
            self._report(person, reported, rng.choice(["LOW", "MEDIUM", "MEDIUM"]), worker, now)
        self.recent_missing = recent

    def _report(
        self, person: Person, reported: dt.datetime, risk: str, worker: User, now: dt.datetime
    ) -> None:
        reported = min(reported, now - dt.timedelta(hours=30))
        missing.record_missing_episode(
            person,
            missing.MissingReport(
                reported_at=reported,
                returned_at=reported + dt.timedelta(hours=self.rng.choice([5, 9, 14, 20])),
                missing_type="M",
                police_risk=risk,
                from_care=self.rng.random() < 0.3,
            ),
            actor=worker,
        )

    def _triage(self, unknown: list[Person]) -> None:
        """Past decisions "considered, not for the hub"; one child flagged again since."""
        rng = self.rng
        # Children whose flags are imported only: a social care flag is derived later (by
        # `sync_people`), and its recording time would bring the child back to the list.
        locality = {row[0].person_id for row in self.ssd}
        candidates = [p for p in unknown if p not in self.recent_missing and p.pk not in locality]
        chosen = rng.sample(candidates, k=min(len(candidates), 4))
        last_flag = dict(
            AreaFlag.objects.filter(person__in=chosen)
            .order_by("person_id", "recorded_at")
            .values_list("person_id", "recorded_at")
        )
        # The demo's "now", or the end of the day it is built for (tests build for a fixed day).
        now = min(timezone.now(), dt.datetime.combine(self.today, dt.time(18), tzinfo=LONDON))
        deciders = [self.users["manager"], self.worker]
        again: list[AreaFlag] = []
        for i, person in enumerate(chosen):
            after = last_flag.get(person.pk, person.created_at)
            decided_at = max(after + dt.timedelta(days=2), now - dt.timedelta(days=100 - 20 * i))
            decided_at = min(decided_at, now - dt.timedelta(days=25))
            if decided_at <= after:  # flagged too recently for a past decision: leave them on the list
                continue
            Triage.objects.create(
                person=person,
                decision=TriageDecision.NOT_FOR_HUB,
                reason=TRIAGE_REASONS[i % len(TRIAGE_REASONS)],
                decided_by=deciders[i % 2],
                decided_at=decided_at,
            )
            if not again:  # flagged again since: police, two weeks after the decision
                again.append(
                    self.imported(
                        person,
                        Source.POLICE,
                        Concern.CCE if person.sex == "M" else Concern.CSE,
                        timezone.localdate(decided_at) + dt.timedelta(days=14),
                    )
                )
        for flag in again:
            flag.recorded_at = max(flag.recorded_at, now - dt.timedelta(days=10))
        self._save_flags(again)
        self.summary.flags += len(again)


def build_register(
    users: dict[str, User], today: dt.date, *, seed: int, ethnicities: list[tuple[str, int]]
) -> RegisterSummary:
    """The register, after the hub is built (before `register.sync.sync_people`)."""
    return RegisterMaker(users, today, seed=seed, ethnicities=ethnicities).build()
