"""Forms of the annual report's pages: the year, a text, the scrutiny cover's details."""

from typing import Any

from django import forms
from django.http import QueryDict

from cshub.core.forms import GovukDateField, GovukForm
from cshub.reports import annual
from cshub.reports.annual import year_label


class YearForm(GovukForm):
    year = forms.ChoiceField(label="Reporting year (1 April to 31 March)", choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(str(y), year_label(y)) for y in annual.years()]  # type: ignore[attr-defined]

    @classmethod
    def chosen(cls, query: QueryDict) -> tuple["YearForm", int]:
        """The form and the year it chose: the last complete year unless a valid one is given."""
        form = cls(query) if "year" in query else cls()
        if form.is_bound and form.is_valid():
            return form, int(form.cleaned_data["year"])
        return form, annual.last_complete_year()


class AnnualTextForm(GovukForm):
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the text"},
    )


class CoverForm(GovukForm):
    report_to = forms.CharField(
        label="Report to", max_length=200, error_messages={"required": "Enter who the report is to"}
    )
    meeting_date = GovukDateField(label="Date of the meeting", label_name="date of the meeting")
    subject = forms.CharField(
        label="Subject", max_length=200, error_messages={"required": "Enter the subject"}
    )
    report_of = forms.CharField(
        label="Report of",
        max_length=200,
        help_text="The post, such as Strategic Director of Children's Services",
        error_messages={"required": "Enter whose report it is"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the summary"},
    )
    recommendations = forms.CharField(
        label="Recommendations",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One recommendation a line",
        error_messages={"required": "Enter the recommendations"},
    )
    wards_affected = forms.CharField(
        label="Wards affected",
        max_length=200,
        initial="All",
        error_messages={"required": "Enter the wards affected"},
    )
    contact = forms.CharField(
        label="Contact officer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A post and a shared address or telephone number: the report is published",
        error_messages={"required": "Enter the contact officer"},
    )
