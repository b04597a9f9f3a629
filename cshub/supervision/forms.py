import datetime as dt
from typing import Any

from django import forms

from cshub.access.models import User
from cshub.casework.forms import WorkerChoiceField, hub_workers
from cshub.casework.models import Episode
from cshub.core.forms import GovukDateField, GovukForm
from cshub.people.models import visible_q
from cshub.supervision.actions import SupervisionRecord
from cshub.supervision.models import Kind
from cshub.tasks.actions import NewTask

ACTION_ROWS = 3
_TEXT = {"rows": 4, "data-language-guidance": ""}


class SupervisionForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of supervision", choices=Kind.choices, widget=forms.RadioSelect)
    held_on = GovukDateField(label="Date held", label_name="date held")
    supervisee = WorkerChoiceField(label="Hub worker supervised", queryset=User.objects.none())
    locality_worker = forms.CharField(
        label="Locality social worker",
        required=False,
        max_length=160,
        help_text="For joint supervision only: expected when the first assessment completes and before closure.",
    )
    others = forms.ModelMultipleChoiceField(
        label="Other children discussed",
        queryset=Episode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For group supervision only: the session goes on each child's record.",
    )
    others_present = forms.CharField(label="Others present", required=False, max_length=300)
    discussion = forms.CharField(label="Discussion", widget=forms.Textarea(attrs=_TEXT))
    reflection = forms.CharField(
        label="Reflective analysis",
        required=False,
        help_text="What do we think is happening for the child, and what might we be missing?",
        widget=forms.Textarea(attrs=_TEXT),
    )
    decisions = forms.CharField(label="Decisions", widget=forms.Textarea(attrs=_TEXT))

    def __init__(self, *args: Any, user: User, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = self.fields["others"]
        others.queryset = (  # type: ignore[attr-defined]
            Episode.objects.open()
            .filter(visible_q(user))
            .exclude(pk=episode.pk)
            .select_related("person")
            .order_by("person__surname", "person__forename", "pk")
        )
        others.label_from_instance = lambda e: e.person.full_name  # type: ignore[attr-defined]
        workers = hub_workers()
        self.fields["supervisee"].queryset = workers  # type: ignore[attr-defined]
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}"] = forms.CharField(
                label="What", required=False, widget=forms.TextInput(attrs={"class": "govuk-input"})
            )
            owner = WorkerChoiceField(label="Who", queryset=workers, required=False, empty_label="Select who")
            owner.widget.attrs["class"] = "govuk-select"
            self.fields[f"action_{n}_owner"] = owner
            self.fields[f"action_{n}_due"] = GovukDateField(
                label="Due by", required=False, label_name="due date"
            )

    def action_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"action_{n}"], self[f"action_{n}_owner"], self[f"action_{n}_due"]]
            for n in range(1, ACTION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, ACTION_ROWS + 1):
            what, owner, due = (data.get(f"action_{n}{s}") for s in ("", "_owner", "_due"))
            if what and not owner:
                self.add_error(f"action_{n}_owner", f"Select who will do action {n}")
            if what and not due:
                self.add_error(f"action_{n}_due", f"Enter when action {n} is due")
            if (owner or due) and not what:
                self.add_error(f"action_{n}", f"Say what action {n} is")
        return data

    def to_record(self) -> SupervisionRecord:
        d = self.cleaned_data
        return SupervisionRecord(
            kind=d["kind"],
            held_on=d["held_on"],
            supervisee=d["supervisee"],
            discussion=d["discussion"],
            decisions=d["decisions"],
            reflection=d["reflection"],
            locality_worker=d["locality_worker"],
            others_present=d["others_present"],
            others=tuple(d["others"]),
        )

    def tasks(self) -> list[NewTask]:
        d = self.cleaned_data
        found = []
        for n in range(1, ACTION_ROWS + 1):
            if d.get(f"action_{n}"):
                owner: User = d[f"action_{n}_owner"]
                due: dt.date = d[f"action_{n}_due"]
                found.append(NewTask(d[f"action_{n}"], owner.agency, due, owner=owner))
        return found


class OversightForm(GovukForm):
    decision = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 3, "data-language-guidance": ""})
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3, "data-language-guidance": ""})
    )
