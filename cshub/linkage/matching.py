"""Matching encodings across hubs (docs/region.md, "Linkage: matching"): a pure function the
region runs on what the hubs sent, and the benchmark runs on synthetic people.

Candidate pairs are records that share a blocking key, of the same kind, held by different
hubs. Each is scored by a logistic model of the Dice coefficients of the two Bloom
filters' sections (`encoding.evidence`, 0 to 1); the pairs at or above the threshold are
kept one-to-one per pair of hubs: greedily, best score first, a record is matched to at most one record of each other hub (it may match one in each)."""

import dataclasses
from collections import defaultdict
from collections.abc import Sequence

from cshub.linkage.encoding import (
    FORENAME_MIN,
    OTHER_FORENAME,
    evidence,
    forenames_alike,
    log_odds,
    probability,
    sections,
)
from cshub.linkage.encoding import parts as name_parts

# Chosen with `cshub bench linkage --seed 2` (docs/performance.md, "Linkage across hubs"):
# the lowest with precision at least 0.99 on the synthetic region of 10 hubs and 100,000
# people (0.9902, recall 0.960; the benchmark reports seed 1).
THRESHOLD = 0.90
# A blocking key shared by more records than this says too little to be worth comparing
# every pair in it (a very common name and year): the records' other keys still find them.
MAX_BLOCK = 2000


@dataclasses.dataclass(frozen=True)
class Encoded:
    hub: str
    ref: str
    kind: str
    bits: int
    blocks: Sequence[str]


@dataclasses.dataclass(frozen=True)
class Pair:
    a: int  # indexes into the records matched
    b: int
    score: float


@dataclasses.dataclass
class Stats:
    records: int = 0
    candidates: int = 0
    above: int = 0
    matches: int = 0


def candidate_scores(records: Sequence[Encoded], threshold: float, stats: Stats | None = None) -> list[Pair]:
    """Every pair of records sharing a block, across hubs, of one kind, scoring ≥ threshold."""
    stats = stats if stats is not None else Stats()
    stats.records = len(records)
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        for key in record.blocks:
            index[(record.kind, key)].append(i)
    members = {key: ids for key, ids in index.items() if 1 < len(ids) <= MAX_BLOCK}
    by_record: list[list[list[int]]] = [[] for _ in records]
    for ids in members.values():
        for i in ids:
            by_record[i].append(ids)
    parts = [sections(r.bits) for r in records]
    names = [name_parts(r.bits) for r in records]
    counts = [(n.bit_count(), d.bit_count(), p.bit_count()) for n, d, p in parts]
    hubs = [r.hub for r in records]
    at_least = log_odds(threshold)
    found: list[Pair] = []
    for i, lists in enumerate(by_record):
        if not lists:
            continue
        others: set[int] = set()
        for ids in lists:
            others.update(ids)
        hub, (n, d, p), (cn, cd, cp) = hubs[i], parts[i], counts[i]
        for j in others:
            if j <= i or hubs[j] == hub:
                continue
            stats.candidates += 1
            # encoding.score(), unrolled: this loop is the region's time.
            (n2, d2, p2), (cn2, cd2, cp2) = parts[j], counts[j]
            z = evidence(
                2 * (n & n2).bit_count() / (cn + cn2) if cn and cn2 else 0.0,
                2 * (d & d2).bit_count() / (cd + cd2) if cd and cd2 else None,
                2 * (p & p2).bit_count() / (cp + cp2) if cp and cp2 else None,
            )
            if z >= at_least:
                fore = forenames_alike(names[i], names[j])
                score = probability(z)
                if fore is not None and fore < FORENAME_MIN:
                    score = min(score, OTHER_FORENAME)
                if score >= threshold:
                    found.append(Pair(i, j, score))
    stats.above = len(found)
    return found


def one_to_one(records: Sequence[Encoded], pairs: Sequence[Pair]) -> list[Pair]:
    """Best first, each record matched to at most one record of each other hub."""
    taken: set[tuple[int, str]] = set()
    kept: list[Pair] = []
    for pair in sorted(pairs, key=lambda p: (-p.score, records[p.a].ref, records[p.b].ref)):
        a_side, b_side = (pair.a, records[pair.b].hub), (pair.b, records[pair.a].hub)
        if a_side in taken or b_side in taken:
            continue
        taken.update((a_side, b_side))
        kept.append(pair)
    return kept


def find_matches(
    records: Sequence[Encoded], threshold: float = THRESHOLD, stats: Stats | None = None
) -> list[Pair]:
    stats = stats if stats is not None else Stats()
    kept = one_to_one(records, candidate_scores(records, threshold, stats))
    stats.matches = len(kept)
    return kept
