"""REST endpoints: thin, with the pages' access helper, permissions, actions and audit."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cshub.access.models import User
from cshub.access.permissions import Perm
from cshub.api.permissions import has_perm
from cshub.api.serializers import (
    ChildSerializer,
    EpisodeSerializer,
    MissingEpisodeSerializer,
    ReferralSerializer,
)
from cshub.audit.events import record_views
from cshub.casework.models import Episode
from cshub.missing import actions as missing_actions
from cshub.missing.models import MissingEpisode
from cshub.people.access import get_child_for_user
from cshub.people.models import Person
from cshub.referrals import actions as referral_actions
from cshub.referrals.models import Referral


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class AuditedListMixin:
    """A list of records writes one VIEW event per child on the page."""

    def audit_page(self, request: Request, child_ids: list[int]) -> None:
        with transaction.atomic():
            record_views(_user(request), child_ids)


@extend_schema(tags=["children"])
class ChildViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet[Person]):
    serializer_class = ChildSerializer
    lookup_value_converter = "int"
    permission_classes = [has_perm(Perm.VIEW_CHILD)]

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.visible_to(_user(self.request)).prefetch_related("names").order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self.audit_page(request, [p.pk for p in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = get_child_for_user(_user(request), _int(kwargs["pk"]), part="api")
        return Response(self.get_serializer(person).data)


def _int(value: str) -> int:
    if not str(value).isdigit():
        raise Http404
    return int(value)


@extend_schema(tags=["referrals"])
class ReferralViewSet(AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Referral]):
    serializer_class = ReferralSerializer
    lookup_value_converter = "int"
    permission_classes = [has_perm(Perm.VIEW_CHILD, write=Perm.RECORD_REFERRAL)]

    def get_queryset(self) -> QuerySet[Referral]:
        return Referral.objects.visible_to(_user(self.request)).order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self.audit_page(request, [r.person_id for r in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = Referral.objects.filter(pk=_int(kwargs["pk"])).first()
        if referral is None:
            raise Http404
        get_child_for_user(_user(request), referral.person_id, part=f"referral {referral.pk}")
        return Response(self.get_serializer(referral).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = get_child_for_user(_user(request), data.pop("person_id"), part="api")
        try:
            referral = referral_actions.record_referral(
                person, referral_actions.ReferralDetails(**data), actor=_user(request)
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["episodes"])
class EpisodeViewSet(AuditedListMixin, viewsets.ReadOnlyModelViewSet[Episode]):
    serializer_class = EpisodeSerializer
    lookup_value_converter = "int"
    permission_classes = [has_perm(Perm.VIEW_CHILD)]

    def get_queryset(self) -> QuerySet[Episode]:
        return (
            Episode.objects.visible_to(_user(self.request)).select_related("allocated_worker").order_by("id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self.audit_page(request, [e.person_id for e in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        episode = Episode.objects.select_related("allocated_worker").filter(pk=_int(kwargs["pk"])).first()
        if episode is None:
            raise Http404
        get_child_for_user(_user(request), episode.person_id, part=f"episode {episode.pk}")
        return Response(self.get_serializer(episode).data)


@extend_schema(tags=["missing"])
class MissingEpisodeViewSet(
    AuditedListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[MissingEpisode]
):
    """Missing reports. POST is idempotent on the police reference: the same report sent
    twice is one episode (200), a changed report updates it (200), a new one is created (201)."""

    serializer_class = MissingEpisodeSerializer
    lookup_value_converter = "int"
    permission_classes = [has_perm(Perm.VIEW_CHILD, write=Perm.RECORD_MISSING)]

    def get_queryset(self) -> QuerySet[MissingEpisode]:
        return MissingEpisode.objects.visible_to(_user(self.request)).order_by("id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        self.audit_page(request, [m.person_id for m in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        episode = MissingEpisode.objects.filter(pk=kwargs["pk"]).first()
        if episode is None:
            raise Http404
        get_child_for_user(_user(request), episode.person_id, part=f"missing episode {episode.pk}")
        return Response(self.get_serializer(episode).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = get_child_for_user(_user(request), data.pop("person_id"), part="api")
        try:
            episode, created = missing_actions.receive_police_report(
                person, missing_actions.MissingReport(**data), actor=_user(request)
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(
            self.get_serializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
