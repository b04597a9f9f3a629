import re
import statistics
from collections import Counter
from io import StringIO
from pathlib import Path

import jellyfish
import pytest
from django.core.management import CommandError, call_command
from nicknames import NickNamer

from cshub.demo.names_realistic import LOCALES, generate_people, name_key, typed
from cshub.demo.search_bench import (
    KINDS,
    Index,
    Query,
    Row,
    Run,
    edit,
    found,
    make_queries,
    percentile,
    update_docs,
)


@pytest.fixture(scope="module")
def people():
    return list(generate_people(5000, seed=7))


def test_the_same_seed_makes_the_same_people_and_another_seed_others(people):
    assert list(generate_people(5000, seed=7)) == people
    assert list(generate_people(5000, seed=8)) != people
    assert len(people) == 5000 and len({p.ident for p in people}) == 5000


def test_people_have_realistic_names_ages_and_one_in_ten_an_alias(people):
    aliased = sum(1 for p in people if p.aliases)
    assert 0.08 < aliased / len(people) < 0.12
    assert len(LOCALES) == 13 and len({p.locale for p in people}) == 13
    # Some names keep letters of their own language; typed, every name is plain ASCII.
    assert any(p.name != typed(p.name) for p in people)
    for p in people:
        assert re.fullmatch(r"[A-Za-z][A-Za-z' -]*", typed(p.name)), p.name
    ages = [(p.date_of_birth.year) for p in people]
    assert max(ages) - min(ages) in (25, 26)


def test_names_are_zipf_like_a_few_very_common_most_rare(people):
    surnames = Counter(p.surname for p in people)
    top = surnames.most_common(1)[0][1]
    assert top >= 10 * statistics.median(surnames.values())
    forenames = Counter(p.forename for p in people)
    assert forenames.most_common(1)[0][1] >= 10 * statistics.median(forenames.values())
    # ... so some full names are shared by several people.
    assert Counter(name_key(p.name) for p in people).most_common(1)[0][1] >= 3


def test_every_kind_of_query_is_made_and_aims_at_a_person_it_can_find(people):
    queries = make_queries(people, 240, seed=3)
    assert Counter(q.kind for q in queries) == dict.fromkeys(KINDS, 40)
    assert make_queries(people, 240, seed=3) == queries
    namer = NickNamer()
    for kind in KINDS:
        these = [q for q in queries if q.kind == kind]
        assert sum(q.date_of_birth is not None for q in these) == 20
    for q in queries:
        target = people[q.target]
        assert q.date_of_birth in (None, target.date_of_birth)
        assert q.text.isascii()
        typed_key, key = name_key(q.text), name_key(target.name)
        if q.kind == "exact":
            assert q.text == typed(target.name)
        elif q.kind in ("one edit", "two edits"):
            assert typed_key != key and q.name == key
            distance = jellyfish.damerau_levenshtein_distance(q.text.lower(), typed(target.name).lower())
            assert 1 <= distance <= (1 if q.kind == "one edit" else 2)
        elif q.kind == "swapped":
            assert typed_key == key and q.text == typed(f"{target.surname} {target.forename}")
        elif q.kind == "alias":
            assert typed_key in {name_key(a) for a in target.aliases} and q.name == typed_key
        else:
            nickname, surname = q.text.split(" ", 1)[0], typed(target.surname)
            forename = typed(target.forename).split()[0].lower()
            assert nickname.lower() in namer.nicknames_of(forename)
            assert forename not in namer.nicknames_of(nickname.lower())  # not the other way round
            assert q.text.endswith(surname) and q.name == key
    assert len(make_queries(people, 200)) == 200


def test_an_edit_is_one_typing_slip():
    import random

    rng = random.Random(1)
    for word in ["Smith", "Al", "Okonkwo", "Anne"]:
        for _ in range(50):
            changed = edit(word, rng)
            assert changed.lower() != word.lower()
            assert jellyfish.damerau_levenshtein_distance(changed.lower(), word.lower()) == 1


def _index(keys: dict[int, set[tuple[str, ...]]], shared: int) -> Index:
    return Index({}, lambda pk: keys.get(pk, set()), Counter({("jo", "smith"): shared}))


