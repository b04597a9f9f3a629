"""The audit round pages: a new round previewed then drawn, the round's page (the seed, the
redraw check, restricted children counted not named), reallocating, cancelling, and one case
audited from its episode."""

import datetime as dt
import uuid
from typing import Any

import pytest

from cshub.audit.models import AuditEvent
from cshub.caseaudits.models import Audit, AuditTemplate, Sample
from cshub.caseaudits.tests.sample_data import episode, staff
from cshub.conftest import TODAY
from cshub.people import actions as people

START = TODAY - dt.timedelta(days=300)
END = START + dt.timedelta(days=29)


def day(name: str, value: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def round_form(template: AuditTemplate, auditors: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": "Open cases, a month last winter",
        "template": str(template.pk),
        "rule": "OPEN_PER_WORKER",
        "per_stratum": "3",
        "moderation_percent": "0",
        "auditors": [str(a.pk) for a in auditors],
        "request_key": str(uuid.uuid4()),
        **day("period_start", START),
        **day("period_end", END),
        **day("due_date", TODAY + dt.timedelta(days=14)),
        **extra,
    }


@pytest.fixture
def hub_audit(db):
    return AuditTemplate.objects.get(name="Hub case audit", version=1)


def test_a_round_is_previewed_then_drawn_once(personas, client_for, hub_audit):
    manager, worker = personas["team_manager"], personas["practitioner"]
    sam = staff("Sam Smith")
    episode(manager, worker, START, forename="Kofi")
    hidden = episode(manager, worker, START, forename="Tia")
    other_manager = staff("Ola Boss", role="team_manager")  # the manager drawing is not named on it
    people.set_restriction(hidden.person, True, "Relative of staff", actor=other_manager)
    people.grant_access(hidden.person, sam, actor=other_manager)
    client = client_for("team_manager")
    form = round_form(hub_audit, [sam], seed="")

    preview = client.post("/audits/rounds/new/", {**form, "preview": "1"})

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check the audit round before you draw it" in page
    assert "Kofi Testchild" in page and "Tia" not in page  # restricted: counted, not named
    assert "1 of these is a restricted record" in page
    assert not Sample.objects.filter(name=form["name"]).exists()
    seed = preview.context["seed"]
    confirm = dict(preview.context["hidden"])
    assert confirm["seed"] == str(seed)
    posted = {**form, "seed": str(seed), "confirm": "1"}

    drawn = client.post("/audits/rounds/new/", posted)
    again = client.post("/audits/rounds/new/", posted)  # the same form sent twice

    sample = Sample.objects.get(name=form["name"])
    assert drawn.status_code == again.status_code == 302
    assert drawn["Location"] == again["Location"] == f"/audits/rounds/{sample.pk}/"
    assert sample.seed == seed
    assert sample.audits.count() == 2

    page = client.get(f"/audits/rounds/{sample.pk}/").content.decode()
    assert str(seed) in page
    assert "still draw the same 2 cases" in page
    assert "Kofi Testchild" in page and "Tia" not in page
    assert AuditEvent.objects.filter(actor=manager, action="VIEW", child_id=hidden.person_id).count() == 0


def test_the_round_page_says_when_the_seed_no_longer_draws_the_same_cases(personas, client_for, hub_audit):
    manager, worker = personas["team_manager"], personas["practitioner"]
    episode(manager, worker, START)
    client = client_for("team_manager")
    client.post("/audits/rounds/new/", {**round_form(hub_audit, [manager], seed="77"), "confirm": "1"})
    sample = Sample.objects.get(seed=77)
    episode(manager, worker, END)  # a case opened since, dated into the period

    page = client.get(f"/audits/rounds/{sample.pk}/").content.decode()

    assert "now draw different cases: 1 not in this round, 0 of this round no longer drawn" in page


def test_a_rule_selecting_nothing_says_so_and_makes_no_round(client_for, personas, hub_audit):
    client = client_for("team_manager")
    response = client.post(
        "/audits/rounds/new/", {**round_form(hub_audit, [personas["team_manager"]]), "preview": "1"}
    )
    assert response.status_code == 200
    assert "This rule selects no cases in that period: no audit round was made" in response.content.decode()
    assert not Sample.objects.filter(name="Open cases, a month last winter").exists()


def test_reallocating_from_the_round_refuses_the_cases_worker(client_for, hub, personas):
    audit = hub["case_audit"]
    client = client_for("team_manager")
    worker = personas["practitioner"]

    refused = client.post(f"/audits/rounds/audit/{audit.pk}/reallocate/", {"auditor": worker.pk})
    assert refused.status_code == 200
    assert (
        "Practitioner Persona is this case&#x27;s worker: choose another auditor" in refused.content.decode()
    )

    other = staff("Sam Smith")
    moved = client.post(f"/audits/rounds/audit/{audit.pk}/reallocate/", {"auditor": other.pk})
    assert moved.status_code == 302
    assert Audit.objects.get(pk=audit.pk).auditor_id == other.pk


def test_cancelling_from_the_round_needs_a_reason(client_for, hub):
    audit = hub["case_audit"]
    client = client_for("team_manager")
    refused = client.post(f"/audits/rounds/audit/{audit.pk}/cancel/", {"reason": ""})
    assert "Give the reason the audit is cancelled" in refused.content.decode()
    done = client.post(f"/audits/rounds/audit/{audit.pk}/cancel/", {"reason": "Drawn twice by mistake."})
    assert done.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == "CANCELLED"


def test_audit_this_case_from_the_episode(client_for, hub, personas, hub_audit):
    made = hub["episode"]
    manager = client_for("team_manager")
    assert f"/audits/rounds/episode/{made.pk}/audit/" in manager.get(f"/episodes/{made.pk}/").content.decode()
    assert "Audit this case" not in client_for("practitioner").get(f"/episodes/{made.pk}/").content.decode()
    form = {"template": hub_audit.pk, **day("due_date", TODAY + dt.timedelta(days=10))}

    refused = manager.post(
        f"/audits/rounds/episode/{made.pk}/audit/", {**form, "auditor": personas["practitioner"].pk}
    )
    assert "is this case&#x27;s worker: choose another auditor" in refused.content.decode()

    done = manager.post(
        f"/audits/rounds/episode/{made.pk}/audit/", {**form, "auditor": personas["team_manager"].pk}
    )
    assert done.status_code == 302
    assert Audit.objects.filter(episode=made, sample__isnull=True, auditor=personas["team_manager"]).exists()
