"""Summaries of two partitions merge into the summary of the whole."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks._kinds import infer_kinds
from mlops_notebooks.eda.compute import summarize_columns
from mlops_notebooks.eda.summaries import MERGE_MISMATCH, Moments, merge_moments
from mlops_notebooks.errors import InvalidInputError


def _columns(frame: pl.DataFrame):  # type: ignore[no-untyped-def]
    return summarize_columns(frame, infer_kinds(frame))


@pytest.fixture
def frame(rng: np.random.Generator) -> pl.DataFrame:
    n = 6_000
    return pl.DataFrame(
        {
            "x": rng.lognormal(0, 0.7, n) + np.arange(n) / n,  # drifts: partitions differ
            "c": rng.choice(["a", "b", "c", "d"], n),
            "t": [f"some words here number {i % 97} and more words" for i in range(n)],
        }
    )


def test_merged_moments_and_counts_equal_the_whole(frame: pl.DataFrame) -> None:
    whole = _columns(frame)
    first, second = _columns(frame.head(2_500)), _columns(frame.tail(3_500))
    for full, a, b in zip(whole, first, second, strict=True):
        merged = a.merge(b)
        assert (merged.count, merged.missing) == (full.count, full.missing)
        if full.numeric is not None:
            assert merged.numeric is not None
            assert merged.numeric.mean == pytest.approx(full.numeric.mean, rel=1e-12)
            for stat in ("std", "skewness", "kurtosis"):
                assert getattr(merged.numeric.moments, stat) == pytest.approx(
                    getattr(full.numeric.moments, stat), rel=1e-9
                )
            assert merged.numeric.minimum == full.numeric.minimum
            assert merged.numeric.maximum == full.numeric.maximum
            # Quantiles come from the merged sketch: within one percentile step of rank.
            values = np.sort(frame.get_column("x").to_numpy())
            for q, estimate in merged.numeric.quantiles.items():
                rank = np.searchsorted(values, estimate) / values.size
                assert abs(rank - q) <= 0.011
            assert not merged.distinct_exact
        if full.categorical is not None:
            assert merged.categorical == full.categorical
            assert merged.distinct == full.distinct and merged.distinct_exact
        if full.text is not None:
            assert merged.text is not None
            assert merged.text.length.mean == pytest.approx(full.text.length.mean, rel=1e-12)
            assert merged.text.words_max == full.text.words_max


def test_merge_moments_with_an_empty_partition_is_identity() -> None:
    moments = Moments(3, 2.0, 2.0, 0.0, 2.0)
    assert merge_moments(moments, Moments(0, 0.0, 0.0, 0.0, 0.0)) is moments


def test_merging_different_columns_is_a_typed_error(frame: pl.DataFrame) -> None:
    x, c, _ = _columns(frame)
    with pytest.raises(InvalidInputError) as error:
        x.merge(c)
    assert str(error.value) == MERGE_MISMATCH.format(a="x", b="c")
