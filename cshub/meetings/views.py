"""Meeting pages: the list, the running meeting (one page, items expanding in place), the
agenda changes, closing, the minutes and the child's "bring to the daily meeting".

Every form works without JavaScript (POST, then back to the item at #item-N). With
JavaScript, item forms are sent with fetch (X-Requested-With: fetch) and the item is
re-rendered in place; the decision and discussion autosave."""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.core.dates import format_time, local_today
from cshub.core.ids import parse_id, parse_ids
from cshub.meetings import actions, queries
from cshub.meetings.forms import (
    ActionForm,
    AddItemForm,
    AttendanceForm,
    FindChildForm,
    FlagForm,
    MinutesForm,
    NewMeetingForm,
    ShareForm,
)
from cshub.meetings.models import (
    AgendaItem,
    AgreedAction,
    Attendance,
    Meeting,
    MeetingFlag,
    SharedInformation,
    sees_police_only,
)
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.people.search import search_people


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("meeting_type", "chair", "closed_by"), pk=pk)


def _item(user: User, pk: int) -> AgendaItem:
    """An item on the agenda, if the user may see every child it is about (each through the
    access helper: a restricted child leads to break glass)."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__meeting_type"), pk=pk, removed_at__isnull=True
    )
    for person in item.children.all():
        get_child_for_user(user, person.pk, part=f"meeting item {pk}")
    return item


def _back_to(item: AgendaItem) -> HttpResponse:
    url = reverse("meetings:detail", args=[item.meeting_id])
    return redirect(f"{url}?{urlencode({'open': item.pk})}#{item.anchor}")


def _item_forms(
    view: queries.ItemView, meeting: Meeting, bound: dict[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    item = view.item
    made: dict[str, forms.Form] = {
        "minutes": MinutesForm(
            prefix=f"m{item.pk}", initial={"discussion": item.discussion, "decision": item.decision}
        ),
        "share": ShareForm(prefix=f"s{item.pk}"),
        "action": ActionForm(prefix=f"a{item.pk}", meeting_date=meeting.date),
    }
    made.update(bound or {})
    return made


def _item_context(
    request: HttpRequest, view: queries.ItemView, meeting: Meeting, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = _user(request)
    can_run = user.has(Perm.RUN_MEETINGS) and not meeting.is_closed
    return {
        "v": view,
        "meeting": meeting,
        "can_run": can_run,
        "forms": _item_forms(view, meeting, bound) if can_run and view.visible else {},
        "open": True,
    }


def _render_item(
    request: HttpRequest, item: AgendaItem, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    """The item's section alone, for fetch: the page replaces it in place."""
    view, next_item = queries.item_view(item, _user(request))
    ctx = _item_context(request, view, item.meeting, bound)
    ctx["next_item"] = next_item
    ctx["restricted_child"] = queries.RESTRICTED_CHILD
    html = render_to_string("meetings/_item.html", ctx, request)
    return HttpResponse(html, status=status)


def _render_meeting(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound_item: int | None = None,
    bound: dict[str, forms.Form] | None = None,
    attendance_form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    mv = queries.meeting_view(meeting, user)
    open_item = parse_id(request.GET.get("open", "")) or bound_item or 0
    sections = []
    for n, view in enumerate(mv.items):
        ctx = _item_context(request, view, meeting, bound if view.pk == bound_item else None)
        ctx["open"] = view.pk == open_item
        if not ctx["open"] and view.pk != bound_item:
            # Only the open item carries its forms: a daily meeting has dozens of items, and
            # each item's forms are about ten widgets. The others open with ?open= (or load
            # their forms with fetch, `item`), and show what is recorded meanwhile.
            ctx["forms"] = {}
        ctx["next_item"] = mv.items[n + 1].pk if n + 1 < len(mv.items) else None
        sections.append(ctx)
    can_run = user.has(Perm.RUN_MEETINGS) and not meeting.is_closed
    item_errors = [f for f in (bound or {}).values() if f.errors]
    error_forms: list[forms.Form] = []  # item forms show their errors inside the open item
    if attendance_form is not None and attendance_form.errors:
        error_forms.append(attendance_form)
    return render(
        request,
        "meetings/detail.html",
        {
            "mv": mv,
            "meeting": meeting,
            "sections": sections,
            "can_run": can_run,
            "attendance_form": attendance_form or AttendanceForm(prefix="att"),
            "error_forms": error_forms,
            "form": (error_forms + item_errors)[0] if error_forms or item_errors else None,
            "undecided": len(mv.items) - mv.decided,
        },
        status=status,
    )


# The list and starting a meeting ---------------------------------------------------------


@require_perm(Perm.VIEW_MINUTES)
def meeting_list(request: HttpRequest) -> HttpResponse:
    today = local_today()
    show = request.GET.get("show", "today")
    if show not in ("today", "upcoming", "past"):
        show = "today"
    meetings = {
        "today": Meeting.objects.on(today),
        "upcoming": Meeting.objects.upcoming(today),
        "past": Meeting.objects.past(today),
    }[show].select_related("meeting_type", "chair")
    page = Paginator(meetings, 20).get_page(request.GET.get("page"))
    daily_today = Meeting.objects.filter(meeting_type__code="daily", date=today).first()
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "show": show,
            "query": urlencode({"show": show}),
            "today": today,
            "daily_today": daily_today,
            "can_run": _user(request).has(Perm.RUN_MEETINGS),
        },
    )


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def start_today(request: HttpRequest) -> HttpResponse:
    """Start today's daily meeting (or open it, when someone already has) with its agenda."""
    meeting = actions.start_meeting(queries.daily_type(), local_today(), actor=_user(request))
    return redirect("meetings:detail", meeting.pk)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET", "POST"])
