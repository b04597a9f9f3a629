import datetime as dt
from pathlib import Path

from cshub.assurance.metrics import Count, Metrics, Percent, Period, Value, compute
from cshub.assurance.metrics import disruption as disruption_metrics
from cshub.casework.models import Episode
from cshub.demo.bench import Scale, generate
from cshub.demo.bench_duckdb import DEFINITIONS, Parts, disagreements, duckdb_figures, engine_only
from cshub.interchange.importer import run_import

PERIOD = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))


def test_the_metrics_engine_and_duckdb_agree_on_every_figure_of_the_same_files(db, tmp_path: Path):
    rows = generate(tmp_path, Scale(hubs=1, years=2, children=60, referrals=50, workers=3))
    result = run_import(tmp_path, actor=None)
    assert result.ok and result.rows == rows
    figures = compute(PERIOD)
    reference, timing = duckdb_figures(tmp_path, PERIOD.start, PERIOD.end)
    assert timing.reading > 0 and timing.computing > 0
    # Every figure but the few whose records the files do not carry has a DuckDB twin: a
    # new metric without one shows up below as "not computed by DuckDB".
    not_in_files = {
        n for n in figures if n.startswith(("consultations.", "area.", "audits.", "training.", "compliance."))
    }
    assert not_in_files and set(engine_only(figures)) == {
        "supervision.overdue",
        *disruption_metrics.NAMES,
        *not_in_files,
    }
    assert set(figures) - set(reference) == {"supervision.overdue", *disruption_metrics.NAMES, *not_in_files}
    assert len(DEFINITIONS) >= 30 and len(reference) >= 45
    assert disagreements(figures, reference) == []
    # ... and the history exercises them: the figures that need more than counting have
    # something to count.
    assert reference["referrals.previously_open"]["numerator"] > 0
    assert reference["closures.reopened_within_6_months"]["numerator"] > 0
    assert reference["outcomes.missing_reduced"]["denominator"] > 0
    assert reference["children.worked_with.deprivation_1_3"]["numerator"] > 0
    assert 0 < reference["rhi.offered"]["numerator"] < reference["rhi.offered"]["denominator"]
    assert reference["episodes.open_at_end"]["value"] > 0
    assert reference["assessments.reviewer_agreement.kappa"]["value"] is not None
    assert any(name.startswith("caseload.by_worker.prof-") for name in reference)
    assert any(r.get("rate_ratio") for name, r in reference.items() if name.startswith("disproportionality."))

    # The comparison sees a change in any part: one closure's outcome, changed in the
    # database only, is a disagreement on that outcome's numerator and nothing else.
    closure = Episode.objects.filter(close_date__range=(PERIOD.start, PERIOD.end), outcome_eet="YES").first()
    assert closure is not None
    Episode.objects.filter(pk=closure.pk).update(outcome_eet="NOT_APPLICABLE")
    changed = disagreements(compute(PERIOD), reference)
    assert [line.split(":")[0] for line in changed] == ["outcomes.eet denominator", "outcomes.eet numerator"]


def test_disagreements_are_listed_part_by_part_and_figure_by_figure():
    engine: Metrics = {
        "closures": Count(5),
        "outcomes.eet": Percent(3, 5),
        "assessments.reviewer_agreement.kappa": Value(0.5),
        "missing.reports": Count(9),
        "supervision.overdue": Count(2),
    }
    reference: dict[str, Parts] = {
        "closures": {"value": 5},
        "outcomes.eet": {"numerator": 3, "denominator": 4},
        "assessments.reviewer_agreement.kappa": {"value": None},
        "caseload.by_worker.unallocated": {"value": 1},
    }
    assert disagreements(engine, reference) == [
        "assessments.reviewer_agreement.kappa value: engine 0.5, DuckDB None",
        "caseload.by_worker.unallocated: DuckDB {'value': 1}, not computed by the engine",
        "missing.reports: engine {'value': 9}, not computed by DuckDB",
        "outcomes.eet denominator: engine 5, DuckDB 4",
    ]
    assert engine_only(engine) == {
        "supervision.overdue": "supervision sessions are not in the interchange files"
    }
