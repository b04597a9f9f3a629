"""Every page asks the database a fixed number of questions, however many rows it shows.

For each page of the access matrix that some role may GET, count the queries with the hub
fixture and a little of everything (so that no page counts an empty list), add more children, referrals, episodes, missing episodes, return interviews, visits,
supervisions, actions, meeting items and intelligence links that the role may see (on the
hub's own child too, for the child's pages), and count again: a page that asks one more
question a row shows it here as a count that grows."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cshub.casework import actions as casework
from cshub.conftest import ROLES, TODAY, make_child, make_referral
from cshub.contact import actions as contact
from cshub.intelligence import actions as intelligence
from cshub.meetings import actions as meetings
from cshub.missing import actions as missing
from cshub.referrals import actions as referrals
from cshub.supervision import actions as supervision
from cshub.tasks import actions as tasks
from cshub.tests.test_url_access import EXPECTED, URL_NAMES, _url

# Pages that are no list of rows and whose count depends on nothing the fixture adds are
# still measured: a constant count is what every page must keep.
PAGES = [(name, role) for name in URL_NAMES for role in ROLES if EXPECTED[name][1][role] == 200]

FIRST = ["Oakhollow", "Pennyfold"]
MORE = ["Quarrington", "Rushmere", "Saltcombe", "Thistlewood", "Underhill", "Vantwood", "Wrenfield"]


def _grow(hub: dict[str, Any], surnames: list[str], days: tuple[int, ...]) -> None:
    """More of everything each role sees on its lists, and on the hub child's own pages."""
    manager, worker = hub["manager"], hub["worker"]
    now = timezone.now()
    for i, surname in enumerate(surnames):
        child = make_child(worker, "Jordan", surname, born=TODAY - dt.timedelta(days=(11 + i % 5) * 365))
        referral = make_referral(child, worker, days_ago=40 + i)
        referrals.decide_referral(
            referral, "OPEN", "Meets threshold.", actor=manager, decision_date=TODAY - dt.timedelta(days=30)
        )
        episode = casework.open_episode(
            referral, actor=manager, open_date=TODAY - dt.timedelta(days=30), allocated_worker=worker
        )
        make_referral(child, worker, days_ago=2)  # awaiting a threshold decision
        _casework_for(episode, hub)
        returned = now - dt.timedelta(hours=20 + i)
        earlier = missing.record_missing_episode(
            child,
            missing.MissingReport(
                reported_at=returned - dt.timedelta(days=10),
                returned_at=returned - dt.timedelta(days=9),
                police_risk="HIGH",
            ),
            actor=worker,
        )
        missing.record_return_interview(
            earlier,
            missing.InterviewRecord(
                outcome="COMPLETED",
                completed_at=returned - dt.timedelta(days=8),
                child_account="I stayed at a friend's house.",
            ),
            actor=manager,
        )
        missing.record_missing_episode(
            child,
            missing.MissingReport(reported_at=returned - dt.timedelta(hours=6), returned_at=returned),
            actor=worker,
        )
        tasks.agree_task(
            tasks.NewTask(
                "Meet the child after school", "SOCIAL_CARE", TODAY - dt.timedelta(days=1), owner=worker
            ),
            [child],
            actor=manager,
        )
        meetings.add_item(
            hub["meeting"], "INTELLIGENCE", f"Seen near the station ({surname})", [child], actor=manager
        )
        intelligence.record_link(
            intelligence.LinkDetails(
                subject=hub["subject"], link_type="SEEN_AT", source_type="CASE_NOTE", child_id=child.pk
            ),
            actor=worker,
        )
    child = hub["child"]
    for day in days:
        make_referral(child, worker, days_ago=day)
        reported = now - dt.timedelta(days=day * 3)
        missing.record_missing_episode(
            child,
            missing.MissingReport(reported_at=reported, returned_at=reported + dt.timedelta(hours=5)),
            actor=worker,
        )
        _casework_for(hub["episode"], hub, day)


def _casework_for(episode: Any, hub: dict[str, Any], days: int = 3) -> None:
    contact.record_contact(
        episode, "VISIT", actor=hub["worker"], on=TODAY - dt.timedelta(days=days), where="Home", seen=True
    )
    supervision.record_supervision(
        episode,
        supervision.SupervisionRecord(
            kind="INDIVIDUAL",
            held_on=TODAY - dt.timedelta(days=days),
            supervisee=hub["worker"],
            discussion="How the work is going.",
            decisions="Carry on.",
        ),
        actor=hub["manager"],
    )


def _counts(clients: dict[str, Client], hub: dict[str, Any]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for name, role in PAGES:
        url = _url(name, hub)
        clients[role].get(url)  # caches warmed (the name dictionary, content types, the session)
        # The fewer of two: a process cache that refreshes now and then (the language guidance,
        # the standards) is not a question a row; a query a row is in both.
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = clients[role].get(url)
            assert response.status_code == 200, f"{role} on {name}: {response.status_code}"
            counts[(name, role)] = min(len(queries), counts.get((name, role), len(queries)))
    return counts


def test_query_count_of_every_page_does_not_grow_with_its_rows(hub: dict[str, Any], client_for: Any) -> None:
    clients = {role: client_for(role) for role in {role for _, role in PAGES}}
    _grow(hub, FIRST, (5,))
    small = _counts(clients, hub)
    _grow(hub, MORE, (6, 7, 8, 9))
    large = _counts(clients, hub)
    grown = {page: (small[page], large[page]) for page in PAGES if large[page] > small[page]}
    assert not grown, "pages whose query count grows with their rows (small, larger): " + ", ".join(
        f"{name} as {role} {counts}" for (name, role), counts in sorted(grown.items())
    )
