"""`cshub bench linkage`: the encoding and matching on synthetic people of N hubs, scored
against the truth, beside Splink on the same people in the clear (docs/performance.md,
"Linkage across hubs").

What is timed is what the hubs and the region do: encoding every record (with its blocking
keys) and matching them (blocking, Dice, one-to-one per pair of hubs). Splink (DuckDB) is
the accuracy reference only: a probabilistic model (Fellegi-Sunter, trained by expectation
maximisation) that sees the names, dates of birth and districts themselves."""

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

from cshub.linkage import encoding, matching, synthetic
from cshub.linkage.matching import Encoded, Pair


@dataclasses.dataclass
class Score:
    threshold: float
    precision: float
    recall: float
    f1: float
    true: int
    false: int
    missed: int

    def row(self) -> str:
        return (
            f"{self.threshold:.2f}  precision {self.precision:.4f}  recall {self.recall:.4f}  "
            f"F1 {self.f1:.4f}  (right {self.true}, false matches {self.false}, missed {self.missed})"
        )


def score(found: set[tuple[int, int]], truth: set[tuple[int, int]], threshold: float) -> Score:
    true = len(found & truth)
    false, missed = len(found) - true, len(truth) - true
    precision = true / len(found) if found else 1.0
    recall = true / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(threshold, precision, recall, f1, true, false, missed)


def encode_all(records: Sequence[synthetic.Record]) -> list[Encoded]:
    out = []
    for r in records:
        ids = r.identifiers()
        out.append(
            Encoded(str(r.hub), r.person + f"@{r.hub}", r.kind, encoding.encode(ids), encoding.blocks(ids))
        )
    return out


def sweep(
    encoded: Sequence[Encoded],
    candidates: Sequence[Pair],
    truth: set[tuple[int, int]],
    thresholds: Sequence[float],
) -> list[Score]:
    """Precision and recall at each threshold, one-to-one as the region keeps them."""
    scores = []
    for t in thresholds:
        kept = matching.one_to_one(encoded, [p for p in candidates if p.score >= t])
        scores.append(score({(min(p.a, p.b), max(p.a, p.b)) for p in kept}, truth, t))
    return scores


def best(scores: Sequence[Score]) -> Score:
    return max(scores, key=lambda s: (s.f1, s.threshold))


@dataclasses.dataclass
class Result:
    hubs: int
    people: int
    records: int
    true_pairs: int
    encode_seconds: float
    match_seconds: float
    candidates: int
    at_threshold: Score
    sweep: list[Score]
    splink: Score | None = None
    splink_seconds: float | None = None
    splink_error: str = ""


def run(
    hubs: int,
    people: int,
    *,
    seed: int = 1,
    threshold: float = matching.THRESHOLD,
    with_splink: bool = True,
    families: float = 0.0,
    progress: Callable[[str], Any] = lambda _: None,
) -> Result:
    progress(f"generating {people} people over {hubs} hubs")
    records = synthetic.generate(hubs, people, seed=seed, families=families)
    truth = set(synthetic.true_pairs(records))
    progress(f"{len(records)} records, {len(truth)} true pairs; encoding")
    started = time.perf_counter()
    encoded = encode_all(records)
    encode_seconds = time.perf_counter() - started
    progress(f"encoded in {encode_seconds:.1f} s; matching")
    started = time.perf_counter()
    stats = matching.Stats()
    kept = matching.find_matches(encoded, threshold, stats)
    match_seconds = time.perf_counter() - started
    at = score({(min(p.a, p.b), max(p.a, p.b)) for p in kept}, truth, threshold)
    progress(f"matched in {match_seconds:.1f} s: {at.row()}")
    low = matching.candidate_scores(encoded, 0.5)
    scores = sweep(encoded, low, truth, [round(0.5 + i / 100, 2) for i in range(50)])
    result = Result(
        hubs, people, len(records), len(truth), encode_seconds, match_seconds, stats.candidates, at, scores
    )
    if with_splink:
        progress("Splink (DuckDB) on the same people in the clear")
        started = time.perf_counter()
        try:
            from cshub.linkage import splink_reference

            result.splink = splink_reference.best_score(records, truth)
        except ImportError as missing:
            result.splink_error = f"Splink is not installed ({missing}): pip install -r requirements-dev.txt"
        result.splink_seconds = time.perf_counter() - started
    return result


def add_arguments(parser: Any) -> None:
    parser.add_argument("--no-splink", action="store_true", help="linkage: leave out the Splink reference")
    parser.add_argument(
        "--families",
        type=float,
        default=0.0,
        help="linkage: the share of people with a brother or sister at another hub (never a match)",
    )
    parser.add_argument(
        "--threshold", type=float, default=matching.THRESHOLD, help="linkage: the score a match needs"
    )


def command(options: dict[str, Any], write: Callable[[str], Any]) -> None:
    """`cshub bench linkage --hubs N --people N [--seed N] [--no-splink]`."""
    result = run(
        options["hubs"],
        options["people"],
        seed=options["seed"],
        threshold=options["threshold"],
        with_splink=not options["no_splink"],
        families=options.get("families") or 0.0,
        progress=write,
    )
    write(
        f"Hubs {result.hubs}, people {result.people:,}, records {result.records:,}, true pairs {result.true_pairs:,}"
    )
    write(
        f"Encoding (filters and blocking keys): {result.encode_seconds:.1f} s; matching "
        f"({result.candidates:,} candidate pairs): {result.match_seconds:.1f} s; together "
        f"{result.encode_seconds + result.match_seconds:.1f} s"
    )
    write(f"At the threshold: {result.at_threshold.row()}")
    write(
        f"False match rate: {result.at_threshold.false / max(result.records, 1) * 1000:.2f} per 1,000 records"
    )
    top = best(result.sweep)
    write(f"Best F1 of the sweep: {top.row()}")
    for s in result.sweep:
        if s.precision >= 0.99:
            write(f"Highest recall at precision >= 0.99: {s.row()}")
            break
    if result.splink is not None:
        write(
            f"Splink (DuckDB, in the clear), best threshold: {result.splink.row()} in {result.splink_seconds:.1f} s"
        )
        write(f"F1, encoded minus Splink: {result.at_threshold.f1 - result.splink.f1:+.4f}")
    elif result.splink_error:
        write(result.splink_error)
