"""The region demo's synthetic people (`cshub demo --region`, docs/region.md).

Three synthetic hubs named after Greater Manchester councils, and the regional CSHub. Every
name, date of birth and address here is invented. Besides each hub's own synthetic city
(the demo generator, one seed per hub), a seeded list of children and adults of concern is
known to two (or three) hubs, written in each the way that hub wrote it down: a typo, the
names swapped, a nickname, the day of birth one out. Each is made through the people,
referrals and intelligence actions, like the rest of the demo. A child placed in one hub's
area goes missing and is found in another's (the found location names a postcode in the
other hub's district), and two children of the same family live in two hubs without being
the same child (a pair that must not be matched).

Every record made here has a `source_id` starting `region-demo:` with the shared person's
key, so the demo is re-runnable and a test knows the truth: two records are the same person
exactly when their keys are equal."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cshub.access.models import User
from cshub.demo import names
from cshub.demo.accounts import ensure_demo_accounts
from cshub.intelligence import actions as intel
from cshub.intelligence.actions import SubjectDetails
from cshub.missing import actions as missing
from cshub.people import actions as people
from cshub.people.models import Person
from cshub.referrals import actions as referrals

SOURCE = "region-demo"
LINKAGE_SECRET = "region-demo-linkage-secret"  # nosec B105 # the demo region's, synthetic data only


@dataclass(frozen=True)
class HubSpec:
    hub_id: str
    name: str
    districts: tuple[str, ...]
    seed: int


HUBS = (
    HubSpec("manchester", "Manchester (synthetic)", ("M8", "M9", "M13", "M40"), 2026),
    HubSpec("bury", "Bury (synthetic)", ("BL8", "BL9", "M26"), 2027),
    HubSpec("salford", "Salford (synthetic)", ("M5", "M6", "M7", "M27"), 2028),
)
REGION_ID = "gm-region"
REGION_NAME = "Greater Manchester region (synthetic)"


def hub_spec(hub_id: str) -> HubSpec:
    for spec in HUBS:
        if spec.hub_id == hub_id:
            return spec
    raise KeyError(hub_id)


@dataclass(frozen=True)
class Record:
    """One hub's record of a person: as that hub wrote it down."""

    forename: str
    surname: str
    born: dt.date
    district: str  # where this hub knows them to live (one of some hub's districts)
    aliases: tuple[tuple[str, str], ...] = ()
    sex: str = "M"


@dataclass(frozen=True)
class SharedPerson:
    key: str
    kind: str  # "child" or "adult"
    records: dict[str, Record] = field(default_factory=dict)  # hub id -> its record
    difference: str = ""  # how the hubs' records differ (said in the tests' report)

    @property
    def shared(self) -> bool:
        return len(self.records) > 1


