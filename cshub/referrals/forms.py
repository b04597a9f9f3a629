from typing import Any

from django import forms

from cshub.core.codes import Agency, ExploitationType, ReferralSource
from cshub.core.forms import GovukDateField, GovukForm
from cshub.referrals.models import Decision


class ReferralForm(GovukForm):
    received_date = GovukDateField(
        label="Date the referral was received",
        label_name="date received",
        error_messages={"required": "Enter the date the referral was received"},
    )
    source_code = forms.ChoiceField(
        label="Referral source", choices=[("", "Choose a source"), *ReferralSource.choices], required=False
    )
    referrer_name = forms.CharField(label="Who made the referral (optional)", max_length=120, required=False)
    referrer_agency = forms.ChoiceField(
        label="Their agency (optional)", choices=[("", "Not recorded"), *Agency.choices], required=False
    )
    primary_type = forms.ChoiceField(
        label="Main type of exploitation",
        choices=ExploitationType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the main type of exploitation"},
    )
    other_types = forms.MultipleChoiceField(
        label="Other types of exploitation (optional)",
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    concerns = forms.CharField(
        label="What the concerns are",
        widget=forms.Textarea(attrs={"rows": 6, "data-language-guidance": ""}),
        help_text="What has been seen or said, by whom, and when. Describe what adults are doing to the child, not the child's 'choices'.",
        error_messages={"required": "Enter what the concerns are"},
    )
    mash_consulted = forms.BooleanField(label="The MASH was consulted", required=False)
    mash_consulted_on = GovukDateField(
        label="Date of the MASH consultation", label_name="consultation date", required=False
    )
    mash_consultee = forms.CharField(label="Who in the MASH", max_length=120, required=False)
    mash_advice = forms.CharField(
        label="The MASH's advice", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mash_consulted") and not data.get("mash_consulted_on"):
            self.add_error("mash_consulted_on", "Enter the date of the MASH consultation")
        return data


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Threshold decision",
        choices=[
            (Decision.OPEN, "Open to the hub"),
            (Decision.NFA, "No further action"),
            (Decision.SIGNPOSTED, "Signpost to another service"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the threshold decision"},
    )
    decision_date = GovukDateField(
        label="Date of the decision",
        label_name="decision date",
        error_messages={"required": "Enter the date of the decision"},
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The evidence considered and why it does or does not meet the hub's threshold. Name the service for a signposting decision.",
        error_messages={"required": "Enter the reasons for the decision"},
    )
