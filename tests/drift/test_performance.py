"""performance_change(): the same metrics on both data sets, equal to scikit-learn's."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import mean_absolute_error, roc_auc_score

from mlops_notebooks.drift.performance import performance_change


def test_regression_metrics(rng: np.random.Generator) -> None:
    y = rng.normal(size=500)
    reference = pl.DataFrame({"y": y, "p": y + rng.normal(0, 0.1, 500)})
    current = pl.DataFrame({"y": y, "p": y + rng.normal(0, 0.5, 500)})
    result = performance_change(reference, current, "y", "p")
    assert result.task == "regression"
    expected = mean_absolute_error(current["y"].to_numpy(), current["p"].to_numpy())
    assert result.current["mae"] == pytest.approx(expected, abs=1e-12)
    assert result.change["rmse"] > 0.3
    assert list(result.to_frame()["metric"]) == ["mae", "rmse", "r2"]


def test_probability_metrics_skip_missing_rows(rng: np.random.Generator) -> None:
    y = rng.random(400) < 0.5
    score = np.clip(y * 0.6 + rng.random(400) * 0.5, 0, 1)
    reference = pl.DataFrame({"y": y, "p": score > 0.5, "s": score})
    current = reference.with_columns(
        pl.when(pl.int_range(400) < 40).then(None).otherwise("s").alias("s")
    )
    result = performance_change(reference, current, "y", "p", "s")
    assert (result.rows_reference, result.rows_current) == (400, 360)
    assert result.reference["roc_auc"] == pytest.approx(roc_auc_score(y, score), abs=1e-12)
    assert "<table" in result._repr_html_()
