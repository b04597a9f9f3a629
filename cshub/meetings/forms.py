import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.codes import Agency
from cshub.core.dates import format_date
from cshub.core.forms import GovukDateField, GovukForm
from cshub.meetings.models import BY_HAND, LawfulBasis, MeetingType

AGENCY_CHOICES = [("", "Choose an agency"), *Agency.choices]
DUE_IN = [
    (0, "today"),
    (1, "tomorrow"),
    (2, "in 2 days"),
    (3, "in 3 days"),
    (7, "in 1 week"),
    (14, "in 2 weeks"),
    (28, "in 4 weeks"),
]


def action_owners() -> "QuerySet[User]":
    """People who can own an action in CSHub: active users who see children's records."""
    return (
        User.objects.filter(is_active=True, roles__permissions__permission=Perm.VIEW_CHILD)
        .distinct()
        .order_by("first_name", "last_name")
    )


class OwnerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_agency_display()})"


class MinutesForm(GovukForm):
    discussion = forms.CharField(
        label="Discussion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was discussed. Put police-only information under 'Information shared'.",
    )
    decision = forms.CharField(
        label="Decision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Goes on each child's timeline when the meeting closes.",
    )


class ShareForm(GovukForm):
    agency = forms.ChoiceField(label="Agency", choices=AGENCY_CHOICES)
    lawful_basis = forms.ChoiceField(
        label="Basis for sharing",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        initial=LawfulBasis.SAFEGUARDING,
    )
    text = forms.CharField(label="What was shared", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].error_messages["required"] = "Select the agency that shared the information"
        self.fields["text"].error_messages["required"] = "Enter what was shared"


class ActionForm(GovukForm):
    description = forms.CharField(label="Action", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = OwnerChoice(
        label="Who (a CSHub user)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone without a CSHub account",
    )
    owner_name = forms.CharField(label="Or their name", required=False, max_length=120)
    owner_agency = forms.ChoiceField(
        label="Agency",
        choices=[("", "The CSHub user's agency"), *Agency.choices],
        required=False,
    )
    due = forms.TypedChoiceField(label="Due", coerce=int, choices=[], initial=7)

    def __init__(self, *args: Any, meeting_date: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting_date = meeting_date
        self.fields["owner"].queryset = action_owners()  # type: ignore[attr-defined]
        self.fields["due"].choices = [  # type: ignore[attr-defined]
            (n, f"{format_date(meeting_date + dt.timedelta(days=n))} ({label})") for n, label in DUE_IN
        ]

    @property
    def due_date(self) -> dt.date | None:
        n = self.cleaned_data.get("due")
        return None if n is None else self.meeting_date + dt.timedelta(days=n)


class AttendanceForm(GovukForm):
    agency = forms.ChoiceField(label="Agency", choices=AGENCY_CHOICES)
    name = forms.CharField(label="Name", max_length=120)
    present = forms.ChoiceField(
        label="Attended",
        choices=[("yes", "Attended"), ("no", "Sent apologies")],
        widget=forms.RadioSelect,
        initial="yes",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].error_messages["required"] = "Select the agency"
        self.fields["name"].error_messages["required"] = "Enter the name of who attended or sent apologies"


class AddItemForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it about",
        choices=[(k.value, k.label) for k in BY_HAND],
        widget=forms.RadioSelect,
        required=False,
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="A few words, without the child's name: it shows on the agenda.",
    )
    reason = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    children = forms.TypedMultipleChoiceField(
        label="Which children", coerce=int, choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, child_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = child_choices  # type: ignore[attr-defined]


class FindChildForm(GovukForm):
    name = forms.CharField(label="Find a child by name", max_length=200)


class FlagForm(GovukForm):
    reason = forms.CharField(
        label="Why should the daily meeting discuss this child?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: arrested last night with an older adult, or a new address of concern.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = (
            "Say why the child needs to come to the daily meeting"
        )


class NewMeetingForm(GovukForm):
    meeting_type = forms.ModelChoiceField(
        label="Meeting", queryset=MeetingType.objects.all(), empty_label=None
    )
    date = GovukDateField(label="Date", label_name="meeting date")
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For a strategy discussion or operation: a name that does not identify a child.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = "Enter the date of the meeting"
