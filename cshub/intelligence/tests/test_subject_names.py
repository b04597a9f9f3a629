"""Subjects' names as stored: a place, group or account named with a hidden direction or
zero-width character is refused (it could disguise which subject is which), and names are
kept in one Unicode form so the same place typed two ways is one subject."""

import pytest
from django.core.exceptions import ValidationError

from cshub.intelligence import actions
from cshub.intelligence.actions import SubjectDetails
from cshub.intelligence.models import Subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (SubjectDetails(kind="GROUP", name="Blue\u202eenil", group_kind="COUNTY_LINE"), "name"),
        (SubjectDetails(kind="PLACE", name="Park\u200b Road flats", place_kind="PARK"), "name"),
        (SubjectDetails(kind="ACCOUNT", name="handle1", platform="Snap\u2066chat"), "platform"),
    ],
)
def test_a_hidden_character_in_a_subjects_name_is_refused(personas, details, field):
    with pytest.raises(ValidationError) as refused:
        actions.create_subject(details, actor=personas["practitioner"])
    assert "hidden character" in " ".join(refused.value.message_dict[field])
    assert not Subject.objects.exists()


def test_a_group_typed_with_a_combining_accent_is_the_group_already_recorded(personas):
    worker = personas["practitioner"]
    actions.create_subject(
        SubjectDetails(kind="GROUP", name="Caf\u00e9 line", group_kind="COUNTY_LINE"), actor=worker
    )
    with pytest.raises(ValidationError) as refused:
        actions.create_subject(
            SubjectDetails(kind="GROUP", name="Cafe\u0301 line", group_kind="COUNTY_LINE"), actor=worker
        )
    assert "already recorded" in " ".join(refused.value.message_dict["name"])
