from django import forms

from cshub.core.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX
from cshub.retention.models import Basis


class RuleForm(forms.Form):
    basis = forms.ChoiceField(label="Counted from", choices=Basis.choices, widget=forms.RadioSelect)
    years = forms.IntegerField(label="Period in years (or the age)", min_value=1, max_value=120)
    policy = forms.CharField(
        label="The council's policy this follows",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        help_text="Do not name the person: the reason is kept with the record's tombstone.",
        max_length=SHORT_TEXT_MAX,
    )
