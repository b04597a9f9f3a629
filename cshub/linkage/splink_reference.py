"""Splink (DuckDB backend) on the benchmark's people in the clear: the accuracy reference of
`cshub bench linkage`. Splink is a development dependency (requirements-dev.txt), never part
of a running hub or region.

The model: forename and surname (exact, swapped, Jaro-Winkler, either part exact), date of
birth (exact, one character, within a month, a year, ten years), postcode district (exact),
term frequencies of the names; the probability that two records match estimated from exact
name and date of birth, u by random sampling, m by expectation maximisation in two blocks.
Its matches are kept one-to-one per pair of hubs as the region keeps its own, and scored at
the match probability that gives the best F1."""

from collections.abc import Sequence
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
import splink.comparison_library as cl  # type: ignore[import-not-found, unused-ignore]
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # type: ignore[import-not-found, unused-ignore]

from cshub.linkage import synthetic
from cshub.linkage.matching import Encoded, Pair


def _table(records: Sequence[synthetic.Record], hub: int) -> Any:
    rows = [(i, r) for i, r in enumerate(records) if r.hub == hub]
    return pa.table(
        {
            "unique_id": [i for i, _ in rows],
            "first_name": [r.forename.lower() or None for _, r in rows],
            "surname": [r.surname.lower() or None for _, r in rows],
            "dob": [r.date_of_birth.isoformat() if r.date_of_birth else None for _, r in rows],
            "district": [r.district or None for _, r in rows],
        }
    )


def predictions(records: Sequence[synthetic.Record]) -> list[Pair]:
    """Every pair Splink scores (match probability at least 0.01), record indexes."""
    db = DuckDBAPI()
    hubs = sorted({r.hub for r in records})
    tables = [db.register(_table(records, h), dataset_display_name=f"hub{h}") for h in hubs]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.ForenameSurnameComparison("first_name", "surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("district"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob"),
            block_on("surname", "substr(dob, 1, 7)"),
            block_on("first_name", "substr(dob, 1, 7)"),
            {
                "blocking_rule": "l.first_name = r.surname and l.surname = r.first_name",
                "sql_dialect": "duckdb",
            },
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    found = linker.inference.predict(threshold_match_probability=0.01).as_record_list()
    return [Pair(int(p["unique_id_l"]), int(p["unique_id_r"]), float(p["match_probability"])) for p in found]


def best_score(records: Sequence[synthetic.Record], truth: set[tuple[int, int]]) -> Any:
    from cshub.linkage.bench import best, sweep

    pairs = predictions(records)
    shells = [Encoded(str(r.hub), str(i), r.kind, 0, ()) for i, r in enumerate(records)]
    thresholds = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999]
    return best(sweep(shells, pairs, truth, thresholds))
