"""Pages of issue 22, part: templates (team managers: Perm.MANAGE_AUDITS).

The templates list, a template's page (its sections and questions, who answers each
section, what CSHub shows beside each question, its versions), a draft's editing pages,
publishing, a new version and withdrawing (each with a confirmation page); the themes of
findings are views/themes.py. Every POST goes through cshub.caseaudits.write.templates; nothing here is
about a child."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from cshub.access.decorators import require_perm
from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.caseaudits.models import (
    Audit,
    AuditTemplate,
    Evidence,
    Question,
    Subject,
    TemplateSection,
    TemplateStatus,
)
from cshub.caseaudits.write import templates as write
from cshub.core.codes import Agency
from cshub.core.forms import GovukForm

# Forms ---------------------------------------------------------------------------------


class TemplateForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="Auditors and the worker see it, for example Hub case audit",
        error_messages={"required": "Enter the name of the template"},
    )
    subject = forms.ChoiceField(
        label="What it audits",
        choices=Subject.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the template audits"},
    )
    description = forms.CharField(
        label="What the audit is for (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, fixed_subject: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_subject:  # a new version audits what the version it replaces audits
            del self.fields["subject"]


class SectionForm(GovukForm):
    title = forms.CharField(
        label="Title of the section",
        max_length=160,
        error_messages={"required": "Enter the title of the section"},
    )
    agency = forms.ChoiceField(
        label="Who answers it",
        choices=[("", "The lead auditor")] + [(v, f"An auditor from {label}") for v, label in Agency.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="A section answered by another agency makes it a multi-agency audit: "
        "an auditor of that agency answers it",
    )


class QuestionForm(GovukForm):
    text = forms.CharField(
        label="Question",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question"},
    )
    guidance = forms.CharField(
        label="What good looks like (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the auditor beside the question",
    )
    evidence = forms.ChoiceField(
        label="What CSHub shows beside it",
        choices=[("", "Nothing: the auditor looks in the record"), *Evidence.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="What CSHub already knows, so the auditor checks it instead of searching",
    )


class ConfirmForm(GovukForm):
    """No fields: the error summary of a confirmation page."""


# Helpers -------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def version_line(template: AuditTemplate) -> list[AuditTemplate]:
    """Every version of the template, newest first."""
    root = AuditTemplate.objects.get(pk=write.root_id(template))
    line, seen = [root], {root.pk}
    queue = [root.pk]
    while queue:
        later = list(AuditTemplate.objects.filter(previous_id__in=queue).exclude(pk__in=seen))
        line += later
        seen |= {t.pk for t in later}
        queue = [t.pk for t in later]
    return sorted(line, key=lambda t: -t.version)


def _page(template_pk: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("caseaudits:template", args=[template_pk]) + anchor)


def _not_a_draft(request: HttpRequest, template: AuditTemplate) -> HttpResponse | None:
    """A published or retired template's editing pages go back to its page, saying why."""
    if template.status == TemplateStatus.DRAFT:
        return None
    messages.error(
        request,
        "This template is in use and cannot be changed: make a new version to change it"
        if template.status == TemplateStatus.PUBLISHED
        else "This version has been replaced or withdrawn and cannot be changed",
    )
    return _page(template.pk)


def _audits(template: AuditTemplate) -> dict[str, int]:
    return Audit.objects.filter(template=template).aggregate(
        made=Count("id"), open=Count("id", filter=Q(status__in=["ALLOCATED", "IN_PROGRESS"]))
    )


# Templates -----------------------------------------------------------------------------


