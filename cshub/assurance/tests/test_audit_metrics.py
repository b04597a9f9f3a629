"""The case audit figures of docs/metrics.md ("Case audits"): completed audits by grade and
on time, moderation agreement and weighted kappa (worked by hand, four grades, linear
weights), findings by theme, learning actions open and overdue; London dates at the
period's boundaries; the audit dashboard and the performance page's section. Rows are
made directly (the audit write path is built elsewhere)."""

import datetime as dt
import io
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from cshub.assurance.metrics import Count, Percent, Period, Value, compute
from cshub.assurance.metrics import audits as metric
from cshub.assurance.metrics.agreement import weighted_kappa
from cshub.assurance.metrics.publication import publish
from cshub.assurance.models import Section
from cshub.caseaudits.models import Audit, AuditRole, AuditStatus, Finding, FindingKind, Theme
from cshub.tasks.models import Source, Status, Task

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
APRIL = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
GRADES = ["OUTSTANDING", "GOOD", "REQUIRES_IMPROVEMENT", "INADEQUATE"]


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def audit(
    hub: dict[str, Any],
    grade: str = "GOOD",
    completed_at: dt.datetime | None = None,
    due: dt.date = dt.date(2026, 4, 30),
    moderates: Audit | None = None,
    status: str = AuditStatus.COMPLETED,
) -> Audit:
    manager, worker = hub["manager"], hub["worker"]
    return Audit.objects.create(
        template=hub["published_template"],
        person=hub["child"],
        episode=hub["episode"],
        case_worker=worker,
        auditor=manager,
        role=AuditRole.MODERATION if moderates else AuditRole.PRIMARY,
        moderates=moderates,
        status=status,
        due_date=due,
        overall_grade=grade if status == AuditStatus.COMPLETED else "",
        allocated_by=manager,
        completed_at=completed_at if status == AuditStatus.COMPLETED else None,
    )


def pair(hub: dict[str, Any], primary: str, moderation: str, when: dt.datetime) -> tuple[Audit, Audit]:
    first = audit(hub, primary, when)
    return first, audit(hub, moderation, when, moderates=first)


# Weighted kappa --------------------------------------------------------------------------


def test_weighted_kappa_over_the_four_grades_by_hand():
    # GOOD/GOOD twice, INADEQUATE/INADEQUATE, GOOD/REQUIRES_IMPROVEMENT; weights 1 - |i - j| / 3.
    # Observed (1 + 1 + 1 + 2/3) / 4 = 11/12; rows G 3/4, I 1/4; columns G 1/2, RI 1/4, I 1/4;
    # expected 3/8 + 1/8 + 1/16 + 1/24 + 1/24 + 1/16 = 17/24; kappa (11/12 - 17/24) / (7/24) = 5/7.
    pairs = {
        ("GOOD", "GOOD"): 2,
        ("INADEQUATE", "INADEQUATE"): 1,
        ("GOOD", "REQUIRES_IMPROVEMENT"): 1,
    }
    assert weighted_kappa(pairs, GRADES) == 0.714
    assert weighted_kappa({("GOOD", "GOOD"): 3}, GRADES) is None  # chance agreement already perfect
    assert weighted_kappa({}, GRADES) is None
    assert weighted_kappa({("OUTSTANDING", "OUTSTANDING"): 1, ("INADEQUATE", "INADEQUATE"): 1}, GRADES) == 1.0
    # The farthest apart weigh nothing: complete disagreement at the ends is -1.
    assert (
        weighted_kappa({("OUTSTANDING", "INADEQUATE"): 1, ("INADEQUATE", "OUTSTANDING"): 1}, GRADES) == -1.0
    )


def test_the_assessments_kappa_is_the_general_one_over_three_levels():
    from cshub.assurance.metrics import practice

    pairs = {("LOW", "LOW"): 2, ("LOW", "MEDIUM"): 1, ("HIGH", "HIGH"): 1}
    assert practice.weighted_kappa(pairs) == weighted_kappa(pairs, ["LOW", "MEDIUM", "HIGH"])
    assert practice.weighted_kappa(pairs) == 0.714  # (0.875 - 0.5625) / 0.4375


# Completed audits, grades, on time -------------------------------------------------------


