"""The forms of the register's flag pages: recording a flag on a child, ending one."""

from typing import Any

from django import forms

from cshub.core.forms import GovukDateField, GovukForm
from cshub.register.models import DERIVED_SOURCES, Concern, Holder, Source


class FlagForm(GovukForm):
    source = forms.ChoiceField(
        label="Who flagged the child",
        choices=[(v, label) for v, label in Source.choices if v not in DERIVED_SOURCES],
        widget=forms.RadioSelect,
        help_text="Flags from children's social care and the hub come from their own records",
        error_messages={"required": "Select who flagged the child"},
    )
    concern = forms.ChoiceField(
        label="What the child is at risk of",
        choices=Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the child is at risk of"},
    )
    flagged_on = GovukDateField(
        label="Date of the flag",
        label_name="date of the flag",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the flag"},
    )
    holder = forms.ChoiceField(
        label="Who holds the child's case",
        choices=[(v, label) for v, label in Holder.choices if v != Holder.HUB],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who holds the child's case"},
    )
    holder_team = forms.CharField(label="Team (optional)", required=False, max_length=200)
    holder_contact = forms.CharField(
        label="Contact (optional)",
        required=False,
        max_length=200,
        help_text="A work phone number or email address for the case holder",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        help_text="What the flag is based on. Describe what happened to the child, not what they did wrong",
        widget=forms.Textarea(attrs={"rows": 4, "data-language-guidance": ""}),
    )


class EndFlagForm(GovukForm):
    ended_on = GovukDateField(
        label="Date the flag ended",
        label_name="date the flag ended",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the flag ended"},
    )
    reason = forms.CharField(
        label="Why the flag is no longer in force",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the flag is no longer in force"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
