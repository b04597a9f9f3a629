from collections.abc import Sequence
from typing import Any

from django import forms

from cshub.access.models import Role
from cshub.access.scopes import DEFAULT_TOKEN_DAYS, TOKEN_DAYS, Scope
from cshub.core.codes import Agency
from cshub.core.forms import GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(GovukForm):
    current = forms.CharField(
        label="Your current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new = forms.CharField(
        label="New password",
        strip=False,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm = forms.CharField(
        label="Type the new password again",
        strip=False,
        error_messages={"required": "Type the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code from your authenticator app",
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "Enter the 6-digit security code",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The security code must be 6 numbers")
        return code


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Name of the token",
        max_length=100,
        help_text="What will use it, for example 'police missing reports feed'",
        error_messages={"required": "Enter a name for the token"},
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        help_text="Only what the system using it needs. A police feed needs only to send missing reports.",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what the token may do"},
    )
    days = forms.ChoiceField(
        label="How long does it last?",
        choices=[(str(d), f"{d} days") for d in TOKEN_DAYS],
        required=False,
        initial=str(DEFAULT_TOKEN_DAYS),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select how long the token lasts: 30, 90 or 365 days"},
    )

    def clean_days(self) -> int:
        return int(self.cleaned_data.get("days") or DEFAULT_TOKEN_DAYS)

    def __init__(self, *args: Any, scopes: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s.value, s.label) for s in Scope if s.value in scopes]  # type: ignore[attr-defined]


def _role_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in Role.objects.order_by("name")]


class UserForm(GovukForm):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter a username"})
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    job_title = forms.CharField(max_length=100, required=False)
    agency = forms.ChoiceField(choices=Agency.choices, widget=forms.RadioSelect)
    roles = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["username"].disabled = True
        else:
            del self.fields["is_active"]


class RoleDecisionForm(GovukForm):
    request = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
