import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict

from cshub.assurance import dashboard
from cshub.assurance.metrics import Period
from cshub.core.dates import local_today, plausible_event
from cshub.core.forms import GovukDateField, GovukForm

QUARTERS = [
    ("", "The whole year"),
    ("1", "April to June"),
    ("2", "July to September"),
    ("3", "October to December"),
    ("4", "January to March"),
]


def _years() -> list[tuple[str, str]]:
    this = dashboard.reporting_year(local_today())
    return [
        (str(y), f"April {y} to today" if y == this else f"April {y} to March {y + 1}")
        for y in range(this, this - 6, -1)
    ]


class PeriodForm(GovukForm):
    year = forms.ChoiceField(label="Reporting year", choices=())
    quarter = forms.ChoiceField(label="Part of the year", choices=QUARTERS, required=False)
    start = GovukDateField(label="Or a period of your own: from", label_name="start date", required=False)
    end = GovukDateField(label="to", label_name="end date", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years()  # type: ignore[attr-defined]

    @classmethod
    def from_query(cls, query: QueryDict) -> "PeriodForm":
        """The form as the query chose it: bound only when the query holds one of its fields,
        so another parameter alone (a version, a page) keeps the default period, not an error."""
        own = tuple(cls.base_fields)
        chosen = any(key in own or key.startswith(tuple(f"{f}_" for f in own)) for key in query)
        return cls(query) if chosen else cls()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        for name, value in (("start", start), ("end", end)):
            if problem := plausible_event(value, f"{name} date", future=True):
                self.add_error(name, problem)
                data[name] = start = end = None
        if bool(start) != bool(end):
            self.add_error("end" if start else "start", "Enter both dates of your own period, or neither")
        elif start and end and end < start:
            self.add_error("end", "The end date must be on or after the start date")
        return data

    def periods(self) -> tuple[Period, Period, str]:
        """The chosen period, the one to compare it with, and how to describe the comparison."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            period = Period(start, end)
            return period, period.previous(), "the same number of days before"
        today = local_today()
        year = int(data.get("year") or dashboard.reporting_year(today))
        quarter = int(data.get("quarter") or 0)
        if quarter:
            period = dashboard.quarter_period(year, quarter)
            previous = (
                dashboard.quarter_period(year - 1, 4)
                if quarter == 1
                else dashboard.quarter_period(year, quarter - 1)
            )
            if period.start <= today < period.end:
                # A quarter not ended is measured to today, beside as many days of the one before.
                period = Period(period.start, today)
                previous = Period(previous.start, min(previous.start + (today - period.start), previous.end))
                return period, previous, "the same part of the quarter before"
            return period, previous, "the quarter before"
        period, previous = dashboard.year_period(year), dashboard.year_period(year - 1)
        if period.start <= today < period.end:
            # The year to date, beside the same part of the year before (29 February: the 28th).
            return (
                Period(period.start, today),
                Period(previous.start, _year_before(today)),
                ("the same part of the year before"),
            )
        return period, previous, "the year before"


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class CommentaryForm(GovukForm):
    text = forms.CharField(
        label="Commentary",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the figures show, why, and what the hub is doing about it",
        error_messages={"required": "Enter the commentary"},
    )


def default_period_start() -> dt.date:
    return dashboard.year_period(dashboard.reporting_year(local_today())).start
