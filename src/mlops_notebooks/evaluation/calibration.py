"""Calibration curve, expected calibration error, and metrics across decision thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import polars as pl

from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.errors import InvalidInputError

from ._inputs import ModelOutputs

__all__ = ["CalibrationCurve", "calibration_curve", "threshold_sweep"]

CalibrationStrategy = Literal["uniform", "quantile"]
BAD_BINS = "calibration needs n_bins >= 2, got {n_bins}"
NEEDS_PROBABILITIES = "{what} needs predicted probabilities: pass probabilities="
BAD_STRATEGY = "strategy must be 'uniform' or 'quantile', not {strategy!r}"


@dataclass(frozen=True, eq=False)
class CalibrationCurve(Result):
    """Observed frequency against mean predicted probability per probability bin.

    For a binary task the probability is the positive class's; for a multi-class task it is the
    top-label confidence and the observed frequency is the accuracy of the top label.

    Attributes
    ----------
    bins : polars.DataFrame
        ``bin``, ``n_rows``, ``mean_predicted``, ``observed`` — non-empty bins only, the same
        points as :func:`sklearn.calibration.calibration_curve`.
    expected_calibration_error : float
        ``sum(n_bin / n * |observed - mean_predicted|)``.
    maximum_calibration_error : float
        Largest ``|observed - mean_predicted|`` over the bins.
    strategy : {"uniform", "quantile"}
    """

    bins: pl.DataFrame
    expected_calibration_error: float
    maximum_calibration_error: float
    strategy: str

    plot_kinds: ClassVar[tuple[str, ...]] = ("reliability",)
    report_title: ClassVar[str] = "Calibration"

    def to_polars(self) -> pl.DataFrame:
        """The non-empty probability bins."""
        return self.bins

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Reliability diagram: observed frequency against mean predicted probability."""
        from mlops_notebooks._render import figure_of

        from .plots import plot_calibration

        check_kind(kind, self.plot_kinds, what="calibration plot kind")
        return figure_of(plot_calibration(self, ax))

    def to_dict(self) -> dict[str, Any]:
        """The bins and the calibration errors as plain values."""
        return {
            "expected_calibration_error": self.expected_calibration_error,
            "maximum_calibration_error": self.maximum_calibration_error,
            "strategy": self.strategy,
            "bins": self.bins.to_dicts(),
        }


def _calibration_inputs(outputs: ModelOutputs) -> tuple[np.ndarray, np.ndarray]:
    if outputs.probabilities is None:
        raise InvalidInputError(NEEDS_PROBABILITIES.format(what="a calibration curve"))
    if outputs.task == "binary":
        return (outputs.y_true == 1).astype(np.float64), outputs.probabilities[:, 1]
    confidence = outputs.probabilities.max(axis=1)
    correct = outputs.probabilities.argmax(axis=1) == outputs.y_true
    return correct.astype(np.float64), confidence


def calibration_curve(
    outputs: ModelOutputs, n_bins: int = 10, strategy: CalibrationStrategy = "uniform"
) -> CalibrationCurve:
    """Bin the probabilities as scikit-learn does and add bin sizes and calibration errors.

    Parameters
    ----------
    outputs : ModelOutputs
        Must carry probabilities.
    n_bins : int, default 10
    strategy : {"uniform", "quantile"}, default "uniform"
        Equal-width bins on [0, 1] or bins holding equal numbers of rows.

    Returns
    -------
    CalibrationCurve
    """
    if n_bins < 2:
        raise InvalidInputError(BAD_BINS.format(n_bins=n_bins))
    if strategy not in ("uniform", "quantile"):
        raise InvalidInputError(BAD_STRATEGY.format(strategy=strategy))
    observed, predicted = _calibration_inputs(outputs)
    if strategy == "quantile":
        edges = np.percentile(predicted, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    # Same bin assignment as sklearn.calibration.calibration_curve, so the points agree.
    bin_ids = np.searchsorted(edges[1:-1], predicted)
    total = np.bincount(bin_ids, minlength=n_bins)
    predicted_sum = np.bincount(bin_ids, weights=predicted, minlength=n_bins)
    observed_sum = np.bincount(bin_ids, weights=observed, minlength=n_bins)
    keep = total > 0
    mean_predicted = predicted_sum[keep] / total[keep]
    observed_rate = observed_sum[keep] / total[keep]
    gaps = np.abs(observed_rate - mean_predicted)
    frame = pl.DataFrame(
        {
            "bin": np.flatnonzero(keep),
            "lower": edges[:-1][keep],
            "upper": edges[1:][keep],
            "n_rows": total[keep],
            "mean_predicted": mean_predicted,
            "observed": observed_rate,
        }
    )
    return CalibrationCurve(
        bins=frame,
        expected_calibration_error=float((total[keep] / total.sum() * gaps).sum()),
        maximum_calibration_error=float(gaps.max()),
        strategy=strategy,
    )


def threshold_sweep(outputs: ModelOutputs, thresholds: np.ndarray | None = None) -> pl.DataFrame:
    """Metrics of the rule ``positive if probability >= threshold``, for every threshold at once.

    Parameters
    ----------
    outputs : ModelOutputs
        A binary task with probabilities.
    thresholds : numpy.ndarray, optional
        Default: 0.00, 0.01, …, 1.00.

    Returns
    -------
    polars.DataFrame
        ``threshold, predicted_positive_rate, precision, recall, false_positive_rate, f1,
        accuracy``; precision is 0 where nothing is predicted positive (scikit-learn's
        ``zero_division=0``).
    """
    if outputs.probabilities is None or outputs.task != "binary":
        raise InvalidInputError(NEEDS_PROBABILITIES.format(what="a binary threshold sweep"))
    grid = np.linspace(0.0, 1.0, 101) if thresholds is None else np.asarray(thresholds, float)
    score = outputs.probabilities[:, 1]
    positive = outputs.y_true == 1
    positives = np.sort(score[positive])
    negatives = np.sort(score[~positive])
    true_positive = positives.size - np.searchsorted(positives, grid, side="left")
    false_positive = negatives.size - np.searchsorted(negatives, grid, side="left")
    predicted = true_positive + false_positive
    n = score.size

    def ratio(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
        b_array = np.broadcast_to(np.asarray(b, dtype=np.float64), a.shape)
        out = np.zeros(a.shape, dtype=np.float64)
        np.divide(a, b_array, out=out, where=b_array > 0)
        return out

    true_negative = negatives.size - false_positive
    return pl.DataFrame(
        {
            "threshold": grid,
            "predicted_positive_rate": predicted / n,
            "precision": ratio(true_positive, predicted),
            "recall": ratio(true_positive, positives.size),
            "false_positive_rate": ratio(false_positive, negatives.size),
            "f1": ratio(2 * true_positive, predicted + positives.size),
            "accuracy": (true_positive + true_negative) / n,
        }
    )