def test_completed_primary_audits_by_grade(hub):
    for grade, n in (("OUTSTANDING", 1), ("GOOD", 3), ("REQUIRES_IMPROVEMENT", 0), ("INADEQUATE", 1)):
        for _ in range(n):
            audit(hub, grade, at(dt.date(2026, 4, 15)))
    audit(hub, "GOOD", None, status=AuditStatus.IN_PROGRESS)  # not completed
    audit(hub, "GOOD", None, status=AuditStatus.CANCELLED)
    first = audit(hub, "GOOD", at(dt.date(2026, 3, 20)))  # before the period
    audit(hub, "INADEQUATE", at(dt.date(2026, 4, 20)), moderates=first)  # a moderation: not counted
    m = metric.compute(APRIL)
    assert m["audits.completed"] == Count(5)
    assert m["audits.grade.outstanding"] == Percent(1, 5)
    assert m["audits.grade.good"] == Percent(3, 5)
    assert m["audits.grade.requires_improvement"] == Percent(0, 5)
    assert m["audits.grade.inadequate"] == Percent(1, 5)


def test_the_period_runs_by_london_dates(hub):
    # British Summer Time: London midnight is 23:00 UTC the day before.
    utc = dt.UTC
    audit(hub, "GOOD", dt.datetime(2026, 3, 31, 23, 30, tzinfo=utc))  # 1 April 00:30 in London: in
    audit(hub, "GOOD", dt.datetime(2026, 3, 31, 22, 59, tzinfo=utc))  # 31 March 23:59: out
    audit(hub, "GOOD", dt.datetime(2026, 4, 30, 22, 59, tzinfo=utc))  # 30 April 23:59: in
    audit(hub, "GOOD", dt.datetime(2026, 4, 30, 23, 0, tzinfo=utc))  # 1 May 00:00: out
    assert metric.compute(APRIL)["audits.completed"] == Count(2)


def test_on_time_is_completed_on_or_before_the_due_date_in_london(hub):
    due = dt.date(2026, 4, 10)
    audit(hub, "GOOD", at(due, 23, 30), due=due)  # 22:30 UTC on the due date: on time
    audit(hub, "GOOD", at(due + dt.timedelta(days=1), 0, 15), due=due)  # 23:15 UTC the 10th: late
    audit(hub, "GOOD", at(dt.date(2026, 4, 2)), due=due)  # early
    m = metric.compute(APRIL)
    assert m["audits.on_time"] == Percent(2, 3)
    assert metric.compute(Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31)))["audits.on_time"] == Percent(
        0, 0
    )


# Moderation --------------------------------------------------------------------------------


def test_moderation_agreement_and_kappa_over_pairs_completed_in_the_period(hub):
    day = at(dt.date(2026, 4, 15))
    pair(hub, "GOOD", "GOOD", day)
    pair(hub, "GOOD", "GOOD", day)
    pair(hub, "INADEQUATE", "INADEQUATE", day)
    pair(hub, "GOOD", "REQUIRES_IMPROVEMENT", day)
    # Not pairs of the period: both completed in March; the moderation not completed; the
    # moderation completed in May (a pair counts when the later of the two was completed).
    early = audit(hub, "OUTSTANDING", at(dt.date(2026, 3, 30)))
    audit(hub, "INADEQUATE", at(dt.date(2026, 3, 31)), moderates=early)
    open_moderation = audit(hub, "OUTSTANDING", day)
    audit(hub, "", None, moderates=open_moderation, status=AuditStatus.IN_PROGRESS)
    late = audit(hub, "OUTSTANDING", day)
    audit(hub, "INADEQUATE", at(dt.date(2026, 5, 1)), moderates=late)
    m = metric.compute(APRIL)
    assert m["audits.moderation.agreement"] == Percent(3, 4)
    assert m["audits.moderation.kappa"] == Value(0.714)  # 5/7, worked above


