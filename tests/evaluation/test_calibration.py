"""Calibration bins equal scikit-learn's; ECE and the threshold sweep have known values."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import calibration
from sklearn import metrics as skm

from mlops_notebooks.evaluation._inputs import prepare_outputs
from mlops_notebooks.evaluation.calibration import calibration_curve, threshold_sweep

from .conftest import binary_frame


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_curve_equals_sklearn(rng, strategy):
    frame = binary_frame(rng, 5000)
    outputs = prepare_outputs(frame, target="target", probabilities="probability")
    curve = calibration_curve(outputs, n_bins=8, strategy=strategy)
    observed, predicted = calibration.calibration_curve(
        frame["target"].to_numpy(), frame["probability"].to_numpy(), n_bins=8, strategy=strategy
    )
    np.testing.assert_allclose(curve.bins["observed"].to_numpy(), observed, atol=1e-9)
    np.testing.assert_allclose(curve.bins["mean_predicted"].to_numpy(), predicted, atol=1e-9)
    assert curve.bins["n_rows"].sum() == 5000


def test_calibrated_model_has_small_ece_and_shifted_one_large(rng):
    p = rng.random(200_000)
    y = rng.random(p.size) < p
    calibrated = calibration_curve(prepare_outputs(None, target=y, probabilities=p))
    assert calibrated.expected_calibration_error < 0.01
    shifted = calibration_curve(prepare_outputs(None, target=y, probabilities=p * 0.5))
    # observed = 2 x predicted in every bin: ECE = mean(p) - mean(p / 2) = 0.25
    assert shifted.expected_calibration_error == pytest.approx(0.25, abs=0.01)


def test_threshold_sweep_equals_sklearn(rng):
    frame = binary_frame(rng, 3000)
    outputs = prepare_outputs(frame, target="target", probabilities="probability")
    sweep = threshold_sweep(outputs)
    y, p = frame["target"].to_numpy(), frame["probability"].to_numpy()
    for threshold in (0.2, 0.5, 0.73):
        row = sweep.filter((sweep["threshold"] - threshold).abs() < 1e-12).row(0, named=True)
        predicted = p >= row["threshold"]
        assert row["precision"] == pytest.approx(
            skm.precision_score(y, predicted, zero_division=0), abs=1e-12
        )
        assert row["recall"] == pytest.approx(skm.recall_score(y, predicted), abs=1e-12)
        assert row["f1"] == pytest.approx(skm.f1_score(y, predicted), abs=1e-12)
        assert row["accuracy"] == pytest.approx(skm.accuracy_score(y, predicted), abs=1e-12)


def test_multiclass_uses_top_label_confidence(rng):
    from .conftest import multiclass_frame

    frame = multiclass_frame(rng, 4000)
    columns = ["p_bus", "p_car", "p_train"]
    outputs = prepare_outputs(frame, target="target", probabilities=columns)
    curve = calibration_curve(outputs, n_bins=5)
    proba = frame.select(columns).to_numpy()
    correct = proba.argmax(axis=1) == outputs.y_true
    observed, predicted = calibration.calibration_curve(correct, proba.max(axis=1), n_bins=5)
    np.testing.assert_allclose(curve.bins["observed"].to_numpy(), observed, atol=1e-9)
    np.testing.assert_allclose(curve.bins["mean_predicted"].to_numpy(), predicted, atol=1e-9)
