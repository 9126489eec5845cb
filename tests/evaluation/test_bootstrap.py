"""The vectorized bootstrap statistics equal scikit-learn on the resampled rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from mlops_notebooks.evaluation._inputs import prepare_outputs
from mlops_notebooks.evaluation.bootstrap import (
    BOOTSTRAP_STATISTICS,
    bootstrap_intervals,
    build_cells,
)

from .conftest import binary_frame, multiclass_frame, regression_frame


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_statistics_equal_sklearn_with_sample_weights(rng, kind):
    """Weighting cells by resample counts equals scikit-learn on the resampled rows."""
    if kind == "binary":
        frame = binary_frame(rng, 400)
        outputs = prepare_outputs(
            frame, target="target", prediction="prediction", probabilities="probability"
        )
    elif kind == "multiclass":
        frame = multiclass_frame(rng, 400)
        outputs = prepare_outputs(
            frame,
            target="target",
            prediction="prediction",
            probabilities=["p_bus", "p_car", "p_train"],
        )
    else:
        frame = regression_frame(rng, 400)
        outputs = prepare_outputs(frame, target="target", prediction="prediction")
    n = outputs.n_rows
    rows = rng.integers(0, n, n)
    cells = build_cells(outputs, resolution=10**9)  # exact: no score binning
    assert cells.count.shape[0] <= n
    # resample counts per cell: rows fall into cells via the same compression key
    row_cell = _row_to_cell(outputs, cells)
    counts = np.bincount(row_cell[rows], minlength=cells.count.shape[0]).astype(np.float64)[None, :]
    y, yhat = outputs.y_true[rows], outputs.y_pred[rows]
    proba = None if outputs.probabilities is None else outputs.probabilities[rows]
    labels = list(range(len(outputs.classes)))
    expected = {
        "accuracy": lambda: skm.accuracy_score(y, yhat),
        "balanced_accuracy": lambda: skm.balanced_accuracy_score(y, yhat),
        "precision": lambda: skm.precision_score(y, yhat, zero_division=0),
        "recall": lambda: skm.recall_score(y, yhat, zero_division=0),
        "f1": lambda: skm.f1_score(y, yhat, zero_division=0),
        "f1_macro": lambda: skm.f1_score(y, yhat, average="macro", labels=labels, zero_division=0),
        "f1_weighted": lambda: skm.f1_score(
            y, yhat, average="weighted", labels=labels, zero_division=0
        ),
        "precision_macro": lambda: skm.precision_score(
            y, yhat, average="macro", labels=labels, zero_division=0
        ),
        "recall_macro": lambda: skm.recall_score(
            y, yhat, average="macro", labels=labels, zero_division=0
        ),
        "roc_auc": lambda: skm.roc_auc_score(y, proba[:, 1]),
        "pr_auc": lambda: skm.average_precision_score(y, proba[:, 1]),
        "log_loss": lambda: skm.log_loss(y, proba, labels=labels),
        "brier": lambda: skm.brier_score_loss(
            y, proba if kind == "multiclass" else proba[:, 1], labels=labels
        ),
        "mae": lambda: skm.mean_absolute_error(outputs.y_true[rows], outputs.y_pred[rows]),
        "rmse": lambda: skm.root_mean_squared_error(outputs.y_true[rows], outputs.y_pred[rows]),
        "mape": lambda: skm.mean_absolute_percentage_error(
            outputs.y_true[rows], outputs.y_pred[rows]
        ),
        "r2": lambda: skm.r2_score(outputs.y_true[rows], outputs.y_pred[rows]),
    }
    from mlops_notebooks.evaluation.metrics import metrics_for

    names = [m.name for m in metrics_for(outputs) if m.name in BOOTSTRAP_STATISTICS]
    assert names
    for name in names:
        ours = BOOTSTRAP_STATISTICS[name](cells, counts)[0]
        assert ours == pytest.approx(expected[name](), abs=1e-9), name


def _row_to_cell(outputs, cells):
    """Assign rows to cells by matching every per-row quantity the cells keep."""
    from mlops_notebooks.evaluation.bootstrap import _bins

    if outputs.task == "regression":
        keys = np.arange(outputs.n_rows)
    else:
        k = len(outputs.classes)
        if outputs.task == "binary":
            score = _bins(outputs.probabilities[:, 1], 10**9)
        else:
            p_true = outputs.probabilities[np.arange(outputs.n_rows), outputs.y_true]
            score = _bins(
                -np.log(np.clip(p_true, np.finfo(float).eps, 1)), max(10**9 // (k * k), 16)
            )
        keys = score * (k * k) + outputs.y_true * k + outputs.y_pred
    return np.unique(keys, return_inverse=True)[1]


def test_intervals_cover_point_and_shrink_with_rows(rng):
    small = prepare_outputs(
        binary_frame(rng, 500),
        target="target",
        prediction="prediction",
        probabilities="probability",
    )
    large = prepare_outputs(
        binary_frame(rng, 20000),
        target="target",
        prediction="prediction",
        probabilities="probability",
    )
    widths = []
    for outputs in (small, large):
        point = {
            "accuracy": float(np.mean(outputs.y_true == outputs.y_pred)),
            "roc_auc": skm.roc_auc_score(outputs.y_true, outputs.probabilities[:, 1]),
        }
        intervals = bootstrap_intervals(outputs, point, n_resamples=300, seed=1)
        for name, (low, high) in intervals.items():
            assert low <= point[name] <= high
        widths.append(intervals["accuracy"][1] - intervals["accuracy"][0])
    # sd of a proportion scales with 1/sqrt(n): ratio sqrt(40) ~ 6.3
    assert 4 < widths[0] / widths[1] < 9


def test_accuracy_interval_matches_binomial_theory(rng):
    n = 4000
    y = rng.integers(0, 2, n)
    yhat = np.where(rng.random(n) < 0.8, y, 1 - y)
    outputs = prepare_outputs(None, target=y, prediction=yhat)
    accuracy = float(np.mean(y == yhat))
    low, high = bootstrap_intervals(outputs, {"accuracy": accuracy}, n_resamples=2000)["accuracy"]
    expected_half = 1.96 * np.sqrt(accuracy * (1 - accuracy) / n)
    assert (high - low) / 2 == pytest.approx(expected_half, rel=0.1)


def test_binned_scores_give_the_same_intervals_as_exact_cells(rng):
    """Coarse score bins (used above ``resolution`` distinct scores) barely move the interval."""
    outputs = prepare_outputs(
        binary_frame(rng, 20_000),
        target="target",
        prediction="prediction",
        probabilities="probability",
    )
    point = {
        "roc_auc": skm.roc_auc_score(outputs.y_true, outputs.probabilities[:, 1]),
        "log_loss": skm.log_loss(outputs.y_true, outputs.probabilities),
    }
    exact = bootstrap_intervals(outputs, point, n_resamples=400, resolution=10**9)
    binned = bootstrap_intervals(outputs, point, n_resamples=400, resolution=256)
    for name in point:
        width = exact[name][1] - exact[name][0]
        assert binned[name][0] == pytest.approx(exact[name][0], abs=0.15 * width)
        assert binned[name][1] == pytest.approx(exact[name][1], abs=0.15 * width)
