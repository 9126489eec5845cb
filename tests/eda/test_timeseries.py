"""Time series: missing periods, duplicates, irregular sampling, STL, ACF, ADF, groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from statsmodels.tsa.stattools import acf, adfuller

from mlops_notebooks.eda import time_series
from mlops_notebooks.eda.timeseries import EMPTY_SERIES, NOT_NUMERIC, NOT_TEMPORAL
from mlops_notebooks.errors import InvalidInputError


@pytest.fixture
def hourly(rng: np.random.Generator) -> pd.DataFrame:
    """60 days of hourly rows with a planted weekly cycle; day 20 has no rows."""
    stamps = pd.date_range("2024-01-01", periods=60 * 24, freq="h", tz="UTC")
    day_of_week = stamps.day_of_week.to_numpy()
    value = 10 + 5 * (day_of_week >= 5) + rng.normal(scale=0.5, size=stamps.size)
    frame = pd.DataFrame({"t": stamps, "value": value, "shop": rng.choice(["a", "b"], stamps.size)})
    return frame[stamps.normalize() != pd.Timestamp("2024-01-20", tz="UTC")]


def test_missing_periods_and_counts(hourly: pd.DataFrame, as_input) -> None:  # type: ignore[no-untyped-def]
    report = time_series(as_input(hourly), "t", frequency="1d")
    assert report.series.height == 60
    missing = report.missing_periods.get_column("period").to_list()
    assert [m.date().isoformat() for m in missing] == ["2024-01-20"]
    assert report.series.get_column("rows").sum() == len(hourly)
    assert report.sampling.duplicate_timestamps == 0


def test_weekly_seasonality_is_found(hourly: pd.DataFrame) -> None:
    report = time_series(hourly, "t", value_column="value", frequency="1d")
    assert report.seasonal_period == 7
    assert report.seasonal_strength is not None and report.seasonal_strength > 0.8
    assert report.acf[7] > 0.5  # same weekday one week later
    assert report.decomposition is not None and report.decomposition.height == 60


def test_acf_and_adf_equal_statsmodels(rng: np.random.Generator) -> None:
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    walk = np.cumsum(rng.normal(size=200))
    report = time_series(pd.DataFrame({"d": days, "v": walk}), "d", value_column="v", lags=20)
    np.testing.assert_allclose(report.acf, acf(walk, nlags=20), atol=1e-12)
    expected = adfuller(walk, autolag="AIC", result_object=True)
    assert report.adf is not None
    assert report.adf.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert not report.adf.stationary  # a random walk has a unit root
    noise = time_series(pd.DataFrame({"d": days, "v": rng.normal(size=200)}), "d", value_column="v")
    assert noise.adf is not None and noise.adf.stationary


def test_duplicates_and_irregular_sampling() -> None:
    stamps = pd.to_datetime(
        [
            "2024-01-01 00:00",
            "2024-01-01 00:00",
            "2024-01-01 01:00",
            "2024-01-01 02:00",
            "2024-01-01 07:00",
            "2024-01-01 08:00",
        ]
    )
    report = time_series(pd.DataFrame({"t": stamps}), "t", frequency="1h")
    assert report.sampling.duplicate_timestamps == 1
    assert report.sampling.median_interval_seconds == 3600
    assert report.sampling.irregular_share == pytest.approx(0.25)  # 1 of 4 intervals is 5 h
    assert report.missing_periods.height == 4
    assert report.decomposition is None and report.adf is None  # too short, said so


def test_per_group_series(hourly: pd.DataFrame) -> None:
    report = time_series(hourly, "t", value_column="value", group_column="shop", top_groups=1)
    assert report.groups is not None
    assert report.groups.get_column("group").unique().len() == 1
    (line,) = report.plot("groups").axes[0].lines
    assert line.get_label() == str(report.groups["group"][0])
    np.testing.assert_allclose(line.get_ydata(), report.groups["value"].to_numpy())


def test_date_column_and_plots(hourly: pd.DataFrame) -> None:
    frame = pl.from_pandas(hourly).with_columns(pl.col("t").dt.date().alias("day"))
    report = time_series(frame, "day", value_column="value", frequency="1d")
    series = report.plot("series").axes[0]
    value = next(line for line in series.lines if line.get_label() == "value")
    np.testing.assert_allclose(value.get_ydata(), report.series["value"].to_numpy())
    assert report.decomposition is not None
    panels = report.plot("decomposition").axes
    assert [a.get_ylabel() for a in panels] == ["trend", "seasonal", "residual"]
    for axis, part in zip(panels, ("trend", "seasonal", "residual"), strict=True):
        np.testing.assert_allclose(axis.lines[0].get_ydata(), report.decomposition[part].to_numpy())
    acf, pacf = report.plot("autocorrelation").axes
    assert [acf.get_ylabel(), pacf.get_ylabel()] == ["ACF", "PACF"]
    heights = acf.collections[0].get_segments()
    np.testing.assert_allclose([segment[1][1] for segment in heights], report.acf)
    assert report.summary()["missing_periods"] == 1
    assert "missing_periods" in report.to_json() and "Time series" in report._repr_html_()


def test_errors_are_typed(hourly: pd.DataFrame) -> None:
    with pytest.raises(InvalidInputError) as error:
        time_series(hourly, "value")
    assert str(error.value) == NOT_TEMPORAL.format(column="value", dtype="Float64")
    with pytest.raises(InvalidInputError) as error:
        time_series(hourly, "t", value_column="shop")
    assert str(error.value) == NOT_NUMERIC.format(column="shop", dtype="String")
    empty = pd.DataFrame({"t": pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]")})
    with pytest.raises(InvalidInputError) as error:
        time_series(empty, "t")
    assert str(error.value) == EMPTY_SERIES.format(column="t")
