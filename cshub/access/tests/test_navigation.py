"""The service navigation: each persona is shown the pages it may use, and the region's pages
where they live (cross-border work on a hub, the regional picture on the region)."""

import re
from collections.abc import Callable

import pytest
from django.test import Client, override_settings


def menu(client: Client, path: str = "/") -> list[str]:
    page = client.get(path, follow=True).content.decode()
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', page, re.S)
    assert nav, "no service navigation"
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("team_manager", {"/cross-border/", "/regional/alerts/", "/region/"}, {"/regional/"}),
        ("practitioner", set(), {"/cross-border/", "/regional/alerts/", "/region/", "/regional/"}),
        ("analyst", {"/region/"}, {"/cross-border/", "/regional/alerts/", "/regional/"}),
        ("sysadmin", {"/region/"}, {"/cross-border/", "/regional/alerts/", "/regional/"}),
    ],
)
def test_on_a_hub_the_cross_border_pages_are_in_the_menu_of_those_who_decide(
    client_for: Callable[[str], Client], role: str, shown: set[str], hidden: set[str]
) -> None:
    links = set(menu(client_for(role)))
    assert shown <= links
    assert not hidden & links
    for href in shown:  # every link shown opens
        assert client_for(role).get(href).status_code == 200, href


@override_settings(CSHUB_INSTANCE="region")
def test_on_the_region_the_regional_picture_is_in_the_menu_not_the_cross_border_pages(
    client_for: Callable[[str], Client],
) -> None:
    links = menu(client_for("strategic_lead"))
    assert "/regional/" in links
    assert not {"/cross-border/", "/regional/alerts/"} & set(links)
    assert client_for("strategic_lead").get("/regional/").status_code == 200


def test_the_current_page_is_marked_in_the_menu(client_for: Callable[[str], Client]) -> None:
    page = client_for("team_manager").get("/regional/alerts/").content.decode()
    current = re.findall(r'href="([^"]+)" aria-current="true"', page)
    assert current == ["/regional/alerts/"]


@override_settings(CSHUB_INSTANCE="region")
def test_on_the_region_the_home_page_is_the_regional_picture_and_no_hub_pages_are_offered(
    client_for: Callable[[str], Client],
) -> None:
    lead = client_for("strategic_lead")
    response = lead.get("/")
    assert response.status_code == 302 and response["Location"] == "/regional/"
    assert client_for("sysadmin").get("/")["Location"] == "/region/"
    links = set(menu(client_for("team_manager"), "/regional/"))
    assert links == {"/regional/", "/region/"}  # no Find a child, caseloads or meetings
    assert client_for("team_manager").get("/cross-border/").status_code == 404


@override_settings(CSHUB_HUB_NAME="Bury (synthetic)")
def test_the_header_names_the_hub(client_for: Callable[[str], Client]) -> None:
    page = client_for("practitioner").get("/").content.decode()
    header = page.split("</header>", 1)[0]
    assert "Bury (synthetic)" in header
