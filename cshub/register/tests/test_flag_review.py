"""Review findings on the flag file and held flags (issue 21): a file naming a child by id
reaches only records the sender may see, follows merges and never moves a flag silently;
matching a held flag takes exactly its own row's other concerns."""

import pytest

from cshub.access.actions import create_user
from cshub.conftest import make_child
from cshub.interchange.areaflags import import_flags
from cshub.people import actions as people
from cshub.people.merge import merge_people
from cshub.register import actions
from cshub.register.models import AreaFlag, HeldFlag
from cshub.register.tests.test_flags import BORN, HEADER, _file

pytestmark = pytest.mark.django_db


def test_a_file_cannot_flag_a_restricted_child_the_sender_may_not_see(personas, tmp_path):
    manager = personas["team_manager"]
    hidden = make_child(manager, "Rhea", "Quarrington", born=BORN)
    people.set_restriction(hidden, True, "A relative works in the hub", actor=manager)
    other = create_user("other.manager", agency="SOCIAL_CARE", roles=["team_manager"], actor=None)
    result = import_flags(_file(tmp_path, f"S-1,SCHOOL,{hidden.pk},,,,CSE,2026-01-10,,,,\n"), actor=other)
    nobody = import_flags(
        _file(tmp_path, "S-2,SCHOOL,999999,,,,CSE,2026-01-10,,,,\n", name="b.csv"), actor=other
    )
    # The same answer as an id nobody has: the file learns nothing of the restricted record.
    assert [str(e).split(": ", 2)[2] for e in result.errors] == [
        f"unknown child id '{hidden.pk}': no child in CSHub has it"
    ]
    assert [str(e).split(": ", 2)[2] for e in nobody.errors] == [
        "unknown child id '999999': no child in CSHub has it"
    ]
    assert not AreaFlag.objects.filter(person=hidden).exists()


def test_a_file_naming_a_merged_record_flags_the_record_it_was_merged_into(personas, tmp_path):
    manager = personas["team_manager"]
    kept = make_child(manager, "Kofi", "Ashcombe", born=BORN)
    gone = make_child(manager, "Kofi", "Ashcombe", born=BORN)
    merge_people(kept, gone, actor=manager, reason="The same child recorded twice")
    result = import_flags(_file(tmp_path, f"S-1,SCHOOL,{gone.pk},,,,CSE,2026-01-10,,,,\n"), actor=manager)
    assert result.ok, [str(e) for e in result.errors]
    assert list(AreaFlag.objects.values_list("person_id", flat=True)) == [kept.pk]


def test_a_flag_sent_again_about_another_child_is_refused_not_moved(personas, tmp_path):
    manager = personas["team_manager"]
    first = make_child(manager, "Kofi", "Ashcombe", born=BORN)
    second = make_child(manager, "Amara", "Brambleford", born=BORN)
    assert import_flags(_file(tmp_path, f"S-1,SCHOOL,{first.pk},,,,CSE,2026-01-10,,,,\n"), actor=manager).ok
    again = import_flags(
        _file(tmp_path, f"S-1,SCHOOL,{second.pk},,,,CSE,2026-01-10,,,,\n", name="b.csv"), actor=manager
    )
    assert not again.ok and "sent before about another child" in str(again.errors[0])
    assert list(AreaFlag.objects.values_list("person_id", flat=True)) == [first.pk]


def test_matching_a_held_flag_takes_its_own_rows_concerns_only(personas, tmp_path):
    manager, worker = personas["team_manager"], personas["practitioner"]
    for forename in ("Sam", "Jo"):
        for _ in range(2):  # two look-alikes each: held for a worker
            make_child(manager, forename, "Smith", born=BORN)
    path = _file(
        tmp_path,
        "7,SCHOOL,,Sam,Smith,2010-05-04,CSE,2026-01-10,,,,\n7:1,SCHOOL,,Jo,Smith,2010-05-04,CCE,2026-01-10,,,,\n",
        header=HEADER,
    )
    assert import_flags(path, actor=manager).held == 2
    sam = make_child(manager, "Sam", "Smith", born=BORN)
    actions.resolve_held_flag(HeldFlag.objects.get(origin="import:SCHOOL:7:CSE"), sam, actor=worker)
    assert list(AreaFlag.objects.values_list("origin", "person_id")) == [("import:SCHOOL:7:CSE", sam.pk)]
    assert HeldFlag.objects.waiting().get().origin == "import:SCHOOL:7:1:CCE"


def test_a_child_open_to_the_hub_is_held_by_the_hub_whatever_flag_came_last(hub, personas):
    """A school flag after the hub opened the child's episode does not make the school the
    holder (on the register's rows, its counts, and the child's card)."""
    import datetime as dt

    from django.utils import timezone

    from cshub.register.queries import register_rows
    from cshub.register.templatetags.area_register import register_card

    child, manager = hub["child"], personas["team_manager"]
    today = timezone.localdate()
    assert AreaFlag.objects.filter(person=child, source="HUB").exists()  # from the open episode
    AreaFlag.objects.create(
        person=child,
        source="SCHOOL",
        concern="CSE",
        flagged_on=today,
        holder="SCHOOL",
        origin="import:SCHOOL:late",
        recorded_at=timezone.now() + dt.timedelta(minutes=1),
    )
    from django.template import Context

    row = register_rows(today).values("holder").get(pk=child.pk)  # type: ignore[misc]  # an annotation
    assert row["holder"] == "HUB"
    assert register_card(Context({"user": manager}), child)["holder"].holder == "HUB"
