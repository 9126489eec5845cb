"""Kind inference: one-pass ``infer_kinds`` agrees with ``infer_kind`` (``_kinds``)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mlops_notebooks._kinds import ColumnKind, infer_kind, infer_kinds

FRAME = pl.DataFrame(
    {
        "float": [0.5, 1.5] * 30,
        "int": [1, 2, 3] * 20,
        "row_id": list(range(60)),
        "bool": [True, False] * 30,
        "when": [dt.datetime(2024, 1, 1)] * 60,
        "cat": ["a", "b", "c"] * 20,
        "key": [f"id-{i}" for i in range(60)],
        "text": ["a sentence with quite a few words in it"] * 60,
        "empty": pl.Series([None] * 60, dtype=pl.String),
        "nested": [[1, 2]] * 60,
    }
)
EXPECTED = {
    "float": ColumnKind.NUMERIC,
    "int": ColumnKind.NUMERIC,
    "row_id": ColumnKind.IDENTIFIER,
    "bool": ColumnKind.BOOLEAN,
    "when": ColumnKind.DATETIME,
    "cat": ColumnKind.CATEGORICAL,
    "key": ColumnKind.IDENTIFIER,
    "text": ColumnKind.TEXT,
    "empty": ColumnKind.EMPTY,
    "nested": ColumnKind.CATEGORICAL,
}


def test_infer_kinds_of_every_dtype() -> None:
    assert infer_kinds(FRAME) == EXPECTED


@pytest.mark.parametrize("name", list(EXPECTED))
def test_infer_kind_agrees_with_infer_kinds(name: str) -> None:
    assert infer_kind(FRAME.get_column(name)) == EXPECTED[name]


def test_string_identifier_ignores_nulls() -> None:
    values = [f"id-{i}" for i in range(60)] + [None] * 5
    assert infer_kind(pl.Series("k", values)) == ColumnKind.IDENTIFIER


def test_all_distinct_integers_named_like_a_key_are_identifiers() -> None:
    values = list(range(0, 300, 3))  # distinct, not consecutive
    assert infer_kind(pl.Series("flight_id", values)) == ColumnKind.IDENTIFIER
    assert infer_kind(pl.Series("amount", values)) == ColumnKind.NUMERIC
