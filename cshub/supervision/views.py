from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_views
from cshub.casework.models import Episode
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.supervision import actions
from cshub.supervision.forms import OversightForm, SupervisionForm
from cshub.supervision.models import Oversight, Supervision


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _open_episode(request: HttpRequest, pk: int, part: str) -> tuple[Episode, object]:
    episode = get_object_or_404(Episode.objects.select_related("allocated_worker"), pk=pk)
    person = get_child_for_user(_user(request), episode.person_id, part=part)
    return episode, person


@require_perm(Perm.RECORD_SUPERVISION)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode, person = _open_episode(request, pk, "new supervision")
    form = SupervisionForm(
        request.POST or None,
        user=user,
        episode=episode,
        initial={
            "held_on": timezone.localdate(),
            "supervisee": episode.allocated_worker,
            "locality_worker": episode.locality_social_worker,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            supervision = actions.record_supervision(
                episode, form.to_record(), actor=user, tasks=form.tasks()
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, "Supervision recorded. Its decisions are on the child's timeline.")
            return redirect("supervision:detail", supervision.pk)
    return render(
        request,
        "supervision/form.html",
        {"form": form, "person": person, "episode": episode, "tab": "supervision"},
    )


@require_perm(Perm.VIEW_CHILD)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = get_object_or_404(
        Supervision.objects.select_related("episode", "supervisor", "supervisee"), pk=pk
    )
    user = _user(request)
    person = get_child_for_user(user, supervision.episode.person_id, part=f"supervision {pk}")
    # A group session: the other children, named only to those who may see their records.
    group = list(supervision.group_episodes.select_related("person"))
    visible = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[e.person_id for e in group])
        .values_list("pk", flat=True)
    )
    record_views(user, sorted(visible), part=f"supervision {pk}")
    return render(
        request,
        "supervision/detail.html",
        {
            "supervision": supervision,
            "person": person,
            "tab": "supervision",
            "tasks": supervision.tasks.all(),
            "group": [e.person for e in group if e.person_id in visible],
            "group_hidden": sum(1 for e in group if e.person_id not in visible),
        },
    )


@require_perm(Perm.VIEW_CHILD)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    """A child's supervision and management oversight, every episode, newest first."""
    user = _user(request)
    person = get_child_for_user(user, pk, part="supervision")
    return render(
        request,
        "supervision/child.html",
        {
            "person": person,
            "tab": "supervision",
            "supervisions": Supervision.objects.about_child(person).select_related(
                "supervisor", "supervisee"
            ),
            "oversights": Oversight.objects.filter(episode__person=person).select_related("recorded_by"),
            "episode": person.episodes.open().first(),
        },
    )


@require_perm(Perm.REVIEW_CASEWORK)
@require_http_methods(["GET", "POST"])
def oversight(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    episode, person = _open_episode(request, pk, "management oversight")
    form = OversightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_oversight(
                episode, form.cleaned_data["decision"], form.cleaned_data["reason"], actor=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Management oversight recorded on the child's timeline.")
            return redirect("supervision:child", episode.person_id)
    return render(
        request,
        "supervision/oversight.html",
        {"form": form, "person": person, "episode": episode, "tab": "supervision"},
    )


@require_perm(Perm.VIEW_CHILD)
def mine(request: HttpRequest) -> HttpResponse:
    """The worker's own supervision record: every session they gave or received."""
    user = _user(request)
    sessions = (
        Supervision.objects.visible_to(user)
        .of_worker(user)
        .select_related("episode__person", "supervisor", "supervisee")
    )
    page = Paginator(sessions, 25).get_page(request.GET.get("page"))
    record_views(user, [s.episode.person_id for s in page], part="supervision record")
    return render(request, "supervision/mine.html", {"page": page})
