"""The annual report and the scrutiny report as Word documents (python-docx), for the
committee clerk who edits them (docs/annual-report.md).

Headings use Word's own Heading 1 to 3 styles, so the navigation pane lists the sections;
every table is a Word table whose first row is a header row repeated on each page. Charts
are given as their tables (no picture: the same figures, and a table is what a clerk can
edit); a suppressed number is "c", with the note that says why."""

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as WordTable

from cshub.core.dates import format_date
from cshub.reports.annual import AnnualReport, AnnualSection, Row, Text
from cshub.reports.models import ScrutinyCover

SUPPRESSION_NOTE = (
    'Version for publication: numbers from 1 to 4 are shown as "c", and so is the next smallest '
    "number where one alone would give it away. No member of staff is named."
)
INTERNAL_MARKING = "OFFICIAL-SENSITIVE"


def _table(doc: DocumentType, header: list[str], rows: list[list[str]]) -> WordTable:
    table: WordTable = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    head = table.rows[0]
    for cell, text in zip(head.cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    # The first row is the header row: Word repeats it on each page and reads it as headings.
    tr_pr = head._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _figures_table(doc: DocumentType, report: AnnualReport, rows: list[Row]) -> None:
    _table(
        doc,
        ["Figure", report.label, report.previous_label, "Change"],
        [[r.label, r.now, r.before, r.change] for r in rows],
    )


def _text(doc: DocumentType, text: Text | None, report: AnnualReport, missing: str) -> None:
    if text is None:
        doc.add_paragraph(missing)
        return
    for para in text.text.split("\n\n"):
        doc.add_paragraph(para.strip())
    if text.from_dashboard:
        doc.add_paragraph("From the performance dashboard's commentary for the same year.").runs[
            0
        ].italic = True
    if not report.published:
        doc.add_paragraph(f"Written by {text.written_by} on {format_date(text.written_at)}.")


def _section(doc: DocumentType, report: AnnualReport, s: AnnualSection, level: int) -> None:
    doc.add_heading(f"{s.number}. {s.title}", level=level)
    doc.add_paragraph(s.question)
    for row in s.rows:
        doc.add_paragraph(row.sentence, style="List Bullet")
    doc.add_heading(f"The year's figures: {s.title.lower()}", level=level + 1)
    _figures_table(doc, report, s.rows)
    for chart in s.charts:
        doc.add_heading(chart.title, level=level + 1)
        _table(doc, ["", *chart.columns], [[label, *cells] for label, cells in chart.rows])
    for table in s.tables:
        doc.add_heading(table.title, level=level + 1)
        _table(doc, [table.heading, *table.columns], [[label, *cells] for label, cells in table.rows])
    for note in s.notes:
        doc.add_paragraph(note)
    doc.add_heading("Commentary", level=level + 1)
    _text(doc, s.commentary, report, "No commentary written for this year.")


def _annual(doc: DocumentType, report: AnnualReport, level: int) -> None:
    doc.add_heading("1. Introduction", level=level)
    _text(doc, report.introduction, report, "No introduction written for this year.")
    for s in report.sections:
        _section(doc, report, s, level)
    n = len(report.sections) + 2
    doc.add_heading(f"{n}. Priorities", level=level)
    doc.add_heading(f"How the priorities for {report.label} went", level=level + 1)
    _text(doc, report.last_priorities, report, "Not written yet.")
    doc.add_heading(f"Priorities for {report.next_label}", level=level + 1)
    _text(doc, report.priorities, report, "Not written yet.")


def _start(title: str, published: bool, printed_by: str) -> DocumentType:
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    header = doc.sections[0].header.paragraphs[0]
    header.text = "OFFICIAL" if published else INTERNAL_MARKING
    doc.core_properties.title = title
    doc.core_properties.author = "Complex Safeguarding Hub"
    if not published:
        p = doc.add_paragraph()
        p.add_run(INTERNAL_MARKING).bold = True
        if printed_by:
            doc.add_paragraph(f"Exported by {printed_by}.")
    return doc


def _bytes(doc: DocumentType) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def annual_docx(report: AnnualReport, *, printed_by: str = "") -> bytes:
    doc = _start(report.title, report.published, printed_by)
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(f"{format_date(report.period.start)} to {format_date(report.period.end)}")
    if report.published:
        doc.add_paragraph(SUPPRESSION_NOTE)
    _annual(doc, report, 1)
    return _bytes(doc)


def scrutiny_docx(report: AnnualReport, cover: ScrutinyCover | None) -> bytes:
    """The cover report, then the annual report (published version) as its appendix."""
    assert report.published
    doc = _start(f"Report to scrutiny: {report.title}", True, "")
    doc.add_heading("Report for information", level=0)
    if cover is None:
        doc.add_paragraph("The cover report's details have not been written for this year.")
    else:
        _table(
            doc,
            ["Cover report", "Details"],
            [
                ["Report to", f"{cover.report_to} – {format_date(cover.meeting_date)}"],  # noqa: RUF001
                ["Subject", cover.subject],
                ["Report of", cover.report_of],
                ["Wards affected", cover.wards_affected],
            ],
        )
        doc.add_heading("Summary", level=1)
        for para in cover.summary.split("\n\n"):
            doc.add_paragraph(para.strip())
        doc.add_heading("Recommendations", level=1)
        doc.add_paragraph("The committee is recommended to:")
        for rec in cover.recommendation_list:
            doc.add_paragraph(rec, style="List Number")
        doc.add_heading("Contact officer", level=1)
        for line in cover.contact.splitlines():
            doc.add_paragraph(line.strip())
    doc.add_heading(f"Key figures, {report.label} and {report.previous_label}", level=1)
    doc.add_paragraph(SUPPRESSION_NOTE)
    _figures_table(doc, report, report.key_rows)
    doc.add_page_break()  # type: ignore[no-untyped-call]
    doc.add_heading(f"Appendix: {report.title}", level=1)
    _annual(doc, report, 2)
    return _bytes(doc)
