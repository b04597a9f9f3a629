import datetime as dt

import pytest

from cshub.conftest import TODAY, make_child
from cshub.people import actions
from cshub.people.models import Person
from cshub.people.search import likely_duplicates, search_people


@pytest.fixture
def people_index(personas):
    worker = personas["practitioner"]
    kofi = make_child(worker, "Kofi", "Ashcombe", born=dt.date(2010, 5, 4))
    actions.add_alias(kofi, "Ghost", "", actor=worker)
    make_child(worker, "Chloe", "Thistlewick", born=dt.date(2011, 8, 9))
    make_child(worker, "Kian", "Ashcombe", born=dt.date(2012, 1, 20))
    return kofi


def _names(matches):
    return [m.person.full_name for m in matches]


def test_a_misspelt_name_finds_the_child(people_index):
    assert _names(search_people(Person.objects.all(), "Kofy Ashcomb"))[0] == "Kofi Ashcombe"
    assert "Chloe Thistlewick" in _names(search_people(Person.objects.all(), "chloe thistelwick"))


def test_a_name_they_are_known_by_finds_them(people_index):
    match = search_people(Person.objects.all(), "Ghost")[0]
    assert match.person == people_index
    assert match.by_alias


def test_date_of_birth_and_age_narrow_the_search(people_index):
    both = _names(search_people(Person.objects.all(), "Ashcombe"))
    assert {"Kofi Ashcombe", "Kian Ashcombe"} <= set(both)
    assert _names(search_people(Person.objects.all(), "Ashcombe", date_of_birth=dt.date(2012, 1, 20))) == [
        "Kian Ashcombe"
    ]
    assert _names(search_people(Person.objects.all(), "Ashcombe", age=16, on=dt.date(2026, 11, 23))) == [
        "Kofi Ashcombe"
    ]


def test_unrelated_names_do_not_match(people_index):
    assert search_people(Person.objects.all(), "Zara Quillfield") == []


def test_duplicate_check_finds_a_likely_match(people_index):
    likely = likely_duplicates(
        Person.objects.all(), "Kofi", "Ashcomb", dt.date(2010, 4, 5)
    )  # day and month swapped
    assert [m.person for m in likely] == [people_index]
    assert likely_duplicates(Person.objects.all(), "Kofi", "Ashcombe", dt.date(2001, 1, 1)) == []


def test_create_page_shows_likely_matches_before_making_a_new_record(people_index, client_for):
    client = client_for("practitioner")
    form = {
        "forename": "Kofi",
        "surname": "Ashcome",
        "person_type": "CHILD",
        "date_of_birth_day": "4",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2010",
    }
    response = client.post("/children/new/", form)
    assert response.status_code == 200
    assert b"may already have a record" in response.content
    assert Person.objects.filter(surname="Ashcome").count() == 0
    response = client.post("/children/new/", {**form, "confirmed": "yes"})
    assert response.status_code == 302
    assert Person.objects.filter(surname="Ashcome").count() == 1


def test_search_page_posts_so_names_never_reach_a_url(people_index, client_for):
    client = client_for("practitioner")
    response = client.post("/children/", {"name": "kofi ashcom"})
    assert b"Kofi Ashcombe" in response.content
    assert client.get("/children/?name=kofi").content.count(b"Kofi Ashcombe") == 0


def test_search_form_explains_a_bad_date(people_index, client_for):
    response = client_for("practitioner").post(
        "/children/",
        {
            "name": "Kofi",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": str(TODAY.year),
        },
    )
    assert b"There is a problem" in response.content
    assert b"must be a real date" in response.content
