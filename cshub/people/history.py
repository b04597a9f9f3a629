"""The child's change history: who changed what, from the audit trail of the record and of
every record merged into it (`Person.trail_ids()`), with the values before and after where
the event keeps them (`audit.changes`). Filters by who, when and what kind of record, as a
GET form that carries only ids, codes and dates."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit import history
from cshub.core.dates import LONDON, plausible_event
from cshub.core.forms import GovukDateField, GovukForm
from cshub.people.access import get_child_for_user


class HistoryFilterForm(GovukForm):
    """Only a user id, a kind's code and dates go in the query string, never a name."""

    actor = forms.ChoiceField(label="Who", required=False)
    kind = forms.ChoiceField(
        label="Kind of record", required=False, choices=[("", "Any kind"), *history.KIND_CHOICES]
    )
    start = GovukDateField(label="From", label_name="from date", required=False)
    end = GovukDateField(label="To", label_name="to date", required=False)

    def __init__(self, *args: Any, actors: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ChoiceField)
        actor.choices = [("", "Anyone"), *((str(u.pk), str(u)) for u in actors)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, what in (("start", "from date"), ("end", "to date")):
            if problem := plausible_event(data.get(name), what, future=True):
                self.add_error(name, problem)
                data[name] = None
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The to date must be the same as or after the from date")
        return data


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


@require_perm(Perm.REVIEW_ACCESS)
def change_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    person = get_child_for_user(user, pk, part="change history")
    trail = person.trail_ids()
    changes = history.changes_for(trail)
    actors = list(User.objects.filter(pk__in=changes.values("actor_id")).order_by("first_name", "last_name"))
    form = HistoryFilterForm(request.GET or None, actors=actors)
    query: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            changes = changes.filter(actor_id=int(data["actor"]))
        if data["kind"]:
            changes = changes.filter(history.kind_q(data["kind"]))
        if data["start"]:
            changes = changes.filter(at__gte=_start_of(data["start"]))
        if data["end"]:
            changes = changes.filter(at__lt=_start_of(data["end"] + dt.timedelta(days=1)))
        query = {k: str(request.GET[k]) for k in sorted(_FILTER_KEYS) if request.GET.get(k)}
    page = Paginator(changes, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    police = user.sees_police_only()
    rows = [history.read(event, sees_police_only=police) for event in page]
    return render(
        request,
        "people/history.html",
        {
            "person": person,
            "form": form,
            "page": page,
            "rows": rows,
            "several_records": len(trail) > 1,
            "filtered": bool(query),
            "query": urlencode(query),
            "tab": "access",
        },
    )


_FILTER_KEYS = {"actor", "kind", *(f"{d}_{p}" for d in ("start", "end") for p in ("day", "month", "year"))}
