"""Person search among many people (issue 13): exact names first at any size, a misspelt
name with its date of birth found among 100,000 people, nicknames both ways, the date of
birth window, and the page saying how many more match. Behaviour, never timings
(`cshub bench search` measures speed and recall)."""

import datetime as dt
import random
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cshub.access.actions import create_api_token
from cshub.audit.models import Action, AuditEvent
from cshub.conftest import make_child
from cshub.interchange.fastinsert import insert_new, insert_rows, reserve_ids
from cshub.people import actions as people
from cshub.people.models import NameKind, Person, PersonName
from cshub.people.names import add_words, index_words
from cshub.people.search import find, likely_duplicates, search_people

pytestmark = pytest.mark.django_db

FORENAMES = ["Kieran", "Mohammed", "Olivia", "Amelia", "Jayden", "Aisha", "Tyler", "Chloe", "Kacper", "Ioana"]
SURNAMES = ["Holloway", "Khan", "Smith", "Kowalski", "Popescu", "Nowak", "Begum", "Jones", "Murphy", "Ali"]


def crowd(n: int, seed: int = 7) -> None:
    """`n` people written straight into the index, most with very common names (a skewed
    choice from few names, as real names are), born over 18 years."""
    rng = random.Random(seed)
    start = dt.date(2006, 1, 1)
    weights = [1 / (rank + 1) for rank in range(len(FORENAMES))]
    rows: list[dict[str, Any]] = []
    for _ in range(n):
        forename = rng.choices(FORENAMES, weights)[0]
        surname = rng.choices(SURNAMES, weights)[0]
        if rng.random() < 0.3:  # and a long tail of rarer names
            surname = surname + rng.choice(["ton", "ley", "ford", "wick", "by", "ham"])
        rows.append(
            {
                "forename": forename,
                "surname": surname,
                "date_of_birth": start + dt.timedelta(days=rng.randrange(6570)),
            }
        )
    pks = reserve_ids(Person, n)
    insert_new(Person, rows, pks)
    names = [
        (pk, NameKind.PRIMARY.value, r["forename"], r["surname"], *index_words(r["forename"], r["surname"]))
        for pk, r in zip(pks, rows, strict=True)
    ]
    add_words((row[5], row[6]) for row in names)
    insert_rows(PersonName, ["person_id", "kind", "forename", "surname", "normalised", "fore", "sur"], names)
    if connection.vendor == "postgresql":
        # As the importer does after a large import: without it PostgreSQL plans with the
        # statistics of empty tables (if autovacuum analysed them empty) and a search joins
        # every name with every person, which at 100,000 does not finish.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE people_person, people_personname")


def ids(matches: list[Any]) -> list[int]:
    return [m.person.pk for m in matches]


def test_a_misspelt_name_with_its_date_of_birth_is_found_among_100000_people(personas):
    crowd(100_000)
    born = dt.date(2011, 3, 14)
    child = make_child(personas["practitioner"], "Tyler", "Kowalczyk", born=born)  # among many Kowalskis
    for other in (born + dt.timedelta(days=400), born - dt.timedelta(days=900)):
        make_child(personas["practitioner"], "Tyler", "Kowalczyk", born=other)  # the same name, not him
    for typed in ("Tylor Kowalcyk", "Tyler Kowalzcyk", "Kowalczyk Tyler", "Tyller Kovalczyk"):
        found = search_people(Person.objects.all(), typed, date_of_birth=born, limit=10)
        assert ids(found)[:1] == [child.pk], typed
    # A day out, or day and month swapped, still finds him.
    for given in (born + dt.timedelta(days=1), dt.date(2011, 3, 13), dt.date(2011, 3, 14)):
        assert child.pk in ids(search_people(Person.objects.all(), "Tylor Kowalcyk", date_of_birth=given))


def test_every_exact_match_ranks_above_every_fuzzy_one_at_any_size(personas):
    worker = personas["practitioner"]
    for size, (forename, surname) in ((0, ("Ioana", "Popescumarsh")), (20_000, ("Kacper", "Kowalskigrove"))):
        crowd(size, seed=size)
        exact = make_child(worker, forename, surname)
        by_alias = make_child(worker, "Tia", f"Quillon{size}")
        people.add_alias(by_alias, forename, surname, actor=worker)
        near = [make_child(worker, forename, surname + "e"), make_child(worker, "J" + forename[1:], surname)]
        for typed in (f"{forename} {surname}", f"{surname} {forename}"):
            found = find(typed).candidates
            assert {exact.pk, by_alias.pk} <= {c.person_id for c in found if c.exact}
            assert [c.exact for c in found] == sorted((c.exact for c in found), reverse=True)
            assert {n.pk for n in near} <= {c.person_id for c in found}  # the near ones still come
            shown = ids(search_people(Person.objects.all(), typed, limit=10))
            assert set(shown[:2]) == {exact.pk, by_alias.pk}


