"""The demo's disruption: a few disruptions against the intelligence network's subjects
(made by `network.make_network`) and one joint operation, through the disruption actions
as the hub's police officer, so the disruption log, the subjects' pages, the children's
timelines, the due list (an order ending soon) and the dashboard show something true."""

import datetime as dt

from cshub.access.models import User
from cshub.disruption import actions
from cshub.disruption.actions import DisruptionDetails, OperationDetails
from cshub.intelligence.models import Link, Subject
from cshub.tasks.actions import NewTask


def _children(subject: Subject) -> tuple[int, ...]:
    return tuple(
        Link.objects.filter(subject=subject, child__isnull=False, child__restricted=False)
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )


def make_disruption(users: dict[str, User], today: dt.date) -> int:
    """Returns the number of disruptions made (none without the demo's network)."""
    police, manager, worker = users["police"], users["manager"], users["practitioner"]
    by_name = {s.name: s for s in Subject.objects.filter(confirmed=True)}
    takeaway, hotel = by_name.get("Golden Fry, High Street"), by_name.get("Northern Rest Hotel")
    adults = list(Subject.objects.filter(kind="ADULT", confirmed=True, created_by=police).order_by("id")[:3])
    if takeaway is None or hotel is None or len(adults) < 3:
        return 0
    operation = actions.open_operation(
        OperationDetails(
            "Operation Harbour",
            "Stop the adults using the Golden Fry and the Northern Rest Hotel to groom and exploit children; "
            "keep each child safe while it runs.",
            today - dt.timedelta(days=45),
            children=_children(takeaway) + _children(hotel),
            subjects=(takeaway.pk, hotel.pk, adults[0].pk, adults[2].pk),
            members=(manager.pk, worker.pk),
        ),
        actor=police,
    )
    actions.record_decision(
        operation,
        "Apply for a closure notice on the takeaway; ask licensing to review the hotel.",
        today - dt.timedelta(days=44),
        actor=police,
    )
    actions.agree_action(
        operation,
        NewTask(
            "Ask the council's licensing team to review the hotel's licence",
            "POLICE",
            today + dt.timedelta(days=10),
            police,
        ),
        actor=police,
    )
    made = [
        DisruptionDetails(
            subject=takeaway,
            disruption_type="CLOSURE",
            on=today - dt.timedelta(days=30),
            agency="POLICE",
            officer=police,
            children=_children(takeaway),
            status="DONE",
            outcome="SUCCESSFUL",
            outcome_detail="Closure notice served; the magistrates made a 3-month order",
            expires_on=today + dt.timedelta(days=60),
            operation=operation,
        ),
        DisruptionDetails(
            subject=hotel,
            disruption_type="LICENSING",
            licensed_kind="HOTEL",
            on=today + dt.timedelta(days=14),
            agency="POLICE",
            officer_name="Priya Okafor",
            officer_agency="SOCIAL_CARE",
            children=_children(hotel),
            operation=operation,
        ),
        DisruptionDetails(
            subject=adults[0],
            disruption_type="CAWN",
            on=today - dt.timedelta(days=170),
            agency="POLICE",
            officer=police,
            children=_children(adults[0])[:2],
            status="DONE",
            outcome="SUCCESSFUL",
            outcome_detail="Served in person",
            expires_on=today + dt.timedelta(days=12),
        ),
        DisruptionDetails(
            subject=adults[1],
            disruption_type="ARREST",
            on=today - dt.timedelta(days=40),
            agency="POLICE",
            officer=police,
            status="DONE",
            outcome="SUCCESSFUL",
            outcome_detail="Possession with intent to supply",
        ),
        DisruptionDetails(
            subject=adults[1],
            disruption_type="CHARGE",
            on=today - dt.timedelta(days=39),
            agency="POLICE",
            officer=police,
            status="DONE",
            outcome="SUCCESSFUL",
        ),
        DisruptionDetails(
            subject=adults[2],
            disruption_type="CONVICTION",
            on=today - dt.timedelta(days=200),
            agency="POLICE",
            officer_name="DC Rowe",
            officer_agency="POLICE",
            children=_children(adults[2])[:1],
            status="DONE",
            outcome="SUCCESSFUL",
            sentence="4 years' imprisonment",
        ),
    ]
    for details in made:
        actions.record_disruption(details, actor=police)
    return len(made)
