import datetime as dt
from pathlib import Path

from cshub.assurance.metrics import Period, compute
from cshub.demo.bench import Scale, duckdb_figures, generate
from cshub.interchange.importer import run_import


def test_the_metrics_engine_and_duckdb_agree_on_the_same_files(db, tmp_path: Path):
    rows = generate(tmp_path, Scale(hubs=1, years=2, children=60, referrals=20))
    result = run_import(tmp_path, actor=None)
    assert result.ok and result.rows == rows
    period = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    figures = compute(period)
    reference, seconds = duckdb_figures(tmp_path, period.start, period.end)
    assert seconds >= 0
    assert reference["missing.reports"] > 0 and reference["rhi.within_72h"] > 0
    for name, value in reference.items():
        result_value = figures[name]
        engine = getattr(result_value, "numerator", getattr(result_value, "value", None))
        assert engine == value, name
