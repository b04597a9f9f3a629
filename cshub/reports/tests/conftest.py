"""A small area for the problem profile: children referred around a period's edges,
intelligence links on its first and last days, missing episodes at known UK times."""

import datetime as dt
from typing import Any

import pytest

from cshub.assurance.metrics import Period
from cshub.conftest import make_child
from cshub.core.dates import LONDON
from cshub.intelligence import actions as intel
from cshub.intelligence.actions import LinkDetails, SubjectDetails
from cshub.missing.actions import MissingReport, record_missing_episode
from cshub.people.actions import PersonDetails, create_person
from cshub.referrals import actions as referrals

# Two reporting quarters: 1 June to 31 July 2025.
PERIOD = Period(dt.date(2025, 6, 1), dt.date(2025, 7, 31))
QUERY = "year=2025&start_day=1&start_month=6&start_year=2025&end_day=31&end_month=7&end_year=2025"
DAY = dt.timedelta(days=1)


def refer(child: Any, actor: Any, day: dt.date, kind: str, other: list[str] | None = None) -> Any:
    return referrals.record_referral(
        child,
        referrals.ReferralDetails(
            received_date=day, primary_type=kind, other_types=other or [], concerns="Concerns."
        ),
        actor=actor,
    )


def link(
    actor: Any, subject: Any, child: Any, first: dt.date | None = None, last: dt.date | None = None
) -> Any:
    return intel.record_link(
        LinkDetails(
            subject=subject,
            link_type="SEEN_AT" if subject.kind == "PLACE" else "ASSOCIATES",
            source_type="CASE_NOTE",
            child_id=child.pk,
            first_seen=first,
            last_seen=last,
        ),
        actor=actor,
    )


def missing(child: Any, actor: Any, local: dt.datetime, from_care: bool | None) -> Any:
    return record_missing_episode(
        child,
        MissingReport(reported_at=local, from_care=from_care),
        actor=actor,
    )


@pytest.fixture
def area(personas: dict[str, Any]) -> dict[str, Any]:
    worker = personas["practitioner"]
    start, end = PERIOD.start, PERIOD.end
    # Born so that on 31 July 2025 one has just turned 11 and one turns 11 the day after.
    amir = make_child(
        worker, "Amir", "Quillfeather", born=dt.date(2014, 7, 31), gender="01", ethnicity="APKN"
    )
    bella = make_child(
        worker, "Bella", "Quillfeather", born=dt.date(2014, 8, 1), gender="02", ethnicity="WBRI"
    )
    boys = [
        make_child(worker, f"Boy{i}", "Oakhanger", born=dt.date(2009, 1, 1), gender="01", ethnicity="WBRI")
        for i in range(5)
    ]
    early = make_child(worker, "Early", "Outside", born=dt.date(2010, 1, 1), gender="02")
    late = make_child(worker, "Late", "Outside", born=dt.date(2010, 1, 1), gender="02")
    # Amir: CCE on the first day and again on the last day (counted once), Bella: CSE with CCE too.
    refer(amir, worker, start, "CCE")
    refer(amir, worker, end, "CCE")
    refer(bella, worker, start + 20 * DAY, "CSE", ["CCE"])
    for boy in boys:
        refer(boy, worker, start + 40 * DAY, "CCE")
    refer(early, worker, start - DAY, "CSE")
    refer(late, worker, end + DAY, "CSE")

    place = intel.create_subject(
        SubjectDetails(kind="PLACE", name="Golden Fry", place_kind="TAKEAWAY", ward="Riverside"), actor=worker
    )
    hotel = intel.create_subject(
        SubjectDetails(kind="PLACE", name="Station Hotel", place_kind="HOTEL", ward="Central"), actor=worker
    )
    adult_person = create_person(
        PersonDetails(
            forename="Dean", surname="Marlowe", person_type="ADULT", date_of_birth=dt.date(1990, 1, 1)
        ),
        actor=worker,
    )
    adult = intel.create_subject(SubjectDetails(kind="ADULT", person_id=adult_person.pk), actor=worker)
    group = intel.create_subject(
        SubjectDetails(kind="GROUP", name="Blade line", group_kind="COUNTY_LINE"), actor=worker
    )
    link(worker, place, amir, first=start)  # seen on the first day only
    link(worker, place, bella, first=end)  # seen on the last day only
    link(worker, place, boys[0], first=start - 10 * DAY, last=start)  # ends on the first day
    link(worker, place, boys[1], first=start - 10 * DAY, last=start - DAY)  # before: out
    link(worker, hotel, boys[2], first=end + DAY)  # after: out
    link(worker, adult, amir, first=start)
    link(worker, adult, bella, first=start, last=end)
    link(worker, group, boys[3], first=start + 5 * DAY)

    # Monday 2 June 2025 at 00:30 BST is Sunday 1 June 23:30 UTC: Monday, hour 0.
    missing(amir, worker, dt.datetime(2025, 6, 2, 0, 30, tzinfo=LONDON), from_care=True)
    missing(amir, worker, dt.datetime(2025, 6, 9, 21, 15, tzinfo=LONDON), from_care=True)
    missing(
        amir, worker, dt.datetime(2025, 7, 31, 23, 59, tzinfo=LONDON), from_care=False
    )  # last minute of the period
    missing(bella, worker, dt.datetime(2025, 6, 7, 21, 0, tzinfo=LONDON), from_care=None)  # a Saturday
    missing(bella, worker, dt.datetime(2025, 5, 31, 23, 59, tzinfo=LONDON), from_care=False)  # before: out
    return {
        "worker": worker,
        "amir": amir,
        "bella": bella,
        "boys": boys,
        "place": place,
        "hotel": hotel,
        "adult": adult,
        "group": group,
    }
