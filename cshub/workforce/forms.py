"""The forms of the teams and training pages (GOV.UK patterns); every POST goes through
cshub.workforce.actions."""

from typing import Any

from django import forms

from cshub.access.models import User
from cshub.access.permissions import RoleCode
from cshub.core.codes import Agency
from cshub.core.forms import GovukDateField, GovukForm
from cshub.core.ids import parse_id
from cshub.workforce.models import Course, Team


def _ids_only(values: Any) -> None:
    """An id past 64 bits (or not a number) is not looked up: the database cannot hold it."""
    for value in values if isinstance(values, list | tuple) else [values]:
        if value not in (None, "") and parse_id(value) is None:
            raise forms.ValidationError("Select from the list")


class IdChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        _ids_only(value)
        return super().clean(value)


class StaffChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_agency_display()})"


class StaffChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        _ids_only(value)
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_agency_display()})"


def active_staff() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class TeamForm(GovukForm):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the team's name"})
    agency = forms.ChoiceField(
        label="Agency", choices=Agency.choices, error_messages={"required": "Select the team's agency"}
    )
    manager = StaffChoice(
        label="Manager (optional)", queryset=User.objects.none(), required=False, empty_label="No manager"
    )
    description = forms.CharField(
        label="What the team does (optional)", widget=forms.Textarea, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = active_staff()  # type: ignore[attr-defined]


class MemberForm(GovukForm):
    user = StaffChoice(
        label="Member of staff",
        queryset=User.objects.none(),
        empty_label="Choose a member of staff",
        error_messages={"required": "Select a member of staff"},
        help_text="Someone in another team moves to this one.",
    )
    since = GovukDateField(
        label="Date they joined the team (optional)", label_name="date they joined", required=False
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = active_staff().exclude(membership__team=team)  # type: ignore[attr-defined]


class CourseForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the course's name"}
    )
    provider = forms.CharField(label="Usual provider (optional)", max_length=200, required=False)
    valid_months = forms.IntegerField(
        label="Months it stays up to date (optional)",
        required=False,
        help_text="1 to 120. Leave blank if it does not expire.",
        error_messages={"invalid": "Enter how long it stays up to date as a whole number of months"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    description = forms.CharField(label="What it covers (optional)", widget=forms.Textarea, required=False)


class RequirementForm(GovukForm):
    course = IdChoice(
        label="Course",
        queryset=Course.objects.none(),
        empty_label="Choose a course",
        error_messages={"required": "Select the course"},
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Every role"), *RoleCode.choices], required=False)
    agency = forms.ChoiceField(
        label="Agency", choices=[("", "Every agency"), *Agency.choices], required=False
    )
    reason = forms.CharField(
        label="Why they need it",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the practice improvement it supports or the finding it answers.",
        error_messages={"required": "Enter why they need this course"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(active=True)  # type: ignore[attr-defined]


class RecordForm(GovukForm):
    """One record: a new one for a person (with a course) or a correction (without)."""

    course = IdChoice(
        label="Course",
        queryset=Course.objects.none(),
        empty_label="Choose a course",
        error_messages={"required": "Select the course"},
    )
    completed_on = GovukDateField(
        label="Date completed",
        label_name="date completed",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the course was completed"},
    )
    provider = forms.CharField(
        label="Provider (optional)",
        max_length=200,
        required=False,
        help_text="Blank: the course's usual provider.",
    )
    expires_on = GovukDateField(
        label="Expiry date (optional)",
        label_name="expiry date",
        required=False,
        help_text="Blank: the date completed plus the months the course stays up to date.",
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, with_course: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_course:
            self.fields["course"].queryset = Course.objects.filter(active=True)  # type: ignore[attr-defined]
        else:
            del self.fields["course"]


class SessionForm(RecordForm):
    """One course for several people at once (a session a team attended)."""

    people = StaffChoices(
        label="Who attended",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who completed the course"},
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = active_staff()
        self.fields["people"].queryset = staff.filter(membership__team=team) if team else staff  # type: ignore[attr-defined]


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why are you withdrawing this record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are withdrawing this record"},
    )
