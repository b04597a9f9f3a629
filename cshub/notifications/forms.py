from typing import Any

from django import forms

from cshub.access.models import User
from cshub.core.forms import GovukForm
from cshub.notifications import choices


class EmailChoicesForm(GovukForm):
    kinds = forms.MultipleChoiceField(
        label="Email me when",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. An email never names a child: it asks you to sign in.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"kinds": sorted(choices.chosen(user))})
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k.value, k.label) for k in choices.offered(user)]  # type: ignore[attr-defined]