def test_recall_counts_the_first_ten_or_the_exact_matches_of_a_shared_name_without_a_date_of_birth():
    import datetime as dt

    query = Query("exact", "Jo Smith", None, 0, ("jo", "smith"))
    with_dob = Query("exact", "Jo Smith", dt.date(2010, 1, 1), 0, ("jo", "smith"))
    same: dict[int, set[tuple[str, ...]]] = {pk: {("jo", "smith")} for pk in range(1, 40)}
    index = _index(same, shared=30)
    ranked = list(range(1, 31))
    assert found(query, ranked, index, 5)
    assert found(query, ranked, index, 25)  # among the exact matches offered, which come first
    assert found(query, ranked, index, 35)  # not shown, but the first ten are all exact matches
    assert not found(with_dob, ranked, index, 25)  # a date of birth: it must be in the first ten
    assert not found(query, ranked, _index(same, shared=10), 25)  # ten share it: not "more than ten"
    others: dict[int, set[tuple[str, ...]]] = {**same, 3: {("jon", "smith")}}
    assert not found(query, ranked, _index(others, shared=30), 35)  # the first ten are not all exact
    assert not found(query, ranked, _index(others, shared=30), 25)  # Jon Smith shown above it
    assert found(query, ranked, _index(others, shared=30), 2)  # in the first ten
    assert not found(query, [], index, 5)
    # An exact match has every word of the name in one of its names: Jo Ann Smith is one.
    longer: dict[int, set[tuple[str, ...]]] = {**same, 3: {("ann", "jo", "smith")}}
    assert found(query, ranked, _index(longer, shared=30), 35)
    # A one-word alias: the people whose name has that word are exact matches too.
    street = Query("alias", "Jay", None, 0, ("jay",))
    jays: dict[int, set[tuple[str, ...]]] = {pk: {("jay",), ("ann", "lee")} for pk in range(1, 40)}
    jays[2] = {("allen", "jay")}
    assert found(street, ranked, Index({}, lambda pk: jays.get(pk, set()), Counter({("jay",): 11})), 35)


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7


def test_the_results_replace_the_same_run_in_the_docs_and_keep_the_rest(tmp_path: Path):
    import datetime as dt

    docs = tmp_path / "performance.md"
    before = "# Performance\n\n## Results\n\nMetrics.\n\n## What this says\n\nWords.\n"
    docs.write_text(before)
    row = Row("exact", 40, 0.95, 0.9, 10, 20, 30, 40)
    run = Run("SQLite", 1000, 1000, 0.5, "abc1234", "before", dt.date(2026, 11, 30), [row])
    update_docs(docs, run)
    update_docs(docs, Run("SQLite", 1000, 1000, 0.5, "abc1234", "before", dt.date(2026, 11, 30), [row]))
    update_docs(docs, Run("SQLite", 3000, 3000, 1.0, "abc1234", "before", dt.date(2026, 11, 30), [row]))
    text = docs.read_text()
    assert text.count("## Person search at scale") == 1
    assert text.count("### SQLite, 1,000 people, engine abc1234 (before), 30 November 2026") == 1
    assert text.count("### SQLite, 3,000 people") == 1
    assert "| exact | 40 | 0.950 | 0.900 | 10 ms | 20 ms | 30 ms | 40 ms |" in text
    assert text.startswith(before)  # the section goes at the end; what was there stays
    # A section after it stays after it.
    docs.write_text(text + "\n## Later\n\nMore.\n")
    update_docs(docs, Run("SQLite", 9000, 9000, 1.0, "abc1234", "", dt.date(2026, 11, 30), [row]))
    text = docs.read_text()
    assert text.index("### SQLite, 3,000") < text.index("### SQLite, 9,000") < text.index("## Later")


def test_a_tiny_search_benchmark_runs_end_to_end_and_reports_recall_per_kind(db, settings, tmp_path: Path):
    settings.DEMO = True
    out = StringIO()
    docs = tmp_path / "performance.md"
    call_command("bench", "search", "--people", "300", "--queries", "24", "--docs", str(docs), stdout=out)
    report = out.getvalue()
    assert "Import: 300 person rows" in report
    for kind in [*KINDS, "all"]:
        match = re.search(rf"^\| {kind} \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", report, re.MULTILINE)
        assert match, kind
        assert int(match[1]) == (24 if kind == "all" else 4)
        assert 0 <= float(match[2]) <= 1 and 0 <= float(match[3]) <= 1
    assert "### SQLite, 300 people" in docs.read_text() or "### PostgreSQL" in docs.read_text()
    # A second run would mix its people with these: refused.
    with pytest.raises(CommandError, match="already holds records"):
        call_command("bench", "search", "--people", "300", "--queries", "24", "--no-docs", stdout=StringIO())
