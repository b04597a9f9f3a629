from typing import Any

from django import forms

from cshub.core.dates import format_date
from cshub.core.forms import GovukForm
from cshub.documents.models import Document
from cshub.philomena.actions import ProfileText
from cshub.philomena.models import TEXT_FIELDS, Profile
from cshub.philomena.suggestions import PERSON, PLACE, Suggestion


def _area(rows: int = 3, guidance: bool = False) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **({"data-language-guidance": ""} if guidance else {})})


class ProfileForm(GovukForm):
    in_care = forms.ChoiceField(
        label="Is the child looked after (in care)?",
        choices=[("Y", "Yes"), ("N", "No")],
        widget=forms.RadioSelect,
        help_text="The profile is asked for, and reviewed, for looked-after children.",
    )
    photo = forms.ChoiceField(
        label="Photograph",
        required=False,
        help_text="A recent photograph: a picture uploaded to the child's documents, scanned, not police-only.",
    )
    height = forms.CharField(
        label="Height", required=False, max_length=100, help_text="For example, 5 feet 6 inches (168 cm)."
    )
    build = forms.CharField(label="Build", required=False, max_length=100)
    hair = forms.CharField(
        label="Hair", required=False, max_length=100, help_text="Colour, length and style."
    )
    eyes = forms.CharField(label="Eyes", required=False, max_length=100)
    marks = forms.CharField(label="Scars, marks and tattoos", required=False, widget=_area(2))
    clothing = forms.CharField(label="Clothing usually worn", required=False, widget=_area(2))
    phones = forms.CharField(label="Phone numbers", required=False, widget=_area(2), help_text="One a line.")
    social_media = forms.CharField(
        label="Social media accounts",
        required=False,
        widget=_area(2),
        help_text="Platform and name, one a line.",
    )
    places = forms.CharField(
        label="Places they go to", required=False, widget=_area(4), help_text="One a line."
    )
    confirm_places = forms.MultipleChoiceField(
        label="Add places CSHub already knows about",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick those that belong on the profile. They are added to the list above.",
    )
    people = forms.CharField(
        label="People they go to",
        required=False,
        widget=_area(4),
        help_text="Friends, family and others, one a line.",
    )
    confirm_people = forms.MultipleChoiceField(
        label="Add people CSHub already knows about",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick those that belong on the profile. They are added to the list above.",
    )
    health_needs = forms.CharField(label="Health needs", required=False, widget=_area(3, True))
    medication = forms.CharField(
        label="Medication",
        required=False,
        widget=_area(2),
        help_text="What, how often, and what happens without it.",
    )
    exploitation_concerns = forms.CharField(
        label="Exploitation concerns", required=False, widget=_area(3, True)
    )
    who_to_call = forms.CharField(
        label="Who to call",
        widget=_area(3),
        help_text="Names and numbers, day and night, in the order to call them.",
    )
    responds_to = forms.CharField(
        label="What the child responds to",
        required=False,
        widget=_area(3, True),
        help_text="Who they trust, what helps them come home or talk to someone.",
    )
    carer_name = forms.CharField(label="Carer's name", required=False, max_length=200)
    carer_phone = forms.CharField(label="Carer's phone number", required=False, max_length=40)
    carer_address = forms.CharField(label="Placement address", required=False, max_length=300)

    def __init__(
        self,
        *args: Any,
        photos: list[Document],
        suggestions: list[Suggestion],
        called: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who_to_call"].error_messages["required"] = (
            f"Write who to call when {called} goes missing"
        )
        self.photos = {str(d.pk): d for d in photos}
        photo_field = self.fields["photo"]
        assert isinstance(photo_field, forms.ChoiceField)
        photo_field.choices = [("", "No photograph")] + [
            (str(d.pk), f"{d.title} (added {format_date(d.uploaded_at)})") for d in photos
        ]
        for name, kind in (("confirm_places", PLACE), ("confirm_people", PERSON)):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(s.value, f"{s.value} ({s.source})") for s in suggestions if s.kind == kind]
            if not field.choices:
                del self.fields[name]

    @staticmethod
    def initial_from(profile: Profile | None, in_care: bool) -> dict[str, Any]:
        if profile is None:
            return {"in_care": "Y" if in_care else "N"}
        return {
            **profile.text(),
            "in_care": "Y" if profile.in_care else "N",
            "photo": str(profile.photo_id or ""),
        }

    def chosen_photo(self) -> Document | None:
        return self.photos.get(self.cleaned_data.get("photo") or "")

    def to_text(self) -> ProfileText:
        d = self.cleaned_data
        values = {name: d.get(name, "") for name in TEXT_FIELDS}
        for text_name, confirm in (("places", "confirm_places"), ("people", "confirm_people")):
            added = [v for v in d.get(confirm, []) if v]
            if added:
                lines = [values[text_name].rstrip()] if values[text_name].strip() else []
                values[text_name] = "\n".join(lines + added)
        return ProfileText(**values)
