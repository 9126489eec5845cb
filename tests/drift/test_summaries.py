"""Summaries: exact vs fine-grid, merging partitions, shares for binned methods."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from mlops_notebooks._kinds import ColumnKind
from mlops_notebooks.drift.methods import MethodInput, get_method
from mlops_notebooks.drift.summaries import (
    ColumnPlan,
    align,
    display_histogram,
    plan_column,
    summarize,
)


def test_exact_summary_counts_every_value_and_missing() -> None:
    series = pl.Series("x", [1.0, 2.0, 2.0, None, float("nan"), float("inf")])
    summary = summarize(series, ColumnPlan("x", ColumnKind.NUMERIC))
    assert summary.support.tolist() == [1.0, 2.0]
    assert summary.counts.tolist() == [1, 2]
    assert (summary.missing, summary.infinite, summary.rows) == (2, 1, 6)
    assert summary.mean == pytest.approx(5 / 3) and summary.std == pytest.approx(np.std([1, 2, 2]))


def test_many_distinct_values_use_fine_grid_and_keep_tails_exact(rng: np.random.Generator) -> None:
    a = pl.Series("x", rng.standard_t(3, 150_000))
    b = pl.Series("x", rng.standard_t(3, 150_000) + 0.05)
    plan = plan_column("x", ColumnKind.NUMERIC, a, b)
    assert not plan.exact and plan.bins > 1000
    ref, cur = summarize(a, plan), summarize(b, plan)
    assert ref.count == 150_000 and ref.maximum == a.max()
    assert a.max() in ref.support  # tail values kept exactly
    width = (plan.high - plan.low) / plan.bins
    binned = get_method("wasserstein").compute(MethodInput(ref, cur)).statistic * ref.std
    exact = stats.wasserstein_distance(a.to_numpy(), b.to_numpy())
    assert abs(binned - exact) <= width  # documented bound: one fine bin


def test_merging_partitions_equals_summary_of_whole(rng: np.random.Generator) -> None:
    values = pl.Series("x", rng.integers(0, 30, 1000).astype(float))
    plan = ColumnPlan("x", ColumnKind.NUMERIC)
    whole = summarize(values, plan)
    merged = summarize(values[:300], plan).merge(summarize(values[300:], plan))
    assert np.array_equal(merged.support, whole.support)
    assert np.array_equal(merged.counts, whole.counts)
    assert merged.mean == pytest.approx(whole.mean, abs=1e-12)
    assert merged.std == pytest.approx(whole.std, abs=1e-12)
    assert (merged.rows, merged.minimum, merged.maximum) == (1000, whole.minimum, whole.maximum)


def test_categorical_merge_and_align() -> None:
    plan = ColumnPlan("c", ColumnKind.CATEGORICAL)
    left = summarize(pl.Series("c", ["a", "b", None]), plan)
    right = summarize(pl.Series("c", ["b", "c"]), plan)
    merged = left.merge(right)
    assert merged.support.tolist() == ["a", "b", "c"] and merged.counts.tolist() == [1, 2, 1]
    support, l_counts, r_counts = align(left, right)
    assert support.tolist() == ["a", "b", "c"]
    assert l_counts.tolist() == [1, 1, 0] and r_counts.tolist() == [0, 1, 1]
    assert merged.missing == 1


def test_display_histogram_keeps_totals(rng: np.random.Generator) -> None:
    summary = summarize(pl.Series("x", rng.normal(size=500)), ColumnPlan("x", ColumnKind.NUMERIC))
    points, counts = display_histogram(summary, 20)
    assert len(points) == 20 and counts.sum() == 500
