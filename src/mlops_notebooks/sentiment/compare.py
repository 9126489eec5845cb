"""Compare approaches on the same texts: per-model metrics, leaderboard, significance, agreement.

Per-model metrics, bootstrap intervals, confusion matrices and calibration come from
:func:`mlops_notebooks.evaluation.evaluate`. Pairwise tests use statsmodels' McNemar test and
scipy's paired bootstrap of any label metric of the one registry,
:data:`mlops_notebooks.evaluation.METRICS` (``macro_f1`` is also available); the metrics in
:data:`PAIRED_METRICS` have a version vectorized over resamples, used when present.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from .inputs import TextPredictions

if TYPE_CHECKING:
    from mlops_notebooks.evaluation import EvaluationReport
from .results import Agreement, ModelComparison, ModelEvaluations, SampleTable, WinsLosses

__all__ = [
    "PAIRED_METRICS",
    "agreement",
    "compare_models",
    "evaluate_models",
    "mcnemar_test",
    "paired_bootstrap",
    "paired_metric",
    "register_paired_metric",
    "wins_and_losses",
]

NOT_IN_LEADERBOARD = "metric {name!r} is not among the evaluated metrics {valid}"
NEEDS_TWO_MODELS = "comparing models needs at least two, got {models}"
SAME_MODEL = "compare two different models, got {model!r} twice"
EXACT_BELOW = 25  # discordant pairs; below this McNemar's chi-square approximation is poor

# metric(y_true, y_pred, n_labels) over the last axis; arrays may carry leading resample axes.
PairedMetric = Callable[[np.ndarray, np.ndarray, int], np.ndarray]
PAIRED_METRICS: dict[str, PairedMetric] = {}


def register_paired_metric(name: str) -> Callable[[PairedMetric], PairedMetric]:
    """Register a vectorized version (over the last axis) of a label metric.

    Any label metric of :data:`mlops_notebooks.evaluation.METRICS` works in
    :func:`paired_bootstrap` without it; this only makes the bootstrap faster.
    """

    def decorator(metric: PairedMetric) -> PairedMetric:
        PAIRED_METRICS[name] = metric
        return metric

    return decorator


@register_paired_metric("accuracy")
def _accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> np.ndarray:
    return np.mean(y_true == y_pred, axis=-1)


def _per_label(y_true: np.ndarray, y_pred: np.ndarray, label: int) -> tuple[np.ndarray, ...]:
    true, pred = y_true == label, y_pred == label
    return (
        np.sum(true & pred, axis=-1),
        np.sum(~true & pred, axis=-1),
        np.sum(true & ~pred, axis=-1),
    )


@register_paired_metric("balanced_accuracy")
def _balanced_accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> np.ndarray:
    recalls = []
    for label in range(n_labels):
        tp, _, fn = _per_label(y_true, y_pred, label)
        support = tp + fn
        recalls.append(np.where(support > 0, tp / np.maximum(support, 1), np.nan))
    return np.nanmean(np.stack(recalls), axis=0)


@register_paired_metric("macro_f1")
def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> np.ndarray:
    scores = []
    for label in range(n_labels):
        tp, fp, fn = _per_label(y_true, y_pred, label)
        denominator = 2 * tp + fp + fn
        scores.append(np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0))
    return np.mean(np.stack(scores), axis=0)


@renamed(random_seed="seed")
def evaluate_models(
    data: TextPredictions,
    *,
    metric: str = "accuracy",
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    calibration_bins: int = 10,
    seed: int = 0,
) -> ModelEvaluations:
    """Evaluate every model with :func:`mlops_notebooks.evaluation.evaluate` and rank them.

    Parameters
    ----------
    data : TextPredictions
    metric : str, default "accuracy"
        Ranking metric (any metric ``evaluate`` reports).
    n_bootstrap, confidence, calibration_bins, seed
        Passed to ``evaluate``.

    Returns
    -------
    ModelEvaluations
    """
    from mlops_notebooks.evaluation import evaluate

    names = list(data.label_names)
    reports = {}
    for model in data.models:
        columns: dict[str, Any] = {
            "target": data.table["label"],
            "prediction": data.label_series(model),
        }
        probabilities = data.probabilities[model]
        spec = None
        if probabilities is not None:
            spec = {label: f"p{code}" for code, label in enumerate(names)}
            columns |= {f"p{code}": probabilities[:, code] for code in range(len(names))}
        reports[model] = evaluate(
            pl.DataFrame(columns),
            target="target",
            prediction="prediction",
            probabilities=spec,
            positive_label=names[-1] if len(names) == 2 else None,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            calibration_bins=calibration_bins,
            seed=seed,
        )
    return ModelEvaluations(
        reports=reports, leaderboard=_leaderboard(reports, metric), metric=metric
    )


def _leaderboard(reports: dict[str, EvaluationReport], metric: str) -> pl.DataFrame:
    """One row per model: the ranking metric with its interval, then the other metrics."""
    first = next(iter(reports.values()))
    available = first.metrics["metric"].to_list()
    if metric not in available:
        raise InvalidInputError(NOT_IN_LEADERBOARD.format(name=metric, valid=available))
    rows = []
    for model, report in reports.items():
        values = dict(report.metrics.select("metric", "value").iter_rows())
        ranked = report.metrics.filter(pl.col("metric") == metric).row(0, named=True)
        row = {"model": model, metric: values.pop(metric)}
        row |= {f"{metric}_ci_low": ranked["ci_low"], f"{metric}_ci_high": ranked["ci_high"]}
        row |= values
        if report.calibration is not None:
            row["calibration_error"] = report.calibration.expected_calibration_error
        rows.append(row)
    higher = first.metrics.filter(pl.col("metric") == metric)["greater_is_better"][0]
    table = pl.DataFrame(rows).sort(metric, descending=bool(higher))
    return table.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))


def mcnemar_test(correct_a: np.ndarray, correct_b: np.ndarray) -> tuple[np.ndarray, float, float]:
    """McNemar's test on paired correctness (statsmodels' ``mcnemar``).

    Parameters
    ----------
    correct_a, correct_b : numpy.ndarray of bool
        Whether each model got each text right.

    Returns
    -------
    table : numpy.ndarray, shape (2, 2)
        Rows: a right / a wrong; columns: b right / b wrong.
    statistic, p_value : float
        Exact binomial test when fewer than 25 texts are discordant, else the chi-square test
        with continuity correction.
    """
    from statsmodels.stats.contingency_tables import mcnemar

    a, b = np.asarray(correct_a, dtype=bool), np.asarray(correct_b, dtype=bool)
    table = np.array([[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]])
    exact = bool(table[0, 1] + table[1, 0] < EXACT_BELOW)
    result = mcnemar(table, exact=exact, correction=True)
    return table, float(result.statistic), float(result.pvalue)


def paired_metric(name: str, n_labels: int) -> tuple[Callable[..., Any], bool]:
    """``(f(y_true, y_pred, n_labels), vectorized)`` for a label metric of the registry.

    Raises
    ------
    UnknownNameError
        ``name`` is neither in :data:`PAIRED_METRICS` nor a label metric of ``METRICS``.
    """
    from mlops_notebooks.evaluation.metrics import METRICS

    if name in PAIRED_METRICS:
        return PAIRED_METRICS[name], True
    task = "binary" if n_labels == 2 else "multiclass"
    labels = {m.name: m for m in METRICS.values() if task in m.tasks and not m.needs_probabilities}
    if name not in labels:
        raise UnknownNameError(name, tuple(sorted({*PAIRED_METRICS, *labels})), what="metric")
    metric = labels[name]
    return (lambda y, p, k: metric(y, p, n_classes=k)), False


@renamed(random_seed="seed", n_resamples="n_bootstrap")
def paired_bootstrap(
    y_true: np.ndarray,
    pred_a: np.ndarray,
    pred_b: np.ndarray,
    *,
    metric: str = "accuracy",
    n_labels: int | None = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Difference ``metric(a) - metric(b)`` with a paired percentile bootstrap interval.

    Texts are resampled jointly for both models (:func:`scipy.stats.bootstrap` with
    ``paired=True``), so the interval reflects the correlation between the two models.

    Returns
    -------
    difference, ci_low, ci_high : float
    """
    from scipy.stats import bootstrap

    k = int(n_labels if n_labels is not None else max(y_true.max(), pred_a.max(), pred_b.max()) + 1)
    function, vectorized = paired_metric(metric, k)

    def difference(y: np.ndarray, a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.asarray(function(y, a, k)) - np.asarray(function(y, b, k))

    point = float(difference(y_true, pred_a, pred_b))
    result = bootstrap(
        (y_true, pred_a, pred_b),
        difference,
        paired=True,
        vectorized=vectorized,
        n_resamples=n_bootstrap,
        confidence_level=confidence,
        method="percentile",
        batch=max(1, 5_000_000 // max(y_true.size, 1)),
        rng=np.random.default_rng(seed),
    )
    interval = result.confidence_interval
    return point, float(interval.low), float(interval.high)


@renamed(random_seed="seed")
def compare_models(
    data: TextPredictions,
    *,
    metric: str = "accuracy",
    pairs: Sequence[tuple[str, str]] | None = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> ModelComparison:
    """McNemar's test and a paired bootstrap of the metric difference for pairs of models.

    Parameters
    ----------
    data : TextPredictions
    metric : str, default "accuracy"
        A name in :data:`PAIRED_METRICS`.
    pairs : sequence of (str, str), optional
        Default: every pair, in model order.
    n_bootstrap, confidence, seed
        Of the paired bootstrap.

    Returns
    -------
    ModelComparison
        P-values are also Holm-adjusted across the pairs.
    """
    from statsmodels.stats.multitest import multipletests

    function, _ = paired_metric(metric, len(data.label_names))
    if len(data.models) < 2:
        raise InvalidInputError(NEEDS_TWO_MODELS.format(models=list(data.models)))
    chosen = list(pairs) if pairs is not None else list(combinations(data.models, 2))
    rows = []
    for a, b in chosen:
        _check_pair(data, a, b)
        table, statistic, p_value = mcnemar_test(data.correct(a), data.correct(b))
        difference, low, high = paired_bootstrap(
            data.y_true,
            data.predicted[a],
            data.predicted[b],
            metric=metric,
            n_labels=len(data.label_names),
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            seed=seed,
        )
        k = len(data.label_names)
        rows.append(
            {
                "model_a": a,
                "model_b": b,
                "both_correct": int(table[0, 0]),
                "only_a_correct": int(table[0, 1]),
                "only_b_correct": int(table[1, 0]),
                "both_wrong": int(table[1, 1]),
                "mcnemar_statistic": statistic,
                "mcnemar_p_value": p_value,
                "metric_a": float(function(data.y_true, data.predicted[a], k)),
                "metric_b": float(function(data.y_true, data.predicted[b], k)),
                "difference": difference,
                "ci_low": low,
                "ci_high": high,
            }
        )
    frame = pl.DataFrame(rows)
    holm = multipletests(frame["mcnemar_p_value"].to_numpy(), method="holm")[1]
    frame = frame.with_columns(p_value_holm=pl.Series(holm)).select(
        *frame.columns[:8], "p_value_holm", *frame.columns[8:]
    )
    return ModelComparison(
        pairs=frame, metric=metric, confidence=confidence, n_bootstrap=n_bootstrap
    )


def _check_pair(data: TextPredictions, a: str, b: str) -> None:
    data.check_model(a)
    data.check_model(b)
    if a == b:
        raise InvalidInputError(SAME_MODEL.format(model=a))


def agreement(data: TextPredictions) -> Agreement:
    """Share of texts on which each pair of models predicts the same label, and Cohen's kappa."""
    from sklearn.metrics import cohen_kappa_score

    models = data.models
    n = len(models)
    share, kappa = np.ones((n, n)), np.ones((n, n))
    for i, j in combinations(range(n), 2):
        a, b = data.predicted[models[i]], data.predicted[models[j]]
        share[i, j] = share[j, i] = float(np.mean(a == b))
        kappa[i, j] = kappa[j, i] = float(cohen_kappa_score(a, b))
    return Agreement(models=models, share=share, kappa=kappa)


def wins_and_losses(
    data: TextPredictions, model_a: str, model_b: str, *, n_examples: int = 5
) -> WinsLosses:
    """Texts one model gets right and the other wrong, with the most striking examples.

    Examples are those where the losing model was most confident in its wrong label.
    """
    from .text_errors import sample_table

    _check_pair(data, model_a, model_b)
    a, b = data.correct(model_a), data.correct(model_b)
    outcomes = {
        "both right": a & b,
        f"only {model_a} right": a & ~b,
        f"only {model_b} right": ~a & b,
        "both wrong": ~a & ~b,
    }
    counts = pl.DataFrame(
        {
            "outcome": list(outcomes),
            "n_texts": [int(mask.sum()) for mask in outcomes.values()],
            "share": [float(mask.mean()) for mask in outcomes.values()],
        }
    )

    def examples(winner: str, loser: str, mask: np.ndarray) -> SampleTable:
        order = np.argsort(-np.nan_to_num(data.confidence(loser), nan=0.0), kind="stable")
        rows = order[mask[order]][:n_examples]
        title = f"{winner} right, {loser} wrong (most confident {loser} errors)"
        return sample_table(data, rows=rows, title=title)

    return WinsLosses(
        model_a=model_a,
        model_b=model_b,
        counts=counts,
        a_wins=examples(model_a, model_b, a & ~b),
        b_wins=examples(model_b, model_a, ~a & b),
    )
