"""drift_over_time(): planted change point, row windows, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.drift import drift_over_time
from mlops_notebooks.drift.windows import BAD_ROWS, MISSING_TIME_COLUMN
from mlops_notebooks.errors import FrequencyError, InvalidInputError
from tests.drift.conftest import as_backend


def _timeline(rng: np.random.Generator, days: int, per_day: int, shift_from: int) -> pl.DataFrame:
    day = np.repeat(np.arange(days), per_day)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return (
        pl.DataFrame(
            {
                "when": pl.Series([start]).dt.offset_by("0d").to_list() * len(day),
                "day": day,
                "stable": rng.normal(size=len(day)),
                "moving": rng.normal(size=len(day)) + np.where(day >= shift_from, 2.0, 0.0),
                "label": np.where(
                    rng.random(len(day)) < np.where(day >= shift_from, 0.8, 0.2), "a", "b"
                ),
            }
        )
        .with_columns(pl.col("when") + pl.duration(days=pl.col("day")))
        .drop("day")
    )


def test_first_drifted_window_is_the_planted_change(rng, backend) -> None:  # type: ignore[no-untyped-def]
    # Windows must be large enough for the distance's noise to stay below its threshold.
    reference = _timeline(rng, 4, 1500, shift_from=99)
    current = _timeline(rng, 10, 1500, shift_from=6)
    result = drift_over_time(
        as_backend(reference, backend),
        as_backend(current, backend),
        time_column="when",
        frequency="1d",
    )
    assert len(result.windows) == 10 and set(result.rows) == {1500}
    assert result.first_drift["moving"] == result.windows[6]
    assert result.first_drift["label"] == result.windows[6]
    assert result.first_drift["stable"] is None
    assert result.dataset_drift.tolist() == [False] * 6 + [True] * 4
    assert result.strength_matrix().shape == (3, 10)
    assert "when" not in result.columns


def test_every_n_rows_and_small_windows_skipped(rng: np.random.Generator) -> None:
    reference = _timeline(rng, 3, 300, shift_from=99)
    current = _timeline(rng, 3, 300, shift_from=2)
    result = drift_over_time(reference, current, time_column="when", frequency=250)
    assert result.rows == (250, 250, 250, 150)
    assert result.skipped_windows == ()
    assert result.windows[0] == "rows 0–249"
    frame = result.to_frame()
    assert len(frame) == len(result.columns) * len(result.windows)


def test_min_rows_skips_tiny_windows(rng: np.random.Generator) -> None:
    reference = _timeline(rng, 3, 300, shift_from=99)
    current = _timeline(rng, 2, 300, shift_from=99).head(350)
    result = drift_over_time(reference, current, time_column="when", frequency="1d", min_rows=100)
    assert len(result.windows) == 1 and len(result.skipped_windows) == 1


def test_bad_window_arguments(rng: np.random.Generator) -> None:
    frame = _timeline(rng, 2, 50, shift_from=99)
    with pytest.raises(InvalidInputError) as err:
        drift_over_time(frame, frame, time_column="nope", frequency="1d")
    assert str(err.value) == MISSING_TIME_COLUMN.format(name="nope")
    with pytest.raises(InvalidInputError) as err:
        drift_over_time(frame, frame, time_column="when", frequency=0)
    assert str(err.value) == BAD_ROWS.format(rows=0)
    with pytest.raises(FrequencyError, match="'1 day' is not a time step"):
        drift_over_time(frame, frame, time_column="when", frequency="1 day")
    with pytest.raises(InvalidInputError, match="must hold dates"):
        drift_over_time(frame, frame, time_column="stable", frequency="1d")


def test_sample_based_method_per_window(rng: np.random.Generator) -> None:
    reference = _timeline(rng, 2, 400, shift_from=99)
    current = _timeline(rng, 4, 400, shift_from=2)
    result = drift_over_time(
        reference,
        current,
        time_column="when",
        frequency="1d",
        methods={"moving": "ks"},
        features=["moving"],
    )
    assert result.methods == ("ks",)
    assert result.drift[0].tolist() == [False, False, True, True]
    assert np.all(np.isfinite(result.p_values))
