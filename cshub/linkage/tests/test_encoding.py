"""The keyed Bloom-filter encoding (schema 2) and its score: what it tolerates and what it keeps apart."""

import datetime as dt
import math

import pytest
from django.test import override_settings

from cshub.linkage import encoding
from cshub.linkage.encoding import Identifiers, Name

BORN = dt.date(2011, 3, 14)


def ids(
    forename: str = "Kayden", surname: str = "Ashworth", born: dt.date | None = BORN, **kw: object
) -> Identifiers:
    names = (Name(forename, surname), *kw.pop("aliases", ()))  # type: ignore[misc]
    return Identifiers(names, born, str(kw.pop("district", "M8")))


def score(a: Identifiers, b: Identifiers) -> float:
    return encoding.score(encoding.encode(a), encoding.encode(b))


def test_the_filter_is_1536_bits_and_the_same_for_the_same_record() -> None:
    bits = encoding.encode(ids())
    assert bits == encoding.encode(ids())
    assert len(encoding.to_bytes(bits)) == 192
    assert encoding.from_bytes(encoding.to_bytes(bits)) == bits
    assert score(ids(), ids()) > 0.9999  # the score is a probability: never quite 1


def test_a_misspelling_a_swap_a_wrong_day_and_a_move_still_score_above_the_threshold() -> None:
    from cshub.linkage.matching import THRESHOLD

    assert score(ids(), ids("Kaydn")) >= THRESHOLD
    assert score(ids(), ids("Ashworth", "Kayden")) >= 0.95
    assert score(ids(), ids(born=BORN + dt.timedelta(days=1))) >= THRESHOLD
    assert score(ids(), ids(born=dt.date(2011, 3, 16), district="BL9")) >= THRESHOLD
    assert score(ids(), ids(born=None)) >= THRESHOLD


def test_an_alias_known_at_one_hub_matches_the_name_the_other_hub_uses() -> None:
    from cshub.linkage.matching import THRESHOLD

    known_as = ids(aliases=(Name("Kay", "Marsh"),))
    assert score(known_as, ids("Kay", "Marsh")) >= THRESHOLD


def test_other_people_score_below_the_threshold() -> None:
    from cshub.linkage.matching import THRESHOLD

    assert score(ids(), ids("Amara", "Brambleford", dt.date(2009, 1, 2), district="BL9")) < 0.5
    # Another name, born the same day in the same district.
    assert score(ids(), ids("Amara", "Brambleford")) < THRESHOLD
    # The same name, another child in another hub's area, born in another month of the year.
    assert score(ids(), ids(born=dt.date(2011, 9, 2), district="BL9")) < THRESHOLD
    # The same forename, born the same day, in another hub's area: a coincidence of a common
    # name and a birthday, not enough.
    assert score(ids(), ids("Kayden", "Brambleford", district="BL9")) < THRESHOLD


def test_two_children_of_one_family_are_kept_apart_whatever_else_agrees() -> None:
    """Twins (another forename, the same surname, date and district) and a brother and sister
    born days apart: the forenames share nothing beyond chance, so no match."""
    from cshub.linkage.matching import THRESHOLD

    assert score(ids("Ethan", "Lindenfield"), ids("Jordan", "Lindenfield")) <= encoding.OTHER_FORENAME
    assert (
        score(ids("Ethan", "Lindenfield"), ids("Jordan", "Lindenfield", BORN + dt.timedelta(days=2)))
        < THRESHOLD
    )
    assert score(ids("Kayden"), ids("Maisie")) < THRESHOLD
    # What the forenames' own sections still let through: a typo, a nickname, names the
    # other way round, a short name misspelt, a name known at the other hub as an alias.
    assert score(ids("Jayden"), ids("Jaydon")) >= THRESHOLD
    assert score(ids("Dominic"), ids("Dom")) >= THRESHOLD
    assert score(ids("Polly"), ids("Mary")) >= THRESHOLD
    assert score(ids("Tyler", "Bramblecombe"), ids("Bramblecombe", "Tyler")) >= THRESHOLD
    assert score(ids("Amy"), ids("Ami")) >= THRESHOLD
    assert score(ids(aliases=(Name("JJ", "Ashworth"),)), ids("JJ")) >= THRESHOLD