def test_nicknames_work_both_ways(personas):
    worker = personas["practitioner"]
    william = make_child(worker, "William", "Ashdown")
    bill = make_child(worker, "Bill", "Ashdown")
    liz = make_child(worker, "Elizabeth", "Corran")
    assert william.pk in ids(search_people(Person.objects.all(), "Bill Ashdown"))
    assert william.pk in ids(search_people(Person.objects.all(), "Will Ashdown"))
    assert bill.pk in ids(search_people(Person.objects.all(), "William Ashdown"))
    assert liz.pk in ids(search_people(Person.objects.all(), "Lizzie Corran"))
    assert ids(search_people(Person.objects.all(), "Bill Ashdown"))[0] == bill.pk  # the exact one first


def test_the_page_says_how_many_more_match_and_asks_for_a_date_of_birth(personas, client_for):
    crowd(3_000)
    response = client_for("practitioner").post("/children/", {"name": "Kieran Holloway"})
    html = response.content.decode()
    shown = len(re.findall(r'href="/children/\d+/"', html))
    exact_total = PersonName.objects.filter(normalised="kieran holloway").count()
    assert exact_total > shown == 25
    assert f"{exact_total - 25} of them with exactly this name" in html
    assert "Add their date of birth or age to find the right child" in html


def test_a_date_of_birth_nobody_with_the_name_has_shows_the_names_and_says_so(hub, client_for):
    child = hub["child"]
    response = client_for("practitioner").post(
        "/children/",
        {
            "name": "Kofi Ashcombe",
            "date_of_birth_day": 1,
            "date_of_birth_month": 1,
            "date_of_birth_year": 2001,
        },
    )
    assert b"No one with a similar name has that date of birth" in response.content
    assert f'href="/children/{child.pk}/"'.encode() in response.content


def test_the_duplicate_check_shares_the_search(personas):
    worker = personas["practitioner"]
    crowd(5_000)
    child = make_child(worker, "Kacper", "Nowakowski", born=dt.date(2012, 6, 3))
    found = likely_duplicates(Person.objects.all(), "Kasper", "Nowakowsky", dt.date(2012, 3, 6))
    assert ids(found) == [child.pk]


def test_partner_systems_search_through_the_api(hub, personas):
    child = hub["child"]
    _, token = create_api_token(personas["practitioner"], "partner", actor=personas["practitioner"])
    response = Client().post(
        "/api/v1/people/search/",
        {"name": "Kofy Ashcombe", "date_of_birth": child.date_of_birth.isoformat()},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["child"] == child.pk
    assert "date of birth" in body["results"][0]["why"] and not body["results"][0]["exact"]
    restricted = (
        Client()
        .post(
            "/api/v1/people/search/",
            {"name": "Tia Cinderwick"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        .json()
    )
    assert restricted["results"] == [] and restricted["restricted"] == [{"child": hub["restricted"].pk}]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, child_id=child.pk, detail__part="search results"
    ).exists()
    assert AuditEvent.objects.filter(action=Action.SEARCH, child_id=hub["restricted"].pk).exists()


def test_an_import_reports_a_person_who_may_already_have_a_record(hub, tmp_path):
    """Not a warning on the row: a section of the import's report (people.merge compares)."""
    from cshub.interchange.importer import check

    child = hub["child"]
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_dob\n"
        f"LL-1,Kofy,Ashcombe,{child.date_of_birth.isoformat()}\n"
        "LL-2,Zebedee,Quarrington,2012-02-02\n",
        encoding="utf-8",
    )
    _, result = check(folder)
    assert not [w for w in result.warnings if "may be the same person" in str(w)]
    assert [(a.line, a.source_id, a.existing, a.existing_name) for a in result.lookalikes] == [
        (2, "LL-1", child.pk, "Kofi Ashcombe")
    ]


def test_letters_a_keyboard_types_differently_still_match(personas):
    worker = personas["practitioner"]
    child = make_child(worker, "Łukasz", "Y\u0131lmaz")
    other = make_child(worker, "Jürgen", "Strauß")
    assert ids(search_people(Person.objects.all(), "Lukasz Yilmaz"))[:1] == [child.pk]
    assert ids(search_people(Person.objects.all(), "Jurgen Strauss"))[:1] == [other.pk]
