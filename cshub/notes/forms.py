from typing import Any

from django import forms

from cshub.core.forms import GovukDateField, GovukForm
from cshub.missing.forms import TIME_HELP, combine
from cshub.notes.models import NoteKind

_KINDS = [("", "Every kind"), *NoteKind.choices]


class NoteForm(GovukForm):
    action_fields = {"occurred_at": "occurred_date"}
    kind = forms.ChoiceField(label="What kind of note", choices=NoteKind.choices, widget=forms.RadioSelect)
    occurred_date = GovukDateField(
        label="Date it happened",
        label_name="date",
        error_messages={"required": "Enter the date it happened"},
    )
    occurred_time = forms.CharField(
        label="Time it happened",
        help_text=TIME_HELP,
        max_length=5,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the time it happened"},
    )
    present = forms.CharField(
        label="Who was present (optional)",
        required=False,
        max_length=500,
        help_text="Names and roles, for example: Kofi, his mum, PC Ellery (police).",
    )
    body = forms.CharField(
        label="Note",
        help_text="What was said and agreed, by whom, and what happens next.",
        widget=forms.Textarea(attrs={"rows": 8, "data-language-guidance": ""}),
        error_messages={"required": "Write the note"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("occurred_date") and data.get("occurred_time"):
            try:
                data["occurred_at"] = combine(data["occurred_date"], data["occurred_time"], "it happened")
            except forms.ValidationError as exc:
                self.add_error("occurred_time", exc)
        return data


class AmendForm(NoteForm):
    reason = forms.CharField(
        label="Why are you amending the note?",
        max_length=300,
        help_text="For example: the wrong date was recorded; the police officer's name was wrong.",
        error_messages={"required": "Say why you are amending the note"},
    )


class FilterForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of note", choices=_KINDS, required=False)
