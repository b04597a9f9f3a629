"""The missing-from-care profile's pages: the profile, writing and reviewing it, an earlier
version, and the PDF. Every read goes through get_child_for_user (audited)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.audit.events import record_event
from cshub.audit.models import Action
from cshub.core.ids import parse_id
from cshub.people.access import get_child_for_user
from cshub.philomena import actions, photo
from cshub.philomena.forms import ProfileForm
from cshub.philomena.models import Profile
from cshub.philomena.review import status
from cshub.philomena.suggestions import suggestions
from cshub.reports.pdf import pdf_response, render_pdf

PART = "missing-from-care profile"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_perm(Perm.VIEW_CHILD)
@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile as it is now, or an earlier version (`?version=N`)."""
    number = parse_id(request.GET.get("version"))
    part = f"{PART}, version {number}" if number else PART
    person = get_child_for_user(_user(request), pk, part=part)
    state = status(person)
    versions = Profile.objects.filter(person=person).select_related("written_by").order_by("-version")
    if number is not None and (state.profile is None or number != state.profile.version):
        earlier = versions.select_related("photo").filter(version=number).first()
        if earlier is None:
            raise Http404("No such version")
        return render(
            request, "philomena/version.html", {"person": person, "profile": earlier, "tab": "overview"}
        )
    return render(
        request,
        "philomena/profile.html",
        {
            "person": person,
            "status": state,
            "profile": state.profile,
            "versions": versions.only("person", "version", "change", "written_by", "written_at")[:20],
            "tab": "overview",
        },
    )


@require_perm(Perm.RECORD_MISSING)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part=PART)
    state = status(person)
    current = state.profile
    photos = actions.photo_choices(person)
    suggested = suggestions(
        person, user, places=current.places if current else "", people=current.people if current else ""
    )
    form = ProfileForm(
        request.POST or None,
        initial=ProfileForm.initial_from(current, state.looked_after),
        photos=photos,
        suggestions=suggested,
        called=person.called,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_profile(
                person,
                form.to_text(),
                actor=user,
                photo=form.chosen_photo(),
                in_care=form.cleaned_data["in_care"] == "Y",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Missing-from-care profile saved.")
            return redirect("philomena:profile", person.pk)
    return render(
        request,
        "philomena/form.html",
        {
            "form": form,
            "person": person,
            "current": current,
            "status": state,
            "upload_url": photo.upload_url(person.pk),
            "tab": "overview",
        },
    )


@require_perm(Perm.RECORD_MISSING)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part=PART)
    try:
        actions.confirm_profile(person, actor=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Profile reviewed: its next review date has moved on.")
    return redirect("philomena:profile", person.pk)


@require_perm(Perm.VIEW_CHILD)
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile on one or two A4 pages, for carers and police (sent with a missing report)."""
    user = _user(request)
    person = get_child_for_user(user, pk, part=f"{PART} (PDF)")
    state = status(person)
    if state.profile is None:
        messages.info(request, f"There is no profile to print yet: write {person.called}'s profile first.")
        return redirect("philomena:profile", person.pk)
    document = render_pdf(
        "philomena/document.html",
        {
            "person": person,
            "profile": state.profile,
            "status": state,
            "photo": photo.data_uri(state.profile.photo),
            "printed_by": user.get_full_name() or user.username,
            "printed_at": timezone.now(),
        },
    )
    record_event(
        user,
        Action.EXPORT,
        state.profile,
        child_id=person.pk,
        detail={"report": PART, "version": state.profile.version},
    )
    return pdf_response(document, f"missing-from-care-profile-{person.pk}-v{state.profile.version}.pdf")
