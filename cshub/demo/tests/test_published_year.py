"""The demo data reproduces the Manchester Complex Safeguarding Hub's published 2022/23
headline figures, computed by the metrics engine from records (never written in)."""

import datetime as dt

from cshub.assurance.metrics import Period, compute
from cshub.demo.history import import_history


def test_the_published_2022_23_table_comes_out_of_the_records(db):
    import_history()
    figures = compute(Period(dt.date(2022, 4, 1), dt.date(2023, 3, 31)))
    # Demand: 242 referrals, 60% criminal and 22% sexual exploitation.
    assert figures["referrals.received"].value == 242
    assert figures["referrals.by_primary_type.CCE"].percent == 59.92  # published as 60%
    assert figures["referrals.by_primary_type.CSE"].percent == 21.90  # published as 22%
    # Missing: 4958 reports about 1381 children; 2976 return interviews, 73.22% within 72 hours.
    assert figures["missing.reports"].value == 4958
    assert figures["missing.children"].value == 1381
    assert figures["rhi.completed"].value == 2976
    assert figures["rhi.within_72h"].percent == 73.22
    # Impact at closure.
    assert figures["outcomes.eet"].percent == 73.0
    assert figures["outcomes.stable_accommodation"].percent == 91.0
    assert figures["outcomes.positive_relationship"].percent == 90.0
    assert figures["outcomes.missing_reduced"].percent == 60.0
    assert figures["feedback.child"].percent == 73.0
