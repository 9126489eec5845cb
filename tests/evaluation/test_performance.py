"""evaluate() equals scikit-learn on binary, multi-class and regression outputs."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from mlops_notebooks.evaluation import evaluate

from .conftest import binary_frame, multiclass_frame, regression_frame


def test_binary_metrics_equal_sklearn(rng, to_frame):
    frame = binary_frame(rng)
    report = evaluate(
        to_frame(frame),
        target="target",
        prediction="prediction",
        probabilities="probability",
        n_bootstrap=200,
    )
    y, yhat, p = (
        frame["target"].to_numpy(),
        frame["prediction"].to_numpy(),
        frame["probability"].to_numpy(),
    )
    expected = {
        "accuracy": skm.accuracy_score(y, yhat),
        "balanced_accuracy": skm.balanced_accuracy_score(y, yhat),
        "precision": skm.precision_score(y, yhat),
        "recall": skm.recall_score(y, yhat),
        "f1": skm.f1_score(y, yhat),
        "roc_auc": skm.roc_auc_score(y, p),
        "pr_auc": skm.average_precision_score(y, p),
        "log_loss": skm.log_loss(y, p),
        "brier": skm.brier_score_loss(y, p),
    }
    assert report.task == "binary"
    for name, value in expected.items():
        assert report[name] == pytest.approx(value, abs=1e-9), name
    np.testing.assert_array_equal(report.confusion, skm.confusion_matrix(y, yhat))
    table = report.metrics
    assert (table["ci_low"] <= table["value"]).all() and (table["value"] <= table["ci_high"]).all()


def test_multiclass_metrics_equal_sklearn(rng, to_frame):
    frame = multiclass_frame(rng)
    columns = ["p_bus", "p_car", "p_train"]
    report = evaluate(
        to_frame(frame),
        target="target",
        prediction="prediction",
        probabilities=columns,
        n_bootstrap=100,
    )
    y, yhat = frame["target"].to_numpy(), frame["prediction"].to_numpy()
    proba = frame.select(columns).to_numpy()
    labels = ["bus", "car", "train"]
    expected = {
        "accuracy": skm.accuracy_score(y, yhat),
        "balanced_accuracy": skm.balanced_accuracy_score(y, yhat),
        "f1_macro": skm.f1_score(y, yhat, average="macro"),
        "f1_weighted": skm.f1_score(y, yhat, average="weighted"),
        "precision_macro": skm.precision_score(y, yhat, average="macro"),
        "recall_macro": skm.recall_score(y, yhat, average="macro"),
        "roc_auc_ovr": skm.roc_auc_score(y, proba, multi_class="ovr", labels=labels),
        "log_loss": skm.log_loss(y, proba, labels=labels),
        "brier": skm.brier_score_loss(y, proba, labels=labels),
    }
    assert report.task == "multiclass"
    for name, value in expected.items():
        assert report[name] == pytest.approx(value, abs=1e-9), name
    per_class = report.per_class.filter(report.per_class["class"] == "car")
    assert per_class["recall"][0] == pytest.approx(
        skm.recall_score(y, yhat, labels=["car"], average="macro"), abs=1e-12
    )


def test_regression_metrics_equal_sklearn(rng, to_frame):
    frame = regression_frame(rng)
    report = evaluate(to_frame(frame), target="target", prediction="prediction", n_bootstrap=200)
    y, yhat = frame["target"].to_numpy(), frame["prediction"].to_numpy()
    assert report.task == "regression"
    assert report["mae"] == pytest.approx(skm.mean_absolute_error(y, yhat), abs=1e-9)
    assert report["rmse"] == pytest.approx(skm.root_mean_squared_error(y, yhat), abs=1e-9)
    assert report["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, yhat), abs=1e-9)
    assert report["r2"] == pytest.approx(skm.r2_score(y, yhat), abs=1e-9)
    assert report.residuals["residual"][5] == pytest.approx(np.median(yhat - y), abs=1e-9)


def test_arrays_without_frame(rng):
    y = rng.integers(0, 2, 500)
    report = evaluate(target=y, prediction=y[::-1].copy(), n_bootstrap=0)
    assert report["accuracy"] == pytest.approx(skm.accuracy_score(y, y[::-1]), abs=1e-12)
    assert report.metrics["ci_low"].null_count() == report.metrics.height


def test_over_time_per_month(rng):
    import polars as pl

    frame = binary_frame(rng, 2000).with_columns(
        time=pl.datetime_range(pl.datetime(2013, 1, 1), pl.datetime(2013, 3, 31), "1h", eager=True)[
            :2000
        ]
    )
    report = evaluate(
        frame, target="target", prediction="prediction", time_column="time", n_bootstrap=0
    )
    table = report.over_time
    assert table["n_rows"].sum() == 2000
    january = frame.filter(pl.col("time").dt.month() == 1)
    assert table["accuracy"][0] == pytest.approx(
        skm.accuracy_score(january["target"], january["prediction"]), abs=1e-12
    )
