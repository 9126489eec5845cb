"""Table summaries: any partitioning gives the exact statistics of one pass."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops_notebooks._kinds import infer_kinds
from mlops_notebooks.summaries.table import TableSummary, merge_summaries, summarize_batch

from .conftest import mixed_frame

EXACT_FIELDS = ("rows", "missing", "infinite", "zeros", "negatives", "minimum", "maximum")


def _partitioned(frame: pl.DataFrame, cuts: list[int]) -> TableSummary:
    kinds = infer_kinds(frame)
    edges = [0, *sorted({c % frame.height for c in cuts}), frame.height]
    parts = [frame.slice(a, b - a) for a, b in itertools.pairwise(edges) if b > a]
    return merge_summaries(summarize_batch(part, kinds) for part in parts)


def _assert_same(whole: TableSummary, merged: TableSummary) -> None:
    assert (merged.rows, merged.duplicate_rows) == (whole.rows, whole.duplicate_rows)
    for name, expected in whole.columns.items():
        got = merged.columns[name]
        for field in EXACT_FIELDS:
            assert getattr(got, field) == getattr(expected, field), (name, field)
        assert got.counts == expected.counts, name
        assert (got.first, got.last) == (expected.first, expected.last), name
        assert got.distinct.estimate() == expected.distinct.estimate(), name
        assert got.moments.count == expected.moments.count, name
        if expected.moments.count > 1:
            assert got.moments.mean == pytest.approx(expected.moments.mean, rel=1e-12)
            assert got.moments.variance == pytest.approx(expected.moments.variance, rel=1e-8)


@settings(max_examples=15, deadline=None)
@given(cuts=st.lists(st.integers(0, 3_000), min_size=1, max_size=30))
def test_any_partitioning_gives_the_one_pass_statistics(cuts: list[int]) -> None:
    frame = mixed_frame(np.random.default_rng(7), rows=3_000)
    whole = summarize_batch(frame, infer_kinds(frame))
    _assert_same(whole, _partitioned(frame, cuts))


def test_values_match_polars(frame: pl.DataFrame) -> None:
    summary = _partitioned(frame, list(range(0, frame.height, 997)))
    x = summary.columns["x"]
    finite = frame.get_column("x").filter(frame.get_column("x").is_finite())
    assert x.missing == frame.get_column("x").is_nan().sum()
    assert x.infinite == 2
    assert x.moments.mean == pytest.approx(finite.mean(), rel=1e-12)
    assert x.moments.std == pytest.approx(finite.std(), rel=1e-10)
    big = summary.columns["big"]
    assert big.moments.variance == pytest.approx(np.var(frame["big"].to_numpy() - 1e9, ddof=1))
    city = summary.columns["city"]
    assert city.counts == dict(frame.get_column("city").value_counts().iter_rows())
    flag = summary.columns["flag"]
    assert flag.counts == {"true": int(frame["flag"].sum()), "false": int((~frame["flag"]).sum())}
    counts = summary.columns["counts"]
    assert counts.missing == frame["counts"].null_count()
    assert counts.distinct.estimate() == frame["counts"].drop_nulls().n_unique()


def test_duplicate_rows_are_counted_across_partitions(frame: pl.DataFrame) -> None:
    doubled = pl.concat([frame, frame.head(500)])
    summary = _partitioned(doubled, [5_000, 12_100])
    assert summary.duplicates_exact
    assert summary.duplicate_rows == doubled.height - doubled.unique().height == 500


def test_beyond_the_exact_limit_duplicates_are_estimated(
    frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_notebooks.summaries import table

    monkeypatch.setattr(table, "EXACT_DUPLICATE_ROWS", 5_000)
    unique = _partitioned(frame, [4_000, 8_000])
    assert not unique.duplicates_exact
    assert unique.duplicate_rows == 0  # sketch noise is not reported as duplicates
    tripled = _partitioned(pl.concat([frame, frame, frame]), [4_000, 16_000, 30_000])
    assert tripled.duplicate_rows == pytest.approx(2 * frame.height, rel=0.03)
