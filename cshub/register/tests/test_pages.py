"""The register's pages: names only for those who may see children (restricted records
counted, not named), counts only for analysts and strategic leads, filters, the triage list
and its decisions, the child's card. Every child named on a page has a VIEW event."""

import datetime as dt

import pytest

from cshub.audit.models import AuditEvent
from cshub.casework.models import Episode
from cshub.conftest import TODAY, make_child, make_referral
from cshub.people import actions as people
from cshub.register.models import Triage
from cshub.register.tests.helpers import born, flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(personas):
    """Four flagged children: one open to the hub, one referred, one never known, one
    restricted (never known); and a child whose only flag has ended."""
    worker, manager = personas["practitioner"], personas["team_manager"]
    opened = make_child(worker, "Oscar", "Openshaw", born=born(15))
    Episode.objects.create(person=opened, open_date=TODAY - dt.timedelta(days=40))
    flag(opened, "CCE", source="HUB", holder="HUB")
    flag(opened, "GANGS", source="POLICE", holder="POLICE", flagged_on=TODAY - dt.timedelta(days=2))
    referred = make_child(worker, "Rosa", "Referwell", born=born(14))
    make_referral(referred, worker)
    flag(referred, "CSE", source="SCHOOL", holder="EARLY_HELP", holder_team="East early help")
    never = make_child(worker, "Nina", "Neverby", born=born(13))
    flag(never, "CSE", source="YOUTH_JUSTICE", holder="YOUTH_JUSTICE", holder_team="Youth justice north")
    hidden = make_child(worker, "Tamsin", "Hiddenfield", born=born(12))
    flag(hidden, "CCE", source="POLICE", holder="POLICE")
    people.set_restriction(hidden, True, "Relative of staff", actor=manager)
    ended = make_child(worker, "Edgar", "Endwell")
    flag(ended, "CCE", flagged_on=TODAY - dt.timedelta(days=100), ended_on=TODAY - dt.timedelta(days=1))
    return {"opened": opened, "referred": referred, "never": never, "hidden": hidden, "ended": ended}


NAMES = [
    "Oscar",
    "Rosa",
    "Nina",
    "Tamsin",
    "Edgar",
    "Openshaw",
    "Referwell",
    "Neverby",
    "Hiddenfield",
    "Endwell",
]


@pytest.mark.parametrize("role", ["analyst", "strategic_lead"])
def test_counts_only_for_analysts_and_strategic_leads(area, client_for, role):
    html = client_for(role).get("/register/").content.decode()
    assert "Counts only: no child is named on this page." in html
    for name in NAMES:
        assert name not in html
    assert "/children/" not in html  # no link to any child's page
    assert 'id="child-' not in html  # no per-child rows
    figures = html.split('class="cshub-figure">')
    assert [f.split("<")[0] for f in figures[1:]] == ["4", "2", "2"]  # children, known, not known
    assert 'Child sexual exploitation</th><td class="govuk-table__cell govuk-table__cell--numeric">2' in html
    assert 'Youth justice</th><td class="govuk-table__cell govuk-table__cell--numeric">1' in html
    assert not AuditEvent.objects.filter(action="VIEW").exists()


def test_names_for_those_who_see_children_restricted_counted_not_named(area, client_for, personas):
    html = client_for("practitioner").get("/register/").content.decode()
    for who in ("opened", "referred", "never"):
        assert f'id="child-{area[who].pk}"' in html
    assert "Tamsin" not in html and "Hiddenfield" not in html
    assert f'id="child-{area["hidden"].pk}"' not in html
    assert "1 restricted record is counted here but not shown." in html
    figures = html.split('class="cshub-figure">')
    assert [f.split("<")[0] for f in figures[1:]] == ["4", "2", "2"]
    assert "Edgar" not in html  # no flag in force
    # Who holds the case: the hub while the child is open to it, though police flagged later.
    row = html.split(f'id="child-{area["opened"].pk}"')[1].split("</tr>")[0]
    assert "The hub" in row and "Open to the hub" in row and "Gangs and serious violence" in row
    row = html.split(f'id="child-{area["never"].pk}"')[1].split("</tr>")[0]
    assert "Youth justice north" in row and ">Not known</strong>" in row
    # Each child named has a VIEW event; the restricted child none.
    viewed = set(
        AuditEvent.objects.filter(action="VIEW", actor=personas["practitioner"]).values_list(
            "child_id", flat=True
        )
    )
    assert viewed == {area["opened"].pk, area["referred"].pk, area["never"].pk}


def test_a_manager_named_on_the_restricted_record_sees_it(area, client_for):
    html = client_for("team_manager").get("/register/").content.decode()
    assert f'id="child-{area["hidden"].pk}"' in html and "restricted record" not in html


