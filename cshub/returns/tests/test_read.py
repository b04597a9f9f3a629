"""Reading a return: every bad input reported as `file:line: column: message`, all of them."""

import io

import pytest
from openpyxl import Workbook

from cshub.returns.read import read_bytes
from cshub.returns.schema import COLUMNS, COUNT, PERCENT, Catalogue, Quarter

HEADER = ",".join(COLUMNS)
KNOWN = Catalogue(
    Quarter(2025, 3),
    {
        "referrals.received": COUNT,
        "referrals.by_gender.male": PERCENT,
        "rhi.within_72h": PERCENT,
        "area.new_flags.2025-10": COUNT,
    },
)


def catalogue_for(quarter):
    return Catalogue(quarter, KNOWN.kinds)


def problems(text, name="bury.csv"):
    _, found = read_bytes(name, text.encode(), catalogue_for)
    return [str(p) for p in found]


GOOD = "\n".join(
    [
        HEADER,
        "1,bury,2025-Q3,referrals.received,count,12,,12",
        "1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,75.00",
        "1,bury,2025-Q3,rhi.within_72h,percent,0,0,",
        "1,bury,2025-Q3,area.new_flags.2025-10,count,0,,0",
    ]
)


def test_a_good_return_is_read():
    checked, found = read_bytes("bury.csv", (GOOD + "\n").encode(), catalogue_for)
    assert found == []
    assert checked.hub == "bury" and str(checked.quarter) == "2025-Q3"
    assert [(r.measure, r.numerator, r.denominator) for r in checked.rows] == [
        ("referrals.received", 12, None),
        ("referrals.by_gender.male", 9, 12),
        ("rhi.within_72h", 0, 0),
        ("area.new_flags.2025-10", 0, None),
    ]


def bad(line_no, replacement):
    lines = GOOD.split("\n")
    lines[line_no - 1] = replacement
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "1,bury,2025-Q5,referrals.received,count,12,,12",
            'bury.csv:2: quarter: "2025-Q5" is not a quarter (YYYY-Qn, n from 1 to 4: 2025-Q3 is October to December 2025)',
        ),
        (
            "1,bury,2025-Q2,referrals.received,count,12,,12",
            "bury.csv:3: quarter: 2025-Q3 differs from 2025-Q2 on line 2 (one quarter per file)",
        ),
        (
            "1,bury,2025-Q3,referrals.recieved,count,12,,12",
            'bury.csv:2: measure: "referrals.recieved" is not a measure of the regional return',
        ),
        (
            "1,bury,2025-Q3,episodes.open_min,count,12,,12",
            "bury.csv:2: measure: episodes.open_min is not in the regional return: "
            "the least open on one day: the region's is not the sum of the hubs'",
        ),
        (
            "1,bury,2025-Q3,rhi.within_72h,percent,0,0,",
            "bury.csv:4: measure: rhi.within_72h is also on line 2",
        ),
        (
            "1,bury hub,2025-Q3,referrals.received,count,12,,12",
            'bury.csv:2: hub: "bury hub" is not a hub id (letters, digits and hyphens)',
        ),
        (
            "1,bolton,2025-Q3,referrals.received,count,12,,12",
            'bury.csv:3: hub: "bury" differs from "bolton" on line 2 (one hub per file)',
        ),
        (
            "2,bury,2025-Q3,referrals.received,count,12,,12",
            'bury.csv:2: schema: schema version "2" is not one this CSHub reads (1)',
        ),
        (
            "1,bury,2025-Q3,referrals.received,percent,12,20,60",
            "bury.csv:2: kind: referrals.received is a count, not a percent",
        ),
        (
            "1,bury,2025-Q3,referrals.received,ratio,12,,12",
            'bury.csv:2: kind: "ratio" is not count or percent',
        ),
        (
            "1,bury,2025-Q3,referrals.received,count,twelve,,12",
            'bury.csv:2: numerator: "twelve" is not a whole number of 0 or more',
        ),
        (
            "1,bury,2025-Q3,referrals.received,count,-1,,-1",
            'bury.csv:2: numerator: "-1" is not a whole number of 0 or more',
        ),
        (
            "1,bury,2025-Q3,referrals.received,count,12,12,12",
            "bury.csv:2: denominator: a count has no denominator; leave it blank",
        ),
        ("1,bury,2025-Q3,referrals.received,count,12,,13", "bury.csv:2: value: 13 is not the count 12"),
        (
            "1,bury,2025-Q3,referrals.received,count,12,,12,extra",
            "bury.csv:2: row: 9 cells; the header has 8 columns",
        ),
        ("", "bury.csv:2: row: a blank row; remove it"),
    ],
)
def test_each_bad_row_is_reported_with_file_line_and_column(line, expected):
    # The changed row is line 2 (a repeated measure is found on line 4, a second hub or quarter
    # on line 3).
    assert expected in problems(bad(2, line))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,62.5",
            "bury.csv:3: value: 62.5 does not agree with 9/12 = 75.00 (to within 0.01)",
        ),
        ("1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,75.01", None),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,75.02",
            "bury.csv:3: value: 75.02 does not agree with 9/12 = 75.00 (to within 0.01)",
        ),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,13,12,108.33",
            "bury.csv:3: numerator: 13 is more than the denominator 12",
        ),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,9,,75",
            "bury.csv:3: denominator: enter the denominator",
        ),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,",
            "bury.csv:3: value: enter the percentage of 9/12",
        ),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,9,12,75%",
            'bury.csv:3: value: "75%" is not a number',
        ),
        (
            "1,bury,2025-Q3,referrals.by_gender.male,percent,0,0,0",
            "bury.csv:3: value: must be blank when the denominator is 0",
        ),
    ],
)
def test_a_percentage_must_agree_with_its_numerator_and_denominator(line, expected):
    found = problems(bad(3, line))
    assert found == ([expected] if expected else [])


