"""Feature encoding: quantile bins, readable predicates, nulls and rare categories."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.segments.encoding import encode_feature


def test_zero_inflated_column_reads_as_greater_than_zero(rng):
    values = np.where(rng.random(1000) < 0.85, 0.0, rng.random(1000) + 0.01)
    feature = encode_feature(pl.Series("precip", values))
    assert feature.texts[0] == "precip == 0"
    np.testing.assert_array_equal(feature.mask(feature.texts.index("precip > 0")), values > 0)


def test_integer_tails_use_greater_or_equal(rng):
    hours = rng.integers(5, 24, 5000)
    feature = encode_feature(pl.Series("hour", hours))
    index = feature.texts.index("hour >= 17")
    np.testing.assert_array_equal(feature.mask(index), hours >= 17)


def test_every_predicate_mask_matches_its_text(rng):
    values = rng.normal(size=2000)
    feature = encode_feature(pl.Series("x", values), n_bins=5)
    for index, text in enumerate(feature.texts):
        expected = np.ones(values.size, dtype=bool)
        for clause in text.split(" and "):
            _, op, number = clause.split(" ")
            expected &= (values > float(number)) if op == ">" else (values <= float(number))
        # texts round edges to 4 significant digits
        assert (feature.mask(index) != expected).mean() < 0.002, text


def test_nulls_and_rare_categories(rng):
    values = ["a"] * 50 + ["b"] * 30 + ["c"] * 3 + [None] * 5
    feature = encode_feature(pl.Series("g", values), max_categories=2)
    assert feature.texts == ['g == "a"', 'g == "b"', "g is null"]
    assert feature.mask(2).sum() == 5
    assert feature.level_labels == ["a", "b", "other", "missing"]


def test_text_column_is_rejected():
    words = pl.Series(
        "review", [f"this is a long free text review number {i} here" for i in range(100)]
    )
    with pytest.raises(InvalidInputError, match="feature 'review' is text"):
        encode_feature(words)
