"""The forms of the audit round pages (part C of issue 22): a new round, reallocating and
cancelling an audit, one case audited outside a round."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet

from cshub.access.models import RolePermission, User
from cshub.access.permissions import Perm
from cshub.caseaudits.models import COUNTED_RULES, AuditTemplate, SampleRule, Subject, TemplateStatus
from cshub.core.codes import ExploitationType
from cshub.core.dates import local_today
from cshub.core.forms import GovukDateField, GovukForm
from cshub.core.ids import parse_id


def auditors() -> "QuerySet[User]":
    """Everyone who may carry out case audits (CONDUCT_AUDIT), by name."""
    roles = RolePermission.objects.filter(permission=Perm.CONDUCT_AUDIT).values("role")
    return (
        User.objects.filter(is_active=True, roles__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def _ids_only(values: Any) -> None:
    """An id past 64 bits (or not a number) is not looked up: the database cannot hold it."""
    for value in values if isinstance(values, list | tuple) else [values]:
        if value not in (None, "") and parse_id(value) is None:
            raise forms.ValidationError("Select from the list")


class TemplateChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        _ids_only(value)
        return super().clean(value)


class AuditorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        _ids_only(value)
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_agency_display()})"


class AuditorsChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def clean(self, value: Any) -> Any:
        _ids_only(value)
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_agency_display()})"


def published(subject: str | None = None) -> "QuerySet[AuditTemplate]":
    qs = AuditTemplate.objects.filter(status=TemplateStatus.PUBLISHED)
    return qs.filter(subject=subject) if subject else qs


class SampleForm(GovukForm):
    name = forms.CharField(
        label="Name of the audit round",
        max_length=120,
        help_text="For example, Open cases, November 2026",
        error_messages={"required": "Enter a name for the audit round"},
    )
    template = TemplateChoice(
        label="Audit template",
        queryset=AuditTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the audit template"},
    )
    rule = forms.ChoiceField(
        label="How the cases are chosen",
        choices=SampleRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the cases are chosen"},
    )
    period_start = GovukDateField(
        label="Period from",
        label_name="start of the period",
        help_text="For example, 1 10 2026",
        error_messages={"required": "Enter the start of the period"},
    )
    period_end = GovukDateField(
        label="Period to",
        label_name="end of the period",
        help_text="For example, 31 10 2026",
        error_messages={"required": "Enter the end of the period"},
    )
    per_stratum = forms.IntegerField(
        label="How many cases (for the rules that take a number)",
        help_text="Per worker, per type of exploitation, or of all the return interviews",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "min_value": "Enter how many cases to draw, 1 or more",
            "invalid": "Enter a whole number",
        },
    )
    types = forms.MultipleChoiceField(
        label="Types of exploitation (optional, for a sample by type)",
        help_text="None selected: every type",
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        help_text="Leave blank for a new one. The same seed, rule and period draw the same cases again",
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        error_messages={"invalid": "Enter a seed as a whole number, or leave it blank"},
    )
    moderation_percent = forms.IntegerField(
        label="Share of audits moderated (%)",
        help_text="A second auditor grades this share blind",
        initial=10,
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter the share of audits moderated, 0 for none",
            "invalid": "Enter the share as a whole number from 0 to 100",
            "min_value": "Enter a share between 0 and 100",
            "max_value": "Enter a share between 0 and 100",
        },
    )
    due_date = GovukDateField(
        label="Audits due by",
        label_name="date the audits are due",
        help_text="For example, 15 12 2026",
        error_messages={"required": "Enter the date the audits are due"},
    )
    auditors = AuditorsChoice(
        label="Auditors",
        help_text="Nobody audits their own case: CSHub shares the audits out among these people",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one auditor"},
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = published()  # type: ignore[attr-defined]
        self.fields["auditors"].queryset = auditors()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("request_key", uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be on or after its start")
        due = data.get("due_date")
        if due and due < local_today():
            self.add_error("due_date", "The date the audits are due must be today or in the future")
        counted = data.get("rule") in COUNTED_RULES
        if counted and not data.get("per_stratum") and "per_stratum" not in self.errors:
            self.add_error("per_stratum", "Enter how many cases to draw, 1 or more")
        return data


class ReallocateForm(GovukForm):
    auditor = AuditorChoice(
        label="Give the audit to",
        queryset=User.objects.none(),
        empty_label="Choose an auditor",
        error_messages={"required": "Choose the auditor"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = auditors()  # type: ignore[attr-defined]


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why the audit is cancelled",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the audit is cancelled"},
    )


class AuditCaseForm(GovukForm):
    template = TemplateChoice(
        label="Audit template",
        queryset=AuditTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the audit template"},
    )
    auditor = AuditorChoice(
        label="Auditor",
        queryset=User.objects.none(),
        empty_label="Choose an auditor",
        error_messages={"required": "Choose the auditor"},
    )
    due_date = GovukDateField(
        label="Due by",
        label_name="date the audit is due",
        help_text="For example, 15 12 2026",
        error_messages={"required": "Enter the date the audit is due"},
    )

    def __init__(self, *args: Any, subject: str = Subject.EPISODE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = published(subject)  # type: ignore[attr-defined]
        self.fields["auditor"].queryset = auditors()  # type: ignore[attr-defined]