D = dt.date
SHARED: tuple[SharedPerson, ...] = (
    SharedPerson(
        "c01",
        "child",
        {
            "manchester": Record("Jayden", "Oakhollow", D(2010, 3, 14), "M8"),
            "bury": Record("Jaydon", "Oakhollow", D(2010, 3, 14), "BL9"),
        },
        "a typo in the first name",
    ),
    SharedPerson(
        "c02",
        "child",
        {
            "manchester": Record("Tyler", "Bramblecombe", D(2009, 11, 2), "M9"),
            "salford": Record("Bramblecombe", "Tyler", D(2009, 11, 2), "M6"),
        },
        "first and last names swapped",
    ),
    SharedPerson(
        "c03",
        "child",
        {
            "bury": Record("Alexander", "Willowcombe", D(2011, 6, 23), "BL8"),
            "salford": Record("Alex", "Willowcombe", D(2011, 6, 23), "M7"),
        },
        "a nickname",
    ),
    SharedPerson(
        "c04",
        "child",
        {
            "manchester": Record("Kayleigh", "Marshdale", D(2008, 9, 5), "M13", sex="F"),
            "bury": Record("Kayleigh", "Marshdale", D(2008, 9, 6), "BL9", sex="F"),
        },
        "the day of birth one out",
    ),
    SharedPerson(
        "c05",
        "child",
        {
            # Placed in Manchester by Bury: both know the Manchester address.
            "manchester": Record("Riley", "Ashthwaite", D(2009, 1, 30), "M40"),
            "bury": Record("Riley", "Ashthwaite", D(2009, 1, 30), "M40"),
        },
        "the same (a child placed in Manchester by Bury)",
    ),
    SharedPerson(
        "c06",
        "child",
        {
            "manchester": Record("Precious", "Umberholme-Copperfield", D(2010, 12, 1), "M8", sex="F"),
            "salford": Record("Precious", "Umberholme", D(2010, 12, 1), "M5", sex="F"),
        },
        "one part of a double-barrelled surname",
    ),
    SharedPerson(
        "c07",
        "child",
        {
            "manchester": Record("Nathaniel", "Gorseridge", D(2011, 4, 9), "M9", (("Nate", "Gorseridge"),)),
            "bury": Record("Nate", "Gorseridge", D(2011, 4, 9), "M26"),
            "salford": Record("Nathaniel", "Gorserigde", D(2011, 4, 9), "M27"),
        },
        "known to three hubs: a nickname (an alias in one) and a typo in the surname",
    ),
    SharedPerson(
        "c08",
        "child",
        {
            "bury": Record("Maddison", "Thistlebrook", D(2009, 7, 17), "BL9", sex="F"),
            "salford": Record("Madison", "Thistlebrook", D(2009, 7, 17), "M6", sex="F"),
        },
        "a spelling of the first name",
    ),
    SharedPerson(
        "a01",
        "adult",
        {
            "manchester": Record("Dominic", "Cinderstead", D(1994, 2, 11), "M8"),
            "bury": Record("Dom", "Cinderstead", D(1994, 2, 11), "BL9"),
        },
        "an adult of concern: a nickname",
    ),
    SharedPerson(
        "a02",
        "adult",
        {
            "bury": Record("Shane", "Kestrelholme", D(1990, 8, 3), "BL8"),
            "salford": Record("Shane", "Kestrelhome", D(1990, 8, 4), "M7"),
        },
        "an adult of concern: a typo and the day of birth one out",
    ),
    # Not shared: a brother and sister of one family, in two hubs (must not be matched).
    SharedPerson("n01", "child", {"manchester": Record("Mason", "Pebblewick", D(2010, 2, 2), "M13")}),
    SharedPerson("n02", "child", {"bury": Record("Maisie", "Pebblewick", D(2012, 8, 19), "BL9", sex="F")}),
)

# A child placed in one hub's area, missing and found in another's: (hub, person key, where).
FOUND_ELSEWHERE = (
    ("manchester", "c05", "Bury bus interchange, BL9 0SN"),
    ("salford", "c02", "A flat near Cheetham Hill Road, M8 8QF"),
)


def source_id(key: str, hub_id: str) -> str:
    return f"{SOURCE}:{key}:{hub_id}"


def key_of(source: str | None) -> str | None:
    """The shared person's key of a record this module made (None for any other record)."""
    if not source or not source.startswith(SOURCE + ":"):
        return None
    return source.split(":")[1]


def _postcode(district: str, rng: random.Random) -> str:
    return f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


@dataclass
class Made:
    children: int = 0
    adults: int = 0
    missing: int = 0


