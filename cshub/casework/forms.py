from typing import Any

from django import forms
from django.db.models import QuerySet

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.casework.models import FeedbackHow
from cshub.core.codes import Agency, Outcome
from cshub.core.forms import GovukDateField, GovukForm


def hub_workers() -> "QuerySet[User]":
    ids = [
        u.pk
        for u in User.objects.filter(is_active=True).prefetch_related("roles")
        if u.has(Perm.WRITE_CASE_SUMMARY)
    ]
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name")


class WorkerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_agency_display()})"


class OpenEpisodeForm(GovukForm):
    open_date = GovukDateField(
        label="Date the episode opens",
        label_name="opening date",
        error_messages={"required": "Enter the date the episode opens"},
    )
    allocated_worker = WorkerChoiceField(
        label="Allocate to (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not allocated yet",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocated_worker"].queryset = hub_workers()  # type: ignore[attr-defined]


class AllocationForm(GovukForm):
    allocated_worker = WorkerChoiceField(
        label="Hub worker", queryset=User.objects.none(), required=False, empty_label="Not allocated"
    )
    locality_social_worker = forms.CharField(
        label="Locality social worker",
        max_length=120,
        required=False,
        help_text="The child's social worker in their area team, if they have one",
    )
    lead_professional = forms.CharField(
        label="Lead professional",
        max_length=120,
        required=False,
        help_text="The one person who coordinates the work around the child",
    )
    lead_professional_agency = forms.ChoiceField(
        label="Lead professional's agency", choices=[("", "Not recorded"), *Agency.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocated_worker"].queryset = hub_workers()  # type: ignore[attr-defined]


class CaseSummaryForm(GovukForm):
    who_the_child_is = forms.CharField(
        label="Who the child is",
        widget=forms.Textarea(attrs={"rows": 5, "data-language-guidance": ""}),
        help_text="Their story, what matters to them, who is important to them, in plain words",
    )
    current_risks = forms.CharField(
        label="Current risks",
        widget=forms.Textarea(attrs={"rows": 5, "data-language-guidance": ""}),
        help_text="Who or what is harming or exploiting the child, where and how; be specific, not 'associating with unsuitable peers'",
    )
    what_is_working = forms.CharField(
        label="What is working well",
        widget=forms.Textarea(attrs={"rows": 4, "data-language-guidance": ""}),
        help_text="Strengths, safe people and places, what has made a difference",
    )
    the_plan = forms.CharField(
        label="What the plan is",
        widget=forms.Textarea(attrs={"rows": 4, "data-language-guidance": ""}),
        help_text="What will happen next, who will do it and by when",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"Enter {field.label.lower() if field.label else 'this part'}"


_OUTCOME = [(o.value, o.label) for o in Outcome]
_FEEDBACK_HOW = [(h.value, h.label) for h in FeedbackHow]


class ClosureForm(GovukForm):
    close_date = GovukDateField(
        label="Date the episode closes",
        label_name="closing date",
        error_messages={"required": "Enter the date the episode closes"},
    )
    closure_summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 6, "data-language-guidance": ""}),
        help_text="What changed for the child, what support continues and from whom, and why the hub is ending its work",
        error_messages={"required": "Enter a closure summary"},
    )
    outcome_eet = forms.ChoiceField(
        label="Is the child in, or re-engaged with, education, employment or training?",
        choices=_OUTCOME,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child is in education, employment or training"},
    )
    outcome_stable_accommodation = forms.ChoiceField(
        label="Is the child living in stable accommodation?",
        choices=_OUTCOME,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child is living in stable accommodation"},
    )
    outcome_positive_relationship = forms.ChoiceField(
        label="Has the child formed at least one positive, trusted relationship?",
        choices=_OUTCOME,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child has a positive, trusted relationship"},
    )
    feedback_child = forms.BooleanField(label="Feedback was obtained from the child", required=False)
    feedback_child_said = forms.CharField(
        label="What the child said about the hub's work",
        required=False,
        help_text="In their words, as they said it",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    feedback_child_how = forms.ChoiceField(
        label="How the child's feedback was gathered",
        choices=_FEEDBACK_HOW,
        required=False,
        widget=forms.RadioSelect,
    )
    feedback_parent_carer = forms.BooleanField(
        label="Feedback was obtained from a parent or carer", required=False
    )
    feedback_parent_carer_said = forms.CharField(
        label="What the parent or carer said about the hub's work",
        required=False,
        help_text="In their words, as they said it",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    feedback_parent_carer_how = forms.ChoiceField(
        label="How the parent or carer's feedback was gathered",
        choices=_FEEDBACK_HOW,
        required=False,
        widget=forms.RadioSelect,
    )
    step_down_to = forms.CharField(
        label="Who continues to support the child (step-down)",
        max_length=200,
        help_text="For example: locality social worker, early help, youth project, or no service (say why).",
        error_messages={"required": "Say who continues to support the child, or that no service continues"},
    )
    child_view_of_ending = forms.CharField(
        label="The child's view of the hub's work ending",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Record the child's view of the hub's work ending (or why it could not be gathered)"
        },
    )
    override_reason = forms.CharField(
        label="Your reason for closing despite the warnings",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        from cshub.casework.actions import feedback_errors

        data = super().clean() or {}
        for name, message in feedback_errors(data).items():
            self.add_error(name, message)
        return data

    def closure(self) -> Any:
        from cshub.casework.actions import Closure

        data = {k: v for k, v in self.cleaned_data.items() if k != "override_reason"}
        return Closure(**data)


class AuthoriseClosureForm(GovukForm):
    override_reason = forms.CharField(
        label="Your reason for closing despite the warnings",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReturnClosureForm(GovukForm):
    reason = forms.CharField(
        label="What needs to change before you can authorise the closure?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what needs to change"},
    )
