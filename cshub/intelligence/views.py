"""Intelligence pages: thin, typed; every write through `actions`, every child through
the access helper; every view of a subject or a network audited like a child's page."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import RolePermission, User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.core.ids import parse_id
from cshub.intelligence import actions, analysis, capture, export, queries
from cshub.intelligence.alerts import adult_threshold
from cshub.intelligence.forms import (
    GradingForm,
    LinkForm,
    LinkGradingForm,
    MeetingEntryForm,
    NetworkFilterForm,
    SubjectForm,
)
from cshub.intelligence.models import Alert, GradingRule, Handling, Link, SourceType, Subject, SubjectKind
from cshub.meetings.hooks import ItemLink
from cshub.meetings.models import AgendaItem
from cshub.meetings.models import SourceKind as MeetingSource
from cshub.people.access import get_child_for_user, may_see
from cshub.people.models import Person, PersonType
from cshub.people.search import search_people


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _subject_for(user: User, pk: int) -> Subject:
    """A subject; an adult of concern only when the user may see their person record."""
    subject = get_object_or_404(Subject.objects.select_related("person"), pk=pk)
    if subject.person is not None and not may_see(user, subject.person):
        raise Http404("No such subject")
    return subject


def _filters(request: HttpRequest) -> tuple[NetworkFilterForm, queries.Filters]:
    form = NetworkFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, queries.Filters(
            hops=data["hops"] or 2,
            link_type=data["link_type"],
            since=data["since"],
            assessment=data["assessment"],
            exploitation=data["exploitation"],
        )
    return form, queries.Filters()


def _audit_network(user: User, rows: list[queries.Row], obj: Any, part: str, child_id: int | None) -> None:
    record_event(user, Action.VIEW, obj, child_id=child_id, detail={"part": part, "links": len(rows)})
    record_views(user, {r.child.pk for r in rows if r.child is not None}, part=part)


def _table(user: User, **context: Any) -> dict[str, Any]:
    return {
        "restricted_record": queries.RESTRICTED_RECORD,
        "restricted_item": queries.RESTRICTED_ITEM,
        "police": actions.is_police(user),
        **context,
    }


def _printed(user: User, rows: list[queries.Row]) -> dict[str, Any]:
    """What the network page says on paper: who printed it, when, the handling codes."""
    present = {r.link.handling for r in rows}
    return {
        "printed_by": user.get_full_name() or user.username,
        "printed_at": timezone.now(),
        "handling_codes": [label for value, label in Handling.choices if value in present],
    }


# The dashboard counts subjects of each kind: "Places 83", not "Place 83".
PLURALS: dict[str, str] = {
    SubjectKind.ADULT: "Adults of concern",
    SubjectKind.PLACE: "Places",
    SubjectKind.VEHICLE: "Vehicles",
    SubjectKind.PHONE: "Phones",
    SubjectKind.ACCOUNT: "Online accounts",
    SubjectKind.GROUP: "Groups",
}


@require_perm(Perm.VIEW_INTELLIGENCE, Perm.VIEW_AGGREGATES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts for everyone allowed here; names (subjects, children, alerts) only with
    intelligence, and a child whose record the user may not see as "a restricted record"."""
    user = _user(request)
    n = adult_threshold()
    g = analysis.load(user)
    groups = analysis.connected_groups(g)
    adults = analysis.adults_linked_to(g, n)
    places = analysis.hotspots(g, n)
    pairs = analysis.children_sharing(g)
    key = analysis.key_adults(g)
    counts = {
        PLURALS.get(kind, label): k
        for kind, label in SubjectKind.choices
        if (k := Subject.objects.filter(kind=kind).count())
    }
    context: dict[str, Any] = {
        "counts": counts,
        "links": Link.objects.count(),
        "alerts_count": Alert.objects.count(),
        "names": user.has(Perm.VIEW_INTELLIGENCE),
        "perms_rules": user.has(Perm.VIEW_TEAM_CASELOAD),
        "n": n,
        "days": analysis.HOTSPOT_DAYS,
        "figures": [
            ("Connected groups with two children or more", len(groups)),
            (f"Adults of concern linked to {n} children or more", len(adults)),
            (f"Places linked to {n} children or more in the last {analysis.HOTSPOT_DAYS} days", len(places)),
            ("Pairs of children who share two subjects or more", len(pairs)),
        ],
    }
    if user.has(Perm.VIEW_INTELLIGENCE):
        child_ids = {c for grp in groups for c in grp.children} | {c for _, cs in adults + places for c in cs}
        child_ids |= {c for a, b, _ in pairs for c in (a, b)}
        # an alert names its child when its link may be shared (as it names the subject)
        alerts = list(Alert.objects.select_related("subject", "link")[:20])
        child_ids |= {a.child_id for a in alerts if a.link.handling == Handling.SHARE}
        visible = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=child_ids)}
        subject_ids = {s for grp in groups for s in grp.subjects} | {s for s, _ in adults + places + key}
        subjects = Subject.objects.in_bulk(list(subject_ids))

        def people(ids: Iterable[int]) -> list[Person | None]:
            return [visible.get(i) for i in sorted(ids)]

        context |= {
            "restricted_record": queries.RESTRICTED_RECORD,
            "proposed": Subject.objects.proposed().annotate(k=Count("links_in"))[:50],
            "alerts": [
                (a, visible.get(a.child_id) if a.link.handling == Handling.SHARE else None) for a in alerts
            ],
            "groups": [(people(grp.children), [subjects[s] for s in grp.subjects]) for grp in groups[:20]],
            "adults": [(subjects[s], people(cs)) for s, cs in adults],
            "places": [(subjects[s], people(cs)) for s, cs in places],
            "pairs": [(visible.get(a), visible.get(b), k) for a, b, k in pairs[:50]],
            "key": [(subjects[s], analysis.holds_together(score, key[0][1])) for s, score in key],
            "subjects": Subject.objects.confirmed()
            .annotate(k=Count("links_in"))
            .order_by("-k", "kind", "name")[:100],
        }
        record_views(user, list(visible), part="intelligence dashboard")
    return render(request, "intelligence/dashboard.html", context)


