"""The compare, merge and unmerge pages (people.merge_views)."""

from typing import Any

from cshub.people.merge import merge_people
from cshub.people.models import Person, PersonMerge


def test_compare_side_by_side_then_merge_then_unmerge(hub: dict[str, Any], client_for: Any) -> None:
    child, second = hub["child"], hub["second"]
    browser = client_for("team_manager")

    found = browser.post(f"/children/{child.pk}/compare/", {"name": "Amara Brambleford"}).content.decode()
    assert f"/children/{child.pk}/compare/{second.pk}/" in found
    assert f"/children/{child.pk}/compare/{child.pk}/" not in found  # not itself

    page = browser.get(f"/children/{child.pk}/compare/{second.pk}/").content.decode()
    assert "Kofi Ashcombe" in page and "Amara Brambleford" in page
    assert "cshub-compare__differs" in page and "Different" in page
    assert "Merge these records" in page

    refused = browser.post(f"/children/{child.pk}/compare/{second.pk}/", {"survivor": str(child.pk)})
    assert refused.status_code == 200
    assert "Enter why these records are the same child" in refused.content.decode()
    done = browser.post(
        f"/children/{child.pk}/compare/{second.pk}/",
        {"survivor": str(child.pk), "reason": "Same NHS number."},
    )
    assert done.status_code == 302 and done["Location"] == f"/children/{child.pk}/"
    assert Person.objects.get(pk=second.pk).merged_into_id == child.pk

    details = browser.get(f"/children/{child.pk}/details/").content.decode()
    assert f"/children/{second.pk}/unmerge/" in details
    confirm = browser.get(f"/children/{second.pk}/unmerge/").content.decode()
    assert "Going back to CSHub ID" in confirm and "Referrals: 1" in confirm
    back = browser.post(f"/children/{second.pk}/unmerge/", {"reason": "Two children after all."})
    assert back.status_code == 302 and back["Location"] == f"/children/{second.pk}/"
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    assert browser.get(f"/children/{second.pk}/unmerge/").status_code == 404


def test_a_refused_merge_says_why_on_the_compare_page(hub: dict[str, Any], client_for: Any) -> None:
    child, second = hub["child"], hub["second"]
    merge_people(child, second, actor=hub["manager"], reason="Same child.")
    third = Person.objects.create(forename="Dean", surname="Ashcombe", person_type="ADULT")
    page = client_for("team_manager").get(f"/children/{child.pk}/compare/{third.pk}/").content.decode()
    assert "These records cannot be merged" in page
    assert "a child&#x27;s and the other an adult&#x27;s" in page
    assert PersonMerge.objects.count() == 1
