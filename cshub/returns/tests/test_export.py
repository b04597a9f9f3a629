"""This hub's return: the engine's figures for the quarter, as CSV and XLSX, audited."""

import io
import sys

import pytest
from django.core.management import call_command
from django.db import connections
from openpyxl import load_workbook

from cshub.__main__ import main
from cshub.assurance.metrics import Count, Percent, compute
from cshub.audit.models import Action, AuditEvent
from cshub.conftest import TODAY, make_child, make_referral
from cshub.returns import export
from cshub.returns.read import read_bytes
from cshub.returns.schema import COLUMNS, Quarter, catalogue, exclusion


@pytest.fixture
def quarter(hub, personas):
    """The last quarter that has ended, with referrals in it (the hub's are in this one)."""
    q = export.last_ended()
    worker = personas["practitioner"]
    for i, kind in enumerate(["CCE", "CCE", "CSE", "CCE", "TRAFFICKING", "CCE"]):
        child = make_child(worker, forename=f"Child{chr(65 + i)}", surname="Quarterly")
        make_referral(child, worker, days_ago=(TODAY - q.period.start).days - 3 - i, kind=kind)
    return q


@pytest.fixture
def run(monkeypatch):
    """`cshub …` as from the shell, in this process: its exit status (0 when it returned).
    A command run from the shell closes the database connections when it ends; here they are
    the test's, so they stay open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def shell(*argv):
        monkeypatch.setattr(sys, "argv", ["cshub", argv[0], "--skip-checks", *argv[1:]])
        try:
            main()
        except SystemExit as exc:
            return exc.code
        return 0

    return shell


def test_every_row_is_the_engines_figure_for_the_quarter(quarter):
    figures = compute(quarter.period)
    rows = export.rows(quarter)
    assert figures["referrals.received"] == Count(6)
    assert [r.measure for r in rows] == [n for n, r in figures.items() if exclusion(n, r) is None]
    for row in rows:
        result = figures[row.measure]
        assert row.hub == "demo-hub" and row.quarter == quarter
        if isinstance(result, Count):
            assert (row.kind, row.numerator, row.denominator, row.value) == (
                "count",
                result.value,
                None,
                result.value,
            )
        else:
            assert isinstance(result, Percent)
            assert (row.kind, row.numerator, row.denominator, row.value) == (
                "percent",
                result.numerator,
                result.denominator,
                result.percent,
            )


def test_the_csv_goes_round_through_the_reader(quarter):
    made = export.export(quarter, "csv")
    assert made.content.decode().splitlines()[0] == ",".join(COLUMNS)
    assert made.filename == f"regional-return-demo-hub-{quarter}.csv"
    checked, problems = read_bytes(made.filename, made.content, catalogue)
    assert problems == []
    assert checked.rows == export.rows(quarter)


def test_the_xlsx_goes_round_through_the_reader_with_numbers_as_numbers(quarter):
    made = export.export(quarter, "xlsx")
    book = load_workbook(io.BytesIO(made.content))
    assert book.sheetnames == ["return", "read me"]
    sheet = book["return"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    received = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "referrals.received")
    assert received == (1, "demo-hub", str(quarter), "referrals.received", "count", 6, None, 6)
    cce = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[3] == "referrals.by_primary_type.CCE"
    )
    assert cce[5:] == (4, 6, 66.67) and isinstance(cce[7], float)
    notes = dict(book["read me"].iter_rows(values_only=True))
    p = quarter.period
    assert notes["hub"] == "demo-hub" and notes["quarter"] == str(quarter) and notes["schema version"] == 1
    assert notes["from"] == f"{p.start.day} {p.start:%B %Y} ({p.start.isoformat()})"
    checked, problems = read_bytes(made.filename, made.content, catalogue)
    assert problems == []
    assert checked.rows == export.rows(quarter)


def test_each_export_is_audited_without_personal_data(quarter, personas):
    analyst = personas["analyst"]
    export.export(quarter, "csv", actor=analyst)
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")
    assert event.actor == analyst and event.child_id is None and event.object_id == ""
    assert event.detail == {
        "export": "regional return",
        "quarter": str(quarter),
        "format": "csv",
        "rows": len(export.rows(quarter)),
        "schema": 1,
    }


def test_the_command_writes_the_return(quarter, tmp_path, run):
    path = tmp_path / "return.xlsx"
    assert run("return", "--quarter", str(quarter), "--format", "xlsx", "--output", str(path)) == 0
    assert load_workbook(path)["return"]["D2"].value == "referrals.received"
    out = io.StringIO()
    call_command("return", "--quarter", str(quarter), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert f"1,demo-hub,{quarter},referrals.received,count,6,,6" in lines
    via = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk").detail["via"]
    assert via == "cshub return"


def test_the_command_refuses_a_quarter_not_ended_or_not_a_quarter(db, capsys, run):
    current = Quarter.containing(TODAY)
    end = current.period.end
    assert run("return", "--quarter", str(current)) == 1
    assert f"{current} has not ended: it ends on {end.day} {end:%B %Y}" in capsys.readouterr().err
    assert run("return", "--quarter", "2025-Q5") == 1
    assert '"2025-Q5" is not a quarter' in capsys.readouterr().err
    assert run("return", "--quarter", "2025-Q3", "--format", "xlsx") == 1
    assert "an XLSX file needs --output PATH" in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_page_offers_ended_quarters_and_downloads_the_file(quarter, client_for):
    client = client_for("analyst")
    page = client.get("/performance/regional-return/")
    assert page.status_code == 200
    p = quarter.period
    assert f"{quarter}: {p.start.day} {p.start:%B %Y} to {p.end.day} {p.end:%B %Y}" in page.content.decode()
    assert str(Quarter.containing(TODAY)) not in page.content.decode()
    got = client.get("/performance/regional-return/", {"quarter": str(quarter), "format": "xlsx"})
    assert got.status_code == 200
    assert got["Content-Disposition"] == f'attachment; filename="regional-return-demo-hub-{quarter}.xlsx"'
    assert load_workbook(io.BytesIO(got.content))["return"]["D2"].value == "referrals.received"
    event = AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")
    assert event.detail["format"] == "xlsx" and event.actor.username == "analyst.user"


def test_the_page_refuses_a_quarter_not_ended(quarter, client_for):
    current = Quarter.containing(TODAY)
    got = client_for("strategic_lead").get(
        "/performance/regional-return/", {"quarter": str(current), "format": "csv"}
    )
    assert got.status_code == 200
    assert "Choose a quarter that has ended" in got.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("practitioner", 403), ("missing_worker", 403), ("sysadmin", 403), ("team_manager", 200)],
)
def test_the_download_is_for_those_who_see_the_figures(quarter, client_for, role, status):
    got = client_for(role).get("/performance/regional-return/", {"quarter": str(quarter), "format": "csv"})
    assert got.status_code == status
    assert AuditEvent.objects.filter(action=Action.EXPORT).exists() == (status == 200)


def test_the_performance_page_links_to_it(client_for):
    assert (
        'href="/performance/regional-return/"' in client_for("analyst").get("/performance/").content.decode()
    )