def _child(record: Record, source: str, rng: random.Random, users: dict[str, User], today: dt.date) -> Person:
    person = people.create_person(
        people.PersonDetails(
            forename=record.forename,
            surname=record.surname,
            date_of_birth=record.born,
            sex=record.sex,
            gender="01" if record.sex == "M" else "02",
        ),
        actor=users["practitioner"],
        aliases=record.aliases,
        source_id=source,
    )
    people.add_address(
        person,
        actor=users["practitioner"],
        line=f"{rng.randint(1, 180)} {rng.choice(names._FIRST)} Street",
        postcode=_postcode(record.district, rng),
        start_date=today - dt.timedelta(days=rng.randint(60, 900)),
    )
    referrals.record_referral(
        person,
        referrals.ReferralDetails(
            received_date=today - dt.timedelta(days=rng.randint(1, 9)),  # newly referred: awaiting a decision
            primary_type=rng.choice(["CCE", "CCE", "CSE"]),
            source_code="6",
            referrer_name=f"{rng.choice(names.WORKER_FIRST)} {rng.choice(names.SURNAMES)}",
            referrer_agency=rng.choice(["POLICE", "SOCIAL_CARE", "EDUCATION"]),
            concerns="Seen with older young people away from home; going missing overnight.",
        ),
        actor=users["practitioner"],
    )
    return person


def _adult(record: Record, source: str, users: dict[str, User]) -> Person:
    person = people.create_person(
        people.PersonDetails(
            forename=record.forename,
            surname=record.surname,
            person_type="ADULT",
            date_of_birth=record.born,
            sex=record.sex,
        ),
        actor=users["police"],
        aliases=record.aliases,
        source_id=source,
    )
    intel.create_subject(
        SubjectDetails(kind="ADULT", person_id=person.pk, description="Known to police in two areas."),
        actor=users["police"],
    )
    return person


@transaction.atomic
def make_shared_people(hub_id: str, *, extra_children: int = 0, seed: int = 0) -> Made:
    """This hub's records of the region's shared people, the missing episode found in
    another hub's area, and `extra_children` children of its own (for the live tests, whose
    hubs have no demo city). Re-running adds nothing twice."""
    rng = random.Random(f"{SOURCE}:{hub_id}:{seed}")  # nosec B311 # seeded generator of synthetic data, never for security
    users = ensure_demo_accounts()
    today = timezone.localdate()
    made = Made()
    by_key: dict[str, Person] = {}
    for shared in SHARED:
        record = shared.records.get(hub_id)
        if record is None:
            continue
        source = source_id(shared.key, hub_id)
        found = Person.objects.filter(source_id=source).first()
        if found is None:
            if shared.kind == "child":
                found = _child(record, source, rng, users, today)
                made.children += 1
            else:
                found = _adult(record, source, users)
                made.adults += 1
        by_key[shared.key] = found
    for n in range(extra_children):
        source = source_id(f"own{n:04d}", hub_id)
        if Person.objects.filter(source_id=source).exists():
            continue
        is_boy = rng.random() < 0.7
        record = Record(
            forename=rng.choice(names.BOYS if is_boy else names.GIRLS),
            surname=rng.choice(names.SURNAMES),
            born=today - dt.timedelta(days=rng.randint(10 * 365, 17 * 365)),
            district=rng.choice(hub_spec(hub_id).districts) if hub_id in {h.hub_id for h in HUBS} else "MX1",
            sex="M" if is_boy else "F",
        )
        _child(record, source, rng, users, today)
        made.children += 1
    for where_hub, key, location in FOUND_ELSEWHERE:
        if where_hub != hub_id or key not in by_key:
            continue
        reference = f"RD-{hub_id[:3].upper()}-{key}"
        person = by_key[key]
        if person.missing_episodes.filter(police_reference=reference).exists():
            continue
        reported = timezone.now() - dt.timedelta(days=3, hours=rng.randint(1, 10))
        missing.record_missing_episode(
            person,
            missing.MissingReport(
                reported_at=reported,
                returned_at=reported + dt.timedelta(hours=20),
                missing_type="M",
                police_risk="HIGH",
                from_care=True,
                police_reference=reference,
                placement="Children's home in this hub's area",
                found_location=location,
                found_with="Older young people",
            ),
            actor=users["missing"],
        )
        made.missing += 1
    return made
