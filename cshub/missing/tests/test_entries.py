import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cshub.conftest import make_child
from cshub.missing import actions
from cshub.missing.models import InterviewEntry
from cshub.missing.queries import patterns

pytestmark = pytest.mark.django_db


def _interview(child, actor, entries):
    returned = timezone.now() - dt.timedelta(hours=20)
    episode = actions.record_missing_episode(
        child,
        actions.MissingReport(reported_at=returned - dt.timedelta(hours=10), returned_at=returned),
        actor=actor,
    )
    return actions.record_return_interview(
        episode,
        actions.InterviewRecord(
            outcome="COMPLETED",
            completed_at=returned + dt.timedelta(hours=5),
            interviewer=actor,
            entries=entries,
        ),
        actor=actor,
    )


def test_entries_are_kept_and_the_same_place_across_children_is_a_pattern(hub, personas):
    worker = personas["missing_worker"]
    other = make_child(worker, "Ola", "Brennock")
    _interview(
        hub["child"],
        worker,
        (("PLACE", "Flat 3, Larch Court", "Stayed two nights"), ("VEHICLE", "Silver Audi", "")),
    )
    _interview(other, worker, (("PLACE", "flat 3 larch court", "Taken there by car"),))
    _interview(hub["restricted"], personas["team_manager"], (("PLACE", "Flat 3 — Larch Court!", ""),))
    assert InterviewEntry.objects.count() == 4
    found = patterns(worker)
    assert len(found) == 1
    larch = found[0]
    assert larch.kind == "PLACE" and larch.mentions == 3
    assert {c.surname for c in larch.children} == {"Ashcombe", "Brennock"} and larch.hidden == 1


def test_an_entry_needs_a_kind_and_a_value(hub, personas):
    with pytest.raises(ValidationError) as err:
        _interview(hub["second"], personas["missing_worker"], (("CAR", "", ""),))
    assert {"entry_1_kind", "entry_1_value"} <= set(err.value.message_dict)


def test_the_patterns_page_names_visible_children_only(hub, personas, client_for):
    worker = personas["missing_worker"]
    _interview(hub["child"], worker, (("PHONE", "07700 900123", ""),))
    _interview(hub["restricted"], personas["team_manager"], (("PHONE", "07700900123", ""),))
    page = client_for("missing_worker").get(reverse("missing:patterns")).content.decode()
    assert "Ashcombe" in page and "Cinderwick" not in page and "1 child whose record is restricted" in page


def test_the_queue_filters_by_hub_worker_and_team(hub, personas, client_for):
    url = reverse("missing:queue")
    client = client_for("missing_worker")
    worker = hub["worker"]
    everyone = client.get(url).content.decode()
    assert "Ashcombe" in everyone and "Practitioner Persona" in everyone
    assert "Ashcombe" in client.get(url, {"worker": worker.pk}).content.decode()
    assert "Ashcombe" not in client.get(url, {"worker": hub["manager"].pk}).content.decode()
    assert "Ashcombe" in client.get(url, {"team": "SOCIAL_CARE"}).content.decode()
    assert "Ashcombe" not in client.get(url, {"team": "POLICE"}).content.decode()
