"""The change form of one practice standard (GOV.UK patterns: error summary, date input)."""

import datetime as dt
from typing import Any

from django import forms

from cshub.core.dates import local_today
from cshub.core.forms import GovukDateField, GovukFormMixin
from cshub.standards.actions import MOST_DAYS


class ChangeForm(GovukFormMixin, forms.Form):
    days = forms.IntegerField(
        label="Number of days",
        min_value=1,
        max_value=MOST_DAYS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of days",
            "invalid": "The number of days must be a whole number, like 21",
            "min_value": "The number of days must be 1 or more",
            "max_value": f"The number of days must be {MOST_DAYS} or fewer",
        },
    )
    effective_from = GovukDateField(
        label="Applies from",
        label_name="date the standard applies from",
        help_text="Today, a later day, or an earlier day this month",
        error_messages={"required": "Enter the date the standard applies from"},
    )
    reason = forms.CharField(
        label="Why is the standard changing?",
        help_text="For example, a case audit finding or a decision of the partnership. "
        "Everyone who reads the standards sees this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the standard is changing"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = local_today()
        nxt = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        self.fields[
            "effective_from"
        ].help_text = (
            f"Today, a later day, or an earlier day this month. For example, {nxt.day} {nxt.month} {nxt.year}"
        )
