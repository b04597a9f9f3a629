import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cshub.access.models import User
from cshub.core.codes import Agency
from cshub.core.forms import GovukDateField, GovukForm
from cshub.core.ids import parse_id
from cshub.disruption.models import DisruptionType, LicensedKind, Operation, Outcome, Status


def _blank(choices: Any, label: str = "Select") -> list[tuple[Any, str]]:
    return [("", label), *choices]


class RecordNumbersField(forms.CharField):
    """Record numbers separated by commas or spaces: "1402, 1510"."""

    def to_python(self, value: Any) -> tuple[int, ...]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        ids = [parse_id(p) for p in parts]
        if any(i is None for i in ids):
            raise ValidationError("Enter record numbers, like 1402, 1510")
        return tuple(dict.fromkeys(i for i in ids if i is not None))


def _people(users: Any) -> list[tuple[int, str]]:
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.get_agency_display()})") for u in users]


class DisruptionForm(GovukForm):
    disruption_type = forms.ChoiceField(
        label="What was done", choices=DisruptionType.choices, widget=forms.RadioSelect
    )
    licensed_kind = forms.ChoiceField(
        label="Licensing review: kind of licence", choices=_blank(LicensedKind.choices), required=False
    )
    on = GovukDateField(label="Date", label_name="date", help_text="For example, 22 11 2026")
    agency = forms.ChoiceField(label="Agency that took the action", choices=_blank(Agency.choices))
    officer = forms.TypedChoiceField(
        label="Officer", coerce=int, choices=(), required=False, empty_value=None
    )
    officer_name = forms.CharField(
        label="Officer who is not a CSHub user: name", required=False, max_length=120
    )
    officer_agency = forms.ChoiceField(
        label="Officer who is not a CSHub user: agency", choices=_blank(Agency.choices), required=False
    )
    children = forms.TypedMultipleChoiceField(
        label="Children it protects",
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Children linked to this subject whose records you may see",
    )
    other_children = RecordNumbersField(
        label="Other children: record numbers", required=False, help_text="Separate them with commas"
    )
    status = forms.ChoiceField(
        label="Status", choices=Status.choices, widget=forms.RadioSelect, initial=Status.PLANNED
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect, initial=Outcome.NOT_KNOWN
    )
    outcome_detail = forms.CharField(label="Outcome: detail", required=False, max_length=300)
    sentence = forms.CharField(label="Conviction: sentence", required=False, max_length=300)
    expires_on = GovukDateField(
        label="Notice or order: ends on",
        label_name="end date",
        required=False,
        help_text="It shows on the due list before it ends",
    )
    operation = forms.TypedChoiceField(
        label="Joint operation", coerce=int, choices=(), required=False, empty_value=None
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self,
        *args: Any,
        officers: Any = (),
        children: Any = (),
        operations: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = _blank(_people(officers), "Not a CSHub user")  # type: ignore[attr-defined]
        self.fields["children"].choices = [(p.pk, p.full_name) for p in children]  # type: ignore[attr-defined]
        self.fields["operation"].choices = _blank(  # type: ignore[attr-defined]
            [(o.pk, o.name) for o in operations], "None"
        )


class StatusForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=Status.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices, widget=forms.RadioSelect)
    outcome_detail = forms.CharField(label="Outcome: detail", required=False, max_length=300)
    sentence = forms.CharField(label="Conviction: sentence", required=False, max_length=300)
    expires_on = GovukDateField(label="Notice or order: ends on", label_name="end date", required=False)


class OperationForm(GovukForm):
    name = forms.CharField(label="Name", max_length=120, help_text="For example, Operation Lantern")
    aims = forms.CharField(label="Aims", widget=forms.Textarea(attrs={"rows": 4}))
    opened_on = GovukDateField(label="Opened on", label_name="date it opened")
    children = RecordNumbersField(
        label="Children: record numbers", help_text="Separate them with commas, like 1402, 1510"
    )
    subjects = RecordNumbersField(
        label="Adults, places, vehicles and groups: subject numbers",
        required=False,
        help_text="The number on each subject's intelligence page",
    )
    members = forms.TypedMultipleChoiceField(
        label="Who may open it",
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the people ticked, and you, may open the operation",
    )

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = _people(people)  # type: ignore[attr-defined]


class MembersForm(OperationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "aims", "opened_on"):
            del self.fields[name]


class DecisionForm(GovukForm):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = GovukDateField(label="Date of the decision", label_name="date of the decision")


class ActionForm(GovukForm):
    description = forms.CharField(label="What needs to be done", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.TypedChoiceField(label="Who", coerce=int, choices=(), required=False, empty_value=None)
    owner_name = forms.CharField(label="Who, when not a CSHub user", required=False, max_length=120)
    owner_agency = forms.ChoiceField(label="Agency", choices=_blank(Agency.choices))
    due_date = GovukDateField(label="Due by", label_name="due date")

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _blank(_people(people), "Not a CSHub user")  # type: ignore[attr-defined]


class MeetingForm(GovukForm):
    date = GovukDateField(label="Date of the meeting", label_name="date of the meeting")


class CloseForm(GovukForm):
    summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the operation achieved for the children, and what happens next",
    )


def operation_choices(user: User) -> Any:
    return Operation.objects.open_to(user).filter(status="OPEN").order_by("name")
