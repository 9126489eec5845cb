"""A mixed-type frame with every awkward value, its Parquet file in many row groups, and checks.

``assert_profiles_agree`` and ``assert_numeric_agrees`` compare another engine's profile (stream,
Spark) with the in-memory one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.eda import DataProfile

ROWS = 12_000


def mixed_frame(rng: np.random.Generator, rows: int = ROWS, shift: float = 0.0) -> pl.DataFrame:
    """Numbers with nulls, NaN, ±inf, zeros and negatives; categories; booleans; times; text."""
    x = rng.normal(shift, 2.0, rows)
    x[rng.random(rows) < 0.01] = np.nan
    x[:3] = [np.inf, -np.inf, 0.0]
    counts = rng.integers(-5, 20, rows).astype(np.float64)
    start = dt.datetime(2024, 1, 1)
    return pl.DataFrame(
        {
            "x": x,
            "big": 1e9 + rng.choice([-1.0, 1.0], rows),
            "counts": pl.Series(counts).set(pl.Series(rng.random(rows) < 0.05), None),
            "city": rng.choice(["lyon", "oslo", "rome", "kyiv"], rows, p=[0.4, 0.3, 0.2, 0.1]),
            "flag": rng.random(rows) < 0.3,
            "when": [start + dt.timedelta(minutes=int(m)) for m in rng.integers(0, 10**6, rows)],
            "note": [
                f"item {i % 37} has words {'x ' * (i % 9)}and more text here" for i in range(rows)
            ],
        }
    )


@pytest.fixture
def frame(rng: np.random.Generator) -> pl.DataFrame:
    return mixed_frame(rng)


@pytest.fixture
def parquet(frame: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``frame`` as Parquet, streamed back in batches of 1,000 rows (12 partitions)."""
    from mlops_notebooks.summaries import engines

    monkeypatch.setattr(engines, "BATCH_ROWS", 1_000)
    path = tmp_path / "data.parquet"
    frame.write_parquet(path, row_group_size=1_000)
    return path


def assert_profiles_agree(got: DataProfile, expected: DataProfile) -> None:
    """``got`` (another engine's profile) has ``expected``'s exact values.

    Rows, duplicate rows and kinds; per column kind, count, missing, category counts, time range
    and text statistics. Numeric columns: :func:`assert_numeric_agrees`.
    """
    assert got.overview.rows == expected.overview.rows
    assert got.overview.duplicate_rows == expected.overview.duplicate_rows
    assert got.overview.kinds == expected.overview.kinds
    for column in expected.columns:
        other = got.column(column.name)
        exact = (column.kind, column.count, column.missing)
        assert (other.kind, other.count, other.missing) == exact, column.name
        if column.categorical is not None:
            assert other.categorical is not None
            assert other.categorical.counts == column.categorical.counts
        if column.datetime is not None:
            assert other.datetime is not None
            assert other.datetime.minimum == column.datetime.minimum
            assert other.datetime.maximum == column.datetime.maximum
            assert other.datetime.range_seconds == column.datetime.range_seconds
        if column.text is not None:
            assert other.text is not None
            assert other.text.to_dict() == pytest.approx(column.text.to_dict())


def assert_numeric_agrees(
    frame: pl.DataFrame, name: str, sketched: Any, exact: Any, *, rel: float
) -> None:
    """A sketched numeric summary against the exact one of column ``name`` of ``frame``.

    Extremes and counts equal, moments within ``rel``, and each quantile a value whose rank is
    within the sketch's rank error (1%) of the quantile asked for.
    """
    for field in ("minimum", "maximum", "zeros", "negatives", "infinities"):
        assert getattr(sketched, field) == getattr(exact, field), (name, field)
    for stat in ("mean", "std", "skewness", "kurtosis"):
        expected = exact.to_dict()[stat]
        assert sketched.to_dict()[stat] == pytest.approx(expected, rel=rel, abs=1e-12), (name, stat)
    values = np.sort(frame.get_column(name).drop_nulls().drop_nans().to_numpy())
    values = values[np.isfinite(values)]
    for q, value in sketched.quantiles.items():
        low = np.searchsorted(values, value, "left") / values.size
        high = np.searchsorted(values, value, "right") / values.size
        assert low - 0.01 <= q <= high + 0.01, (name, q)
