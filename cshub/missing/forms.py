import datetime as dt
import re
from typing import Any

from django import forms

from cshub.core.codes import ExploitationType
from cshub.core.dates import LONDON
from cshub.core.forms import GovukDateField, GovukForm
from cshub.missing.models import EntryKind, InterviewOutcome, MissingType, PoliceRisk, ReviewDecision

TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
TIME_HELP = "In UK time, 24-hour clock, for example 21:30"


def combine(day: dt.date | None, time_text: str, label: str) -> dt.datetime | None:
    """A date and an HH:MM time in UK time, as an aware date-time."""
    if day is None and not time_text:
        return None
    if day is None:
        raise forms.ValidationError(f"Enter the date {label}")
    m = TIME.match(time_text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise forms.ValidationError(f"Enter the time {label} as hours and minutes, for example 21:30")
    return dt.datetime.combine(day, dt.time(int(m.group(1)), int(m.group(2))), tzinfo=LONDON)


class MissingEpisodeForm(GovukForm):
    action_fields = {"reported_at": "reported_date", "returned_at": "returned_date"}
    reported_date = GovukDateField(
        label="Date reported missing",
        label_name="date reported missing",
        error_messages={"required": "Enter the date the child was reported missing"},
    )
    reported_time = forms.CharField(
        label="Time reported missing",
        help_text=TIME_HELP,
        max_length=5,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time the child was reported missing"},
    )
    returned_date = GovukDateField(
        label="Date returned or found (leave empty if still missing)",
        label_name="date returned",
        required=False,
    )
    returned_time = forms.CharField(
        label="Time returned or found",
        help_text=TIME_HELP,
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    missing_type = forms.ChoiceField(
        label="Missing or away?", choices=MissingType.choices, widget=forms.RadioSelect, initial="M"
    )
    police_risk = forms.ChoiceField(
        label="Police risk grading", choices=[("", "Not known"), *PoliceRisk.choices], required=False
    )
    police_reference = forms.CharField(
        label="Police reference (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    from_care = forms.ChoiceField(
        label="Missing from", choices=[("N", "Home"), ("Y", "Care")], widget=forms.RadioSelect, initial="N"
    )
    placement = forms.CharField(label="Placement (if missing from care)", max_length=200, required=False)
    found_location = forms.CharField(
        label="Where the child was found (optional)", max_length=200, required=False
    )
    found_with = forms.CharField(
        label="Who the child was found with (optional)", max_length=200, required=False
    )
    found_with_adult_of_concern = forms.BooleanField(label="Found with an adult of concern", required=False)
    circumstances = forms.CharField(
        label="Circumstances (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["reported_at"] = combine(
                data.get("reported_date"), data.get("reported_time", ""), "reported missing"
            )
        except forms.ValidationError as exc:
            self.add_error("reported_time", exc)
        try:
            data["returned_at"] = combine(
                data.get("returned_date"), data.get("returned_time", ""), "returned"
            )
        except forms.ValidationError as exc:
            self.add_error("returned_time", exc)
        return data


class InterviewForm(GovukForm):
    action_fields = {"offered_at": "offered_date", "completed_at": "completed_date"}
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=InterviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the interview"},
    )
    offered_date = GovukDateField(
        label="Date the interview was offered", label_name="date offered", required=False
    )
    offered_time = forms.CharField(
        label="Time offered",
        help_text=TIME_HELP,
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    offered_how = forms.CharField(
        label="How it was offered (optional)",
        max_length=100,
        required=False,
        help_text="For example by phone to the child, at the home, through the carer",
    )
    completed_date = GovukDateField(
        label="Date the interview took place", label_name="date of the interview", required=False
    )
    completed_time = forms.CharField(
        label="Time of the interview",
        help_text=TIME_HELP,
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    child_account = forms.CharField(
        label="The child's account, in their own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    push_factors = forms.CharField(
        label="What made the child leave (push factors)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pull_factors = forms.CharField(
        label="What drew the child away (pull factors)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    where_and_who = forms.CharField(
        label="Where they were and who with",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Places, people named, vehicles, phone numbers: what the child and others said",
    )
    exploitation_concern = forms.ChoiceField(
        label="Did the interview find a risk of exploitation?",
        choices=[("", "Not assessed"), ("Y", "Yes"), ("N", "No")],
        required=False,
        widget=forms.RadioSelect,
    )
    delay_reason = forms.CharField(
        label="Why it was more than 72 hours after the return (if it was)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: in hospital, in custody, missing again, the child asked for a later day or a particular worker",
    )

    ENTRY_ROWS = 4

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, self.ENTRY_ROWS + 1):
            kind = forms.ChoiceField(
                label="What", required=False, choices=[("", "Choose"), *EntryKind.choices]
            )
            kind.widget.attrs["class"] = "govuk-select"
            self.fields[f"entry_{n}_kind"] = kind
            self.fields[f"entry_{n}_value"] = forms.CharField(
                label="Name, place, registration or number", required=False, max_length=200
            )
            self.fields[f"entry_{n}_detail"] = forms.CharField(
                label="What the child said about it", required=False, max_length=300
            )
            for part in ("value", "detail"):
                self.fields[f"entry_{n}_{part}"].widget.attrs["class"] = "govuk-input"

    def entry_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"entry_{n}_{part}"] for part in ("kind", "value", "detail")]
            for n in range(1, self.ENTRY_ROWS + 1)
        ]

    def entries(self) -> tuple[tuple[str, str, str], ...]:
        d = self.cleaned_data
        return tuple(
            (d[f"entry_{n}_kind"], d[f"entry_{n}_value"], d[f"entry_{n}_detail"])
            for n in range(1, self.ENTRY_ROWS + 1)
            if d.get(f"entry_{n}_kind") or d.get(f"entry_{n}_value")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, label in (("offered", "offered"), ("completed", "of the interview")):
            try:
                data[f"{field}_at"] = combine(data.get(f"{field}_date"), data.get(f"{field}_time", ""), label)
            except forms.ValidationError as exc:
                self.add_error(f"{field}_time", exc)
        return data


class PanelDecisionForm(GovukForm):
    decision = forms.CharField(
        label="The panel's decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the panel's decision"},
    )
    actions = forms.CharField(
        label="Actions agreed (who, what, by when)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TriggerForm(GovukForm):
    threshold = forms.IntegerField(
        label="Number",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "min_value": "Enter a whole number above 0",
            "max_value": "Enter a number up to 1000",
        },
    )
    days = forms.IntegerField(
        label="Within how many days",
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={
            "min_value": "Enter a whole number above 0",
            "max_value": "Enter a number up to 3650",
        },
    )
    active = forms.BooleanField(label="In use", required=False)

    def __init__(self, *args: Any, rule: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = getattr(rule, "kind", "")
        labels = {"REPEAT": "Episodes", "LONG": "Hours missing", "YOUNG": "Age under"}
        if kind in labels:
            self.fields["threshold"].label = labels[kind]
        else:
            del self.fields["threshold"]
        if kind != "REPEAT":
            del self.fields["days"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("threshold", None)
        data.setdefault("days", None)
        return data


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Follow-up",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the follow-up"},
    )
    exploitation_type = forms.ChoiceField(
        label="Main type of exploitation (for a referral to the hub)",
        choices=ExploitationType.choices,
        required=False,
        initial="OTHER",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )
