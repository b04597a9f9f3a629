from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.core.forms import GovukForm
from cshub.language import actions
from cshub.language.guidance import as_json
from cshub.language.models import Kind, Phrase


class PhraseForm(GovukForm):
    phrase = forms.CharField(label="Phrase", max_length=120)
    kind = forms.ChoiceField(label="What is wrong with it", choices=Kind.choices, widget=forms.RadioSelect)
    why = forms.CharField(label="Why it matters", max_length=300)
    instead = forms.CharField(label="What to write instead", max_length=300)


@require_perm(Perm.VIEW_CHILD)
@require_http_methods(["GET", "POST"])
def phrases(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PhraseForm(request.POST or None)
    if request.method == "POST":
        if not user.has(Perm.REVIEW_CASEWORK):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                actions.add_phrase(**form.cleaned_data, actor=user)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, "Phrase added. Guidance shows it from now on.")
                return redirect("language:phrases")
    return render(
        request, "language/phrases.html", {"phrases": Phrase.objects.filter(active=True), "form": form}
    )


@require_perm(Perm.VIEW_CHILD)
def phrases_json(request: HttpRequest) -> JsonResponse:
    """For the in-page guidance script (same origin, so the CSP allows it)."""
    return JsonResponse({"phrases": as_json()})
