from typing import Any

from django import forms

from cshub.assessments.actions import Evidence, RiskAssessment, evidence_errors
from cshub.assessments.models import Domain, EvidenceSource, Indicator
from cshub.casework.models import RiskLevel
from cshub.core.forms import GovukDateField, GovukForm

_TEXT = {"rows": 4, "data-language-guidance": ""}


class AssessmentForm(GovukForm):
    """The WISE assessment: one checkbox per indicator, and for each one ticked the evidence
    (what was seen or said, by whom, where it came from, when)."""

    completed_date = GovukDateField(
        label="Date completed",
        label_name="date completed",
        error_messages={"required": "Enter the date the assessment was completed"},
    )
    analysis = forms.CharField(
        label="Analysis: what we are worried about and why",
        help_text="Say who is harming the child, how, where and when, not only what the child does.",
        widget=forms.Textarea(attrs=_TEXT),
        error_messages={"required": "Write the analysis: what you are worried about and why"},
    )
    family_capacity = forms.CharField(
        label="The family's capacity to protect", required=False, widget=forms.Textarea(attrs=_TEXT)
    )
    strengths = forms.CharField(
        label="Strengths and protective factors", required=False, widget=forms.Textarea(attrs=_TEXT)
    )
    child_view = forms.CharField(
        label="The child's own view",
        help_text="In their words where you can: what they think is happening and what would help.",
        widget=forms.Textarea(attrs=_TEXT),
        error_messages={"required": "Record the child's own view (or why it could not be gathered yet)"},
    )
    risk_level = forms.ChoiceField(
        label="Risk level (your professional judgement)",
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk level"},
    )
    rationale = forms.CharField(
        label="Why this level",
        required=False,
        help_text="Needed when your level is not the one the indicators suggest.",
        widget=forms.Textarea(attrs={"rows": 3, "data-language-guidance": ""}),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            self.fields[ind.code] = forms.BooleanField(label=ind.label, required=False)
            self.fields[f"{ind.code}-evidence"] = forms.CharField(
                label="What was seen or said", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{ind.code}-observed_by"] = forms.CharField(
                label="By whom (name and agency)", required=False, max_length=160
            )
            self.fields[f"{ind.code}-source"] = forms.ChoiceField(
                label="Source", required=False, choices=[("", "Select the source"), *EvidenceSource.choices]
            )
            self.fields[f"{ind.code}-observed_on"] = GovukDateField(
                label="When", required=False, label_name="date of the evidence"
            )
        # Classes for the fields added after the mixin ran.
        for name, field in self.fields.items():
            if "-" in name and isinstance(field.widget, forms.Textarea | forms.TextInput | forms.Select):
                css = {"Textarea": "govuk-textarea", "TextInput": "govuk-input", "Select": "govuk-select"}
                field.widget.attrs.setdefault("class", css[type(field.widget).__name__])

    def domains(self) -> list[tuple[str, list[dict[str, Any]]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for ind in self.indicators:
            grouped.setdefault(ind.domain, []).append(
                {
                    "indicator": ind,
                    "box": self[ind.code],
                    "checked": bool(self[ind.code].value()),
                    "evidence": [
                        self[f"{ind.code}-{part}"]
                        for part in ("evidence", "observed_by", "source", "observed_on")
                    ],
                }
            )
        return [(Domain(d).label, grouped[d]) for d in Domain.values if d in grouped]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        findings = self._findings(data)
        for name, message in evidence_errors(findings, {i.code: i for i in self.indicators}).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def _findings(self, data: dict[str, Any]) -> dict[str, Evidence]:
        return {
            ind.code: Evidence(
                evidence=data.get(f"{ind.code}-evidence") or "",
                observed_by=data.get(f"{ind.code}-observed_by") or "",
                source=data.get(f"{ind.code}-source") or "",
                observed_on=data.get(f"{ind.code}-observed_on"),
            )
            for ind in self.indicators
            if data.get(ind.code)
        }

    def to_record(self) -> RiskAssessment:
        data = self.cleaned_data
        findings = self._findings(data)
        return RiskAssessment(
            completed_date=data["completed_date"],
            risk_level=data["risk_level"],
            child_view=data["child_view"],
            analysis=data["analysis"],
            findings=findings,
            family_capacity=data["family_capacity"],
            strengths=data["strengths"],
            rationale=data["rationale"],
        )


class ReviewForm(GovukForm):
    level = forms.ChoiceField(label="Your risk level", choices=RiskLevel.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Your reasoning",
        required=False,
        help_text="Needed when you differ from the assessor.",
        widget=forms.Textarea(attrs={"rows": 3, "data-language-guidance": ""}),
    )
