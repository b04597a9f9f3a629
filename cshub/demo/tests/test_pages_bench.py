"""`cshub bench pages` at a tiny scale: the real server (`cshub serve`) on the test
database, a few users for a few seconds. Behaviour, not timing: every page answers 200 as
its persona, nothing fails under load, and the report has a row per page."""

from pathlib import Path

import pytest

from cshub.demo import pages_bench, pages_report


@pytest.mark.usefixtures("live_db")
def test_every_main_page_answers_under_load_and_the_report_has_a_row_per_page(tmp_path: Path):
    run = pages_bench.run_bench(
        scale="tiny", users=3, seconds=3, think=0.1, workers=2, log_dir=tmp_path, say=lambda _: None
    )

    assert [r.page for r in run.rows] == [p.name for p in pages_bench.PAGES]
    assert {r.page: r.first_status for r in run.rows} == {p.name: 200 for p in pages_bench.PAGES}
    assert run.errors_seen == []
    assert run.overall.errors == 0
    assert run.overall.requests == sum(r.requests for r in run.rows) > 0

    lines = pages_report.report(run)
    for page in pages_bench.PAGES:
        assert sum(line.startswith(f"| {page.name} |") for line in lines) == 1

    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\n## Person search at scale\n\nKept.\n")
    pages_report.update_docs(docs, run)
    pages_report.update_docs(docs, run)  # the same run again replaces its block
    text = docs.read_text()
    assert text.count(pages_report.SECTION) == 1
    assert text.count(f"<!-- pages bench: {run.title} -->") == 1
    assert "## Person search at scale\n\nKept." in text


@pytest.mark.django_db
def test_reuse_refuses_a_database_no_pages_bench_built(tmp_path: Path, settings):
    settings.DEMO = True
    with pytest.raises(RuntimeError, match="does not hold a pages bench's hub scale"):
        pages_bench.run_bench(
            scale="hub", users=1, seconds=1, think=0, workers=1, log_dir=tmp_path, reuse=True, say=print
        )
    settings.DEMO = False
    with pytest.raises(RuntimeError, match="only with CSHUB_DEMO=1"):
        pages_bench.run_bench(
            scale="hub", users=1, seconds=1, think=0, workers=1, log_dir=tmp_path, reuse=True, say=print
        )
    with pytest.raises(RuntimeError, match="Every page is excluded"):
        pages_bench.run_bench(
            scale="hub", users=1, seconds=1, think=0, workers=1, log_dir=tmp_path, exclude=("",), say=print
        )