def test_filters(area, client_for):
    client = client_for("practitioner")
    html = client.get("/register/?concern=CSE").content.decode()
    assert f'id="child-{area["referred"].pk}"' in html and f'id="child-{area["never"].pk}"' in html
    assert f'id="child-{area["opened"].pk}"' not in html
    html = client.get("/register/?known=NEVER").content.decode()
    assert f'id="child-{area["never"].pk}"' in html
    assert f'id="child-{area["referred"].pk}"' not in html and f'id="child-{area["opened"].pk}"' not in html
    html = client.get("/register/?holder=POLICE").content.decode()  # Oscar is open to the hub
    assert 'id="child-' not in html and "No child you may see matches these filters." in html
    html = client.get("/register/?source=POLICE&holder=HUB").content.decode()
    assert f'id="child-{area["opened"].pk}"' in html and html.count('id="child-') == 1
    html = client.get("/register/?concern=NOT-A-CODE").content.decode()  # ignored
    assert html.count('id="child-') == 3


def test_empty(personas, client_for):
    html = client_for("practitioner").get("/register/").content.decode()
    assert "No child you may see is flagged at risk of exploitation today." in html


def test_the_intelligence_column_links_to_the_childs_network(area, client_for, personas):
    from cshub.intelligence.models import Link, Subject

    place = Subject.objects.create(kind="PLACE", name="The station", key="|the station", place_kind="OTHER")
    Link.objects.create(
        child=area["never"],
        subject=place,
        link_type="SEEN_AT",
        source_type="POLICE",
        source_evaluation="2",
        assessment="B",
        handling="P",
        recorded_by=personas["practitioner"],
    )
    html = client_for("missing_worker").get("/register/").content.decode()
    row = html.split(f'id="child-{area["never"].pk}"')[1].split("</tr>")[0]
    assert f'href="/children/{area["never"].pk}/intelligence/"' in row and "1 link" in row
    row = html.split(f'id="child-{area["referred"].pk}"')[1].split("</tr>")[0]
    assert "None recorded" in row and "intelligence/" not in row


def test_triage_list_and_a_decision(area, client_for, personas):
    client = client_for("practitioner")
    html = client.get("/register/triage/").content.decode()
    assert f'id="child-{area["never"].pk}"' in html
    for who in ("opened", "referred", "hidden", "ended"):
        assert f'id="child-{area[who].pk}"' not in html
    assert "1 restricted record is counted here but not shown." in html
    page = client.get(f"/register/triage/{area['never'].pk}/?decision=MEETING").content.decode()
    assert 'value="MEETING" checked' in page
    response = client.post(f"/register/triage/{area['never'].pk}/", {"decision": "MEETING", "reason": ""})
    assert response.status_code == 200 and "Say why you decided this" in response.content.decode()
    response = client.post(
        f"/register/triage/{area['never'].pk}/", {"decision": "MEETING", "reason": "Seen with older boys."}
    )
    assert response.status_code == 302 and response["Location"] == "/register/triage/"
    assert Triage.objects.get().person == area["never"]
    html = client.get("/register/triage/").content.decode()
    assert f'id="child-{area["never"].pk}"' not in html
    # Flagged again: back, saying since when.
    flag(area["never"], "CCE", source="POLICE")
    html = client.get("/register/triage/").content.decode()
    assert f'id="child-{area["never"].pk}"' in html and "Flagged again since" in html


def test_a_child_not_on_the_list_has_no_form(area, client_for):
    client = client_for("practitioner")
    page = client.get(f"/register/triage/{area['opened'].pk}/").content.decode()
    assert "is not on the list of children to consider" in page and 'name="reason"' not in page
    client.post(f"/register/triage/{area['opened'].pk}/", {"decision": "NOT_FOR_HUB", "reason": "Known."})
    assert not Triage.objects.exists()


def test_the_childs_page_shows_the_register(area, client_for, personas):
    from cshub.register import actions

    actions.triage(
        area["never"], decision="NOT_FOR_HUB", reason="Youth justice hold it.", actor=personas["practitioner"]
    )
    html = client_for("practitioner").get(f"/children/{area['never'].pk}/").content.decode()
    card = html.split('<h2 class="govuk-heading-m">Whole-area register</h2>')[1].split("</div>")[0]
    assert "Child sexual exploitation" in card and "Flagged by youth justice" in card
    assert "Who holds the case: youth justice, Youth justice north" in card
    assert "Considered, not for the hub" in card and "Youth justice hold it." in card
    html = client_for("practitioner").get(f"/children/{area['ended'].pk}/").content.decode()
    assert "No flag in force." in html and "1 earlier flag" in html
