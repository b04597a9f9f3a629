"""Each disruption figure of docs/metrics.md ("Disruption") with its edges."""

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from cshub.assurance.metrics import Count, Percent, Period, compute
from cshub.assurance.metrics import disruption as metric
from cshub.conftest import make_child
from cshub.disruption import actions
from cshub.disruption.models import Disruption, Operation
from cshub.disruption.tests.conftest import details, link, place
from cshub.intelligence.models import Link
from cshub.people.models import PersonType

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
PERIOD = Period(START, END)


def _record(area: dict[str, Any], on: dt.date, **kw: Any) -> Disruption:
    return actions.record_disruption(
        details(area.get("subject", area["place"]), on=on, **kw), actor=area["worker"]
    )


def test_disruptions_by_type_and_outcome_count_what_happened_on_a_day_of_the_period(
    area: dict[str, Any],
) -> None:
    _record(area, START)  # first day: in
    _record(area, END, disruption_type="ARREST", outcome="UNSUCCESSFUL")  # last day: in
    _record(area, START - dt.timedelta(days=1))  # the day before: out
    _record(area, END + dt.timedelta(days=1), disruption_type="ARREST")  # the day after: out
    planned = _record(area, END, disruption_type="CHARGE", status="PLANNED", outcome="NOT_KNOWN")
    breached = _record(area, START + dt.timedelta(days=5), disruption_type="SRO", expires_on=END)
    actions.change_status(
        breached, actions.StatusChange("BREACHED", "SUCCESSFUL", expires_on=END), actor=area["worker"]
    )
    m = metric.compute(PERIOD)
    assert m["disruption.total"] == Count(3)  # planned is not counted; breached is
    assert m["disruption.by_type.CAWN"] == Percent(1, 3)
    assert m["disruption.by_type.ARREST"] == Percent(1, 3)
    assert m["disruption.by_type.SRO"] == Percent(1, 3)
    assert m["disruption.by_type.CHARGE"] == Percent(0, 3)  # every type appears, with zeros
    assert m["disruption.by_outcome.SUCCESSFUL"] == Percent(2, 3)
    assert m["disruption.by_outcome.UNSUCCESSFUL"] == Percent(1, 3)
    assert m["disruption.arrests"] == Count(1) and m["disruption.charges"] == Count(0)
    assert planned.status == "PLANNED"
    assert set(metric.NAMES) == set(m)
    assert set(metric.NAMES) <= set(compute(PERIOD))


def test_an_empty_period_has_zeros_and_no_percentages(db: Any) -> None:
    m = metric.compute(PERIOD)
    assert m["disruption.total"] == Count(0)
    assert m["disruption.by_type.CAWN"] == Percent(0, 0)


def test_children_linked_to_a_disrupted_subject(area: dict[str, Any]) -> None:
    worker = area["worker"]
    in_period = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
    kofi = link(worker, area["place"], area["kofi"])  # linked by intelligence
    amara = link(worker, area["place"], area["amara"])
    late = link(worker, area["place"], make_child(worker, "Ola", "Dunmore"))  # recorded after the period
    other = place(worker, "Hotel Grand", "M2 2AB")
    noor = link(worker, other, make_child(worker, "Noor", "Ellesmere"))  # a subject not disrupted
    Link.objects.filter(pk__in=[kofi.pk, amara.pk, noor.pk]).update(recorded_at=in_period)
    assert late.recorded_at.date() > END
    named = make_child(worker, "Sam", "Fairleigh")
    _record(area, START + dt.timedelta(days=10), children=(named.pk, area["kofi"].pk))  # named on it too
    m = metric.compute(PERIOD)
    assert m["disruption.children"] == Count(3)  # Kofi once, Amara, Sam; not Ola, not Noor
    # a subject disrupted only outside the period: nobody
    assert metric.compute(Period(dt.date(2024, 4, 1), dt.date(2025, 3, 31)))["disruption.children"] == Count(
        0
    )


def test_an_adult_linked_to_a_disrupted_subject_is_not_a_child(area: dict[str, Any]) -> None:
    from cshub.intelligence import actions as intelligence

    adult = make_child(
        area["worker"], "Dean", "Harrowgate", person_type=PersonType.ADULT, born=dt.date(1990, 1, 1)
    )
    subject = intelligence.create_subject(
        intelligence.SubjectDetails(kind="ADULT", person_id=adult.pk), actor=area["worker"]
    )
    intelligence.record_link(
        intelligence.LinkDetails(
            subject=area["place"], link_type="SEEN_AT", source_type="CASE_NOTE", from_subject=subject
        ),
        actor=area["worker"],
    )
    _record(area, START)
    assert metric.compute(PERIOD)["disruption.children"] == Count(0)


@override_settings(CSHUB_INTEL_ADULT_CHILDREN=3)
def test_hotspots_are_places_disrupted_or_linked_to_n_children_in_the_period(area: dict[str, Any]) -> None:
    worker = area["worker"]
    busy = place(worker, "Station car park", "M3 3AA")
    quiet = place(worker, "Corner shop", "M4 4AA")
    kids = [make_child(worker, f"Child{i}", "Ashby") for i in range(3)]
    seen = START + dt.timedelta(days=30)
    for k in kids:
        link(worker, busy, k, seen)  # 3 children: a hotspot
    for k in kids[:2]:
        link(worker, quiet, k, seen)  # 2 children: not
    link(worker, quiet, kids[2], START - dt.timedelta(days=1))  # seen the day before: not
    link(worker, quiet, make_child(worker, "Ade", "Ashby"), END + dt.timedelta(days=1))  # the day after: not
    _record(area, START)  # the takeaway is disrupted
    m = metric.compute(PERIOD)
    assert m["disruption.hotspots.linked"] == Count(1)
    assert m["disruption.hotspots.disrupted"] == Count(1)
    assert m["disruption.hotspots"] == Count(2)
    with override_settings(CSHUB_INTEL_ADULT_CHILDREN=2):
        assert metric.compute(PERIOD)["disruption.hotspots.linked"] == Count(2)


def test_a_place_both_disrupted_and_linked_is_one_hotspot(area: dict[str, Any]) -> None:
    worker = area["worker"]
    for k in (area["kofi"], area["amara"], make_child(worker, "Sam", "Fairleigh")):
        link(worker, area["place"], k, START)
    _record(area, START)
    m = metric.compute(PERIOD)
    assert m["disruption.hotspots"] == Count(1)


def test_operations_open_at_the_end_and_closed_in_the_period(area: dict[str, Any]) -> None:
    def op(opened: dt.date, closed: dt.date | None = None) -> None:
        o = actions.open_operation(
            actions.OperationDetails("Operation", "Aims", opened, (area["kofi"].pk,)), actor=area["worker"]
        )
        if closed is not None:
            actions.close_operation(o, "Done", actor=area["worker"], on=closed)

    op(START - dt.timedelta(days=30))  # open all along: open at the end
    op(END)  # opened on the last day: open at the end
    op(START, END)  # closed on the last day: closed in it, not open at its end
    op(START - dt.timedelta(days=60), START - dt.timedelta(days=1))  # closed before: neither
    op(START, START)  # opened and closed on the first day: closed in it
    m = metric.compute(PERIOD)
    assert m["operations.open_at_end"] == Count(2)
    assert m["operations.closed"] == Count(2)
    # an operation closed after the period was open at its end
    Operation.objects.filter(closed_on=END).update(closed_on=END + dt.timedelta(days=1))
    m = metric.compute(PERIOD)
    assert m["operations.open_at_end"] == Count(3) and m["operations.closed"] == Count(1)
