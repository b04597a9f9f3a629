"""Each role's home page shows that person's due and overdue work (issue 16)."""

import datetime as dt

import pytest
from django.utils import timezone

from cshub.audit.models import AuditEvent
from cshub.casework import actions as casework
from cshub.casework.tests.test_workflow import _closure
from cshub.conftest import TODAY, make_child, make_referral
from cshub.missing import actions as missing
from cshub.referrals import actions as referrals
from cshub.tasks import actions as tasks

pytestmark = pytest.mark.django_db


def _allocated(personas, forename="Kofi", surname="Ashcombe", opened_days_ago=40):
    worker, manager = personas["practitioner"], personas["team_manager"]
    child = make_child(worker, forename, surname)
    referral = make_referral(child, worker, days_ago=opened_days_ago + 2)
    referrals.decide_referral(
        referral,
        "OPEN",
        "Meets threshold.",
        actor=manager,
        decision_date=TODAY - dt.timedelta(days=opened_days_ago),
    )
    episode = casework.open_episode(
        referral, actor=manager, open_date=TODAY - dt.timedelta(days=opened_days_ago), allocated_worker=worker
    )
    return child, episode


def _returned(personas, child, hours_ago):
    returned = timezone.now() - dt.timedelta(hours=hours_ago)
    return missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=returned - dt.timedelta(hours=6), returned_at=returned),
        actor=personas["missing_worker"],
    )


def test_practitioner_home_shows_due_and_overdue_work_with_a_returned_closure(personas, client_for):
    worker, manager = personas["practitioner"], personas["team_manager"]
    child, episode = _allocated(personas)
    tasks.agree_task(
        tasks.NewTask(
            "Call the college about attendance", "SOCIAL_CARE", TODAY - dt.timedelta(days=2), owner=worker
        ),
        [child],
        actor=manager,
    )
    casework.record_closure(episode, _closure(), actor=worker, override_reason="Settled at college")
    casework.return_closure(episode, "Record the child's view of the work ending first", actor=manager)

    page = client_for("practitioner").get("/").content.decode()

    assert "Your work" in page
    assert "First exploitation risk assessment" in page  # due 28 days after opening: overdue
    assert "Visit" in page and "Case summary" in page
    assert "Call the college about attendance" in page
    assert "Overdue" in page
    assert "Closures returned to you" in page
    assert "Record the child&#x27;s view of the work ending first" in page
    assert AuditEvent.objects.filter(actor=worker, action="VIEW", child_id=child.pk).exists()


def test_practitioner_home_says_when_nothing_is_due(personas, client_for):
    page = client_for("practitioner").get("/").content.decode()
    assert "Nothing is due or overdue for your children" in page
    assert "You have no open actions due" in page
    assert "No closures have been returned to you" in page


def test_missing_worker_home_shows_waiting_and_overdue_interviews_and_held_reports(personas, client_for):
    child = make_child(personas["practitioner"])
    _returned(personas, child, hours_ago=80)  # past the 72-hour clock
    other = make_child(personas["practitioner"], "Amara", "Brambleford")
    _returned(personas, other, hours_ago=5)
    missing.receive_report_about(
        missing.ReportedChild("Kofy", "Ashcomb"),
        missing.MissingReport(reported_at=timezone.now() - dt.timedelta(hours=3), police_reference="GMP-77"),
        actor=personas["missing_worker"],
    )

    page = client_for("missing_worker").get("/").content.decode()

    assert "Return interviews waiting" in page
    assert "Overdue by" in page and "hours left" in page
    assert "Kofi Ashcombe" in page and "Amara Brambleford" in page
    assert "Police reports to match" in page and "1 police report is waiting" in page
    assert "Kofy" not in page  # the held report's details stay on its own page


def test_missing_worker_home_says_when_nothing_is_waiting(personas, client_for):
    page = client_for("missing_worker").get("/").content.decode()
    assert "No children are waiting for a return interview" in page
    assert "No police reports are waiting to be matched" in page


def test_manager_home_shows_interviews_to_review_and_overdue_work_in_the_team(personas, client_for):
    manager = personas["team_manager"]
    child, _ = _allocated(personas)
    episode = _returned(personas, child, hours_ago=30)
    missing.record_return_interview(
        episode,
        missing.InterviewRecord(outcome="COMPLETED", completed_at=timezone.now() - dt.timedelta(hours=2)),
        actor=personas["missing_worker"],
    )

    page = client_for("team_manager").get("/").content.decode()

    assert "Return interviews to review" in page
    assert "Overdue work in the team" in page
    assert "Practitioner Persona" in page  # the worker with the overdue first assessment
    assert "Threshold decisions" in page
    assert AuditEvent.objects.filter(actor=manager, action="VIEW", child_id=child.pk).exists()


def test_manager_home_empty_states(personas, client_for):
    page = client_for("team_manager").get("/").content.decode()
    assert "No return interviews are waiting for review" in page
    assert "No work in the team is overdue" in page
    assert "No closures are waiting for your authorisation" in page


def test_analyst_and_lead_home_name_no_children(personas, client_for):
    _allocated(personas)
    for role in ("analyst", "strategic_lead"):
        page = client_for(role).get("/").content.decode()
        assert "Kofi" not in page
        assert "Your work" not in page and "Return interviews waiting" not in page


def test_sysadmin_home_is_the_users_page(client_for):
    response = client_for("sysadmin").get("/")
    assert response.status_code == 302 and response.url.endswith("/users/")


