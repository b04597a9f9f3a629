"""The practice standards pages: who reads them, who changes a standard, and the change's
form, confirmation and errors."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cshub.core.dates import format_date, local_today
from cshub.standards.models import PracticeStandard

pytestmark = pytest.mark.django_db

TODAY = local_today()
NEXT_WEEK = TODAY + dt.timedelta(days=7)


def _post(
    day: dt.date, days: str = "21", reason: str = "Case audit: supervision drift", **extra: str
) -> dict[str, str]:
    return {
        "days": days,
        "effective_from_day": str(day.day),
        "effective_from_month": str(day.month),
        "effective_from_year": str(day.year),
        "reason": reason,
        **extra,
    }


def test_the_page_says_each_standard_in_plain_words(hub: dict[str, Any], client_for: Any) -> None:
    page = client_for("practitioner").get(reverse("standards:home")).content.decode()
    assert "Visit the child at least every 10 days" in page
    assert format_date(hub["practice_standard"].effective_from) in page  # in force since
    assert "Supervise the work with each child at least every 28 days" in page
    assert "The hub's setting: never changed here" in page
    assert reverse("standards:change", args=["VISIT"]) not in page


@pytest.mark.parametrize("role", ["practitioner", "missing_worker", "analyst", "strategic_lead"])
def test_readers_see_no_change_link(hub: dict[str, Any], client_for: Any, role: str) -> None:
    page = client_for(role).get(reverse("standards:history", args=["VISIT"])).content.decode()
    assert "Every version" in page and "Change this standard" not in page
    assert client_for(role).get(reverse("standards:change", args=["VISIT"])).status_code == 403
    assert (
        client_for(role)
        .post(reverse("standards:change", args=["VISIT"]), _post(NEXT_WEEK, confirmed="yes"))
        .status_code
        == 403
    )
    assert PracticeStandard.objects.count() == 1


def test_an_unknown_standard_is_not_found(hub: dict[str, Any], client_for: Any) -> None:
    for name in ("standards:history", "standards:change"):
        assert client_for("team_manager").get(reverse(name, args=["TEAM_SIZE"])).status_code == 404


def test_a_change_to_come_is_shown_beside_the_standard_in_force(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    client.post(reverse("standards:change", args=["VISIT"]), _post(NEXT_WEEK, days="7", confirmed="yes"))
    page = client_for("practitioner").get(reverse("standards:home")).content.decode()
    assert "Visit the child at least every 10 days" in page
    assert f"7 days from {format_date(NEXT_WEEK)}" in page


def test_a_change_is_confirmed_before_it_is_made(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    url = reverse("standards:change", args=["SUPERVISION"])
    assert (
        "Change this standard"
        in client.get(reverse("standards:history", args=["SUPERVISION"])).content.decode()
    )
    page = client.post(url, _post(NEXT_WEEK)).content.decode()
    assert "Check the change before you make it" in page
    assert "Supervise the work with each child at least every 28 days" in page  # now
    assert "Supervise the work with each child at least every 21 days" in page  # new
    assert format_date(NEXT_WEEK) in page
    assert "Supervision overdue" in page  # what it affects
    assert not PracticeStandard.objects.filter(code="SUPERVISION").exists()
    # "Change what you entered": the form again, with what was entered.
    page = client.post(url, _post(NEXT_WEEK, edit="yes")).content.decode()
    assert 'value="21"' in page and "Case audit: supervision drift" in page
    assert not PracticeStandard.objects.filter(code="SUPERVISION").exists()
    response = client.post(url, _post(NEXT_WEEK, confirmed="yes"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "standards:history", args=["SUPERVISION"]
    )
    version = PracticeStandard.objects.get(code="SUPERVISION")
    assert (version.days, version.effective_from, version.set_by) == (21, NEXT_WEEK, hub["manager"])
    page = client.get(response["Location"]).content.decode()
    assert f"Supervision: 21 days from {format_date(NEXT_WEEK)}" in page
    assert "Case audit: supervision drift" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": ""}, "Enter the number of days"),
        ({"days": "three"}, "The number of days must be a whole number, like 21"),
        ({"days": "0"}, "The number of days must be 1 or more"),
        ({"days": "400"}, "The number of days must be 366 or fewer"),
        ({"reason": "  "}, "Enter why the standard is changing"),
        (
            {"effective_from_day": "", "effective_from_month": "", "effective_from_year": ""},
            "Enter the date the standard applies from",
        ),
        ({"effective_from_month": "13"}, "must be a real date"),
        ({"effective_from_year": "9999"}, "must be within 10 years from today"),
        ({"days": "28"}, "is already 28 days"),
    ],
)
def test_errors_are_summarised_and_nothing_entered_is_lost(
    hub: dict[str, Any], client_for: Any, data: dict[str, str], message: str
) -> None:
    posted = {**_post(NEXT_WEEK, reason="Inspection recommendation"), **data}
    for confirmed in ({}, {"confirmed": "yes"}):  # refused at the form and at the confirmation
        page = (
            client_for("team_manager")
            .post(reverse("standards:change", args=["SUPERVISION"]), {**posted, **confirmed})
            .content.decode()
        )
        assert "There is a problem" in page and message in page
        if data.get("reason") is None:
            assert "Inspection recommendation" in page
        assert f'value="{posted["effective_from_year"]}"' in page or not posted["effective_from_year"]
    assert not PracticeStandard.objects.filter(code="SUPERVISION").exists()


def test_a_date_before_this_month_is_refused_with_why(hub: dict[str, Any], client_for: Any) -> None:
    last_month = TODAY.replace(day=1) - dt.timedelta(days=1)
    page = (
        client_for("team_manager")
        .post(reverse("standards:change", args=["SUPERVISION"]), _post(last_month, confirmed="yes"))
        .content.decode()
    )
    assert "There is a problem" in page
    assert f"must be {format_date(TODAY.replace(day=1))} or later" in page
    assert not PracticeStandard.objects.filter(code="SUPERVISION").exists()


def test_the_navigation_links_the_page_for_managers_and_figure_readers(
    hub: dict[str, Any], client_for: Any
) -> None:
    link = f'href="{reverse("standards:home")}"'
    for role in ("team_manager", "analyst", "strategic_lead"):
        assert link in client_for(role).get(reverse("standards:history", args=["VISIT"])).content.decode()
    # A practitioner reaches it from "What is due" on the child's page.
    page = client_for("practitioner").get(reverse("casework:child", args=[hub["child"].pk])).content.decode()
    assert link in page
