"""A mixed-type frame with every awkward value, and its Parquet file in many row groups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

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
