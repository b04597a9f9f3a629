from typing import Any

from django import forms

from cshub.access.models import User
from cshub.assessments.models import Indicator
from cshub.consultations.models import How, Outcome
from cshub.core.codes import Agency, ExploitationType
from cshub.core.dates import plausible_event
from cshub.core.forms import GovukDateField, GovukForm
from cshub.missing.forms import TIME_HELP, combine

KNOWN, NEW, ANONYMOUS = "KNOWN", "NEW", "ANONYMOUS"


def _text(rows: int, guidance: bool = False) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **({"data-language-guidance": ""} if guidance else {})})


class ConsultationForm(GovukForm):
    """One page. With `person` given (a known child) the "about whom" questions are not asked."""

    action_fields = {"occurred_at": "occurred_date"}
    occurred_date = GovukDateField(
        label="Date of the consultation",
        label_name="date of the consultation",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the consultation"},
    )
    occurred_time = forms.CharField(
        label="Time of the consultation",
        help_text=TIME_HELP,
        max_length=5,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time of the consultation"},
    )
    how = forms.ChoiceField(
        label="How did they get in touch?",
        choices=How.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the caller got in touch"},
    )
    caller_name = forms.CharField(label="Caller's name (optional)", max_length=120, required=False)
    caller_role = forms.CharField(
        label="Caller's role (optional)",
        max_length=120,
        required=False,
        help_text="For example, designated safeguarding lead",
    )
    caller_agency = forms.ChoiceField(
        label="Caller's agency",
        choices=[("", "Choose an agency"), *Agency.choices],
        error_messages={"required": "Select the caller's agency"},
    )
    caller_organisation = forms.CharField(
        label="School, practice or organisation (optional)", max_length=200, required=False
    )
    caller_contact = forms.CharField(
        label="How to contact the caller (optional)",
        max_length=200,
        required=False,
        help_text="A telephone number or email address",
    )

    about = forms.ChoiceField(
        label="Who is the consultation about?",
        choices=[
            (NEW, "A child who does not have a record in CSHub yet"),
            (ANONYMOUS, "The caller did not name the child"),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text="If the child has a record, find them first and record the consultation from their record.",
    )
    forename = forms.CharField(label="Child's first name", max_length=100, required=False)
    surname = forms.CharField(label="Child's last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Child's date of birth",
        label_name="date of birth",
        required=False,
        help_text="For example, 27 3 2011",
    )
    dob_estimated = forms.BooleanField(label="The date of birth is estimated", required=False)
    anonymous_initials = forms.CharField(label="Initials (optional)", max_length=10, required=False)
    anonymous_age = forms.IntegerField(
        label="Age (optional)",
        required=False,
        min_value=0,
        max_value=25,
        error_messages={
            "min_value": "The age must be between 0 and 25",
            "max_value": "The age must be between 0 and 25",
            "invalid": "Enter the age as a number, like 14",
        },
    )
    anonymous_where = forms.CharField(label="School or area (optional)", max_length=200, required=False)

    types = forms.MultipleChoiceField(
        label="Types of exploitation (optional)",
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    indicators = forms.MultipleChoiceField(
        label="Indicators (optional)", widget=forms.CheckboxSelectMultiple, required=False
    )
    worry = forms.CharField(
        label="What the worry is (optional)",
        required=False,
        widget=_text(5, guidance=True),
        help_text="What the caller has seen or been told, by whom, and when. Describe what adults are doing to the child, not the child's 'choices'.",
    )
    advice = forms.CharField(
        label="Advice given",
        widget=_text(5, guidance=True),
        error_messages={"required": "Enter the advice given"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the consultation"},
    )
    follow_up_on = GovukDateField(
        label="Follow up by (optional)",
        label_name="follow-up date",
        required=False,
        help_text="It goes on your list of work due until you record the follow-up.",
    )

    def __init__(self, *args: Any, known: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = known
        indicators = self.fields["indicators"]
        assert isinstance(indicators, forms.MultipleChoiceField)
        indicators.choices = [(i.code, i.label) for i in Indicator.objects.filter(active=True)]
        if known:
            for name in (
                "about",
                "forename",
                "surname",
                "date_of_birth",
                "dob_estimated",
                *self.anonymous_fields,
            ):
                del self.fields[name]

    anonymous_fields = ("anonymous_initials", "anonymous_age", "anonymous_where")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("occurred_date") and data.get("occurred_time"):
            try:
                data["occurred_at"] = combine(
                    data["occurred_date"], data["occurred_time"], "of the consultation"
                )
            except forms.ValidationError as exc:
                self.add_error("occurred_time", exc)
        if not self.known:
            about = data.get("about")
            if about not in (NEW, ANONYMOUS):
                self.add_error("about", "Select who the consultation is about")
            elif about == NEW:
                if not (data.get("forename") or "").strip():
                    self.add_error("forename", "Enter the child's first name")
                if not (data.get("surname") or "").strip():
                    self.add_error("surname", "Enter the child's last name")
                if data.get("date_of_birth") is None and "date_of_birth" not in self.errors:
                    self.add_error(
                        "date_of_birth",
                        "Enter the child's date of birth (tick 'estimated' if it is not known exactly)",
                    )
        return data


class FilterForm(GovukForm):
    """The list's filters (no names: dates, codes and a worker's id only in the query string)."""

    start = GovukDateField(label="From", label_name="from date", required=False)
    end = GovukDateField(label="To", label_name="to date", required=False)
    agency = forms.ChoiceField(
        label="Caller's agency", choices=[("", "Any agency"), *Agency.choices], required=False
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Any outcome"), *Outcome.choices], required=False
    )
    # Choices of ids as text: a value that is no worker's id is refused without a query.
    worker = forms.ChoiceField(label="Recorded by", choices=[("", "Anyone")], required=False)
    due = forms.BooleanField(label="Follow-up due only", required=False)

    def __init__(self, *args: Any, workers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ChoiceField)
        people = workers if workers is not None else User.objects.none()
        worker.choices = [("", "Anyone"), *((str(u.pk), u.get_full_name() or u.username) for u in people)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, what in (("start", "from date"), ("end", "to date")):
            problem = plausible_event(data.get(name), what, future=True)
            if problem:
                self.add_error(name, problem)
                data[name] = None
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The to date must be on or after the from date")
        return data
