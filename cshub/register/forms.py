from typing import Any

from django import forms

from cshub.core.forms import GovukForm
from cshub.register.models import TriageDecision


class TriageForm(GovukForm):
    decision = forms.ChoiceField(
        label="What did you decide?",
        choices=[
            (TriageDecision.MEETING.value, "Bring to the daily meeting"),
            (TriageDecision.NOT_FOR_HUB.value, "Considered, not for the hub"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the daily meeting: what worries you. Not for the hub: who is working with the child "
        "and why that is enough for now. This goes on the child's timeline.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select what you decided"
        self.fields["reason"].error_messages["required"] = "Say why you decided this"
