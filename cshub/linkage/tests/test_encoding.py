"""The keyed Bloom-filter encoding (schema 1): what it tolerates and what it keeps apart."""

import datetime as dt

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


def test_the_filter_is_1024_bits_and_the_same_for_the_same_record() -> None:
    bits = encoding.encode(ids())
    assert bits == encoding.encode(ids())
    assert len(encoding.to_bytes(bits)) == 128
    assert encoding.from_bytes(encoding.to_bytes(bits)) == bits
    assert score(ids(), ids()) == 1.0


def test_a_misspelling_a_swap_a_wrong_day_and_a_move_still_score_above_the_threshold() -> None:
    from cshub.linkage.matching import THRESHOLD

    assert score(ids(), ids("Kaydn")) >= THRESHOLD
    assert score(ids(), ids("Ashworth", "Kayden")) >= 0.95
    assert score(ids(), ids(born=BORN + dt.timedelta(days=1))) >= THRESHOLD
    assert score(ids(), ids(born=dt.date(2011, 3, 16), district="BL9")) >= THRESHOLD
    assert score(ids(), ids(born=None)) >= THRESHOLD


def test_an_alias_known_at_one_hub_matches_the_name_the_other_hub_uses() -> None:
    known_as = ids(aliases=(Name("Kay", "Marsh"),))
    assert score(known_as, ids("Kay", "Marsh")) >= 0.78


def test_other_people_score_below_the_threshold() -> None:
    from cshub.linkage.matching import THRESHOLD

    assert score(ids(), ids("Amara", "Brambleford", dt.date(2009, 1, 2), district="BL9")) < 0.5
    # Another name, born the same day in the same district.
    assert score(ids(), ids("Amara", "Brambleford")) < THRESHOLD
    # The same name, another child in another hub's area, born in another month of the year.
    assert score(ids(), ids(born=dt.date(2011, 9, 2), district="BL9")) < THRESHOLD


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
