"""The demo's intelligence network, made through the intelligence actions by the hub's
police officer, so the subject pages, networks, dashboard and the daily meeting's
intelligence items show something true on first run: a takeaway and a hotel each linked
to several children, a county line, and adults of concern linked to several children."""

import datetime as dt
import random

from cshub.access.models import User
from cshub.intelligence import actions as intel
from cshub.intelligence.actions import Grading, LinkDetails, SubjectDetails
from cshub.intelligence.models import Subject
from cshub.people import actions as people
from cshub.people.models import Person

ADULTS = [("Dwayne", "Harrowgate", 1996), ("Kieran", "Stockwell", 1999), ("Leanne", "Marfield", 1988)]


def make_network(users: dict[str, User], today: dt.date, *, seed: int) -> int:
    """Returns the number of links made."""
    rng = random.Random(seed + 31)  # nosec B311 # seeded generator of synthetic data, never for security
    police = users["police"]
    children = list(
        Person.objects.filter(episodes__close_date__isnull=True, restricted=False, person_type="CHILD")
        .distinct()
        .order_by("pk")[:60]
    )
    if len(children) < 8:
        return 0
    kids = rng.sample(children, 8)

    def subject(details: SubjectDetails) -> Subject:
        return intel.create_subject(details, actor=police)

    adults = []
    for forename, surname, year in ADULTS:
        person = people.create_person(
            people.PersonDetails(
                forename=forename,
                surname=surname,
                person_type="ADULT",
                date_of_birth=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            ),
            actor=police,
        )
        adults.append(
            subject(SubjectDetails(kind="ADULT", person_id=person.pk, description="Known to police."))
        )
    takeaway = subject(
        SubjectDetails(
            kind="PLACE",
            name="Golden Fry, High Street",
            place_kind="TAKEAWAY",
            postcode="M8 8QF",
            ward="Cheetham",
        )
    )
    hotel = subject(
        SubjectDetails(
            kind="PLACE", name="Northern Rest Hotel", place_kind="HOTEL", postcode="M1 2JF", ward="Piccadilly"
        )
    )
    line = subject(
        SubjectDetails(
            kind="GROUP",
            name="Blade line",
            group_kind="COUNTY_LINE",
            description="Runs from Manchester to Blackpool.",
        )
    )
    car = subject(SubjectDetails(kind="VEHICLE", name="MX19 KTB"))
    phone = subject(SubjectDetails(kind="PHONE", name="07700 900461"))
    made = 0

    def link(
        subject: Subject,
        link_type: str,
        days_ago: int,
        *,
        child: Person | None = None,
        from_subject: Subject | None = None,
        grading: Grading | None = None,
        detail: str = "",
    ) -> None:
        nonlocal made
        seen = today - dt.timedelta(days=days_ago)
        intel.record_link(
            LinkDetails(
                subject=subject,
                link_type=link_type,
                source_type="POLICE",
                child_id=child.pk if child else None,
                from_subject=from_subject,
                first_seen=seen,
                detail=detail,
                grading=grading,
            ),
            actor=police,
        )
        made += 1

    shared = Grading("2", "B", "P")
    # The adults, the car, the phone and the line.
    link(line, "MEMBER_OF", 120, from_subject=adults[0], grading=Grading("1", "B", "P"))
    link(line, "MEMBER_OF", 90, from_subject=adults[1], grading=shared)
    link(car, "USES", 60, from_subject=adults[0], grading=shared)
    link(phone, "USES", 45, from_subject=adults[1], grading=Grading("1", "A", "C"), detail="Line phone")
    link(hotel, "LIVES_AT", 30, from_subject=adults[2], grading=shared)
    # Children around the takeaway and the hotel.
    for n, kid in enumerate(kids[:5]):
        link(takeaway, "SEEN_AT", 5 + 7 * n, child=kid, grading=shared, detail="Seen with older youths")
    for n, kid in enumerate(kids[3:7]):
        link(hotel, "SEEN_AT", 10 + 9 * n, child=kid, grading=shared, detail="Seen entering with adults")
    # Adults linked to several children; two children brought into the line.
    for kid in kids[:4]:
        link(adults[0], "ASSOCIATES", rng.randint(3, 60), child=kid, grading=shared)
    for kid in kids[4:8]:
        link(adults[2], "ASSOCIATES", rng.randint(3, 60), child=kid, grading=shared)
    link(car, "TRAVELS_IN", 12, child=kids[1], grading=shared, detail="Collected from school")
    link(phone, "CONTACTS", 2, child=kids[7], grading=Grading("2", "B", "C"), detail="Texts late at night")
    link(line, "MEMBER_OF", 1, child=kids[6], grading=Grading("2", "C", "P"), detail="Sent to Blackpool")
    return made