def new_meeting(request: HttpRequest) -> HttpResponse:
    form = NewMeetingForm(request.POST or None, initial={"date": local_today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = actions.start_meeting(
                d["meeting_type"], d["date"], actor=_user(request), title=d["title"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, "meetings/new.html", {"form": form})
        messages.success(
            request, f"{meeting.name} set up, with {meeting.items.current().count()} agenda items."
        )
        return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/new.html", {"form": form})


# The running meeting ------------------------------------------------------------------------


@require_perm(Perm.VIEW_MINUTES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_meeting(request, _meeting(pk))


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    try:
        added = actions.build_agenda(meeting, actor=_user(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            f"{len(added)} new item{'s' if len(added) != 1 else ''} added."
            if added
            else "Nothing new to add.",
        )
    return redirect("meetings:detail", meeting.pk)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = AttendanceForm(request.POST, prefix="att")
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_attendance(
                meeting, d["agency"], d["name"], present=d["present"] == "yes", actor=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{reverse('meetings:detail', args=[pk])}#attendance")
    return _render_meeting(request, meeting, attendance_form=form, status=400)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def remove_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Attendance, pk=pk)
    try:
        actions.remove_attendance(row, actor=_user(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(f"{reverse('meetings:detail', args=[row.meeting_id])}#attendance")


def _item_response(
    request: HttpRequest, item: AgendaItem, form: forms.Form, key: str, ok: bool
) -> HttpResponse:
    if ok:
        return _render_item(request, item) if _is_fetch(request) else _back_to(item)
    if _is_fetch(request):
        return _render_item(request, item, {key: form}, status=400)
    return _render_meeting(request, item.meeting, bound_item=item.pk, bound={key: form}, status=400)


def _attempt(form: forms.Form, call: Any) -> bool:
    try:
        call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET"])
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One item opened with its forms: the section alone for fetch (the page swaps it in when
    an item is opened), else the meeting page with the item open."""
    found = _item(_user(request), pk)
    return _render_item(request, found) if _is_fetch(request) else _back_to(found)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def save_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    form = MinutesForm(request.POST, prefix=f"m{item.pk}")
    ok = form.is_valid() and _attempt(
        form,
        lambda: actions.save_minutes(
            item,
            discussion=form.cleaned_data["discussion"],
            decision=form.cleaned_data["decision"],
            actor=user,
        ),
    )
    return _item_response(request, item, form, "minutes", ok)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Saves an item's discussion and decision while the minute-taker types (fetch, JSON)."""
    user = _user(request)
    item = _item(user, pk)
    form = MinutesForm(request.POST, prefix=f"m{item.pk}")
    if not form.is_valid():
        # Say why (e.g. over the length limit); what was saved before stays as it was.
        reasons = [str(m) for errors in form.errors.values() for m in errors]
        return JsonResponse(
            {"saved": False, "error": reasons[0] if reasons else "Could not save"}, status=400
        )
    try:
        item = actions.save_minutes(
            item,
            discussion=form.cleaned_data["discussion"],
            decision=form.cleaned_data["decision"],
            actor=user,
        )
    except ValidationError as exc:
        return JsonResponse({"saved": False, "error": exc.messages[0]}, status=409)
    return JsonResponse({"saved": True, "saved_at": format_time(timezone.now())})


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def share(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    form = ShareForm(request.POST, prefix=f"s{item.pk}")
    ok = form.is_valid() and _attempt(
        form,
        lambda: actions.share_information(
            item,
            form.cleaned_data["agency"],
            form.cleaned_data["text"],
            form.cleaned_data["lawful_basis"],
            actor=user,
        ),
    )
    return _item_response(request, item, form, "share", ok)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def unshare(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = get_object_or_404(SharedInformation.objects.select_related("item"), pk=pk)
    item = _item(user, row.item_id)
    if row.police_only and not sees_police_only(user):
        raise Http404
    ok = _attempt(forms.Form(), lambda: actions.remove_shared(row, actor=user))
    if not ok:
        messages.error(request, "This meeting is closed: its minutes can no longer change.")
    return _render_item(request, item) if _is_fetch(request) else _back_to(item)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    form = ActionForm(request.POST, prefix=f"a{item.pk}", meeting_date=item.meeting.date)
    ok = form.is_valid() and _attempt(
        form,
        lambda: actions.add_action(
            item,
            actions.ProposedAction(
                description=form.cleaned_data["description"],
                due_date=form.due_date,
                owner=form.cleaned_data["owner"],
                owner_name=form.cleaned_data["owner_name"],
                owner_agency=form.cleaned_data["owner_agency"],
            ),
            actor=user,
        ),
    )
    return _item_response(request, item, form, "action", ok)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def remove_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = get_object_or_404(AgreedAction, pk=pk)
    item = _item(user, row.item_id)
    if not _attempt(forms.Form(), lambda: actions.remove_action(row, actor=user)):
        messages.error(request, "This meeting is closed: its minutes can no longer change.")
    return _render_item(request, item) if _is_fetch(request) else _back_to(item)


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = _item(user, pk)
    try:
        actions.move_item(item, request.POST.get("direction", ""), actor=user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    url = reverse("meetings:detail", args=[item.meeting_id])
    return redirect(f"{url}#agenda-{item.pk}")


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET", "POST"])
def remove_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take the item off the agenda."""
    user = _user(request)
    item = _item(user, pk)
    if request.method == "POST":
        try:
            actions.remove_item(item, actor=user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"'{item.title}' removed from the agenda.")
        return redirect("meetings:detail", item.meeting_id)
    return render(
        request,
        "meetings/remove_item.html",
        {"item": item, "meeting": item.meeting, "children": list(item.children.all())},
    )


def _child_choices(user: User, meeting: Meeting, extra: list[Person]) -> list[tuple[int, str]]:
    on_agenda = (
        Person.objects.visible_to(user).filter(
            agenda_items__meeting=meeting, agenda_items__removed_at__isnull=True
        )
    ).distinct()
    people = {p.pk: p for p in [*extra, *on_agenda]}
    return [
        (
            p.pk,
            f"{p.full_name}{' (born ' + p.date_of_birth.strftime('%-d %B %Y') + ')' if p.date_of_birth else ''}",
        )
        for p in people.values()
    ]


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET", "POST"])
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an item by hand (custody, a new crime, intelligence, other) about one or more
    children: found by name (a POST, so no name is in a URL) or already on the agenda."""
    user = _user(request)
    meeting = _meeting(pk)
    if meeting.is_closed:
        messages.error(request, "This meeting is closed: its agenda can no longer change.")
        return redirect("meetings:detail", meeting.pk)
    visible = Person.objects.visible_to(user)
    posted_ids = parse_ids(request.POST.getlist("children"))
    chosen = list(visible.filter(pk__in=posted_ids))
    found: list[Person] = []
    find = FindChildForm(request.POST if "find" in request.POST else None, prefix="find")
    if "find" in request.POST and find.is_valid():
        found = [m.person for m in search_people(visible.children(), find.cleaned_data["name"], limit=10)]
        record_event(user, Action.SEARCH, detail={"results": len(found), "part": "meeting item"})
        record_views(user, [p.pk for p in found], part="search results (meeting item)")
    choices = _child_choices(user, meeting, [*chosen, *found])
    adding = request.method == "POST" and "find" not in request.POST
    form = AddItemForm(
        request.POST if adding else None, child_choices=choices, initial={"children": posted_ids}
    )
    if "find" in request.POST:
        form = AddItemForm(initial={**request.POST.dict(), "children": posted_ids}, child_choices=choices)
    if adding and form.is_valid():
        d = form.cleaned_data
        people = [get_child_for_user(user, pid, part="meeting item") for pid in d["children"]]
        try:
            item = actions.add_item(meeting, d["kind"], d["title"], people, actor=user, reason=d["reason"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _back_to(item)
    return render(
        request,
        "meetings/add_item.html",
        {"meeting": meeting, "form": form, "find": find, "found": found, "searched": "find" in request.POST},
    )


@require_perm(Perm.RUN_MEETINGS)
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    meeting = _meeting(pk)
    mv = queries.meeting_view(meeting, user, audit_part="closing meeting")
    error = ""
    if request.method == "POST":
        try:
            actions.close_meeting(meeting, actor=user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                "Meeting closed. Each decision is on the timeline of every child it is about, and "
                "each action is in its owner's open actions.",
            )
            return redirect("meetings:detail", meeting.pk)
    undecided = [v for v in mv.items if not v.item.decision.strip()]
    return render(
        request,
        "meetings/close.html",
        {
            "meeting": meeting,
            "mv": mv,
            "undecided": undecided,
            "actions_count": sum(len(v.actions) for v in mv.items),
            "error": error,
        },
        status=400 if error else 200,
    )


# Minutes ----------------------------------------------------------------------------------


# From a child's page --------------------------------------------------------------------


@require_perm(Perm.VIEW_MINUTES)
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="bring to the daily meeting")
    form = FlagForm(request.POST or None)
    existing = MeetingFlag.objects.open().filter(person=person).first()
    if request.method == "POST" and form.is_valid():
        try:
            actions.flag_for_meeting(person, form.cleaned_data["reason"], actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{person.full_name} will be on the agenda of the next daily meeting.")
            return redirect("casework:child", person.pk)
    return render(
        request,
        "meetings/flag.html",
        {"form": form, "person": person, "existing": existing, "tab": "overview"},
    )