def test_a_pair_straddling_the_periods_end_counts_once_when_the_later_audit_completed(hub):
    primary = audit(hub, "GOOD", at(dt.date(2026, 3, 30)))
    audit(hub, "REQUIRES_IMPROVEMENT", at(dt.date(2026, 4, 2)), moderates=primary)
    march = metric.compute(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert march["audits.moderation.agreement"] == Percent(0, 0)
    assert metric.compute(APRIL)["audits.moderation.agreement"] == Percent(0, 1)


def test_kappa_is_null_when_undefined(hub):
    m = metric.compute(APRIL)
    assert m["audits.moderation.agreement"] == Percent(0, 0)
    assert m["audits.moderation.kappa"] == Value(None)
    for _ in range(3):
        pair(hub, "GOOD", "GOOD", at(dt.date(2026, 4, 15)))
    m = metric.compute(APRIL)
    assert m["audits.moderation.agreement"] == Percent(3, 3)
    assert m["audits.moderation.kappa"] == Value(None)  # every grade the same: chance agreement is 1


# Findings by theme -------------------------------------------------------------------------


def test_findings_by_theme_of_audits_completed_in_the_period(hub):
    summaries = hub["theme"]
    voice = Theme.objects.create(name="Voice of the child (test)")
    unused = Theme.objects.create(name="Never used (test)", active=False)
    done = audit(hub, "GOOD", at(dt.date(2026, 4, 15)))
    earlier = audit(hub, "GOOD", at(dt.date(2026, 3, 15)))
    for on, themes in ((done, [summaries, voice]), (done, [voice]), (done, []), (earlier, [voice])):
        finding = Finding.objects.create(
            audit=on, kind=FindingKind.IMPROVE, text="x", recorded_by=hub["manager"]
        )
        finding.themes.set(themes)
    # The hub's own finding is on an audit not completed: not counted.
    m = metric.compute(APRIL)
    assert m["audits.findings"] == Count(3)
    assert m[f"audits.findings.by_theme.{summaries.pk}"] == Percent(1, 3)
    assert m[f"audits.findings.by_theme.{voice.pk}"] == Percent(2, 3)
    assert m[f"audits.findings.by_theme.{unused.pk}"] == Percent(0, 3)
    assert {n for n in m if n.startswith("audits.findings.by_theme.")} == {
        f"audits.findings.by_theme.{pk}" for pk in Theme.objects.values_list("pk", flat=True)
    }


# Learning actions --------------------------------------------------------------------------


def test_learning_actions_open_and_overdue_on_the_periods_last_day(hub):
    manager = hub["manager"]
    end = dt.datetime(2026, 4, 30, 23, 0, tzinfo=dt.UTC)  # London midnight after 30 April

    def task(due: dt.date, created: dt.datetime, source: str = Source.AUDIT, **extra: Any) -> Task:
        return Task.objects.create(
            description="Learning action",
            owner=manager,
            owner_agency="SOCIAL_CARE",
            due_date=due,
            source=source,
            created_at=created,
            **extra,
        )

    task(dt.date(2026, 5, 20), at(dt.date(2026, 4, 2)))  # open, not yet due
    task(dt.date(2026, 4, 29), at(dt.date(2026, 4, 2)))  # open and overdue on 30 April
    task(dt.date(2026, 4, 30), at(dt.date(2026, 4, 2)))  # due on the day: not overdue
    task(dt.date(2026, 4, 1), at(dt.date(2026, 3, 2)), status=Status.DONE, completed_at=end)  # done after
    task(
        dt.date(2026, 4, 1),
        at(dt.date(2026, 3, 2)),
        status=Status.DONE,
        completed_at=at(dt.date(2026, 4, 30)),
    )
    task(dt.date(2026, 4, 1), at(dt.date(2026, 3, 2)), source=Source.SUPERVISION)  # not from an audit
    task(dt.date(2026, 4, 1), end)  # created after the period
    m = metric.compute(APRIL)
    assert m["audits.actions.open"] == Count(4)
    assert m["audits.actions.overdue"] == Count(2)


# The engine, the command, publication ------------------------------------------------------


def test_the_engine_and_the_command_give_the_audit_figures(hub):
    audit(hub, "GOOD", at(dt.date(2026, 4, 15)))
    figures = compute(APRIL)
    assert figures["audits.completed"] == Count(1)
    out = io.StringIO()
    call_command("metrics", "--from", "2026-04-01", "--to", "2026-04-30", stdout=out)
    printed = json.loads(out.getvalue())["metrics"]
    for name in (
        "audits.completed",
        "audits.grade.good",
        "audits.on_time",
        "audits.moderation.agreement",
        "audits.moderation.kappa",
        "audits.findings",
        f"audits.findings.by_theme.{hub['theme'].pk}",
        "audits.actions.open",
        "audits.actions.overdue",
    ):
        assert name in printed
    assert printed["audits.grade.good"] == {"numerator": 1, "denominator": 1, "percent": 100.0}


def test_publication_suppresses_small_grades_and_their_give_away(hub):
    for grade, n in (("OUTSTANDING", 6), ("GOOD", 7), ("INADEQUATE", 2)):
        for _ in range(n):
            audit(hub, grade, at(dt.date(2026, 4, 15)))
    docs = publish(metric.compute(APRIL))
    assert docs["audits.completed"]["value"] == 15
    assert docs["audits.grade.inadequate"]["numerator"] == "c"
    # One cell suppressed of a published total: the next smallest (6 outstanding) goes too.
    assert docs["audits.grade.outstanding"]["numerator"] == "c"
    assert docs["audits.grade.good"]["numerator"] == 7


# The audit dashboard ------------------------------------------------------------------------


def test_the_dashboard_shows_the_engines_figures_for_the_period(hub, client_for):
    pair(hub, "GOOD", "GOOD", at(dt.date(2026, 5, 15)))
    pair(hub, "GOOD", "REQUIRES_IMPROVEMENT", at(dt.date(2026, 6, 30), 23, 30))
    response = client_for("analyst").get(reverse("caseaudits:dashboard"), {"year": "2026", "quarter": "1"})
    assert response.status_code == 200
    quarter = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert response.context["period"] == quarter
    engine = {n: r for n, r in compute(quarter).items() if n.startswith("audits.")}
    assert response.context["figures"] == engine
    text = response.content.decode()
    assert "1 April 2026 to 30 June 2026" in text
    assert "Good" in text and "50%" in text  # one of two moderated pairs agreed
    # No child's name, no worker's name.
    for name in (hub["child"].surname, hub["worker"].get_full_name(), hub["manager"].get_full_name()):
        assert name not in text
    # The quarters: this one and the seven before it, oldest first.
    quarters = response.context["quarters"]
    assert len(quarters) == 8
    assert quarters[-1].period == quarter
    assert quarters[-1].completed == 2 and quarters[-1].grades == [0, 2, 0, 0]
    assert [q.completed for q in quarters[:-1]] == [0] * 7


def test_the_dashboard_reads_kappa_in_plain_words(hub, client_for):
    day = at(dt.date(2026, 4, 15))
    pair(hub, "GOOD", "GOOD", day)
    pair(hub, "GOOD", "GOOD", day)
    pair(hub, "INADEQUATE", "INADEQUATE", day)
    pair(hub, "GOOD", "REQUIRES_IMPROVEMENT", day)
    text = (
        client_for("team_manager")
        .get(reverse("caseaudits:dashboard"), {"start": "", "year": "2026", "quarter": "1"})
        .content.decode()
    )
    assert "0.714" in text
    assert "Substantial agreement" in text


def test_the_dashboard_counts_themes_by_quarter(hub, client_for):
    voice = Theme.objects.create(name="Voice of the child (test)")
    done = audit(hub, "GOOD", at(dt.date(2026, 2, 15)))  # January to March 2026 (quarter 4 of 2025)
    finding = Finding.objects.create(
        audit=done, kind=FindingKind.IMPROVE, text="x", recorded_by=hub["manager"]
    )
    finding.themes.set([voice])
    response = client_for("strategic_lead").get(
        reverse("caseaudits:dashboard"), {"year": "2026", "quarter": "1"}
    )
    rows = {row.theme: row.counts for row in response.context["themes"]}
    assert rows["Voice of the child (test)"] == [0, 0, 0, 0, 0, 0, 1, 0]
    assert rows[hub["theme"].name] == [0] * 8  # its only finding is on an audit not completed


def test_the_dashboard_links_the_actions_list_for_managers_only(hub, client_for):
    url = reverse("caseaudits:dashboard")
    actions = reverse("tasks:list")
    assert actions in client_for("team_manager").get(url).content.decode()
    assert actions not in client_for("analyst").get(url).content.decode()


def test_the_dashboard_empty_state(hub, client_for):
    response = client_for("analyst").get(reverse("caseaudits:dashboard"), {"year": "2026", "quarter": "1"})
    text = response.content.decode()
    assert "No case audits have been completed in this period" in text
    assert "<svg" not in text


def test_the_performance_page_has_a_case_audits_section_for_commentary(hub, client_for):
    assert "audits" in Section.values
    response = client_for("team_manager").get(reverse("assurance:performance"))
    keys = [s["key"] for s in response.context["sections"]]
    assert "audits" in keys
    assert 'id="audits"' in response.content.decode()
    assert reverse("caseaudits:dashboard") in response.content.decode()
