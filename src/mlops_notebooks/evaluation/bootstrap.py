"""Bootstrap confidence intervals for headline metrics, vectorized over all resamples.

Resampling ``n`` rows with replacement and counting how often each *distinct* row was drawn is
a multinomial draw over the distinct rows. Rows that agree on everything a metric looks at
(true class, predicted class, score) are interchangeable, so we first compress the data into
**cells** — one per distinct ``(true class, predicted class, score bin)`` — and draw the
resample counts of all ``B`` resamples at once with ``Generator.multinomial``. Every metric is
then a vectorized function of the ``(B, n_cells)`` count matrix.

* Label metrics (accuracy, precision, recall, F1, balanced accuracy) depend on the cells only:
  their bootstrap is exact.
* Score metrics (ROC AUC, PR AUC, log loss, Brier; regression errors) are exact while the
  number of distinct scores fits ``resolution``; beyond that scores are grouped into
  ``resolution`` quantile bins, pairs inside a bin count as ties, and the interval is shifted
  by (exact point estimate − binned point estimate) to remove the first-order binning bias.
  Within-bin spread is ignored, which narrows intervals slightly for very spread bins.

This makes 1,000 resamples of a million rows take a few seconds instead of minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from ._inputs import ModelOutputs

__all__ = [
    "BOOTSTRAP_STATISTICS",
    "CellTable",
    "bootstrap_intervals",
    "build_cells",
    "resample_counts",
]

# Score bins per class combination; 4,096 keeps 1,000 multinomial draws of a binary task ~1 s.
DEFAULT_RESOLUTION = 4096
REGRESSION_RESOLUTION = 128  # per axis: true value bins x residual bins
_RESAMPLE_CHUNK = 200


@dataclass(frozen=True, eq=False)
class CellTable:
    """Model outputs compressed into interchangeable cells.

    Attributes
    ----------
    count : numpy.ndarray, shape (n_cells,)
        Rows per cell.
    y_true, y_pred : numpy.ndarray, shape (n_cells,)
        Class codes of the cell (classification; zeros for regression).
    score_bin : numpy.ndarray, shape (n_cells,)
        Rank of the cell's score bin, ascending (binary tasks with probabilities).
    sums : dict of str to numpy.ndarray
        Per-cell sums of per-row quantities (``log_loss``, ``brier``, ``abs_error``, …).
    n_classes : int
    """

    count: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    score_bin: np.ndarray
    sums: dict[str, np.ndarray] = field(default_factory=dict)
    n_classes: int = 0

    @property
    def n_rows(self) -> int:
        return int(self.count.sum())

    def totals(self, counts: np.ndarray, name: str) -> np.ndarray:
        """Resampled totals of per-row quantity ``name``; ``counts`` is ``(B, n_cells)``."""
        return counts @ (self.sums[name] / self.count)

    def indicator(self, codes: np.ndarray, width: int) -> sparse.csr_matrix:
        """Sparse ``(n_cells, width)`` one-hot matrix of ``codes``."""
        ones = np.ones(codes.shape[0])
        return sparse.csr_matrix(
            (ones, (np.arange(codes.shape[0]), codes)), shape=(codes.shape[0], width)
        )


def _bins(values: np.ndarray, resolution: int) -> np.ndarray:
    """Dense ranks of ``values`` when they have few distinct values, else quantile-bin ranks."""
    distinct, inverse = np.unique(values, return_inverse=True)
    if distinct.shape[0] <= resolution:
        return inverse.astype(np.int64)
    edges = np.unique(np.quantile(values, np.linspace(0, 1, resolution + 1)[1:-1]))
    return np.searchsorted(edges, values, side="right").astype(np.int64)


def _compress(
    keys: np.ndarray, quantities: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    count = np.bincount(inverse).astype(np.float64)
    sums = {name: np.bincount(inverse, weights=v) for name, v in quantities.items()}
    return first, count, sums


def _row_quantities(outputs: ModelOutputs) -> dict[str, np.ndarray]:
    if outputs.task == "regression":
        error = outputs.y_pred - outputs.y_true
        return {
            "abs_error": np.abs(error),
            "squared_error": error**2,
            "ape": np.abs(error) / np.maximum(np.abs(outputs.y_true), np.finfo(np.float64).eps),
            "y": outputs.y_true,
            "y_squared": outputs.y_true**2,
        }
    if outputs.probabilities is None:
        return {}
    proba = outputs.probabilities
    eps = np.finfo(proba.dtype).eps
    p_true = proba[np.arange(outputs.n_rows), outputs.y_true]
    onehot = np.zeros_like(proba)
    onehot[np.arange(outputs.n_rows), outputs.y_true] = 1.0
    brier = ((proba - onehot) ** 2).sum(axis=1)
    return {
        "log_loss": -np.log(np.clip(p_true, eps, 1 - eps)),
        # scikit-learn halves the binary Brier score so it stays (p - y)^2 for the positive class
        "brier": brier / 2.0 if outputs.task == "binary" else brier,
    }


def _regression_keys(outputs: ModelOutputs, resolution: int) -> np.ndarray:
    if outputs.n_rows <= resolution:  # small data: every row is its own cell, exact bootstrap
        return np.arange(outputs.n_rows)
    y_bin = _bins(outputs.y_true, REGRESSION_RESOLUTION)
    e_bin = _bins(outputs.y_pred - outputs.y_true, REGRESSION_RESOLUTION)
    return y_bin * (REGRESSION_RESOLUTION + 1) + e_bin


def build_cells(outputs: ModelOutputs, resolution: int = DEFAULT_RESOLUTION) -> CellTable:
    """Compress ``outputs`` into a :class:`CellTable` (see the module docstring)."""
    quantities = _row_quantities(outputs)
    if outputs.task == "regression":
        keys = _regression_keys(outputs, resolution)
        _, count, sums = _compress(keys, quantities)
        zeros = np.zeros(count.shape[0], dtype=np.int64)
        return CellTable(count, zeros, zeros, zeros, sums, 0)
    k = len(outputs.classes)
    label_key = outputs.y_true * k + outputs.y_pred
    if outputs.probabilities is None:
        score = np.zeros(outputs.n_rows, dtype=np.int64)
    elif outputs.task == "binary":
        score = _bins(outputs.probabilities[:, 1], resolution)
    else:  # the probability of the true class drives log loss; keep the cell count bounded
        score = _bins(quantities["log_loss"], max(resolution // (k * k), 16))
    first, count, sums = _compress(score * (k * k) + label_key, quantities)
    return CellTable(
        count=count,
        y_true=outputs.y_true[first],
        y_pred=outputs.y_pred[first],
        score_bin=score[first],
        sums=sums,
        n_classes=k,
    )


def resample_counts(
    cells: CellTable, n_resamples: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Cell counts of ``n_resamples`` bootstrap resamples, in ``(b, n_cells)`` chunks."""
    probabilities = cells.count / cells.count.sum()
    chunks = []
    for start in range(0, n_resamples, _RESAMPLE_CHUNK):
        size = min(_RESAMPLE_CHUNK, n_resamples - start)
        chunks.append(rng.multinomial(cells.n_rows, probabilities, size=size).astype(np.float64))
    return chunks


