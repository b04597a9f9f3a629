from typing import Any

from django import forms

from cshub.core.codes import Agency, ExploitationType
from cshub.core.forms import GovukDateField, GovukForm
from cshub.intelligence.models import (
    Assessment,
    GroupKind,
    Handling,
    LinkType,
    PlaceKind,
    SourceEvaluation,
    SourceType,
    Subject,
    SubjectKind,
)


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "Select"), *choices]


class SubjectForm(GovukForm):
    kind = forms.ChoiceField(label="What is it?", choices=SubjectKind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label="Name, registration, phone number or handle",
        required=False,
        max_length=200,
        help_text="A place's name or address; a registration like AB12 CDE; a phone number like 07700 900123",
    )
    person = forms.IntegerField(
        label="Adult of concern: their record number in the person index (optional)",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Or give their name above and choose them from the adults found",
    )
    place_kind = forms.ChoiceField(label="Kind of place", choices=_blank(PlaceKind.choices), required=False)
    postcode = forms.CharField(label="Postcode", required=False, max_length=8)
    ward = forms.CharField(label="Ward", required=False, max_length=100)
    platform = forms.CharField(label="Online account: platform", required=False, max_length=60)
    group_kind = forms.ChoiceField(label="Kind of group", choices=_blank(GroupKind.choices), required=False)
    description = forms.CharField(
        label="What is known", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class GradingForm(GovukForm):
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=SourceEvaluation.choices, widget=forms.RadioSelect
    )
    assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=Assessment.choices, widget=forms.RadioSelect
    )
    handling = forms.ChoiceField(label="Handling code", choices=Handling.choices, widget=forms.RadioSelect)
    agencies = forms.MultipleChoiceField(
        label="Code C: agencies who may see it",
        choices=Agency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for the police only",
    )


class LinkForm(GovukForm):
    subject = forms.TypedChoiceField(label="Linked to", coerce=int, choices=())
    link_type = forms.ChoiceField(label="Kind of link", choices=_blank(LinkType.choices))
    source_type = forms.ChoiceField(
        label="Where the information came from", choices=_blank(SourceType.choices)
    )
    first_seen = GovukDateField(label="First seen", label_name="first seen date", required=False)
    last_seen = GovukDateField(label="Last seen", label_name="last seen date", required=False)
    detail = forms.CharField(label="Detail", required=False, max_length=300)

    def __init__(self, *args: Any, exclude: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subjects = Subject.objects.order_by("kind", "name", "id")
        if exclude is not None:
            subjects = subjects.exclude(pk=exclude)
        self.fields["subject"].choices = [("", "Select")] + [  # type: ignore[attr-defined]
            (s.pk, f"{s.get_kind_display()}: {s.name}{'' if s.confirmed else ' (proposed)'}")
            for s in subjects
        ]


class NetworkFilterForm(GovukForm):
    hops = forms.TypedChoiceField(
        label="Steps out", coerce=int, choices=[(1, "1"), (2, "2"), (3, "3")], required=False, initial=2
    )
    link_type = forms.ChoiceField(
        label="Kind of link", choices=[("", "Any"), *LinkType.choices], required=False
    )
    since = GovukDateField(
        label="Seen since (optional)",
        label_name="'seen since' date",
        required=False,
        help_text="Links last seen on or after this day. For example, 27 3 2026",
    )
    assessment = forms.ChoiceField(
        label="Assessed at least", choices=[("", "Any"), *Assessment.choices], required=False
    )
    exploitation = forms.ChoiceField(
        label="Children referred for", choices=[("", "Any"), *ExploitationType.choices], required=False
    )


class MeetingEntryForm(GovukForm):
    """One thing an agency shared at a meeting item, as a structured entry."""

    kind = forms.ChoiceField(
        label="What was shared about?", choices=SubjectKind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label="Name, registration, phone number or handle",
        required=False,
        max_length=200,
        help_text="An adult's name; a place's name or address; a registration like AB12 CDE; "
        "a phone number like 07700 900123; an account's handle; a group's name",
    )
    place_kind = forms.ChoiceField(label="Kind of place", choices=_blank(PlaceKind.choices), required=False)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=8)
    platform = forms.CharField(label="Online account: platform", required=False, max_length=60)
    group_kind = forms.ChoiceField(label="Kind of group", choices=_blank(GroupKind.choices), required=False)
    link_type = forms.ChoiceField(label="Kind of link", choices=_blank(LinkType.choices))
    first_seen = GovukDateField(
        label="First seen (optional)",
        label_name="first seen date",
        required=False,
        help_text="Leave it empty for the day of the meeting. For example, 27 3 2026",
    )
    last_seen = GovukDateField(label="Last seen (optional)", label_name="last seen date", required=False)
    detail = forms.CharField(label="What was said (optional)", required=False, max_length=300)


class LinkGradingForm(GradingForm):
    """Grading a link: code C may also name people, among those who may see intelligence."""

    named_users = forms.TypedMultipleChoiceField(
        label="Code C: people who may see it",
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Besides the agencies ticked above; with no agency ticked, only the people named see it "
        "(name yourself to keep sight of it). Only people who may see intelligence are listed",
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["named_users"].choices = people  # type: ignore[attr-defined]
        self.fields["agencies"].help_text = "Leave it empty, and name nobody below, for the police only"