def test_a_month_outside_the_quarter_is_refused():
    found = problems(bad(5, "1,bury,2025-Q3,area.new_flags.2025-06,count,0,,0"))
    assert found == ["bury.csv:5: measure: area.new_flags.2025-06 is not a month of 2025-Q3"]


def test_a_bad_header_is_reported_and_no_row_read():
    text = GOOD.replace("measure,kind", "metric,kind", 1)
    assert problems(text) == [
        "bury.csv:1: header: the columns must be schema, hub, quarter, measure, kind, numerator, "
        "denominator, value in that order; found schema, hub, quarter, metric, kind, numerator, denominator, value"
    ]


def test_every_problem_of_a_file_is_reported_not_just_the_first():
    text = "\n".join(
        [
            HEADER,
            "1,bury,2025-Q3,referrals.received,count,x,,12",
            "",
            "1,bury,2025-Q3,nonsense,count,1,,1",
            "1,bury,2025-Q3,rhi.within_72h,percent,1,2,40",
        ]
    )
    assert problems(text) == [
        'bury.csv:2: numerator: "x" is not a whole number of 0 or more',
        "bury.csv:3: row: a blank row; remove it",
        'bury.csv:4: measure: "nonsense" is not a measure of the regional return',
        "bury.csv:5: value: 40 does not agree with 1/2 = 50.00 (to within 0.01)",
    ]


def test_an_empty_file_and_a_header_alone():
    assert problems("") == ["bury.csv:1: header: the file is empty"]
    assert problems(HEADER + "\n") == ["bury.csv:1: file: no rows after the header"]
    assert problems("\xff\xfe") != []


def xlsx(rows, sheet="return"):
    book = Workbook()
    table = book.active
    table.title = sheet
    for row in rows:
        table.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_ROWS = [
    list(COLUMNS),
    [1, "bury", "2025-Q3", "referrals.received", "count", 12, None, 12],
    [1, "bury", "2025-Q3", "referrals.by_gender.male", "percent", 9, 12, 75],
]


def xlsx_problems(rows, sheet="return"):
    _, found = read_bytes("bury.xlsx", xlsx(rows, sheet), catalogue_for)
    return [str(p) for p in found]


def test_a_good_xlsx_is_read():
    checked, found = read_bytes("bury.xlsx", xlsx(GOOD_ROWS), catalogue_for)
    assert found == []
    assert [(r.measure, r.numerator, r.denominator) for r in checked.rows] == [
        ("referrals.received", 12, None),
        ("referrals.by_gender.male", 9, 12),
    ]


def test_an_xlsx_with_a_formula_is_refused():
    rows = [
        *GOOD_ROWS[:2],
        [1, "bury", "2025-Q3", "referrals.by_gender.male", "percent", 9, 12, "=F3/G3*100"],
    ]
    assert xlsx_problems(rows) == ["bury.xlsx:3: value: a formula; enter the value itself"]


def test_an_xlsx_with_a_blank_row_is_refused():
    rows = [*GOOD_ROWS[:2], [None] * 8, GOOD_ROWS[2]]
    assert xlsx_problems(rows) == ["bury.xlsx:3: row: a blank row; remove it"]


def test_an_xlsx_with_text_in_a_number_column_is_refused():
    rows = [*GOOD_ROWS[:2], [1, "bury", "2025-Q3", "referrals.by_gender.male", "percent", "9", 12, 75]]
    assert xlsx_problems(rows) == ['bury.xlsx:3: numerator: "9" is text, not a number; enter it as a number']


def test_an_xlsx_without_the_return_sheet_is_refused():
    assert xlsx_problems(GOOD_ROWS, sheet="Sheet1") == ['bury.xlsx:1: sheet: no sheet named "return"']


def test_a_broken_xlsx_is_refused():
    _, found = read_bytes("bury.xlsx", b"PK\x03\x04 not really a zip", catalogue_for)
    assert [str(p) for p in found] == ["bury.xlsx:1: file: not a readable XLSX workbook (BadZipFile)"]


def test_a_small_xlsx_declaring_a_huge_sheet_is_refused_before_it_is_read():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "return"
    sheet.append(list(COLUMNS))
    sheet["XFD1048576"] = "x"  # 2 cells written; 17 billion positions if read cell by cell
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) < 10_000
    _, found = read_bytes("bury.xlsx", out.getvalue(), catalogue_for)
    assert [str(p) for p in found] == ["bury.xlsx:1: sheet: 1048576 rows: a return has one row a measure"]


def test_a_number_too_long_to_be_a_count_is_a_problem_not_a_crash():
    line = "1,bury,2025-Q3,referrals.received,count," + "9" * 5000 + ",,12"
    found = problems("\n".join([HEADER, line]))
    assert len(found) >= 1 and found[0].startswith("bury.csv:2: numerator: ")
