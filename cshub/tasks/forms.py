from django import forms

from cshub.core.codes import Agency
from cshub.core.forms import GovukForm


class FinishForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[("done", "Done"), ("cancelled", "No longer needed")],
        widget=forms.RadioSelect,
        initial="done",
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done, or why it is no longer needed.",
    )


class FilterForm(forms.Form):
    """The list's filters. Only codes and dates go in the query string, never names."""

    owner = forms.ChoiceField(choices=[("me", "Mine"), ("all", "Everyone's")], required=False)
    agency = forms.ChoiceField(choices=[("", "Any agency"), *Agency.choices], required=False)
    state = forms.ChoiceField(
        choices=[("open", "Open"), ("overdue", "Overdue"), ("closed", "Completed")], required=False
    )
    child = forms.IntegerField(required=False, min_value=1)