def section_dice(a: Identifiers, b: Identifiers) -> list[float]:
    x, y = encoding.encode(a), encoding.encode(b)
    return [encoding.dice(x & mask, y & mask) for mask in encoding.MASKS.values()]


def test_dates_of_birth_a_few_days_apart_share_windows_of_days_across_a_month_end() -> None:
    def dob(born: dt.date) -> float:
        return section_dice(ids(), ids(born=born))[1]

    one, three, week = (dob(BORN + dt.timedelta(days=n)) for n in (1, 3, 7))
    other_month, other_year = dob(dt.date(2011, 9, 2)), dob(dt.date(2012, 3, 14))
    assert 1.0 > one > three > week
    assert three > max(other_month, other_year) + 0.1
    # The 31st of January and the 1st of February are a day apart.
    end, next_day = (encoding.encode(ids(born=d)) for d in (dt.date(2011, 1, 31), dt.date(2011, 2, 1)))
    mask = encoding.MASKS["dob"]
    across = encoding.dice(end & mask, next_day & mask)
    assert across > dob(BORN + dt.timedelta(days=7))


def test_the_score_rises_with_each_section_and_a_closer_date_never_scores_lower() -> None:
    steps = [i / 20 for i in range(21)]
    for names in steps:
        for district in (None, 0.0, 1.0):
            by_date = [encoding.evidence(names, dob, district) for dob in steps]
            assert by_date == sorted(by_date), (names, district)
    for dob in (None, 0.3, 0.7, 1.0):
        by_names = [encoding.evidence(names, dob, 0.0) for names in steps]
        assert by_names == sorted(by_names), dob
        assert (
            encoding.evidence(0.9, dob, 1.0)
            > encoding.evidence(0.9, dob, None)
            > encoding.evidence(0.9, dob, 0.0)
        )
    assert encoding.probability(encoding.log_odds(0.9)) == pytest.approx(0.9)
    assert encoding.log_odds(0.0) == -math.inf and encoding.log_odds(1.0) == math.inf


def test_the_regions_unrolled_scoring_is_the_encodings_score() -> None:
    from cshub.linkage import matching

    people = [
        ids(),
        ids("Kaydn", born=BORN + dt.timedelta(days=2), district="BL9"),
        ids(born=None),
        ids("Kayden", "Brambleford"),
        ids("Ashworth", "Kayden", district=""),
    ]
    records = [
        matching.Encoded(str(i), f"r{i}", "child", encoding.encode(p), encoding.blocks(p))
        for i, p in enumerate(people)
    ]
    pairs = matching.candidate_scores(records, 0.0)
    assert len(pairs) >= 6
    for pair in pairs:
        assert pair.score == pytest.approx(encoding.score(records[pair.a].bits, records[pair.b].bits))


def test_without_the_secret_the_filter_and_the_blocking_keys_are_other_bits() -> None:
    with override_settings(CSHUB_LINKAGE_SECRET="another-region"):
        other, other_blocks = encoding.encode(ids()), encoding.blocks(ids())
    assert other != encoding.encode(ids())
    assert not set(other_blocks) & set(encoding.blocks(ids()))


def test_blocking_keys_are_keyed_hex_and_shared_through_a_swap_a_typo_and_a_wrong_day() -> None:
    keys = set(encoding.blocks(ids()))
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in keys)
    assert keys & set(encoding.blocks(ids("Ashworth", "Kayden")))
    assert keys & set(encoding.blocks(ids("Kaydn", born=BORN + dt.timedelta(days=2))))
    assert keys & set(encoding.blocks(ids(born=None)))
    assert not keys & set(encoding.blocks(ids("Amara", "Brambleford", dt.date(2009, 1, 2))))


def test_districts_are_outward_codes() -> None:
    assert encoding.district_of("M8 5RT") == "M8"
    assert encoding.district_of("bl94aa") == "BL9"
    assert encoding.district_of("") == ""
