import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.utils.text import capfirst
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cshub.api.fields import ApiModelSerializer, AwareDateTimeField
from cshub.casework.models import Episode
from cshub.consultations.models import Consultation
from cshub.core.codes import ExploitationType, ReferralSource
from cshub.core.dates import plausible_birth
from cshub.core.ids import MAX_ID
from cshub.core.limits import NAME_MAX, field_limit, too_long
from cshub.missing.models import MissingEpisode
from cshub.notes.models import CaseNote
from cshub.people.models import Person
from cshub.referrals.models import Referral

M = TypeVar("M", bound=models.Model)


def limited_text(label: str, max_length: int, **kwargs: Any) -> serializers.CharField:
    """A text field with its limit and the clear message when it is over it."""
    return serializers.CharField(
        label=label,
        max_length=max_length,
        error_messages={"max_length": too_long(label, max_length)},
        **kwargs,
    )


class LimitedModelSerializer(ApiModelSerializer[M]):
    """Text fields take their limits from the model (core.limits) and say them plainly:
    "Circumstances must be 20,000 characters or fewer"."""

    def build_standard_field(self, field_name: str, model_field: "models.Field[Any, Any]") -> Any:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if kwargs.get("max_length"):
            label = str(kwargs.get("label") or capfirst(model_field.verbose_name))
            # DRF formats the message with str.format: no braces in it
            message = too_long(label, kwargs["max_length"]).replace("{", "{{").replace("}", "}}")
            kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "max_length": message}
        return field_class, kwargs


class ChildSerializer(LimitedModelSerializer[Person]):
    aliases = serializers.SerializerMethodField()
    gender_for_reporting = serializers.CharField(source="reporting_gender", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "person_type",
            "forename",
            "surname",
            "aliases",
            "date_of_birth",
            "dob_estimated",
            "sex",
            "gender",
            "gender_for_reporting",
            "ethnicity",
            "upn",
            "nhs_number",
            "restricted",
        ]

    def get_aliases(self, obj: Person) -> list[str]:
        return [str(n) for n in obj.names.all() if n.kind == "ALIAS"]


class ReferralSerializer(LimitedModelSerializer[Referral]):
    # A plain id, resolved only through get_child_for_user() in the view: a relation field
    # would answer "does not exist" for ids the user may not know about.
    child = serializers.IntegerField(source="person_id")
    other_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationType.choices), required=False
    )
    source_code = serializers.ChoiceField(choices=ReferralSource.choices, required=False, allow_blank=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "child",
            "received_date",
            "source_code",
            "referrer_name",
            "referrer_agency",
            "primary_type",
            "other_types",
            "concerns",
            "decision",
            "decision_date",
            "decision_rationale",
            "mash_consulted",
            "mash_consulted_on",
            "mash_consultee",
            "mash_advice",
        ]
        read_only_fields = ["decision", "decision_date", "decision_rationale"]


class EpisodeSerializer(LimitedModelSerializer[Episode]):
    child: serializers.PrimaryKeyRelatedField[Person] = serializers.PrimaryKeyRelatedField(
        source="person", read_only=True
    )
    allocated_worker: serializers.StringRelatedField[Any] = serializers.StringRelatedField(allow_null=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "child",
            "referral",
            "open_date",
            "close_date",
            "status",
            "allocated_worker",
            "locality_social_worker",
            "lead_professional",
            "lead_professional_agency",
            "outcome_eet",
            "outcome_stable_accommodation",
            "outcome_positive_relationship",
            "feedback_child",
            "feedback_parent_carer",
        ]


class CaseNoteSerializer(LimitedModelSerializer[CaseNote]):
    """A case note as it stands now (its earlier versions are on the note's page)."""

    child = serializers.IntegerField(source="person_id", read_only=True)
    author: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    version = serializers.SerializerMethodField(help_text="1 as recorded; more once edited or amended")

    class Meta:
        model = CaseNote
        fields = ["id", "child", "kind", "occurred_at", "present", "body", "author", "created_at", "version"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_version(self, obj: CaseNote) -> int:
        counted = getattr(obj, "version_count", None)  # a list counts them in its own query
        return int(counted) if counted is not None else obj.versions.count()


class ReportedChildSerializer(serializers.Serializer[Any]):
    forename = limited_text("Forename", NAME_MAX)
    surname = limited_text("Surname", NAME_MAX)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=["M", "F", "U", ""], required=False, allow_blank=True)


