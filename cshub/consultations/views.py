import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.consultations import actions
from cshub.consultations.forms import NEW, ConsultationForm, FilterForm
from cshub.consultations.models import Consultation
from cshub.core import locks
from cshub.core.codes import ExploitationType
from cshub.core.dates import LONDON
from cshub.core.ids import parse_id
from cshub.people import actions as people
from cshub.people.access import get_child_for_user
from cshub.people.duplicates import check_duplicates
from cshub.people.forms import SearchForm
from cshub.people.models import Person
from cshub.people.search import Match, search_for
from cshub.referrals.actions import ReferralDetails
from cshub.referrals.forms import ReferralForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _consultation_for(user: User, pk: int, part: str) -> Consultation:
    """A consultation the user may see: anonymous, or about a child they may see (else 404,
    a restricted child's too: no break-glass offer from here)."""
    consultation = get_object_or_404(
        Consultation.objects.visible_to(user).select_related("person", "recorded_by", "referral"), pk=pk
    )
    if consultation.person_id is not None:
        get_child_for_user(user, consultation.person_id, part=f"{part} {pk}")
    return consultation


def _details(data: dict[str, Any], anonymous: bool) -> actions.ConsultationDetails:
    return actions.ConsultationDetails(
        occurred_at=data.get("occurred_at"),
        how=data.get("how") or "",
        caller_agency=data.get("caller_agency") or "",
        advice=data.get("advice") or "",
        outcome=data.get("outcome") or "",
        caller_name=data.get("caller_name") or "",
        caller_role=data.get("caller_role") or "",
        caller_organisation=data.get("caller_organisation") or "",
        caller_contact=data.get("caller_contact") or "",
        types=data.get("types") or [],
        indicators=data.get("indicators") or [],
        worry=data.get("worry") or "",
        anonymous_initials=(data.get("anonymous_initials") or "") if anonymous else "",
        anonymous_age=data.get("anonymous_age") if anonymous else None,
        anonymous_where=(data.get("anonymous_where") or "") if anonymous else "",
        follow_up_on=data.get("follow_up_on"),
    )


def _initial() -> dict[str, Any]:
    now = timezone.localtime(timezone.now(), LONDON)
    return {"occurred_date": now.date(), "occurred_time": now.strftime("%H:%M")}


