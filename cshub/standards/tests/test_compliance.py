"""The compliance dashboard (docs/compliance.md): what each role sees, the engine's figure is
the page's total, the trend's months, the children behind a figure (only those the user may
see, each view audited), and the child's page flags agreeing with the figures."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cshub.assurance.metrics import Percent, Period, compliance, compute
from cshub.audit.models import Action, AuditEvent
from cshub.casework import due as casework_due
from cshub.casework.models import CaseSummary, Episode
from cshub.conftest import make_child
from cshub.contact.models import Contact, ContactKind, VoiceEntry
from cshub.contact.queries import practice_flags
from cshub.core.dates import format_date
from cshub.people.models import Person
from cshub.plans import due as plans_due
from cshub.plans.models import ChildPlan
from cshub.standards.views.compliance import months, trend_days
from cshub.supervision.models import Supervision, without_supervision

TODAY = timezone.localdate()
URL = reverse("standards:compliance")


def test_a_manager_sees_the_hub_the_team_its_workers_and_links_to_the_children(
    hub: dict[str, Any], client_for: Any
) -> None:
    page = client_for("team_manager").get(URL).content.decode()
    engine = compute(Period(TODAY.replace(day=1), TODAY), (compliance,))["compliance.visit"]
    assert engine.denominator == 1
    assert f"{engine.numerator} of {engine.denominator}" in page  # the hub's total is the engine's
    assert "Complex Safeguarding Team" in page
    assert "Practitioner Persona" in page  # the allocated worker
    team_link = reverse("standards:compliance_team", args=["visit", hub["team"].pk])
    worker_link = reverse("standards:compliance_worker", args=["visit", hub["worker"].pk])
    assert team_link in page and worker_link in page
    assert "Ashcombe" not in page  # no child is named on the dashboard


@pytest.mark.parametrize("role", ["analyst", "strategic_lead"])
def test_analysts_and_leads_see_team_figures_and_the_trend_but_no_worker_or_children(
    role: str, hub: dict[str, Any], client_for: Any
) -> None:
    client = client_for(role)
    page = client.get(URL).content.decode()
    assert "Complex Safeguarding Team" in page and "by month" in page
    assert "Practitioner Persona" not in page
    assert "/standards/compliance/visit/" not in page
    assert client.get(reverse("standards:compliance_team", args=["visit", hub["team"].pk])).status_code == 403


def test_the_month_picker_and_the_trend_months(hub: dict[str, Any], client_for: Any) -> None:
    options = months(dt.date(2026, 3, 15))
    assert [m.day for m in options[:3]] == [dt.date(2026, 3, 15), dt.date(2026, 2, 28), dt.date(2026, 1, 31)]
    assert len(options) == 13 and options[-1].day == dt.date(2025, 3, 31)
    trend = [m.day for m in trend_days(options[2])]
    assert len(trend) == 12 and trend[0] == dt.date(2025, 2, 28) and trend[-1] == dt.date(2026, 1, 31)
    assert trend[-2] == dt.date(2025, 12, 31)
    chosen = months(TODAY)[1]  # last month
    page = client_for("analyst").get(URL, {"month": chosen.value}).content.decode()
    assert f"on {format_date(chosen.day)}" in page
    heading = 'class="govuk-table__header govuk-table__header--numeric">{}</th>'
    assert heading.format(f"{chosen.day:%b %y}") in page
    assert heading.format(f"{trend_days(chosen)[0].day:%b %y}") in page
    assert heading.format(f"{TODAY:%b %y}") not in page


def test_the_children_behind_a_figure_only_those_the_manager_may_see_and_audited(
    hub: dict[str, Any], client_for: Any
) -> None:
    worker, manager = hub["worker"], hub["manager"]
    seen = make_child(worker, "Sunita", "Ravensworth")
    Episode.objects.create(person=seen, open_date=TODAY - dt.timedelta(days=60), allocated_worker=worker)
    Contact.objects.create(
        episode=seen.episodes.get(), kind=ContactKind.VISIT, on=TODAY, where="School", recorded_by=worker
    )
    hidden = make_child(worker, "Obadiah", "Thistlecombe")
    Person.objects.filter(pk=hidden.pk).update(restricted=True)  # the manager is not named on it
    Episode.objects.create(person=hidden, open_date=TODAY - dt.timedelta(days=60), allocated_worker=worker)
    before = AuditEvent.objects.filter(actor=manager, action=Action.VIEW).count()
    for url in (
        reverse("standards:compliance_team", args=["visit", hub["team"].pk]),
        reverse("standards:compliance_worker", args=["visit", worker.pk]),
    ):
        page = client_for("team_manager").get(url).content.decode()
        outside, inside = page.split('id="inside"')
        assert "Kofi Ashcombe" in outside  # the fixture's child, not seen yet
        assert "Sunita Ravensworth" in inside
        assert "Thistlecombe" not in page and "Obadiah" not in page
    viewed = AuditEvent.objects.filter(actor=manager, action=Action.VIEW).order_by("pk")[before:]
    assert sorted(e.child_id or 0 for e in viewed) == sorted([hub["child"].pk, seen.pk] * 2)
    assert hidden.pk not in {e.child_id for e in viewed}
    # the figure itself counts every child, the restricted one too
    assert compliance.hub(TODAY)["visit"] == Percent(1, 3)


def test_an_unknown_standard_or_team_is_not_found(hub: dict[str, Any], client_for: Any) -> None:
    client = client_for("team_manager")
    assert (
        client.get(reverse("standards:compliance_team", args=["bedtime", hub["team"].pk])).status_code == 404
    )
    assert client.get(reverse("standards:compliance_team", args=["visit", 999999])).status_code == 404
    assert client.get(reverse("standards:compliance_team", args=["visit", 0])).status_code == 200  # no team


def plan_of(episode: Episode) -> ChildPlan:
    plan = plans_due.current_plan(episode)
    assert plan is not None
    return plan


def test_the_childs_page_flags_and_the_figures_agree(hub: dict[str, Any]) -> None:
    """The same data, read by the child's page (its flags and due card) and by the figures."""
    worker, manager = hub["worker"], hub["manager"]
    cases = []
    for n, days_ago in enumerate((0, 9, 10, 11, 30, 60)):
        child = make_child(worker, f"Agree{n}", "Fairholme")
        episode = Episode.objects.create(
            person=child, open_date=TODAY - dt.timedelta(days=200), allocated_worker=worker
        )
        on = TODAY - dt.timedelta(days=days_ago)
        Contact.objects.create(
            episode=episode, kind=ContactKind.VISIT, on=on, where="Home", recorded_by=worker
        )
        VoiceEntry.objects.create(
            person=child,
            said="s",
            how_gathered="VISIT",
            gathered_on=on - dt.timedelta(days=32),
            gathered_by=worker,
        )
        CaseSummary.objects.create(
            person=child,
            who_the_child_is="w",
            current_risks="r",
            what_is_working="w",
            the_plan="p",
            written_by=worker,
            written_at=timezone.now() - dt.timedelta(days=days_ago * 2 + 10),
        )
        ChildPlan.objects.create(
            episode=episode,
            version=1,
            needs="n",
            outcomes="o",
            contingency="c",
            written_by=worker,
            written_at=timezone.now() - dt.timedelta(days=days_ago * 2 + 8),
        )
        Supervision.objects.create(
            episode=episode,
            kind="INDIVIDUAL",
            held_on=on - dt.timedelta(days=days_ago + 8),
            supervisor=manager,
            supervisee=worker,
            discussion="d",
            decisions="d",
            recorded_by=manager,
        )
        cases.append(episode)
    rows = {
        r.pk: r
        for r in compliance.annotate_within(Episode.objects.filter(pk__in=[e.pk for e in cases]), TODAY)
    }
    unsupervised = set(
        without_supervision(
            Episode.objects.all(), TODAY, casework_due.standard("SUPERVISION", TODAY)
        ).values_list("pk", flat=True)
    )
    for episode in cases:
        row: Any = rows[episode.pk]
        flags = " ".join(practice_flags(episode.person, episode, TODAY))
        assert row.within_visit == ("has not been seen" not in flags)
        assert row.within_voice == ("own words" not in flags)
        assert row.within_summary == (not episode.person.case_summaries.first().is_stale(TODAY))
        assert row.within_assessment == (not casework_due.for_episode(episode).overdue(TODAY))
        assert row.within_plan_review == (not plans_due.plan_review_due(plan_of(episode)).overdue(TODAY))
        assert row.within_supervision == (episode.pk not in unsupervised)
    # both answers occur, for each standard, so the agreement is not vacuous
    for s in ("visit", "voice", "summary", "plan_review", "supervision"):
        assert {getattr(r, f"within_{s}") for r in rows.values()} == {True, False}, s
