"""The XLSX a person opens: text that looks like a formula stays text."""

import io

from openpyxl import load_workbook

from cshub.returns.write import to_xlsx


def test_text_beginning_with_equals_is_written_as_text_not_a_formula() -> None:
    data = to_xlsx(
        "return", ["hub", "n"], [['=HYPERLINK("http://example.invalid","x")', 3]], [("About", "=1+1")]
    )
    book = load_workbook(io.BytesIO(data))
    cells = [(c.value, c.data_type) for row in book["return"].iter_rows(min_row=2) for c in row]
    assert cells == [('=HYPERLINK("http://example.invalid","x")', "s"), (3, "n")]
    assert [(c.value, c.data_type) for c in book["read me"]["B"]] == [("=1+1", "s")]