@require_perm(Perm.MANAGE_AUDITS)
def template_list(request: HttpRequest) -> HttpResponse:
    rows = AuditTemplate.objects.annotate(
        questions_count=Count("sections__questions", distinct=True),
        audits_count=Count("audits", distinct=True),
    ).order_by("name", "-version")
    groups = [
        (
            "In use",
            "in-use",
            [t for t in rows if t.status == TemplateStatus.PUBLISHED],
            "No template is in use.",
        ),
        ("Drafts", "drafts", [t for t in rows if t.status == TemplateStatus.DRAFT], "No drafts."),
        (
            "Replaced or withdrawn",
            "retired",
            [t for t in rows if t.status == TemplateStatus.RETIRED],
            "No template has been replaced or withdrawn.",
        ),
    ]
    return render(request, "caseaudits/templates/list.html", {"groups": groups, "tab": "templates"})


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None, initial={"subject": Subject.EPISODE})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            template = write.create_template(d["name"], d["subject"], d["description"], actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Template created. Add its sections and questions, then publish it.")
            return _page(template.pk)
    return render(request, "caseaudits/templates/template_form.html", {"form": form, "template": None})


@require_perm(Perm.MANAGE_AUDITS)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    sections = list(template.sections.order_by("position").prefetch_related("questions"))
    line = version_line(template)
    draft = next((t for t in line if t.status == TemplateStatus.DRAFT and t.pk != template.pk), None)
    newest = line[0].pk == template.pk
    return render(
        request,
        "caseaudits/templates/detail.html",
        {
            "template": template,
            "sections": sections,
            "questions_count": sum(len(s.questions.all()) for s in sections),
            "line": line,
            "draft": draft,
            "can_copy": newest and template.status != TemplateStatus.DRAFT,
            "audits": _audits(template),
            "is_draft": template.status == TemplateStatus.DRAFT,
            "tab": "templates",
        },
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    if (back := _not_a_draft(request, template)) is not None:
        return back
    fixed = template.previous_id is not None
    form = TemplateForm(
        request.POST or None,
        fixed_subject=fixed,
        initial={"name": template.name, "subject": template.subject, "description": template.description},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            write.edit_template(
                template,
                d["name"],
                template.subject if fixed else d["subject"],
                d["description"],
                actor=_user(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Template changed.")
            return _page(template.pk)
    return render(request, "caseaudits/templates/template_form.html", {"form": form, "template": template})


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    replaced = template.previous
    if request.method == "POST" and form.is_valid():
        try:
            write.publish_template(template, actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Version {template.version} is in use."
                + (f" Version {replaced.version} is replaced." if replaced is not None else ""),
            )
            return _page(template.pk)
    return render(
        request,
        "caseaudits/templates/publish.html",
        {
            "form": form,
            "template": template,
            "replaced": replaced,
            "replaced_in_use": replaced is not None and replaced.status == TemplateStatus.PUBLISHED,
            "replaced_audits": _audits(replaced) if replaced is not None else None,
        },
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def template_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = write.new_version(template, actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Version {draft.version} is a draft copy of version {template.version}. "
                f"Change it, then publish it: version {template.version} stays in use until then.",
            )
            return _page(draft.pk)
    return render(
        request,
        "caseaudits/templates/new_version.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def template_retire(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            write.retire_template(template, actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{template} is withdrawn. No new sample or audit will use it.")
            return _page(template.pk)
    return render(
        request,
        "caseaudits/templates/retire.html",
        {"form": form, "template": template, "audits": _audits(template)},
        status=400 if form.errors else 200,
    )


# Sections and questions of a draft -----------------------------------------------------


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(AuditTemplate, pk=pk)
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = write.add_section(
                template, form.cleaned_data["title"], form.cleaned_data["agency"], actor=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Section added. Add its questions.")
            return _page(template.pk, f"#section-{section.pk}")
    return render(
        request,
        "caseaudits/templates/section_form.html",
        {"form": form, "template": template, "section": None},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(TemplateSection.objects.select_related("template"), pk=pk)
    template = section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = SectionForm(request.POST or None, initial={"title": section.title, "agency": section.agency})
    if request.method == "POST" and form.is_valid():
        try:
            write.edit_section(
                section, form.cleaned_data["title"], form.cleaned_data["agency"], actor=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Section changed.")
            return _page(template.pk, f"#section-{section.pk}")
    return render(
        request,
        "caseaudits/templates/section_form.html",
        {"form": form, "template": template, "section": section},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def section_remove(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(TemplateSection.objects.select_related("template"), pk=pk)
    template = section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            write.remove_section(section, actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Section {section.title} removed.")
            return _page(template.pk)
    return render(
        request,
        "caseaudits/templates/remove.html",
        {
            "form": form,
            "template": template,
            "what": "section",
            "title": section.title,
            "questions": section.questions.count(),
        },
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(TemplateSection.objects.select_related("template"), pk=pk)
    if (back := _not_a_draft(request, section.template)) is not None:
        return back
    try:
        write.move_section(section, request.POST.get("direction", ""), actor=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _page(section.template_id, f"#section-{section.pk}")


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(TemplateSection.objects.select_related("template"), pk=pk)
    template = section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            question = write.add_question(
                section, d["text"], d["guidance"], d["evidence"], actor=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Question added.")
            return _page(template.pk, f"#question-{question.pk}")
    return render(
        request,
        "caseaudits/templates/question_form.html",
        {"form": form, "template": template, "section": section, "question": None},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("section__template"), pk=pk)
    section, template = question.section, question.section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = QuestionForm(
        request.POST or None,
        initial={"text": question.text, "guidance": question.guidance, "evidence": question.evidence},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            write.edit_question(question, d["text"], d["guidance"], d["evidence"], actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Question changed.")
            return _page(template.pk, f"#question-{question.pk}")
    return render(
        request,
        "caseaudits/templates/question_form.html",
        {"form": form, "template": template, "section": section, "question": question},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("section__template"), pk=pk)
    template = question.section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            write.remove_question(question, actor=_user(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Question removed.")
            return _page(template.pk, f"#section-{question.section_id}")
    return render(
        request,
        "caseaudits/templates/remove.html",
        {"form": form, "template": template, "what": "question", "title": question.text, "questions": 0},
    )


@require_perm(Perm.MANAGE_AUDITS)
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.select_related("section__template"), pk=pk)
    template = question.section.template
    if (back := _not_a_draft(request, template)) is not None:
        return back
    try:
        write.move_question(question, request.POST.get("direction", ""), actor=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _page(template.pk, f"#question-{question.pk}")


# Themes --------------------------------------------------------------------------------


urlpatterns: list[URLPattern] = [
    path("audits/templates/", template_list, name="templates"),
    path("audits/templates/new/", template_create, name="template_create"),
    path("audits/templates/<int:pk>/", template_detail, name="template"),
    path("audits/templates/<int:pk>/edit/", template_edit, name="template_edit"),
    path("audits/templates/<int:pk>/publish/", template_publish, name="template_publish"),
    path("audits/templates/<int:pk>/new-version/", template_new_version, name="template_new_version"),
    path("audits/templates/<int:pk>/withdraw/", template_retire, name="template_retire"),
    path("audits/templates/<int:pk>/sections/new/", section_add, name="section_add"),
    path("audits/templates/sections/<int:pk>/edit/", section_edit, name="section_edit"),
    path("audits/templates/sections/<int:pk>/remove/", section_remove, name="section_remove"),
    path("audits/templates/sections/<int:pk>/move/", section_move, name="section_move"),
    path("audits/templates/sections/<int:pk>/questions/new/", question_add, name="question_add"),
    path("audits/templates/questions/<int:pk>/edit/", question_edit, name="question_edit"),
    path("audits/templates/questions/<int:pk>/remove/", question_remove, name="question_remove"),
    path("audits/templates/questions/<int:pk>/move/", question_move, name="question_move"),
]
