"""REST endpoints: thin, with the pages' access helper, permissions, actions and audit."""

from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.access.scopes import Scope
from cshub.api.permissions import has_perm
from cshub.api.serializers import (
    CaseNoteSerializer,
    ChildSerializer,
    ConsultationSerializer,
    EpisodeSerializer,
    HeldReportSerializer,
    MissingEpisodeSerializer,
    PersonSearchResultSerializer,
    PersonSearchSerializer,
    ReferralSerializer,
)
from cshub.audit.events import record_event, record_views
from cshub.audit.models import Action
from cshub.casework.models import Episode
from cshub.consultations import actions as consultation_actions
from cshub.consultations.models import Consultation
from cshub.core.ids import parse_id
from cshub.core.limits import without_long_text
from cshub.missing import actions as missing_actions
from cshub.missing.models import MissingEpisode
from cshub.notes.models import CaseNote
from cshub.people.access import get_child_for_user
from cshub.people.models import Person, visible_q
from cshub.people.search import born_reason, search_for
from cshub.referrals import actions as referral_actions
from cshub.referrals.models import Referral

M = TypeVar("M", bound=models.Model)

INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Not accepted: each field's problems (keyed by field), or `detail` for a body that "
    "could not be read (not JSON, or nested too deeply).",
)
HIDDEN = OpenApiResponse(
    OpenApiTypes.OBJECT, description="No such child, or one the token's user may not see."
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _invalid(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class ChildScopedViewSet(viewsets.ReadOnlyModelViewSet[M], Generic[M]):
    """Records about a child: lists hold only visible children and write one VIEW event per
    child on the page; one record is fetched through get_child_for_user()."""

    model: type[models.Model]
    lookup_value_converter = "int"

    def child_id(self, obj: Any) -> int:
        return int(obj.person_id)

    def get_queryset(self) -> QuerySet[M]:
        return self.lean(
            self.model._default_manager.filter(  # type: ignore[arg-type]
                visible_q(_user(self.request))
            ).order_by("id")
        )

    def lean(self, qs: QuerySet[M]) -> QuerySet[M]:
        """Lists read no long text their serializer does not show."""
        shown = getattr(getattr(self.serializer_class, "Meta", None), "fields", ())
        return without_long_text(qs, keep=tuple(shown))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        with transaction.atomic():
            record_views(_user(request), [self.child_id(obj) for obj in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.model._default_manager.filter(pk=kwargs["pk"]).first()
        if obj is None:
            raise Http404
        get_child_for_user(
            _user(request), self.child_id(obj), part=f"{self.model._meta.verbose_name} {obj.pk}"
        )
        return Response(self.get_serializer(obj).data)

    def child_from(self, request: Request, data: dict[str, Any]) -> Person:
        """The child a new record is about, only through the access helper (404 if hidden)."""
        return get_child_for_user(_user(request), data.pop("person_id"), part="api")


@extend_schema(tags=["children"])
class ChildViewSet(ChildScopedViewSet[Person]):
    model = Person
    serializer_class = ChildSerializer
    permission_classes = [has_perm(Perm.VIEW_CHILD)]

    def child_id(self, obj: Any) -> int:
        return int(obj.pk)

    def get_queryset(self) -> QuerySet[Person]:
        return self.lean(
            Person.objects.visible_to(_user(self.request)).prefetch_related("names").order_by("id")
        )


@extend_schema(tags=["referrals"])
class ReferralViewSet(mixins.CreateModelMixin, ChildScopedViewSet[Referral]):
    model = Referral
    serializer_class = ReferralSerializer
    permission_classes = [
        has_perm(Perm.VIEW_CHILD, write=Perm.RECORD_REFERRAL, write_scope=Scope.REFERRALS_WRITE)
    ]

    @extend_schema(responses={201: ReferralSerializer, 400: INVALID, 404: HIDDEN})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = self.child_from(request, data)
        try:
            referral = referral_actions.record_referral(
                person, referral_actions.ReferralDetails(**data), actor=_user(request)
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from None
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["consultations"])
class ConsultationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Consultation]):
    """Consultations from partner systems. POST is idempotent on the partner's `reference`:
    the same reference again answers 200 with the consultation already recorded."""

    serializer_class = ConsultationSerializer
    lookup_value_converter = "int"
    permission_classes = [
        has_perm(
            Perm.RECORD_CONSULTATION, write=Perm.RECORD_CONSULTATION, write_scope=Scope.CONSULTATIONS_WRITE
        )
    ]

    def get_queryset(self) -> QuerySet[Consultation]:
        return Consultation.objects.visible_to(_user(self.request)).order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        with transaction.atomic():
            record_views(_user(request), [c.person_id for c in page if c.person_id])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consultation = self.get_queryset().filter(pk=kwargs["pk"]).first()
        if consultation is None:
            raise Http404
        if consultation.person_id is not None:
            get_child_for_user(_user(request), consultation.person_id, part=f"consultation {consultation.pk}")
        return Response(self.get_serializer(consultation).data)

    @extend_schema(
        responses={
            200: OpenApiResponse(ConsultationSerializer, description="This reference is already recorded."),
            201: OpenApiResponse(ConsultationSerializer, description="A new consultation."),
            400: INVALID,
            404: HIDDEN,
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = _user(request)
        child = data.pop("person_id", None)
        person = get_child_for_user(user, child, part="api") if child is not None else None
        reference = data.pop("reference", None)
        details = consultation_actions.ConsultationDetails(
            occurred_at=data.get("occurred_at"),
            how=data.get("how") or "",
            caller_agency=data.get("caller_agency") or "",
            advice=data.get("advice") or "",
            outcome=data.get("outcome") or "",
            **{
                k: data[k]
                for k in (
                    "caller_name",
                    "caller_role",
                    "caller_organisation",
                    "caller_contact",
                    "types",
                    "indicators",
                    "worry",
                    "anonymous_initials",
                    "anonymous_age",
                    "anonymous_where",
                    "follow_up_on",
                )
                if k in data
            },
        )
        try:
            consultation, created = consultation_actions.record_from_partner(
                details, actor=user, person=person, reference=reference
            )
        except DjangoValidationError as exc:
            raise _invalid(exc) from None
        if consultation.person_id is not None and not created:
            get_child_for_user(user, consultation.person_id, part="api")
        return Response(
            self.get_serializer(consultation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["episodes"])
class EpisodeViewSet(ChildScopedViewSet[Episode]):
    model = Episode
    serializer_class = EpisodeSerializer
    permission_classes = [has_perm(Perm.VIEW_CHILD)]

    def get_queryset(self) -> QuerySet[Episode]:
        return super().get_queryset().select_related("allocated_worker")


@extend_schema(tags=["missing"])
class MissingEpisodeViewSet(mixins.CreateModelMixin, ChildScopedViewSet[MissingEpisode]):
    """Missing reports. POST is idempotent on the police reference: the same report sent
    twice is one episode (200), a changed report updates it (200), a new one is created (201)."""

    model = MissingEpisode
    serializer_class = MissingEpisodeSerializer
    permission_classes = [
        has_perm(Perm.VIEW_CHILD, write=Perm.RECORD_MISSING, write_scope=Scope.MISSING_REPORT)
    ]

    @extend_schema(
        responses={
            200: OpenApiResponse(MissingEpisodeSerializer, description="Already known: updated if changed."),
            201: OpenApiResponse(MissingEpisodeSerializer, description="A new missing episode."),
            202: OpenApiResponse(
                HeldReportSerializer,
                description="Held for a worker to confirm which child it is about (`person` sent).",
            ),
            400: INVALID,
            404: HIDDEN,
        }
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reported = data.pop("person", None)
        try:
            if reported is not None:
                episode, held, created = missing_actions.receive_report_about(
                    missing_actions.ReportedChild(**reported),
                    missing_actions.MissingReport(**data),
                    actor=_user(request),
                    sent=set(data),
                )
                if held is not None:
                    return Response(
                        {
                            "status": "held",
                            "police_reference": held.police_reference,
                            "detail": "Held for a worker to confirm which child this is; nothing is lost.",
                        },
                        status=status.HTTP_202_ACCEPTED,
                    )
                assert episode is not None
            else:
                person = self.child_from(request, data)
                episode, created = missing_actions.receive_police_report(
                    person, missing_actions.MissingReport(**data), actor=_user(request), sent=set(data)
                )
        except DjangoValidationError as exc:
            raise _invalid(exc) from None
        return Response(
            self.get_serializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["case notes"])
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "child",
                int,
                description="Only this child's notes (404 if there is no such child, or one you may not see)",
            )
        ],
        responses={200: CaseNoteSerializer(many=True), 404: HIDDEN},
    ),
)
class CaseNoteViewSet(ChildScopedViewSet[CaseNote]):
    """Case notes, newest first, read only: written on the child's page, where their
    earlier versions are shown too."""

    model = CaseNote
    serializer_class = CaseNoteSerializer
    permission_classes = [has_perm(Perm.VIEW_CHILD)]

    def get_queryset(self) -> QuerySet[CaseNote]:
        notes = (
            CaseNote.objects.filter(visible_q(_user(self.request)))
            .select_related("author")
            .annotate(version_count=Count("versions"))
            .order_by("-occurred_at", "-id")
        )
        if self.action == "list" and "child" in self.request.query_params:
            child = parse_id(self.request.query_params["child"])
            if child is None:
                raise Http404
            # Audited as the child's own page is (ACCESS_DENIED when hidden); the notes
            # listed are recorded as viewed by the list itself.
            notes = notes.filter(person=get_child_for_user(_user(self.request), child, audit=False))
        return notes


@extend_schema(
    tags=["children"],
    request=PersonSearchSerializer,
    responses=PersonSearchResultSerializer,
    summary="Find a person by name (and date of birth)",
    description=(
        "The search page's search: exact names (any order, any recorded alias) first, then "
        "nicknames, names that sound alike and misspellings. A date of birth narrows to the "
        "day, a day either side, or day and month swapped. Restricted records the caller is not "
        "named on are listed apart, matched on the name alone. Audited as the page is."
    ),
)
@api_view(["POST"])
@permission_classes([has_perm(Perm.VIEW_CHILD)])
def person_search(request: Request) -> Response:
    serializer = PersonSearchSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = _user(request)
    given = serializer.validated_data.get("date_of_birth")
    outcome = search_for(
        Person.objects.visible_to(user), serializer.validated_data["name"], date_of_birth=given, limit=25
    )
    with transaction.atomic():
        record_event(user, Action.SEARCH, detail={"results": len(outcome.matches), "more": outcome.more})
        record_views(user, [m.person.pk for m in outcome.matches], part="search results")
        for match in outcome.restricted:
            record_event(
                user, Action.SEARCH, match.person, child_id=match.person.pk, detail={"restricted": True}
            )
    results = [
        {
            "child": m.person.pk,
            "score": round(m.score, 1),
            "exact": m.exact,
            "matched_name": m.matched_name,
            "by_alias": m.by_alias,
            "why": [*m.why, *born_reason(m.person.date_of_birth, given)],
        }
        for m in outcome.matches
    ]
    return Response(
        PersonSearchResultSerializer(
            {
                "results": results,
                "more": outcome.more,
                "restricted": [{"child": m.person.pk} for m in outcome.restricted],
            }
        ).data
    )
