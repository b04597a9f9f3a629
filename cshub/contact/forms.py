from django import forms

from cshub.contact.models import ContactKind, Decision, HowGathered
from cshub.core.codes import Agency
from cshub.core.forms import GovukDateField, GovukForm

_DECISION = [("", "Not yet"), *Decision.choices]


class VoiceForm(GovukForm):
    said = forms.CharField(
        label="What the child said, in their words",
        help_text="Quote them. Do not summarise or interpret here.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    how_gathered = forms.ChoiceField(
        label="How it was gathered", choices=HowGathered.choices, widget=forms.RadioSelect
    )
    gathered_on = GovukDateField(label="When", label_name="date")
    shaped = forms.CharField(
        label="What it shaped (optional)",
        required=False,
        max_length=300,
        help_text="For example: the safety plan, the assessment of 3 March, the decision to change school.",
    )


class ContactForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of contact", choices=ContactKind.choices, widget=forms.RadioSelect
    )
    on = GovukDateField(label="Date", label_name="date")
    where = forms.CharField(label="Where", max_length=160)
    present = forms.CharField(
        label="Who was present (optional)",
        required=False,
        max_length=500,
        help_text="Names and roles, for example: Kofi, his foster carer, Sam Lee (youth worker).",
    )
    seen = forms.BooleanField(label="The child was seen", required=False, initial=True)
    seen_alone = forms.BooleanField(label="The child was seen alone", required=False)
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tool = forms.CharField(label="Tool or resource used (direct work)", required=False, max_length=160)
    child_said = forms.CharField(
        label="What the child said", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    impact = forms.CharField(
        label="Impact: what difference it made",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-language-guidance": ""}),
    )


class TeamMemberForm(GovukForm):
    name = forms.CharField(label="Name", max_length=160)
    agency = forms.ChoiceField(label="Agency", choices=Agency.choices)
    role = forms.CharField(
        label="Role", max_length=160, help_text="For example: school nurse, youth justice officer."
    )
    from_date = GovukDateField(label="Involved from", label_name="start date")
    lead = forms.BooleanField(label="This is the lead professional", required=False)


class NrmForm(GovukForm):
    referred_on = GovukDateField(label="Referral date", label_name="referral date")
    first_responder = forms.CharField(label="First responder organisation", max_length=160)
    reasonable_grounds = forms.ChoiceField(
        label="Reasonable grounds decision", choices=_DECISION, required=False, widget=forms.RadioSelect
    )
    reasonable_grounds_on = GovukDateField(
        label="Reasonable grounds decision date", required=False, label_name="decision date"
    )
    conclusive_grounds = forms.ChoiceField(
        label="Conclusive grounds decision", choices=_DECISION, required=False, widget=forms.RadioSelect
    )
    conclusive_grounds_on = GovukDateField(
        label="Conclusive grounds decision date", required=False, label_name="decision date"
    )


class TransitionForm(GovukForm):
    adult_social_care = forms.CharField(
        label="Adult social care link", widget=forms.Textarea(attrs={"rows": 3})
    )
    housing = forms.CharField(label="Housing", widget=forms.Textarea(attrs={"rows": 3}))
    health = forms.CharField(label="Health", widget=forms.Textarea(attrs={"rows": 3}))
    support_past_18 = forms.BooleanField(label="Hub support continues past 18", required=False)
