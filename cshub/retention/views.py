"""Retention: the rules, the dry run (what is due and what is held, by id only), legal holds
and disposal with its confirm page. No page here shows a name."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.people.models import Person
from cshub.retention import actions
from cshub.retention.due import item_for, review
from cshub.retention.forms import ReasonForm, RuleForm
from cshub.retention.models import Disposal, LegalHold, RetentionRule


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _person(pk: int) -> Person:
    """The record by its id alone (these pages show ids, never names or details)."""
    person = Person.objects.filter(pk=pk, merged_into__isnull=True).only("pk").first()
    if person is None:
        raise Http404
    return person


@require_perm(Perm.MANAGE_RETENTION, Perm.DISPOSE_RECORDS)
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    items = review()
    return render(
        request,
        "retention/overview.html",
        {
            "rules": RetentionRule.objects.select_related("updated_by"),
            "due": [i for i in items if not i.held],
            "held": [i for i in items if i.held],
            "holds": LegalHold.objects.filter(lifted_at__isnull=True).select_related("placed_by"),
            "disposals": Disposal.objects.select_related("disposed_by")[:50],
            "may_manage": user.has(Perm.MANAGE_RETENTION),
            "may_dispose": user.has(Perm.DISPOSE_RECORDS),
            "reason_form": ReasonForm(),
        },
    )


@require_perm(Perm.MANAGE_RETENTION)
def edit_rule(request: HttpRequest, rule_pk: int) -> HttpResponse:
    rule = get_object_or_404(RetentionRule, pk=rule_pk)
    form = RuleForm(
        request.POST or None, initial={"basis": rule.basis, "years": rule.years, "policy": rule.policy}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_rule(_user(request), rule, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Retention rule changed")
            return redirect("retention:overview")
    return render(request, "retention/rule_form.html", {"rule": rule, "form": form})


@require_perm(Perm.MANAGE_RETENTION)
@require_POST
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        actions.place_hold(_user(request), person, form.cleaned_data["reason"])
        messages.success(request, f"Record {person.pk} is on legal hold")
    else:
        messages.error(request, "Enter the reason for the legal hold")
    return redirect("retention:overview")


@require_perm(Perm.MANAGE_RETENTION)
@require_POST
def lift(request: HttpRequest, hold_pk: int) -> HttpResponse:
    legal_hold = get_object_or_404(LegalHold, pk=hold_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        actions.lift_hold(_user(request), legal_hold, form.cleaned_data["reason"])
        messages.success(request, f"Legal hold on record {legal_hold.person_id} lifted")
    else:
        messages.error(request, "Enter the reason for lifting the legal hold")
    return redirect("retention:overview")


@require_perm(Perm.DISPOSE_RECORDS)
def dispose(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    item = item_for(person.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disposal = actions.dispose(_user(request), person, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Record {disposal.old_id} disposed of")
            return redirect("retention:overview")
    rows = actions.collect(person) if item is not None and not item.held else {}
    counts = sorted((str(m._meta.verbose_name_plural).capitalize(), len(pks)) for m, pks in rows.items())
    return render(
        request, "retention/dispose.html", {"item": item, "pk": person.pk, "form": form, "counts": counts}
    )