class MissingEpisodeSerializer(LimitedModelSerializer[MissingEpisode]):
    # A plain id, resolved only through get_child_for_user() in the view. A police system
    # that does not know the CSHub id sends `person` instead (never both).
    child = serializers.IntegerField(source="person_id", required=False)
    person = ReportedChildSerializer(write_only=True, required=False)
    # Null on episodes recorded on a page without one; a police system always sends one.
    police_reference = limited_text(
        "Police reference",
        field_limit(MissingEpisode, "police_reference"),
        allow_null=True,
        help_text="Required when a report is sent; null on episodes recorded in CSHub without one.",
    )

    def validate_police_reference(self, value: str | None) -> str:
        if not value:
            raise serializers.ValidationError("Give the police reference")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and ("person_id" in attrs) == ("person" in attrs):
            raise serializers.ValidationError(
                {"child": "Give either the CSHub id of the child (child) or who they are (person), not both"}
            )
        return attrs

    class Meta:
        model = MissingEpisode
        fields = [
            "id",
            "child",
            "person",
            "police_reference",
            "reported_at",
            "returned_at",
            "missing_type",
            "police_risk",
            "from_care",
            "placement",
            "found_location",
            "found_with",
            "found_with_adult_of_concern",
            "circumstances",
        ]


class HeldReportSerializer(serializers.Serializer[Any]):
    """The answer when a report about a child named (not by id) needs a worker to match it."""

    status = serializers.ChoiceField(choices=["held"])
    police_reference = serializers.CharField()
    detail = serializers.CharField()


class PersonSearchSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=NAME_MAX * 2 + 1, help_text="Any name the person is known by")
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="Narrows, allowing a day out or day and month swapped"
    )

    def validate_date_of_birth(self, value: dt.date | None) -> dt.date | None:
        if problem := plausible_birth(value):
            raise serializers.ValidationError(problem)
        return value


class PersonMatchSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField(help_text="The CSHub id")
    score = serializers.FloatField(help_text="100 for an exact name; fuzzy matches score less")
    exact = serializers.BooleanField(help_text="The name exactly, in any order, or a recorded alias")
    matched_name = serializers.CharField(help_text="The name or alias that matched")
    by_alias = serializers.BooleanField()
    why = serializers.ListField(
        child=serializers.CharField(),
        help_text="exact name, name, nickname, sounds alike, spelling; and date of birth when given",
    )


class RestrictedMatchSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField(help_text="Ask a manager named on the record for access")


class PersonSearchResultSerializer(serializers.Serializer[Any]):
    results = PersonMatchSerializer(many=True)
    more = serializers.IntegerField(help_text="Further matches not listed: send a date of birth")
    restricted = RestrictedMatchSerializer(
        many=True, help_text="Restricted records with a similar name (matched on the name alone)"
    )


class ConsultationSerializer(LimitedModelSerializer[Consultation]):
    """Every field optional here: the action checks what is required, with the same
    messages as the page (`advice`: "Enter the advice given")."""

    child = serializers.IntegerField(
        source="person_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    anonymous_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=25)
    occurred_at = AwareDateTimeField(required=False, allow_null=True)
    how = serializers.CharField(required=False, allow_blank=True, max_length=12)
    caller_agency = serializers.CharField(required=False, allow_blank=True, max_length=32)
    outcome = serializers.CharField(required=False, allow_blank=True, max_length=20)
    advice = limited_text(
        "Advice given", field_limit(Consultation, "advice"), required=False, allow_blank=True
    )
    types = serializers.ListField(child=serializers.CharField(max_length=24), required=False)
    indicators = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    reference = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    referral = serializers.IntegerField(source="referral_id", read_only=True, allow_null=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "reference",
            "occurred_at",
            "how",
            "caller_name",
            "caller_role",
            "caller_agency",
            "caller_organisation",
            "caller_contact",
            "child",
            "anonymous_initials",
            "anonymous_age",
            "anonymous_where",
            "types",
            "indicators",
            "worry",
            "advice",
            "outcome",
            "referral",
            "follow_up_on",
            "followed_up_at",
        ]
        read_only_fields = ["followed_up_at"]
