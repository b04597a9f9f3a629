from typing import Any

from rest_framework import serializers

from cshub.api.fields import ApiModelSerializer
from cshub.casework.models import Episode
from cshub.core.codes import ExploitationType, ReferralSource
from cshub.missing.models import MissingEpisode
from cshub.people.models import Person
from cshub.referrals.models import Referral


class ChildSerializer(ApiModelSerializer[Person]):
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


class ReferralSerializer(ApiModelSerializer[Referral]):
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


class EpisodeSerializer(ApiModelSerializer[Episode]):
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


class ReportedChildSerializer(serializers.Serializer[Any]):
    forename = serializers.CharField(max_length=100)
    surname = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=["M", "F", "U", ""], required=False, allow_blank=True)


class MissingEpisodeSerializer(ApiModelSerializer[MissingEpisode]):
    # A plain id, resolved only through get_child_for_user() in the view. A police system
    # that does not know the CSHub id sends `person` instead (never both).
    child = serializers.IntegerField(source="person_id", required=False)
    person = ReportedChildSerializer(write_only=True, required=False)
    # Null on episodes recorded on a page without one; a police system always sends one.
    police_reference = serializers.CharField(
        max_length=40,
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
