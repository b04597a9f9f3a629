from typing import Any

from django import forms

from cshub.core.forms import GovukForm
from cshub.crossborder.models import PURPOSE_MAX_LENGTH, PURPOSE_MIN_LENGTH, LawfulBasis, MatchStatus
from cshub.linkage.models import RecordKind
from cshub.region.models import Peer, PeerRole

ALL = "all"


class DecideMatchForm(GovukForm):
    decision = forms.TypedChoiceField(
        label="Are these records about the same person?",
        choices=[("confirm", "Yes, confirm the match"), ("reject", "No, reject the match")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the records are about the same person"},
    )
    note = forms.CharField(
        label="Why you decided this",
        help_text="For example, what you checked with the other hub or in the record.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter a note saying why you decided this"},
    )


class RequestForm(GovukForm):
    purpose = forms.CharField(
        label="Why you need the information",
        help_text="The other hub's manager reads this before deciding. Say what the information is for.",
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=PURPOSE_MIN_LENGTH,
        max_length=PURPOSE_MAX_LENGTH,
        error_messages={
            "required": "Enter the purpose of the request: why you need the information",
            "min_length": (
                "Enter the purpose of the request: why you need the information, "
                f"in at least {PURPOSE_MIN_LENGTH} characters"
            ),
        },
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for sharing",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for sharing"},
    )


class DecideRequestForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you agree to share?",
        choices=[
            ("approve", "Yes, send the ticked parts of the summary"),
            ("decline", "No, decline the request"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree to share"},
    )
    share = forms.MultipleChoiceField(
        label="What to send",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick anything you do not agree to send.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        help_text="Needed when you decline. The other hub sees it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, offered: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["share"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = offered


class FilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Matches",
        required=False,
        choices=[
            (MatchStatus.PENDING.value, "To decide"),
            *[(s.value, s.label) for s in MatchStatus if s != MatchStatus.PENDING],
            (ALL, "All"),
        ],
    )
    kind = forms.ChoiceField(
        label="Record", required=False, choices=[("", "Children and adults"), *RecordKind.choices]
    )
    hub = forms.ChoiceField(label="Other hub", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hubs = Peer.objects.filter(role=PeerRole.HUB).values_list("hub_id", "name")
        field = self.fields["hub"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any hub"), *hubs]
