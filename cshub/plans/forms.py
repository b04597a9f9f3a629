import datetime as dt
from typing import Any

from django import forms
from django.utils.text import Truncator

from cshub.core.codes import Agency
from cshub.core.forms import GovukDateField, GovukForm
from cshub.plans.actions import PlanText, SafetyPlanText, TriggerPlanText
from cshub.tasks.actions import NewTask
from cshub.tasks.models import Task

ACTION_ROWS = 3


def _text(rows: int = 4, hint: bool = True) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **({"data-language-guidance": ""} if hint else {})})


class PlanForm(GovukForm):
    needs = forms.CharField(label="What needs to change", widget=_text())
    outcomes = forms.CharField(
        label="Outcomes sought", help_text="What will be different for the child.", widget=_text()
    )
    contingency = forms.CharField(
        label="Contingency",
        help_text="If this happens, we will … (for example: if Kofi goes missing overnight, police will check the addresses in his trigger plan).",
        widget=_text(),
    )
    shared_with = forms.CharField(label="Shared with (locality team)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(label="What", required=False)
            self.fields[f"action_{n}_who"] = forms.CharField(label="Who", required=False, max_length=120)
            self.fields[f"action_{n}_agency"] = forms.ChoiceField(
                label="Agency", required=False, choices=[("", "Select the agency"), *Agency.choices]
            )
            self.fields[f"action_{n}_due"] = GovukDateField(
                label="By when", required=False, label_name="date"
            )
            for suffix in ("", "_who"):
                self.fields[f"action_{n}{suffix}"].widget.attrs["class"] = "govuk-input"
            self.fields[f"action_{n}_agency"].widget.attrs["class"] = "govuk-select"

    def action_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"action_{n}{s}"] for s in ("", "_who", "_agency", "_due")]
            for n in range(1, ACTION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, ACTION_ROWS + 1):
            what = data.get(f"action_{n}")
            others = {s: data.get(f"action_{n}{s}") for s in ("_who", "_agency", "_due")}
            if what:
                for suffix, message in (
                    ("_who", "who will do"),
                    ("_agency", "the agency of"),
                    ("_due", "when to do"),
                ):
                    if not others[suffix]:
                        self.add_error(f"action_{n}{suffix}", f"Enter {message} action {n}")
            elif any(others.values()):
                self.add_error(f"action_{n}", f"Say what action {n} is")
        return data

    def to_text(self) -> PlanText:
        d = self.cleaned_data
        return PlanText(d["needs"], d["outcomes"], d["contingency"], d["shared_with"])

    def tasks(self) -> list[NewTask]:
        d = self.cleaned_data
        found = []
        for n in range(1, ACTION_ROWS + 1):
            if d.get(f"action_{n}"):
                due: dt.date = d[f"action_{n}_due"]
                found.append(
                    NewTask(d[f"action_{n}"], d[f"action_{n}_agency"], due, owner_name=d[f"action_{n}_who"])
                )
        return found


class PlanReviewForm(GovukForm):
    reviewed_on = GovukDateField(label="Date of the review", label_name="review date")
    progress = forms.CharField(
        label="Overall progress",
        widget=_text(),
        error_messages={"required": "Enter the overall progress towards the plan's outcomes"},
    )

    def __init__(self, *args: Any, tasks: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_tasks = tasks
        for task in tasks:
            self.fields[f"task_{task.pk}"] = forms.CharField(
                label=f"Progress: {task.description}",
                help_text=f"{task.owner_display} ({task.get_owner_agency_display()}), due {task.due_date:%-d %B %Y}",
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                error_messages={
                    "required": f"Enter the progress on “{Truncator(task.description).chars(60)}”"
                },
            )

    def task_fields(self) -> list[forms.BoundField]:
        return [self[f"task_{t.pk}"] for t in self.plan_tasks]

    def action_progress(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data[f"task_{t.pk}"] for t in self.plan_tasks}


class SafetyPlanForm(GovukForm):
    safe_people = forms.CharField(label="People I can talk to and trust", widget=_text(3, False))
    safe_places = forms.CharField(label="Places where I feel safe", widget=_text(3, False))
    i_will = forms.CharField(label="What I will do if I feel unsafe", widget=_text(3, False))
    others_will = forms.CharField(label="What other people will do to help me", widget=_text(3, False))
    made_with_child = forms.BooleanField(
        label="We wrote this plan together with the child", required=False, initial=True
    )

    def to_text(self) -> SafetyPlanText:
        return SafetyPlanText(**self.cleaned_data)


class TriggerPlanForm(GovukForm):
    known_locations = forms.CharField(label="Places the child may be", widget=_text(3, False))
    people_of_concern = forms.CharField(
        label="People the child may be with", required=False, widget=_text(3, False)
    )
    carers_do = forms.CharField(label="What carers do, and when", widget=_text(3, False))
    police_do = forms.CharField(label="What the police do", widget=_text(3, False))
    who_to_call = forms.CharField(
        label="Who to call", help_text="Names and numbers, day and night.", widget=_text(3, False)
    )

    def to_text(self) -> TriggerPlanText:
        return TriggerPlanText(**self.cleaned_data)
