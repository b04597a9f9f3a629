import datetime as dt
from typing import Any

import pytest

from cshub.access.models import User
from cshub.conftest import TODAY, make_child
from cshub.disruption import actions
from cshub.intelligence import actions as intelligence
from cshub.intelligence.models import Subject
from cshub.people import actions as people


def place(actor: User, name: str = "Chicken Palace", postcode: str = "M1 1AE") -> Subject:
    return intelligence.create_subject(
        intelligence.SubjectDetails(kind="PLACE", name=name, place_kind="TAKEAWAY", postcode=postcode),
        actor=actor,
    )


def link(actor: User, subject: Subject, child: Any, seen: dt.date | None = None) -> Any:
    return intelligence.record_link(
        intelligence.LinkDetails(
            subject=subject,
            link_type="SEEN_AT",
            source_type="CASE_NOTE",
            child_id=child.pk,
            first_seen=seen,
            last_seen=seen,
        ),
        actor=actor,
    )


def details(subject: Subject, **kw: Any) -> actions.DisruptionDetails:
    values: dict[str, Any] = {
        "subject": subject,
        "disruption_type": "CAWN",
        "on": TODAY - dt.timedelta(days=3),
        "agency": "POLICE",
        "officer_name": "PC Ellery",
        "officer_agency": "POLICE",
        "status": "DONE",
        "outcome": "SUCCESSFUL",
    }
    values.update(kw)
    return actions.DisruptionDetails(**values)


@pytest.fixture
def area(personas: dict[str, User]) -> dict[str, Any]:
    worker, manager = personas["practitioner"], personas["team_manager"]
    kofi = make_child(worker)
    amara = make_child(worker, "Amara", "Brambleford")
    tia = make_child(worker, "Tia", "Cinderwick")
    people.set_restriction(tia, True, "Relative of staff", actor=manager)
    takeaway = place(worker)
    return {"worker": worker, "manager": manager, "kofi": kofi, "amara": amara, "tia": tia, "place": takeaway}
