from typing import Any

from django import forms

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.codes import Ethnicity, Gender, Sex
from cshub.core.forms import GovukDateField, GovukForm
from cshub.core.limits import NAME_MAX
from cshub.people.models import PersonType


class SearchForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="First name, last name or a name they are known by (spelling does not need to be exact), or their ID in the council's system.",
        error_messages={"required": "Enter a name to search for"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth (optional)",
        label_name="date of birth",
        required=False,
        help_text="For example, 27 3 2010",
    )
    age = forms.IntegerField(
        label="Age (optional)",
        required=False,
        min_value=0,
        max_value=30,
        error_messages={
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 30 or less",
            "invalid": "Age must be a whole number",
        },
    )


class PersonForm(GovukForm):
    forename = forms.CharField(
        label="First name", max_length=NAME_MAX, error_messages={"required": "Enter a first name"}
    )
    surname = forms.CharField(
        label="Last name", max_length=NAME_MAX, error_messages={"required": "Enter a last name"}
    )
    person_type = forms.ChoiceField(
        label="Is this a child or an adult?",
        choices=PersonType.choices,
        widget=forms.RadioSelect,
        initial=PersonType.CHILD,
    )
    date_of_birth = GovukDateField(
        label="Date of birth", label_name="date of birth", required=False, help_text="For example, 27 3 2010"
    )
    dob_estimated = forms.BooleanField(label="The date of birth is estimated", required=False)
    sex = forms.ChoiceField(label="Sex", choices=[("", "Not recorded"), *Sex.choices], required=False)
    gender = forms.ChoiceField(
        label="Gender", choices=[("", "Not recorded"), *Gender.choices], required=False
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=[("", "Not recorded"), *Ethnicity.choices], required=False
    )
    upn = forms.CharField(
        label="Unique pupil number (optional)",
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    aliases = forms.CharField(
        label="Other names they are known by (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One name per line, for example a street name or a name used online",
    )

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data["nhs_number"].replace(" ", "")
        if value and (len(value) != 10 or not value.isdigit()):
            raise forms.ValidationError("The NHS number must be 10 digits")
        return value

    def alias_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data.get("aliases", "").splitlines():
            parts = line.strip().rsplit(" ", 1)
            if parts and parts[0]:
                pairs.append((parts[0], parts[1]) if len(parts) == 2 else (parts[0], ""))
        return pairs


class AliasForm(GovukForm):
    forename = forms.CharField(label="First name or nickname", max_length=NAME_MAX, required=False)
    surname = forms.CharField(label="Last name", max_length=NAME_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("forename") or data.get("surname")):
            raise forms.ValidationError("Enter the name the person is also known by")
        return data


class AddressForm(GovukForm):
    line = forms.CharField(label="Address", max_length=200, required=False)
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )
    start_date = GovukDateField(
        label="Lived here from",
        label_name="start date",
        error_messages={"required": "Enter the date they started living here"},
    )
    end_date = GovukDateField(label="Lived here until (optional)", label_name="end date", required=False)
    imd_decile = forms.IntegerField(
        label="IMD decile (optional)",
        required=False,
        min_value=1,
        max_value=10,
        help_text="Index of multiple deprivation of the area: 1 is the most deprived 10%",
        error_messages={
            "min_value": "The IMD decile must be from 1 to 10",
            "max_value": "The IMD decile must be from 1 to 10",
        },
    )


class RestrictForm(GovukForm):
    restricted = forms.ChoiceField(
        label="Restrict this record?",
        choices=[("yes", "Yes, only named people may see it"), ("no", "No, every hub worker may see it")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why (required to restrict)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the child is a relative of a member of staff",
    )


class GrantForm(GovukForm):
    user = forms.ModelChoiceField(
        label="Person to name on the record",
        queryset=User.objects.none(),
        empty_label="Choose a user",
        error_messages={"required": "Choose who may see this record"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [
            u.pk
            for u in User.objects.filter(is_active=True).prefetch_related("roles")
            if u.has(Perm.VIEW_CHILD)
        ]
        self.fields["user"].queryset = User.objects.filter(pk__in=ids)  # type: ignore[attr-defined]


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your reason is recorded and shown to managers. Access lasts a limited time.",
        error_messages={"required": "Enter why you need to see this record"},
    )


class MergeForm(GovukForm):
    survivor = forms.TypedChoiceField(
        label="Which record should be kept?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="The other record's referrals, episodes, missing episodes, meeting items, links, documents and notes move to it. The other record then leads to this one.",
        error_messages={"required": "Select the record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same child?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the same NHS number, or confirmed with the child's social worker. It is kept on both records' audit trails.",
        error_messages={"required": "Enter why these records are the same child"},
    )


class UnmergeForm(GovukForm):
    reason = forms.CharField(
        label="Why are these records being separated?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It is kept on both records' audit trails.",
        error_messages={"required": "Enter why these records are being separated"},
    )
