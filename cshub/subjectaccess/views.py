"""Subject access: start an export for a child, review each marked item (redact or keep,
with a reason), release the ZIP."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.people.access import get_child_for_user
from cshub.subjectaccess import actions
from cshub.subjectaccess.models import Decision, ReviewItem, SubjectAccessRequest


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _request(user: User, request_pk: int) -> SubjectAccessRequest:
    sar = get_object_or_404(SubjectAccessRequest, pk=request_pk)
    get_child_for_user(user, sar.person_id, part=f"subject access {sar.pk}")  # 404 if not theirs
    return sar


@require_perm(Perm.SUBJECT_ACCESS)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    person = get_child_for_user(user, pk, part="subject access")
    if request.method == "POST":
        sar = actions.start(user, person, request.POST.get("reference", "")[:300])
        return redirect("subjectaccess:review", request_pk=sar.pk)
    earlier = SubjectAccessRequest.objects.filter(person=person)
    return render(request, "subjectaccess/start.html", {"person": person, "earlier": earlier})


@require_perm(Perm.SUBJECT_ACCESS)
def review(request: HttpRequest, request_pk: int) -> HttpResponse:
    sar = _request(_user(request), request_pk)
    items = list(sar.items.select_related("decided_by"))
    pending = sum(1 for i in items if i.decision == Decision.PENDING)
    return render(
        request,
        "subjectaccess/review.html",
        {"sar": sar, "person": sar.person, "items": items, "pending": pending, "decisions": Decision},
    )


@require_perm(Perm.SUBJECT_ACCESS)
@require_POST
def decide(request: HttpRequest, request_pk: int, item_pk: int) -> HttpResponse:
    sar = _request(_user(request), request_pk)
    item = get_object_or_404(ReviewItem, pk=item_pk, request=sar)
    try:
        actions.decide(_user(request), item, request.POST.get("decision", ""), request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("subjectaccess:review", request_pk=sar.pk)


@require_perm(Perm.SUBJECT_ACCESS)
@require_POST
def release(request: HttpRequest, request_pk: int) -> HttpResponse:
    sar = _request(_user(request), request_pk)
    try:
        data = actions.release(_user(request), sar)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        return redirect("subjectaccess:review", request_pk=sar.pk)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.zip"'
    return response