def test_signed_out_home_goes_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "sign-in" in response.url


def test_practitioner_home_shows_children_on_the_caseload_who_are_missing_now(personas, client_for):
    child, _ = _allocated(personas)
    missing.record_missing_episode(
        child,
        missing.MissingReport(reported_at=timezone.now() - dt.timedelta(hours=3), police_risk="HIGH"),
        actor=personas["missing_worker"],
    )
    back, _ = _allocated(personas, "Amara", "Brambleford")
    _returned(personas, back, hours_ago=5)

    page = client_for("practitioner").get("/").content.decode()

    assert "Missing now" in page
    section = page.split("Missing now", 1)[1].split("</ul>", 1)[0]
    assert "Kofi Ashcombe" in section and "police risk high" in section
    assert "Amara" not in section


@pytest.mark.parametrize("role", ["practitioner", "team_manager", "missing_worker"])
def test_home_reads_a_fixed_number_of_queries_however_many_children(role, personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client = client_for(role)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    def add(forename: str) -> None:
        child, _ = _allocated(personas, forename, "Ashcombe")
        _returned(personas, child, hours_ago=80)
        tasks.agree_task(
            tasks.NewTask(
                "Visit", "SOCIAL_CARE", TODAY - dt.timedelta(days=1), owner=personas["practitioner"]
            ),
            [child],
            actor=personas["team_manager"],
        )

    add("Kofi")
    one = queries()
    for name in ("Amara", "Bilal", "Cerys"):
        add(name)
    assert queries() == one


def _reimport_episode(tmp_path, episode, close_date, name):
    """The hub's own export imported again with the episode's close date changed, as a
    council's correction would arrive: a real import, which changes nothing else."""
    import csv

    from cshub.interchange.exporter import export
    from cshub.interchange.importer import run_import

    folder = tmp_path / name
    export(folder, actor=None)
    path = folder / "csh_episode.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    rows[0]["close_date"] = close_date
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_import(folder, actor=None)
    episode.refresh_from_db()


def test_a_returned_closure_leaves_the_home_page_once_superseded(personas, client_for, tmp_path):
    """A returned closure is shown while it is the last word on the closure: recording it
    again, or the episode closed and re-opened since (here by the council's import), takes it
    off the home page; it never comes back."""
    worker, manager = personas["practitioner"], personas["team_manager"]
    _child, episode = _allocated(personas)
    casework.record_closure(episode, _closure(), actor=worker, override_reason="Settled at college")
    casework.return_closure(episode, "Record the child's view of the work ending first", actor=manager)
    home = client_for("practitioner")
    assert "Record the child&#x27;s view" in home.get("/").content.decode()

    casework.record_closure(episode, _closure(), actor=worker, override_reason="Settled at college")
    assert "No closures have been returned to you" in home.get("/").content.decode()  # recorded again
    casework.return_closure(episode, "Now add the plan for after the hub", actor=manager)
    page = home.get("/").content.decode()
    assert "Now add the plan for after the hub" in page and "Record the child&#x27;s view" not in page

    _reimport_episode(tmp_path, episode, (TODAY - dt.timedelta(days=1)).isoformat(), "closed")
    assert not episode.is_open
    assert "No closures have been returned to you" in home.get("/").content.decode()
    _reimport_episode(tmp_path, episode, "", "reopened")
    assert episode.is_open and episode.allocated_worker == worker
    assert "No closures have been returned to you" in home.get("/").content.decode()


SHOWN = 25  # a home page list's length (notifications.work.SHOWN)


def _work_list(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("</ul>", 1)[0]


def test_practitioner_home_lists_the_first_due_dates_and_says_how_many_more(personas, client_for):
    """The list is cut at SHOWN, most overdue first; the rest are counted, not listed."""
    _allocated(personas, "Kofi")
    page = client_for("practitioner").get("/").content.decode()
    each = _work_list(page, "Your work").count("<li>")
    assert each >= 2 and "more due or overdue: see your whole caseload" not in page
    children = SHOWN // each + 2
    for n in range(1, children):
        _allocated(personas, f"Kofi{chr(ord('a') + n)}")

    page = client_for("practitioner").get("/").content.decode()

    assert _work_list(page, "Your work").count("<li>") == SHOWN
    assert f"And {children * each - SHOWN} more due or overdue: see your whole caseload." in page


def test_practitioner_home_lists_the_first_actions_due_and_says_how_many_more(personas, client_for):
    worker = personas["practitioner"]
    child, _ = _allocated(personas)
    for n in range(SHOWN + 3):
        tasks.agree_task(
            tasks.NewTask(f"Action number {n}", "SOCIAL_CARE", TODAY - dt.timedelta(days=n), owner=worker),
            [child],
            actor=personas["team_manager"],
        )

    page = client_for("practitioner").get("/").content.decode()

    listed = _work_list(page, "Your actions")
    assert listed.count("<li>") == SHOWN
    assert f"Action number {SHOWN + 2}<" in listed  # the most overdue first
    assert "Action number 0<" not in listed and "Action number 2<" not in listed
    assert "And 3 more due or overdue: see all your actions." in page


def test_a_workers_overdue_work_reads_as_english():
    from collections import Counter

    from cshub.notifications.work import SUMMARY, VISIT, WorkerOverdue

    worker = WorkerOverdue("Gethin", Counter({SUMMARY: 4, VISIT: 1}))
    assert worker.summary == "1 visit, 4 case summaries"
