"""Error analysis finds the feature bin with planted errors."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mlops_notebooks.evaluation import analyze_errors

from .conftest import regression_frame


def test_errors_by_feature_and_largest(rng, to_frame):
    frame = regression_frame(rng, 4000).with_columns(
        region=pl.Series(rng.choice(["north", "south"], 4000))
    )
    bad = (frame["region"] == "south").to_numpy()
    frame = frame.with_columns(prediction=frame["prediction"] + np.where(bad, 3.0, 0.0))
    analysis = analyze_errors(to_frame(frame), target="target", prediction="prediction")
    by_region = analysis.by_feature.filter(pl.col("feature") == "region")
    south = by_region.filter(pl.col("level") == "south").row(0, named=True)
    error = np.abs(frame["prediction"] - frame["target"]).to_numpy()
    assert south["mean_error"] == pytest.approx(error[bad].mean(), abs=1e-9)
    assert south["lift"] > 1.4
    north = by_region.filter(pl.col("level") == "north").row(0, named=True)
    assert north["lift"] < 0.6
    assert analysis.largest["error"][0] == pytest.approx(error.max(), abs=1e-12)
    assert set(analysis.rows.columns) >= {
        "x",
        "region",
        "target",
        "prediction",
        "residual",
        "error",
    }
    assert analysis.by_feature.filter(pl.col("feature") == "x")["n_rows"].sum() == 4000
