"""The demo city's consultations (issue 21): professionals across the area ringing or
emailing the hub for advice, two or three a week over the last twelve months.

- callers from schools, GPs and health, children's homes (council and private), youth
  projects, locality social work, police, early help and youth justice;
- about a quarter anonymous (some with initials, age and school; some with nothing), one
  of them linked to a child afterwards;
- some about the hub's own children, some about children on the whole-area register the
  hub does not know, two children discussed three times within 90 days;
- some became the hub's referrals (the referral the generator made, linked both ways);
- follow-up dates, most done, a few due or overdue for the demo practitioner.

Written through the ORM (with the timeline entry and audit event an action writes) until
the consultation actions exist; the merge switches `build_consultations` to them. Its own
random stream: the rest of the demo is unchanged."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cshub.access.models import User
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.consultations.models import Consultation, How, Outcome
from cshub.core.codes import ExploitationType
from cshub.core.dates import LONDON
from cshub.demo import names
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person, TimelineKind
from cshub.people.timeline import add_entry
from cshub.referrals.models import Referral
from cshub.register.models import AreaFlag, Triage
from cshub.socialcare.models import AssessmentFactor

CONSULTATIONS_PER_YEAR = 130  # for the demo's 240 referrals a year


@dataclass(frozen=True)
class Caller:
    agency: str
    role: str
    organisations: tuple[str, ...]


CALLERS = [
    (
        Caller(
            "EDUCATION",
            "Designated safeguarding lead",
            (
                "Oakridge Academy",
                "Hollow Lane High School",
                "St Bramble's RC High School",
                "Linden Park Academy",
            ),
        ),
        26,
    ),
    (Caller("EDUCATION", "Head of year", ("Marshcombe Pupil Referral Unit", "Oakridge Academy")), 6),
    (Caller("HEALTH", "GP", ("Fernhollow Medical Practice", "Canal Street Surgery")), 7),
    (Caller("HEALTH", "School nurse", ("0-19 service, North",)), 6),
    (Caller("HEALTH", "Sexual health nurse", ("City sexual health clinic",)), 4),
    (Caller("SOCIAL_CARE", "Residential worker", ("Willowbrook children's home",)), 7),
    (
        Caller(
            "VOLUNTARY_SECTOR", "Registered manager", ("Brightwater House (independent children's home)",)
        ),
        6,
    ),
    (Caller("VOLUNTARY_SECTOR", "Youth worker", ("Canal Street Youth Project", "Mill Lane Boxing Club")), 8),
    (
        Caller(
            "SOCIAL_CARE",
            "Locality social worker",
            ("North locality team", "South locality team", "Central locality team"),
        ),
        14,
    ),
    (
        Caller(
            "POLICE", "Police constable", ("Neighbourhood policing, North", "Neighbourhood policing, South")
        ),
        10,
    ),
    (Caller("EARLY_HELP", "Early help key worker", ("Early help hub, North",)), 4),
    (Caller("YOUTH_JUSTICE", "Youth justice worker", ("Youth justice service, South",)), 2),
]
WORRIES = {
    "CCE": [
        "Staff have seen {them} with new trainers and two phones; {they} has been away from school three afternoons this month.",
        "{They} was stopped by police in another town with cash and said an older lad had given {them} a lift.",
        "A parent told staff {they} is being asked to carry parcels for older boys and is frightened of them.",
    ],
    "CSE": [
        "{They} has been seen being picked up by adults in cars after school; staff think {they} is being groomed.",
        "An adult man much older than {them} gives {them} alcohol and gifts; {they} came to clinic twice this month.",
        "Images of {them} are being shared among pupils; {they} told a teacher an adult online asked for them.",
    ],
    "OTHER": [
        "{They} has gone missing overnight twice and came back tired and hungry, not saying where {they} had been.",
        "Staff are worried about adults {they} talks to online and about money {they} cannot explain.",
    ],
}
ADVICE = [
    "Talked through the indicators with the caller. Advised sharing the concern with the MASH today and keeping a chronology of what staff see.",
    "Advised the caller to speak to the child's social worker, complete an exploitation screening tool and ring back after the strategy discussion.",
    "Shared the trigger plan approach; advised the caller to report every missing episode to police at once and to ask for a return interview.",
    "Agreed the caller will gather what the school knows about friendships and attendance and send it to the hub this week.",
    "Advised an intelligence submission to police about the adults and the car seen; the hub will look at it at the daily meeting.",
    "Explained what the hub offers and how to refer; the caller will talk to the family first and refer if they agree.",
]
OUTCOMES = [
    (Outcome.ADVICE_ONLY, 50),
    (Outcome.MASH_REFERRAL, 18),
    (Outcome.POLICE_REFERRAL, 10),
    (Outcome.MORE_INFORMATION, 22),
]
INDICATORS = {
    "CCE": [
        "county-lines",
        "carrying-drugs-cash",
        "unexplained-items",
        "arrested-with-adults",
        "missing-episodes",
    ],
    "CSE": ["older-partner", "gifts-from-adults", "sexual-health", "parties-hotels", "image-sharing"],
    "OTHER": ["online-contact", "missing-episodes", "not-in-education", "substance-use"],
}
TYPES = {
    "CCE": [ExploitationType.CCE],
    "CSE": [ExploitationType.CSE],
    "OTHER": [ExploitationType.CRIMINAL_AND_SEXUAL, ExploitationType.OTHER],
}
PRONOUNS = {
    "M": {"they": "he", "them": "him", "They": "He"},
    "F": {"they": "she", "them": "her", "They": "She"},
    "U": {"they": "the child", "them": "the child", "They": "The child"},  # singular verbs: "has", "is"
}


class ConsultationMaker:
    def __init__(self, users: dict[str, User], today: dt.date, *, seed: int, per_year: int) -> None:
        self.rng = random.Random(seed + 37)  # nosec B311 # seeded generator of synthetic data, never for security
        self.today = today
        self.users = users
        self.per_year = per_year
        self.workers = [
            u
            for k, u in sorted(users.items())
            if k in ("practitioner", "police", "nurse", "missing") or k.startswith("worker.")
        ]
        self.made = 0

    def _when(self, day: dt.date) -> dt.datetime:
        at = dt.datetime.combine(
            day, dt.time(self.rng.randint(8, 17), self.rng.choice([0, 10, 25, 40, 55])), tzinfo=LONDON
        )
        return min(at, timezone.now() - dt.timedelta(hours=1))

    def _caller(self, agency: str = "") -> tuple[Caller, str]:
        callers = [(c, w) for c, w in CALLERS if c.agency == agency] or CALLERS
        caller = self.rng.choices([c for c, _ in callers], weights=[w for _, w in callers])[0]
        return caller, self.rng.choice(caller.organisations)

    def make(
        self,
        day: dt.date,
        *,
        person: Person | None = None,
        sex: str = "",
        outcome: Outcome | None = None,
        referral: Referral | None = None,
        anonymous: tuple[str, int | None, str] = ("", None, ""),
        follow_up: dt.date | None = None,
        recorded_by: User | None = None,
        linked_after: int | None = None,
    ) -> Consultation:
        rng = self.rng
        caller, organisation = self._caller(referral.referrer_agency if referral is not None else "")
        kind = rng.choices(
            ["CCE", "CSE", "OTHER"],
            weights=[45, 35, 20] if (sex or (person.sex if person else "")) != "F" else [20, 65, 15],
        )[0]
        words = PRONOUNS.get(sex or (person.sex if person else "U"), PRONOUNS["U"])
        outcome = outcome or rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        if follow_up is None and (
            outcome == Outcome.MORE_INFORMATION or (outcome == Outcome.ADVICE_ONLY and rng.random() < 0.25)
        ):
            follow_up = day + dt.timedelta(days=rng.randint(7, 21))
        occurred = self._when(day)
        worker = recorded_by or rng.choice(self.workers)
        done = (
            follow_up is not None
            and recorded_by is None
            and follow_up < self.today - dt.timedelta(days=3)
            and rng.random() < 0.9
        )
        followed_up = (
            min(self._when(follow_up - dt.timedelta(days=rng.randint(0, 3))), timezone.now())
            if done and follow_up
            else None
        )
        if followed_up is not None and followed_up < occurred:
            followed_up = occurred + dt.timedelta(days=1)
        initials, age, where = anonymous
        linked = person is not None and linked_after is not None
        consultation = Consultation.objects.create(
            occurred_at=occurred,
            how=rng.choices([How.PHONE, How.EMAIL, How.IN_PERSON], weights=[70, 22, 8])[0],
            caller_name=referral.referrer_name
            if referral is not None and referral.referrer_name
            else f"{rng.choice(names.WORKER_FIRST)} {rng.choice(names.SURNAMES)}",
            caller_role=caller.role,
            caller_agency=caller.agency,
            caller_organisation=organisation,
            caller_contact=f"0161 496 0{rng.randint(100, 999)}",
            person=person,
            anonymous_initials=initials,
            anonymous_age=age,
            anonymous_where=where,
            linked_at=occurred + dt.timedelta(days=linked_after or 0) if linked else None,
            linked_by=worker if linked else None,
            types=[str(t) for t in TYPES[kind][: rng.randint(1, len(TYPES[kind]))]],
            indicators=rng.sample(INDICATORS[kind], k=rng.randint(1, 3)),
            worry=rng.choice(WORRIES[kind]).format(**words),
            advice=rng.choice(ADVICE),
            outcome=outcome,
            referral=referral,
            follow_up_on=follow_up,
            followed_up_at=followed_up,
            followed_up_by=worker if followed_up else None,
            recorded_by=worker,
            recorded_at=occurred + dt.timedelta(minutes=rng.randint(5, 90)),
        )
        record_event(worker, Action.CREATE, consultation, child_id=consultation.person_id)
        if person is not None:
            add_entry(
                person,
                TimelineKind.CONSULTATION,
                f"Consultation with the hub: {caller.role.lower()}, {organisation} "
                f"({consultation.get_caller_agency_display().lower()}); {consultation.get_outcome_display().lower()}",
                actor=worker,
                occurred_at=occurred,
                source=consultation,
            )
        self.made += 1
        return consultation

    def _anonymous(self) -> tuple[str, int | None, str]:
        rng = self.rng
        letters = "ABCDEFGHJKLMNPRSTW"
        r = rng.random()
        if r < 0.45:
            caller = rng.choice([c for c, _ in CALLERS if c.agency == "EDUCATION"])
            return (
                f"{rng.choice(letters)}{rng.choice(letters)}",
                rng.randint(11, 16),
                rng.choice(caller.organisations),
            )
        if r < 0.7:
            return "", rng.randint(12, 17), f"{rng.choice(names.POSTCODE_AREAS)} area"
        return "", None, ""  # nothing that identifies the child: allowed

    def build(self) -> int:
        rng, today = self.rng, self.today
        year_ago = today - dt.timedelta(days=365)
        total = self.per_year
        # Children on the register the hub does not know, not triaged, not missing lately.
        flagged = AreaFlag.objects.filter(person=OuterRef("pk"))
        factors = AssessmentFactor.objects.filter(person=OuterRef("pk"))
        unknown = list(
            Person.objects.filter(Q(Exists(flagged)) | Q(Exists(factors)), restricted=False)
            .exclude(Exists(Referral.objects.filter(person=OuterRef("pk"))))
            .exclude(Exists(Episode.objects.filter(person=OuterRef("pk"))))
            .exclude(Exists(Triage.objects.filter(person=OuterRef("pk"))))
            .exclude(
                Exists(
                    MissingEpisode.objects.filter(
                        person=OuterRef("pk"), reported_at__gte=timezone.now() - dt.timedelta(days=31)
                    )
                )
            )
            .order_by("pk")
        )
        hub = [
            (e.person, max(e.open_date, year_ago))
            for e in Episode.objects.open()
            .filter(person__restricted=False, open_date__lt=today - dt.timedelta(days=2))
            .select_related("person")
            .order_by("pk")
        ]
        # Referrals of the last year that began as a consultation (most, in a real hub).
        converted = list(
            Referral.objects.filter(
                received_date__gte=year_ago + dt.timedelta(days=5), person__restricted=False
            )
            .select_related("person")
            .order_by("received_date", "pk")
        )
        converted = rng.sample(converted, k=min(len(converted), max(2, total // 8)))
        for referral in sorted(converted, key=lambda r: (r.received_date, r.pk)):
            day = referral.received_date - dt.timedelta(days=rng.choice([0, 0, 1, 2, 4]))
            self.make(day, person=referral.person, outcome=Outcome.HUB_REFERRAL, referral=referral)
        # Two children discussed three times within 90 days (the prompt to consider a referral).
        repeat = rng.sample(unknown, k=min(len(unknown), 2))
        for n, person in enumerate(repeat):
            for days_ago in ((80, 45, 9), (62, 30, 3))[n]:
                self.make(
                    today - dt.timedelta(days=days_ago),
                    person=person,
                    outcome=Outcome.ADVICE_ONLY if days_ago > 10 else Outcome.MORE_INFORMATION,
                )
        # Follow-ups due or overdue for the demo practitioner (and one still to come).
        practitioner = self.users["practitioner"]
        others = [p for p in unknown if p not in repeat]
        for days_ago, due_in in ((30, -9), (16, -2), (12, 0), (5, 6)):
            about: Person | None = others.pop(0) if others and days_ago != 16 else None
            self.make(
                today - dt.timedelta(days=days_ago),
                person=about,
                outcome=Outcome.MORE_INFORMATION,
                follow_up=today + dt.timedelta(days=due_in),
                recorded_by=practitioner,
                anonymous=("", None, "") if about else self._anonymous(),
            )
        # An anonymous call, linked to the child's record when the school rang back.
        if others:
            child, day = others.pop(0), today - dt.timedelta(days=rng.randint(40, 200))
            age = (day - child.date_of_birth).days // 365 if child.date_of_birth else None
            self.make(
                day,
                person=child,
                anonymous=(f"{child.forename[0]}{child.surname[0]}", age, "Hollow Lane High School"),
                linked_after=6,
            )
        # The rest across the year: a quarter anonymous, the others about children on the
        # register the hub does not know and about the hub's own children.
        while self.made < total:
            day = today - dt.timedelta(days=rng.randint(1, 364))
            r = rng.random()
            if r < 0.27:
                self.make(day, sex=rng.choice("MF"), anonymous=self._anonymous())
            elif r < 0.65 and others:
                self.make(day, person=rng.choice(others))
            elif hub:
                person, since = rng.choice(hub)
                self.make(since + dt.timedelta(days=rng.randint(1, (today - since).days)), person=person)
        return self.made


def build_consultations(
    users: dict[str, User], today: dt.date, *, seed: int, per_year: int = CONSULTATIONS_PER_YEAR
) -> int:
    """The demo's consultations (after the register is built); returns how many."""
    return ConsultationMaker(users, today, seed=seed, per_year=per_year).build()
