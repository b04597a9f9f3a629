"""Linkage accuracy on synthetic people with the truth known (a small region; the full-scale
figures are `cshub bench linkage`, docs/performance.md). Not timed. Seed 3: the score was
fitted on seed 2 and is reported on seed 1."""

from cshub.linkage import bench, matching, synthetic


def found_pairs(found: list[matching.Pair]) -> set[tuple[int, int]]:
    return {(min(p.a, p.b), max(p.a, p.b)) for p in found}


def test_precision_and_recall_on_a_small_synthetic_region() -> None:
    records = synthetic.generate(4, 4000, seed=3, families=synthetic.FAMILIES)
    truth = set(synthetic.true_pairs(records))
    assert len(truth) > 500
    encoded = bench.encode_all(records)
    found = matching.find_matches(encoded)
    result = bench.score(found_pairs(found), truth, matching.THRESHOLD)
    false_match_rate = result.false / len(records)
    report = f"{result.row()}; false match rate {false_match_rate * 1000:.2f} per 1,000 records"
    assert result.precision >= 0.99, report
    assert result.recall >= 0.95, report  # schema 1 measured 0.9457 here: this fails for it
    assert false_match_rate <= 0.002, report
    # Families (a brother or sister at another hub, twins among them) are never one person.
    family = [
        (a, b)
        for a, b in found_pairs(found)
        if records[a].person.split("-")[0] == records[b].person.split("-")[0]
    ]
    assert len([p for p in family if p not in truth]) <= 0.02 * sum(
        r.person.endswith("-sibling") for r in records
    ), report
    # One-to-one: no record is matched twice with the same other hub.
    sides = [(p.a, encoded[p.b].hub) for p in found] + [(p.b, encoded[p.a].hub) for p in found]
    assert len(sides) == len(set(sides))


def test_the_synthetic_region_is_the_same_for_the_same_seed_and_shares_people() -> None:
    first, again = (synthetic.generate(3, 500, seed=5, families=synthetic.FAMILIES) for _ in range(2))
    assert first == again
    people = {r.person for r in first if not r.person.endswith("-sibling")}
    assert len(people) == 500
    # Brothers and sisters at another hub: the same surname, another person.
    siblings = [r for r in first if r.person.endswith("-sibling")]
    assert siblings and all(r.person.removesuffix("-sibling") in people for r in siblings)
    pairs = list(synthetic.true_pairs(first))
    assert len(first) > 550 and len(pairs) > 50
    assert all(first[a].hub != first[b].hub for a, b in pairs)
    # Recorded differently at the other hub, as hubs do: most often the name or the date.
    changed = [(a, b) for a, b in pairs if first[a].identifiers() != first[b].identifiers()]
    assert len(changed) > len(pairs) / 3
