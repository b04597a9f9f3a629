"""The running meeting carries the forms of the item being minuted only: the others show what
is recorded and open with their forms (?open=, or fetched into the page)."""

import pytest
from django.urls import reverse

from cshub.meetings import actions

pytestmark = pytest.mark.django_db


def _items(hub):
    manager = hub["manager"]
    second = actions.add_item(
        hub["meeting"], "OTHER", "Seen with older youths", [hub["second"]], actor=manager
    )
    actions.save_minutes(second, discussion="Talked it through.", decision="Visit tomorrow.", actor=manager)
    return hub["item"], second


def test_only_the_open_item_has_its_forms(hub, client_for):
    first, second = _items(hub)
    client = client_for("team_manager")
    url = reverse("meetings:detail", args=[hub["meeting"].pk])
    page = client.get(url).content.decode()
    assert f'name="m{first.pk}-decision"' not in page and f'name="m{second.pk}-decision"' not in page
    assert f'name="a{second.pk}-description"' not in page and f'name="s{second.pk}-text"' not in page
    assert "Visit tomorrow." in page  # what is recorded shows without the form
    assert f'href="?open={second.pk}#item-{second.pk}">Minute this item' in page
    assert f'data-load="{reverse("meetings:item", args=[second.pk])}"' in page
    opened = client.get(url, {"open": second.pk}).content.decode()
    assert f'name="m{second.pk}-decision"' in opened and f'name="a{second.pk}-description"' in opened
    assert f'name="m{first.pk}-decision"' not in opened


def test_an_item_opened_with_fetch_comes_with_its_forms(hub, client_for):
    _, second = _items(hub)
    client = client_for("practitioner")
    url = reverse("meetings:item", args=[second.pk])
    section = client.get(url, headers={"X-Requested-With": "fetch"})
    assert section.status_code == 200
    html = section.content.decode()
    assert html.startswith("<details") or html.lstrip().startswith("<details")
    assert f'name="m{second.pk}-decision"' in html and f'name="s{second.pk}-text"' in html
    assert "data-load" not in html
    plain = client.get(url)  # without JavaScript: the meeting, with the item open
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"?open={second.pk}#item-{second.pk}")
    assert client_for("missing_worker").get(url).status_code == 403  # reads the minutes, runs nothing