@require_perm(Perm.VIEW_INTELLIGENCE)
def subject(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        found = _subject_for(user, pk)
        form, f = _filters(request)
        rows = queries.network(
            user,
            queries.Node("subject", found.pk),
            queries.Filters(1, f.link_type, f.since, f.assessment, f.exploitation),
        )
        _audit_network(user, rows, found, "intelligence subject", found.person_id)
        may_record = user.has(Perm.RECORD_INTELLIGENCE)
        proposed_adult = not found.confirmed and found.kind == SubjectKind.ADULT and may_record
        # A proposal is what the child said ("'Jay', about 20"): search by the name part.
        said = found.name.split(",")[0].strip(" '\"")
        matches = _adults_named(user, said) if proposed_adult and said else []
    return render(
        request,
        "intelligence/subject.html",
        _table(user, subject=found, rows=rows, form=form, may_record=may_record, matches=matches),
    )


@require_perm(Perm.VIEW_INTELLIGENCE)
def subject_network(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        found = _subject_for(user, pk)
        form, f = _filters(request)
        rows = queries.network(user, queries.Node("subject", found.pk), f)
        _audit_network(user, rows, found, "intelligence network", found.person_id)
    return render(
        request,
        "intelligence/network.html",
        _table(
            user,
            around=found.name,
            subject=found,
            rows=rows,
            form=form,
            graph=queries.graph_elements(rows, queries.Node("subject", found.pk)),
            **_printed(user, rows),
        ),
    )


@require_perm(Perm.VIEW_INTELLIGENCE)
def child_network(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    with transaction.atomic():
        child = get_child_for_user(user, pk, part="intelligence network")
        form, f = _filters(request)
        rows = queries.network(user, queries.Node("child", child.pk), f)
        record_views(
            user,
            {r.child.pk for r in rows if r.child is not None and r.child.pk != child.pk},
            part="intelligence network",
        )
    return render(
        request,
        "intelligence/network.html",
        _table(
            user,
            around=child.full_name,
            child=child,
            rows=rows,
            form=form,
            graph=queries.graph_elements(rows, queries.Node("child", child.pk)),
            may_record=user.has(Perm.RECORD_INTELLIGENCE),
            **_printed(user, rows),
        ),
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def new_subject(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SubjectForm(request.POST or None)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == SubjectKind.ADULT and not data["person"]:
            matches = _adults_named(user, data["name"]) if data["name"].strip() else []
            if not matches:
                form.add_error(
                    "name",
                    "Enter the adult's name to find their record in the person index"
                    if not data["name"].strip()
                    else "No adult you may see in the person index has a name like this: add them on "
                    "'Add a person' first",
                )
            return render(request, "intelligence/subject_form.html", {"form": form, "matches": matches})
        try:
            created = actions.create_subject(
                actions.SubjectDetails(
                    kind=data["kind"],
                    name=data["name"],
                    person_id=data["person"],
                    place_kind=data["place_kind"],
                    postcode=data["postcode"],
                    ward=data["ward"],
                    platform=data["platform"],
                    group_kind=data["group_kind"],
                    description=data["description"],
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{created.get_kind_display()} recorded")
            return redirect("intelligence:subject", created.pk)
    return render(request, "intelligence/subject_form.html", {"form": form, "matches": matches})


def _adults_named(user: User, name: str) -> list[Any]:
    """Adults in the person index the user may see, with a name like this (the person
    search), each on the adult's audit trail as seen."""
    adults = Person.objects.visible_to(user).filter(person_type=PersonType.ADULT)
    found = search_people(adults, name, limit=10)
    record_views(user, [m.person.pk for m in found], part="adult of concern search")
    return found


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _subject_for(user, pk)
    try:
        kept = actions.confirm_subject(found, actor=user, person_id=parse_id(request.POST.get("person")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("intelligence:subject", found.pk)
    messages.success(request, "Subject confirmed")
    return redirect("intelligence:subject", kept.pk)


def _grading_from(form: GradingForm | None) -> actions.Grading | None:
    if form is None or not form.is_bound or not form.is_valid():
        return None
    d = form.cleaned_data
    return actions.Grading(
        d["source_evaluation"],
        d["assessment"],
        d["handling"],
        tuple(d["agencies"]),
        tuple(d.get("named_users") or ()),
    )


def _people_who_may_be_named() -> list[tuple[int, str]]:
    """Active users who may see intelligence: those a code C link may name."""
    roles = RolePermission.objects.filter(permission=Perm.VIEW_INTELLIGENCE).values("role")
    users = (
        User.objects.filter(is_active=True, roles__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "id")
    )
    return [(u.pk, f"{u.get_full_name() or u.username} ({u.get_agency_display()})") for u in users]


def _new_link(request: HttpRequest, *, child_id: int | None, from_subject: Subject | None) -> HttpResponse:
    user = _user(request)
    police = actions.is_police(user)
    posted = request.POST if request.method == "POST" else None
    form = LinkForm(posted, exclude=from_subject.pk if from_subject else None)
    grading_form = (
        LinkGradingForm(posted, prefix="grade", people=_people_who_may_be_named()) if police else None
    )
    graded = posted is not None and police and posted.get("grade-source_evaluation")
    if posted is not None and form.is_valid() and (not graded or (grading_form and grading_form.is_valid())):
        d = form.cleaned_data
        target = _subject_for(user, d["subject"])
        try:
            actions.record_link(
                actions.LinkDetails(
                    subject=target,
                    link_type=d["link_type"],
                    source_type=d["source_type"],
                    child_id=child_id,
                    from_subject=from_subject,
                    first_seen=d["first_seen"],
                    last_seen=d["last_seen"],
                    detail=d["detail"],
                    grading=_grading_from(grading_form) if graded else None,
                ),
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Link recorded")
            if child_id is not None:
                return redirect("intelligence:child_network", child_id)
            assert from_subject is not None
            return redirect("intelligence:subject", from_subject.pk)
    return render(
        request,
        "intelligence/link_form.html",
        {"form": form, "grading_form": grading_form, "from_subject": from_subject, "child_id": child_id},
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def new_child_link(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(_user(request), pk, part="new intelligence link")
    return _new_link(request, child_id=child.pk, from_subject=None)


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def new_subject_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_link(request, child_id=None, from_subject=_subject_for(_user(request), pk))


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    """A police officer grades a link (others: 403)."""
    user = _user(request)
    if not actions.is_police(user):
        raise PermissionDenied
    link = get_object_or_404(Link.objects.select_related("subject", "child"), pk=pk)
    if link.child is not None:
        get_child_for_user(user, link.child.pk, part="intelligence link grading")
    form = LinkGradingForm(
        request.POST or None,
        initial={
            "source_evaluation": link.source_evaluation,
            "assessment": link.assessment,
            "handling": link.handling,
            "agencies": link.agencies,
            "named_users": list(link.named_users.values_list("pk", flat=True)),
        },
        people=_people_who_may_be_named(),
    )
    if request.method == "POST" and (grading := _grading_from(form)):
        try:
            actions.grade_link(link, grading, actor=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Link graded {link.grading}")
            return redirect("intelligence:subject", link.subject_id)
    return render(request, "intelligence/grade.html", {"form": form, "link": link})


def _export(request: HttpRequest, start: queries.Node, around: Any, child_id: int | None) -> HttpResponse:
    user = _user(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "anx"):
        fmt = "csv"
    _, f = _filters(request)
    with transaction.atomic():
        rows = queries.network(user, start, f)
        try:
            content, content_type, name = export.render(rows, user, fmt, around=around, child_id=child_id)
        except export.EmptyView as exc:
            messages.error(request, str(exc))
            if start.kind == "child":
                return redirect("intelligence:child_network", start.pk)
            return redirect("intelligence:subject_network", start.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_perm(Perm.VIEW_INTELLIGENCE)
def child_export(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(_user(request), pk, audit=False)
    return _export(request, queries.Node("child", child.pk), child, child.pk)


@require_perm(Perm.VIEW_INTELLIGENCE)
def subject_export(request: HttpRequest, pk: int) -> HttpResponse:
    found = _subject_for(_user(request), pk)
    return _export(request, queries.Node("subject", found.pk), found, found.person_id)


@require_perm(Perm.VIEW_TEAM_CASELOAD)
@require_http_methods(["GET", "POST"])
def grading_rules(request: HttpRequest) -> HttpResponse:
    """The grading a captured link gets from its source type until a police officer grades
    it: the hub sets it (managers)."""
    user = _user(request)
    rules = {r.source_type: r for r in GradingRule.objects.all()}
    posted = request.POST.get("source_type") if request.method == "POST" else None
    forms = []
    for value, label in SourceType.choices:
        rule = rules.get(value)
        initial = (
            {
                "source_evaluation": rule.source_evaluation,
                "assessment": rule.assessment,
                "handling": rule.handling,
            }
            if rule
            else dict(
                zip(("source_evaluation", "assessment", "handling"), actions.DEFAULT_GRADING, strict=True)
            )
        )
        form = GradingForm(request.POST if posted == value else None, initial=initial, prefix=value.lower())
        if posted == value and (grading := _grading_from(form)):
            try:
                actions.set_grading_rule(value, grading, actor=user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"Links from a {label.lower()} are now graded {grading.code} by rule"
                )
                return redirect("intelligence:grading_rules")
        forms.append((value, label, form))
    return render(request, "intelligence/grading_rules.html", {"forms": forms})


def _meeting_item(user: User, item_pk: int, child_pk: int) -> tuple[AgendaItem, Person]:
    """An agenda item of kind Intelligence about this child; every child on it through the
    access helper (as the meeting page does: a restricted child leads to break glass)."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__meeting_type"),
        pk=item_pk,
        removed_at__isnull=True,
        source_kind=MeetingSource.INTELLIGENCE,
    )
    children = list(item.children.all())
    if child_pk not in {c.pk for c in children}:
        raise Http404("No such child on this item")
    child = get_child_for_user(user, child_pk, part="intelligence from a meeting item")
    for other in children:
        if other.pk != child_pk:
            get_child_for_user(user, other.pk, part=f"meeting item {item.pk}")
    return item, child


def _entry_from(form: MeetingEntryForm, person_id: int | None) -> capture.MeetingEntry:
    d = form.cleaned_data
    return capture.MeetingEntry(
        subject=actions.SubjectDetails(
            kind=d["kind"],
            name=d["name"],
            person_id=person_id,
            place_kind=d["place_kind"],
            postcode=d["postcode"],
            platform=d["platform"],
            group_kind=d["group_kind"],
        ),
        link_type=d["link_type"],
        first_seen=d["first_seen"],
        last_seen=d["last_seen"],
        detail=d["detail"],
    )


@require_perm(Perm.RECORD_INTELLIGENCE)
@require_http_methods(["GET", "POST"])
def meeting_item(request: HttpRequest, pk: int, child_pk: int) -> HttpResponse:
    """What an agency shared at a meeting item of kind Intelligence, recorded one entry at a
    time as links from the child (source: this meeting item), graded by rule, matched to
    known subjects or proposed. An adult is chosen among those the person search finds."""
    user = _user(request)
    item, child = _meeting_item(user, pk, child_pk)
    form = MeetingEntryForm(request.POST or None)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = request.POST.get("person", "")
        person_id = parse_id(chosen)
        if d["kind"] == SubjectKind.ADULT and person_id is None and chosen != "none":
            matches = _adults_named(user, d["name"]) if d["name"].strip() else []
            if not d["name"].strip():
                form.add_error("name", "Enter the adult's name")
        if not form.errors and not matches:
            try:
                link, new = capture.capture_meeting_entry(
                    item, child, _entry_from(form, person_id), actor=user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if new:
                    messages.success(
                        request, f"Link recorded: {link.get_link_type_display().lower()} {link.subject.name}"
                    )
                else:
                    messages.info(request, "This link is already recorded from this item")
                return redirect("intelligence:meeting_item", item.pk, child.pk)
    recorded = [
        (link, link.content_visible_to(user))
        for link in Link.objects.filter(
            child=child, source_type=SourceType.MEETING_ITEM, source_id=str(item.pk)
        ).select_related("subject")
    ]
    back = reverse("meetings:detail", args=[item.meeting_id])
    return render(
        request,
        "intelligence/meeting_item.html",
        {
            "item": item,
            "child": child,
            "form": form,
            "matches": matches,
            "recorded": recorded,
            "restricted_item": queries.RESTRICTED_ITEM,
            "back": f"{back}?open={item.pk}#{item.anchor}",
        },
    )


def meeting_item_links(item: AgendaItem, children: Sequence[Person], user: User) -> list[ItemLink]:
    """The meetings hook: an item of kind Intelligence leads to recording what was shared
    about each child, for those who record intelligence."""
    if item.source_kind != MeetingSource.INTELLIGENCE or not user.has(Perm.RECORD_INTELLIGENCE):
        return []
    several = len(children) > 1
    return [
        ItemLink(
            f"Add intelligence from this item{f' about {c.full_name}' if several else ''}",
            reverse("intelligence:meeting_item", args=[item.pk, c.pk]),
        )
        for c in children
    ]