# --- vectorized statistics: f(cells, counts (B, n_cells)) -> (B,) ------------------------------


def _confusion(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    k = cells.n_classes
    onehot = cells.indicator(cells.y_true * k + cells.y_pred, k * k)
    return np.asarray((onehot.T @ counts.T).T).reshape(-1, k, k)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Division with scikit-learn's ``zero_division=0`` convention."""
    out = np.zeros_like(numerator, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _per_class(cells: CellTable, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    matrix = _confusion(cells, counts)
    true_positive = np.diagonal(matrix, axis1=1, axis2=2)
    support = matrix.sum(axis=2)
    predicted = matrix.sum(axis=1)
    precision = _divide(true_positive, predicted)
    recall = _divide(true_positive, support)
    f1 = _divide(2 * true_positive, support + predicted)
    return precision, recall, f1, support


def _accuracy(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    matrix = _confusion(cells, counts)
    return np.trace(matrix, axis1=1, axis2=2) / matrix.sum(axis=(1, 2))


def _balanced_accuracy(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    _, recall, _, support = _per_class(cells, counts)
    present = support > 0
    return (recall * present).sum(axis=1) / present.sum(axis=1)


def _class_statistic(index: int, average: str | None) -> Callable[..., np.ndarray]:
    def statistic(cells: CellTable, counts: np.ndarray) -> np.ndarray:
        values = _per_class(cells, counts)
        if average is None:
            return values[index][:, 1]  # the positive class of a binary task
        if average == "macro":
            return values[index].mean(axis=1)
        support = values[3]
        return (values[index] * support).sum(axis=1) / support.sum(axis=1)

    return statistic


def _positives_negatives_by_bin(cells: CellTable, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    width = int(cells.score_bin.max()) + 1
    positive = cells.indicator(cells.score_bin, width).multiply((cells.y_true == 1)[:, None])
    negative = cells.indicator(cells.score_bin, width).multiply((cells.y_true == 0)[:, None])
    return np.asarray((positive.T @ counts.T).T), np.asarray((negative.T @ counts.T).T)


def _roc_auc(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    positive, negative = _positives_negatives_by_bin(cells, counts)
    below = np.cumsum(negative, axis=1) - negative
    pairs = positive.sum(axis=1) * negative.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (positive * (below + 0.5 * negative)).sum(axis=1) / pairs


def _average_precision(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    positive, negative = _positives_negatives_by_bin(cells, counts)
    positive, negative = positive[:, ::-1], negative[:, ::-1]  # highest score first
    true_positive = np.cumsum(positive, axis=1)
    precision = _divide(true_positive, true_positive + np.cumsum(negative, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (positive * precision).sum(axis=1) / positive.sum(axis=1)


def _mean_of(name: str, root: bool = False) -> Callable[..., np.ndarray]:
    def statistic(cells: CellTable, counts: np.ndarray) -> np.ndarray:
        mean = cells.totals(counts, name) / counts.sum(axis=1)
        return np.sqrt(mean) if root else mean

    return statistic


def _r2(cells: CellTable, counts: np.ndarray) -> np.ndarray:
    n = counts.sum(axis=1)
    total = cells.totals(counts, "y_squared") - cells.totals(counts, "y") ** 2 / n
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - cells.totals(counts, "squared_error") / total


BOOTSTRAP_STATISTICS: dict[str, Callable[[CellTable, np.ndarray], np.ndarray]] = {
    "accuracy": _accuracy,
    "balanced_accuracy": _balanced_accuracy,
    "precision": _class_statistic(0, None),
    "recall": _class_statistic(1, None),
    "f1": _class_statistic(2, None),
    "precision_macro": _class_statistic(0, "macro"),
    "recall_macro": _class_statistic(1, "macro"),
    "f1_macro": _class_statistic(2, "macro"),
    "f1_weighted": _class_statistic(2, "weighted"),
    "roc_auc": _roc_auc,
    "pr_auc": _average_precision,
    "log_loss": _mean_of("log_loss"),
    "brier": _mean_of("brier"),
    "mae": _mean_of("abs_error"),
    "rmse": _mean_of("squared_error", root=True),
    "mape": _mean_of("ape"),
    "r2": _r2,
}
"""Vectorized bootstrap statistics by metric name; metrics without one get no interval."""


def bootstrap_intervals(
    outputs: ModelOutputs,
    point_estimates: dict[str, float],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    resolution: int = DEFAULT_RESOLUTION,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for every metric in ``point_estimates``.

    Metrics with a vectorized statistic in :data:`BOOTSTRAP_STATISTICS` are resampled all at
    once on compressed cells; any other registered metric (a user's own, ``roc_auc_ovr``) is
    computed on each of ``n_resamples`` row resamples, which costs ``n_resamples`` calls.

    Parameters
    ----------
    outputs : ModelOutputs
    point_estimates : dict of str to float
        Exact values (from scikit-learn); intervals are shifted to remove binning bias.
    n_resamples : int, default 1000
    confidence : float, default 0.95
    seed : int or None, default 0
    resolution : int, default 4096
        Score bins before the data are compressed; see the module docstring.

    Returns
    -------
    dict of str to (low, high)
    """
    if n_resamples <= 0:
        return {}
    names = [name for name in point_estimates if name in BOOTSTRAP_STATISTICS]
    others = [name for name in point_estimates if name not in BOOTSTRAP_STATISTICS]
    intervals = _vectorized_intervals(
        outputs, point_estimates, names, n_resamples, confidence, seed, resolution
    )
    if others:
        intervals |= _resampled_intervals(outputs, others, n_resamples, confidence, seed)
    return intervals


def _vectorized_intervals(
    outputs: ModelOutputs,
    point_estimates: dict[str, float],
    names: list[str],
    n_resamples: int,
    confidence: float,
    seed: int | None,
    resolution: int,
) -> dict[str, tuple[float, float]]:
    if not names:
        return {}
    cells = build_cells(outputs, resolution)
    full = cells.count[None, :]
    draws: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for counts in resample_counts(cells, n_resamples, np.random.default_rng(seed)):
        for name in names:
            draws[name].append(BOOTSTRAP_STATISTICS[name](cells, counts))
    tail = (1.0 - confidence) / 2.0
    intervals = {}
    for name in names:
        values = np.concatenate(draws[name])
        shift = point_estimates[name] - float(BOOTSTRAP_STATISTICS[name](cells, full)[0])
        low, high = np.nanquantile(values, [tail, 1.0 - tail]) + shift
        intervals[name] = (float(low), float(high))
    return intervals


def _resampled_intervals(
    outputs: ModelOutputs, names: list[str], n_resamples: int, confidence: float, seed: int | None
) -> dict[str, tuple[float, float]]:
    """Percentile intervals from row resamples, for metrics without a vectorized statistic."""
    import warnings

    from .metrics import METRICS

    metrics = [METRICS[name] for name in names]
    rng = np.random.default_rng(seed)
    values = np.full((len(metrics), n_resamples), np.nan)
    with warnings.catch_warnings():  # a resample may miss a class: that draw is NaN, not noise
        warnings.simplefilter("ignore")
        for b in range(n_resamples):
            rows = rng.integers(0, outputs.n_rows, outputs.n_rows)
            for i, metric in enumerate(metrics):
                try:
                    values[i, b] = metric.score(outputs, rows)
                except ValueError:
                    continue
    tail = (1.0 - confidence) / 2.0
    intervals = {}
    for name, draws in zip(names, values, strict=True):
        if np.isfinite(draws).any():
            low, high = np.nanquantile(draws, [tail, 1.0 - tail])
            intervals[name] = (float(low), float(high))
    return intervals
