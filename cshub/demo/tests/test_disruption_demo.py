import datetime as dt

from cshub.access.models import User
from cshub.demo.generator import generate
from cshub.disruption import due
from cshub.disruption.models import Disruption, Operation
from cshub.people.models import TimelineEntry, TimelineKind


def test_the_demo_holds_disruptions_and_a_joint_operation_made_through_the_actions(db):
    today = dt.date(2026, 11, 23)
    generate(seed=7, today=today, years=1, referrals_per_year=60)
    police, manager = User.objects.get(username="police"), User.objects.get(username="manager")
    assert Disruption.objects.filter(recorded_by=police).count() == 6
    assert {"ARREST", "CHARGE", "CONVICTION", "CAWN", "CLOSURE", "LICENSING"} == set(
        Disruption.objects.values_list("disruption_type", flat=True)
    )
    operation = Operation.objects.get(name="Operation Harbour")
    assert operation.open_to(manager) and operation.children.count() >= 5
    assert operation.task_links.count() == 1 and operation.decisions.count() == 1
    # each child named on a disruption has it on their timeline; an order ends soon
    assert (
        TimelineEntry.objects.filter(kind=TimelineKind.DISRUPTION).count()
        == sum(d.children.count() for d in Disruption.objects.all())
        > 0
    )
    assert [d.disruption_type for d, _ in due.orders_due(police, today)] == ["CAWN"]
