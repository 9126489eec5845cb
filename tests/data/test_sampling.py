"""Tests of mlops_notebooks.data.sampling: seeded samples, limits, column projection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mlops_notebooks.data import load, load_dataset
from mlops_notebooks.data.sampling import (
    BAD_LIMIT,
    BAD_SAMPLE,
    UNKNOWN_COLUMNS,
    sample_indices,
)
from mlops_notebooks.errors import InvalidInputError


@pytest.fixture(scope="module")
def weather_file(weather: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sampling") / "weather.parquet"
    weather.write_parquet(path, row_group_size=4000)
    return path


def test_sample_is_exactly_the_seeded_rows_in_order(
    weather: pl.DataFrame, weather_file: Path
) -> None:
    frame = load(str(weather_file), sample=500, seed=42, backend="polars")
    rows = np.sort(np.random.default_rng(42).choice(weather.height, size=500, replace=False))
    assert_frame_equal(frame, weather[rows])


def test_same_seed_same_rows_across_backends_and_formats(
    weather: pl.DataFrame, weather_file: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "weather.csv"
    weather.write_csv(csv)
    from_parquet = load(str(weather_file), sample=300, seed=7, backend="polars")
    as_pandas = pl.from_pandas(load(str(weather_file), sample=300, seed=7))
    from_csv = load(str(csv), sample=300, seed=7, backend="polars")
    assert_frame_equal(from_parquet, as_pandas, check_dtypes=False)
    assert from_csv["temp"].to_list() == from_parquet["temp"].to_list()
    other_seed = load(str(weather_file), sample=300, seed=8, backend="polars")
    assert other_seed["time_hour"].to_list() != from_parquet["time_hour"].to_list()


def test_fraction_sample_and_limit_then_sample(weather: pl.DataFrame, weather_file: Path) -> None:
    fraction = load_dataset(str(weather_file), sample=0.1, seed=1, backend="polars")
    assert fraction.frame.height == round(0.1 * weather.height)
    assert fraction.provenance.sample == f"random 2,612 of {weather.height:,} rows, seed 1"
    limited = load_dataset(str(weather_file), limit=1000, sample=100, seed=3, backend="polars")
    rows = sample_indices(1000, 100, 3)
    assert_frame_equal(limited.frame, weather.head(1000)[rows])
    assert limited.provenance.sample == "random 100 of the first 1,000 rows, seed 3"


def test_sample_larger_than_data_returns_all_rows(
    weather: pl.DataFrame, weather_file: Path
) -> None:
    everything = load_dataset(str(weather_file), sample=10**9, backend="polars")
    assert_frame_equal(everything.frame, weather)
    zero = load(str(weather_file), sample=0, backend="polars")
    assert zero.height == weather.height  # 0 means "all rows", as in the notebooks


def test_columns_keep_requested_order(weather_file: Path) -> None:
    frame = load(str(weather_file), columns=["temp", "origin"], sample=10, backend="polars")
    assert frame.columns == ["temp", "origin"]


def test_unknown_column_lists_available(weather_file: Path) -> None:
    with pytest.raises(InvalidInputError) as info:
        load(str(weather_file), columns=["temp", "tmp"])
    assert str(info.value).startswith(
        UNKNOWN_COLUMNS.split("{available}")[0].format(missing=["tmp"])
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": -1}, BAD_LIMIT.format(value=-1)),
        ({"limit": 2.5}, BAD_LIMIT.format(value=2.5)),
        ({"sample": -3}, BAD_SAMPLE.format(value=-3)),
        ({"sample": 1.5}, BAD_SAMPLE.format(value=1.5)),
        ({"sample": True}, BAD_SAMPLE.format(value=True)),
        ({"columns": "temp"}, "columns must be a list of column names, got 'temp'"),
        ({"seed": "x"}, "seed must be a whole number, got 'x'"),
    ],
)
def test_bad_options(weather_file: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        load(str(weather_file), **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message
