from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.contact import actions
from cshub.contact.forms import ContactForm, NrmForm, TeamMemberForm, TransitionForm, VoiceForm
from cshub.contact.models import Contact, NrmReferral, TeamMember, TransitionPlan, VoiceEntry
from cshub.contact.queries import practice_flags
from cshub.people.access import get_child_for_user
from cshub.people.models import Person


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
def child(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_child_for_user(_user(request), pk, part="work with the child")
    episode = person.episodes.open().first()
    today = timezone.localdate()
    return render(
        request,
        "contact/child.html",
        {
            "person": person,
            "tab": "contact",
            "episode": episode,
            "flags": practice_flags(person, episode, today),
            "voices": VoiceEntry.objects.filter(person=person).select_related("gathered_by")[:20],
            "contacts": Contact.objects.filter(episode__person=person).select_related("recorded_by")[:20],
            "team": TeamMember.objects.filter(episode=episode) if episode else [],
            "nrms": NrmReferral.objects.filter(person=person),
            "transition": TransitionPlan.objects.filter(person=person).first(),
            "age": person.age(today),
            "today": today,
        },
    )


def _form_page(
    request: HttpRequest,
    person: Person,
    form: Form,
    *,
    title: str,
    save: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, done)
            return redirect("contact:child", person.pk)
    return render(
        request, "contact/form.html", {"form": form, "person": person, "tab": "contact", "title": title}
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def voice(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="voice of the child")
    form = VoiceForm(request.POST or None, initial={"gathered_on": timezone.localdate()})
    return _form_page(
        request,
        person,
        form,
        title=f"{person.forename}'s voice",
        save=lambda d: actions.record_voice(person, actor=user, **d),
        done="Saved in the child's words, on the timeline.",
    )


def _open_episode_or_redirect(request: HttpRequest, person: Person) -> Any:
    episode = person.episodes.open().first()
    if episode is None:
        messages.error(request, f"{person.forename} is not open to the hub.")
    return episode


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="visit or direct work")
    episode = _open_episode_or_redirect(request, person)
    if episode is None:
        return redirect("contact:child", person.pk)
    form = ContactForm(
        request.POST or None, initial={"on": timezone.localdate(), "kind": "VISIT", "seen": True}
    )

    def save(d: dict[str, Any]) -> object:
        kind = d.pop("kind")
        return actions.record_contact(episode, kind, actor=user, **d)

    return _form_page(
        request,
        person,
        form,
        title="Record a visit or direct work",
        save=save,
        done="Recorded on the timeline.",
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="team around the child")
    episode = _open_episode_or_redirect(request, person)
    if episode is None:
        return redirect("contact:child", person.pk)
    form = TeamMemberForm(request.POST or None, initial={"from_date": timezone.localdate()})
    return _form_page(
        request,
        person,
        form,
        title="Add a professional to the team around the child",
        save=lambda d: actions.add_team_member(episode, actor=user, **d),
        done="Added to the team around the child.",
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_POST
def end_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="team around the child")
    member = get_object_or_404(TeamMember, pk=member_pk, episode__person=person)
    try:
        actions.end_team_member(member, timezone.localdate(), actor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.name} is no longer in the team around the child.")
    return redirect("contact:child", person.pk)


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def nrm(request: HttpRequest, pk: int, nrm_pk: int | None = None) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="national referral mechanism")
    existing = get_object_or_404(NrmReferral, pk=nrm_pk, person=person) if nrm_pk else None
    initial = (
        {f: getattr(existing, f) for f in NrmForm.base_fields}
        if existing
        else {"referred_on": timezone.localdate()}
    )
    form = NrmForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        person,
        form,
        title="National Referral Mechanism",
        save=lambda d: actions.record_nrm(person, actor=user, nrm=existing, **d),
        done="NRM record saved.",
    )


@require_perm(Perm.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="transition plan")
    current = TransitionPlan.objects.filter(person=person).first()
    initial = {f: getattr(current, f) for f in TransitionForm.base_fields} if current else None
    form = TransitionForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        person,
        form,
        title="Transition plan",
        save=lambda d: actions.write_transition_plan(person, actor=user, **d),
        done="Transition plan saved.",
    )