def _saved(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    messages.success(request, "Consultation recorded.")
    return redirect("consultations:detail", consultation.pk)


@require_perm(Perm.RECORD_CONSULTATION)
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """A consultation about a child new to CSHub (the duplicate check first) or anonymous."""
    user = _user(request)
    form = ConsultationForm(request.POST or None, initial=_initial())
    shown: list[tuple[Match, bool]] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_child = data["about"] == NEW
        consultation = None
        try:
            with transaction.atomic():
                if new_child:
                    # One check-then-create at a time, as on *Add a person*.
                    locks.hold(locks.PERSON_CREATION)
                    person_details = people.PersonDetails(
                        forename=data["forename"].strip(),
                        surname=data["surname"].strip(),
                        date_of_birth=data["date_of_birth"],
                        dob_estimated=data["dob_estimated"],
                    )
                    # Refuse a bad consultation before creating a record for the child.
                    actions.validate(_details(data, anonymous=False))
                    check = None
                    if request.POST.get("confirmed") != "yes":
                        check = check_duplicates(
                            user,
                            person_details.forename,
                            person_details.surname,
                            person_details.date_of_birth,
                            part="record a consultation",
                        )
                    if check:
                        shown = [(m, True) for m in check.visible] + [(m, False) for m in check.restricted]
                    else:
                        person = people.create_person(person_details, actor=user)
                        consultation = actions.record_consultation(
                            _details(data, anonymous=False), person=person, actor=user
                        )
                else:
                    consultation = actions.record_consultation(_details(data, anonymous=True), actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        if consultation is not None:
            return _saved(request, consultation)
    return render(request, "consultations/record.html", {"form": form, "matches": shown})


@require_perm(Perm.RECORD_CONSULTATION)
@require_http_methods(["GET", "POST"])
def record_for(request: HttpRequest, pk: int) -> HttpResponse:
    """A consultation about a child who has a record."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="record a consultation")
    form = ConsultationForm(request.POST or None, initial=_initial(), known=True)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = actions.record_consultation(
                _details(form.cleaned_data, anonymous=False), person=person, actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _saved(request, consultation)
    return render(request, "consultations/record.html", {"form": form, "person": person, "tab": "overview"})


def _search(request: HttpRequest, user: User, part: str) -> tuple[SearchForm, list[Match] | None]:
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        outcome = search_for(
            Person.objects.visible_to(user),
            form.cleaned_data["name"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            age=form.cleaned_data["age"],
            limit=settings.CSHUB_PAGE_SIZE,
        )
        results = outcome.matches
        with transaction.atomic():
            record_event(user, Action.SEARCH, detail={"results": len(results), "part": part})
            record_views(user, [m.person.pk for m in results], part=f"{part} search results")
    return form, results


@require_perm(Perm.RECORD_CONSULTATION)
@require_http_methods(["GET", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    """Find the child a consultation is about (a search by POST: no name in a URL)."""
    form, results = _search(request, _user(request), "consultation")
    return render(request, "consultations/find.html", {"form": form, "results": results})


@require_perm(Perm.RECORD_CONSULTATION)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    consultation = _consultation_for(user, pk, "consultation")
    prompt = actions.prompts_referral(consultation)
    earlier: list[Consultation] = []
    if consultation.person_id is not None:
        day = consultation.occurred_at.astimezone(LONDON).date()
        earlier = [
            c
            for c in actions.earlier_consultations(consultation.person_id, day, exclude=consultation.pk)
            if c.occurred_at <= consultation.occurred_at
        ]
    from cshub.assessments.models import Indicator

    indicators = list(
        Indicator.objects.filter(code__in=consultation.indicators).values_list("label", flat=True)
    )
    types = [ExploitationType(t).label for t in consultation.types if t in ExploitationType.values]
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "person": consultation.person,
            "prompt": prompt,
            "earlier_count": len(earlier),
            "earlier_times": actions.times(len(earlier)),
            "indicators": indicators,
            "types": types,
            "can_refer": user.has(Perm.RECORD_REFERRAL),
        },
    )


@require_perm(Perm.RECORD_CONSULTATION)
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link an anonymous consultation to a child's record: search, then choose."""
    user = _user(request)
    consultation = _consultation_for(user, pk, "consultation")
    if consultation.person_id is not None:
        messages.info(request, "This consultation is already linked to a child.")
        return redirect("consultations:detail", consultation.pk)
    if request.method == "POST" and request.POST.get("person"):
        person = get_child_for_user(user, parse_id(request.POST["person"]) or 0, part="link a consultation")
        try:
            actions.link_to_child(consultation, person, actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Consultation linked to {person.full_name}'s record.")
        return redirect("consultations:detail", consultation.pk)
    form, results = _search(request, user, "link a consultation")
    return render(
        request, "consultations/link.html", {"form": form, "results": results, "consultation": consultation}
    )


@require_perm(Perm.RECORD_CONSULTATION)
@require_http_methods(["GET", "POST"])
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral form, pre-filled from the consultation."""
    user = _user(request)
    if not user.has(Perm.RECORD_REFERRAL):
        raise PermissionDenied
    consultation = _consultation_for(user, pk, "consultation")
    if consultation.referral_id is not None:
        messages.info(request, "This consultation has already become a referral.")
        return redirect("referrals:detail", consultation.referral_id)
    if consultation.person is None:
        messages.info(
            request, "Link the consultation to the child's record before referring them to the hub."
        )
        return redirect("consultations:link", consultation.pk)
    prefilled = actions.referral_details(consultation)
    form = ReferralForm(
        request.POST or None, initial={**prefilled.__dict__, "primary_type": prefilled.primary_type or None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = actions.convert_to_referral(
                consultation, details=ReferralDetails(**form.cleaned_data), actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "Referral recorded from the consultation. It is waiting for a threshold decision."
            )
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "consultations/convert.html",
        {"form": form, "consultation": consultation, "person": consultation.person, "tab": "referrals"},
    )


@require_perm(Perm.RECORD_CONSULTATION)
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    consultation = _consultation_for(user, pk, "consultation")
    try:
        actions.record_follow_up(consultation, actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Follow-up recorded.")
    return redirect("consultations:detail", consultation.pk)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON)


@require_perm(Perm.RECORD_CONSULTATION)
def consultation_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    workers = User.objects.filter(pk__in=Consultation.objects.values("recorded_by")).order_by(
        "first_name", "last_name"
    )
    form = FilterForm(request.GET or None, workers=workers)
    rows = Consultation.objects.visible_to(user).select_related("person", "recorded_by", "referral")
    today = timezone.localdate()
    if form.is_bound and form.is_valid():
        f = form.cleaned_data
        if f["start"]:
            rows = rows.filter(occurred_at__gte=_day_start(f["start"]))
        if f["end"]:
            rows = rows.filter(occurred_at__lt=_day_start(f["end"] + dt.timedelta(days=1)))
        if f["agency"]:
            rows = rows.filter(caller_agency=f["agency"])
        if f["outcome"]:
            rows = rows.filter(outcome=f["outcome"])
        if f["worker"]:
            rows = rows.filter(recorded_by_id=int(f["worker"]))
        if f["due"]:
            rows = rows.follow_up_due(today)
    elif form.is_bound:
        rows = rows.none()
    rows = rows.defer("worry", "advice").filter(Q(person__isnull=True) | Q(person__merged_into__isnull=True))
    page = Paginator(rows, settings.CSHUB_PAGE_SIZE).get_page(request.GET.get("page"))
    with transaction.atomic():
        record_views(user, [c.person_id for c in page if c.person_id], part="consultations list")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/list.html",
        {"form": form, "page": page, "today": today, "query": query.urlencode(), "filtered": form.is_bound},
    )
