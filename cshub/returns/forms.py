from typing import Any

from django import forms

from cshub.core.dates import format_date
from cshub.core.forms import GovukForm
from cshub.returns import export, write
from cshub.returns.schema import Quarter

SHOWN = 8  # the quarters offered: the last two years' ended quarters


def ended_quarters() -> list[Quarter]:
    quarters = [export.last_ended()]
    while len(quarters) < SHOWN:
        quarters.append(quarters[-1].previous())
    return quarters


def label(quarter: Quarter) -> str:
    p = quarter.period
    return f"{quarter}: {format_date(p.start)} to {format_date(p.end)}"


class ReturnForm(GovukForm):
    quarter = forms.ChoiceField(
        label="Quarter",
        help_text="Quarters of the reporting year, which runs from April to March",
        error_messages={"invalid_choice": "Choose a quarter that has ended", "required": "Choose a quarter"},
    )
    format = forms.ChoiceField(
        label="File",
        choices=[("csv", "CSV (comma-separated values)"), ("xlsx", "Excel workbook (XLSX)")],
        initial="csv",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose CSV or Excel", "required": "Choose CSV or Excel"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(str(q), label(q)) for q in ended_quarters()]  # type: ignore[attr-defined]

    def chosen(self) -> tuple[Quarter, str]:
        fmt = self.cleaned_data["format"]
        assert fmt in write.FORMATS
        return Quarter.parse(self.cleaned_data["quarter"]), fmt
