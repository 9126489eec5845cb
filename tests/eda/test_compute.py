"""Per-column statistics equal numpy / scipy / pandas on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy import stats

from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks.eda._sorted import median_abs_deviation
from mlops_notebooks.eda.compute import (
    MAX_KEPT_VALUES,
    count_duplicate_rows,
    summarize_columns,
)
from mlops_notebooks.eda.summaries import REPORTED_QUANTILES


def _profile_of(values: np.ndarray, name: str = "x"):  # type: ignore[no-untyped-def]
    frame = pl.DataFrame({name: values})
    return summarize_columns(frame, infer_kinds(frame))[0]


@pytest.mark.parametrize("size", [4, 5, 101, 10_000])
def test_numeric_statistics_equal_pandas_and_scipy(rng: np.random.Generator, size: int) -> None:
    values = rng.gamma(2.0, 3.0, size) - 2.0
    column = _profile_of(values)
    numeric = column.numeric
    assert numeric is not None
    series = pd.Series(values)
    assert numeric.mean == pytest.approx(series.mean(), rel=1e-12)
    assert numeric.moments.std == pytest.approx(series.std(), rel=1e-10)
    assert numeric.moments.skewness == pytest.approx(series.skew(), rel=1e-9)
    assert numeric.moments.kurtosis == pytest.approx(series.kurt(), rel=1e-9)
    assert numeric.moments.skewness == pytest.approx(stats.skew(values, bias=False), rel=1e-9)
    assert numeric.moments.kurtosis == pytest.approx(stats.kurtosis(values, bias=False), rel=1e-9)
    expected = np.quantile(values, REPORTED_QUANTILES, method="linear")
    assert list(numeric.quantiles.values()) == pytest.approx(list(expected), rel=1e-12, abs=1e-12)
    assert numeric.minimum == values.min() and numeric.maximum == values.max()
    assert numeric.negatives == int((values < 0).sum())
    assert column.distinct == series.nunique()


def test_outlier_counts_and_mad_equal_reference(rng: np.random.Generator) -> None:
    values = np.concatenate([rng.normal(0, 1, 5_000), [25.0, -30.0, 40.0]])
    numeric = _profile_of(values).numeric
    assert numeric is not None
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
    fence = 1.5 * (q3 - q1)
    assert numeric.iqr_outliers == int(((values < q1 - fence) | (values > q3 + fence)).sum())
    mad = stats.median_abs_deviation(values)
    assert numeric.mad == pytest.approx(mad, rel=1e-12)
    robust = np.abs(values - median) / (1.4826 * mad)
    assert numeric.robust_z_outliers == int((robust > 3.5).sum())


@pytest.mark.parametrize("size", [1, 2, 3, 10, 11])
def test_median_abs_deviation_matches_scipy_for_small_sizes(
    rng: np.random.Generator, size: int
) -> None:
    values = np.sort(rng.integers(0, 5, size).astype(float))
    median = float(np.median(values))
    assert median_abs_deviation(values, median) == pytest.approx(
        stats.median_abs_deviation(values), abs=1e-12
    )


def test_nan_is_missing_and_infinities_are_counted_apart() -> None:
    column = _profile_of(np.array([1.0, np.nan, np.inf, -np.inf, 3.0, 0.0]))
    assert column.missing == 1
    assert column.numeric is not None
    assert column.numeric.infinities == 2
    assert column.numeric.mean == pytest.approx(4 / 3)
    assert (column.numeric.minimum, column.numeric.maximum) == (0.0, 3.0)
    assert column.numeric.zeros == 1
    assert column.distinct == 5  # 0, 1, 3, -inf, +inf


def test_string_value_counts_and_distinct() -> None:
    frame = pl.DataFrame({"s": ["a", "b", "a", None, "c", "a"] * 20})
    column = summarize_columns(frame, infer_kinds(frame))[0]
    assert column.kind == "categorical"
    assert column.missing == 20 and column.distinct == 3
    assert column.categorical is not None
    assert column.categorical.top(2) == [("a", 60), ("b", 20)]
    assert column.categorical.rare_share(0.25) == pytest.approx(0.4)


@pytest.mark.parametrize("integers", [False, True])
def test_counts_read_off_the_sorted_values_equal_numpy(
    rng: np.random.Generator, integers: bool
) -> None:
    values = rng.integers(-3, 4, 2_000).astype(float)
    if not integers:
        values[rng.random(values.size) < 0.05] = np.nan
        values[rng.random(values.size) < 0.03] = np.inf
        values[rng.random(values.size) < 0.03] = -np.inf
        values[rng.random(values.size) < 0.05] = -0.0
    nulls = rng.random(values.size) < 0.04
    series = pl.Series("x", values).cast(pl.Int64 if integers else pl.Float64)
    series = pl.select(pl.when(pl.lit(pl.Series(nulls))).then(None).otherwise(series)).to_series()
    column = summarize_columns(series.to_frame("x"), {"x": ColumnKind.NUMERIC})[0]
    finite = values[~nulls & np.isfinite(values)]
    assert column.missing == int(nulls.sum() + (np.isnan(values) & ~nulls).sum())
    assert column.numeric is not None
    assert column.numeric.moments.count == finite.size
    assert column.numeric.infinities == int((np.isinf(values) & ~nulls).sum())
    assert column.numeric.zeros == int((finite == 0).sum())
    assert column.numeric.negatives == int((finite < 0).sum())
    infinite = {float(v) for v in values[~nulls & np.isinf(values)]}
    assert column.distinct == np.unique(finite).size + len(infinite)
    expected = np.quantile(finite, REPORTED_QUANTILES)
    assert list(column.numeric.quantiles.values()) == pytest.approx(list(expected), abs=1e-12)


@pytest.mark.parametrize("levels", [MAX_KEPT_VALUES, MAX_KEPT_VALUES + 5])
def test_distinct_is_exact_when_value_counts_are_truncated(levels: int) -> None:
    values = [f"v{i}" for i in range(levels)] * 3 + [None]
    frame = pl.DataFrame({"s": values})
    column = summarize_columns(frame, infer_kinds(frame))[0]
    assert column.kind == "categorical" and column.categorical is not None
    assert column.distinct == levels
    assert len(column.categorical.counts) == min(levels, MAX_KEPT_VALUES)
    assert column.categorical.truncated == (levels > MAX_KEPT_VALUES)


def test_text_length_and_words_match_python() -> None:
    sentences = [f"word {'x ' * i}end of a rather long sentence number {i}" for i in range(60)]
    frame = pl.DataFrame({"t": sentences})
    column = summarize_columns(frame, infer_kinds(frame))[0]
    assert column.kind == "text" and column.text is not None
    lengths = np.array([len(s) for s in sentences])
    words = np.array([len(s.split()) for s in sentences])
    assert column.text.length.mean == pytest.approx(lengths.mean())
    assert (column.text.length_min, column.text.length_max) == (lengths.min(), lengths.max())
    assert column.text.words.mean == pytest.approx(words.mean())


def test_datetime_range_and_largest_gap() -> None:
    stamps = pd.to_datetime(
        ["2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 05:00", "2024-01-01 06:00"], utc=True
    )
    frame = pl.from_pandas(pd.DataFrame({"t": stamps}))
    column = summarize_columns(frame, infer_kinds(frame))[0]
    assert column.datetime is not None
    assert column.datetime.range_seconds == 6 * 3600
    assert column.datetime.largest_gap_seconds == 4 * 3600
    assert column.datetime.median_interval_seconds == 3600
    assert column.datetime.largest_gap_start is not None
    assert column.datetime.largest_gap_start.startswith("2024-01-01T01:00")
    assert column.datetime.minimum is not None and column.datetime.minimum.endswith("+00:00")


def test_duplicate_rows_equal_pandas(rng: np.random.Generator) -> None:
    frame = pd.DataFrame({"a": rng.integers(0, 3, 500), "b": rng.choice(["x", "y"], 500)})
    assert count_duplicate_rows(pl.from_pandas(frame)) == int(frame.duplicated().sum())
