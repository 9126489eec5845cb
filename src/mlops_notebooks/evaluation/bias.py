"""Metrics per group and per intersection of groups, through fairlearn's ``MetricFrame``.

fairlearn computes every group value, interval and parity difference; this module only picks
the metrics, arranges fairlearn's results into one long table, measures each group's gap to
the best group and flags gaps over a threshold.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import renamed, warn_renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import InvalidInputError, UnknownNameError, require

from ._inputs import ModelOutputs, column_values, prepare_outputs
from .metrics import METRICS, Metric, register_metric
from .results import BiasReport

__all__ = [
    "BIAS_DEFAULTS",
    "BIAS_METRICS",
    "BiasMetric",
    "BiasReport",
    "assess_bias",
    "register_bias_metric",
]

GROUP_MISSING = (
    "group column {name!r} has {count} missing values; fill them with an explicit level "
    "such as 'unknown' so those rows form their own group"
)
NO_GROUPS = "pass at least one group column in groups="
INTERSECTION_SEPARATOR = " × "


BIAS_METRICS = METRICS
"""Deprecated alias: bias metrics are the metrics of :data:`~.metrics.METRICS`."""
#: Metrics ``assess_bias`` reports when none are named (those that apply to the task).
BIAS_DEFAULTS = (
    "accuracy",
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "mae",
    "rmse",
)


def BiasMetric(
    name: str,
    tasks: frozenset[str],
    function: Callable[..., float],
    higher_is_better: bool = True,
    vectorized: Callable[..., np.ndarray] | None = None,
) -> Metric:
    """Deprecated: build a :class:`~.metrics.Metric` (one registry serves every analysis)."""
    warnings.warn(
        "BiasMetric is deprecated and will be removed in the next release; register a "
        "Metric with register_metric",
        DeprecationWarning,
        stacklevel=2,
    )
    return Metric(name, tasks, function, greater_is_better=higher_is_better, headline=False)


def register_bias_metric(metric: Metric) -> Metric:
    """Deprecated: :func:`~.metrics.register_metric` serves ``assess_bias`` too."""
    warn_renamed("register_bias_metric", "register_bias_metric", "register_metric")
    return register_metric(metric)


def _group_sums(
    weights: np.ndarray, selected: np.ndarray, groups: np.ndarray, n_groups: int
) -> np.ndarray:
    onehot = np.zeros((groups.shape[0], n_groups))
    onehot[np.arange(groups.shape[0]), groups] = selected
    return weights @ onehot


def _rate(numerator: Callable[..., np.ndarray], denominator: Callable[..., np.ndarray]) -> Any:
    def vectorized(
        weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray, k: int
    ) -> np.ndarray:
        top = _group_sums(weights, numerator(y_true, y_pred), groups, k)
        bottom = _group_sums(weights, denominator(y_true, y_pred), groups, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return top / bottom

    return vectorized


_VECTORIZED = {
    "accuracy": _rate(lambda t, p: t == p, lambda t, p: np.ones_like(t, dtype=bool)),
    "selection_rate": _rate(lambda t, p: p == 1, lambda t, p: np.ones_like(t, dtype=bool)),
    "true_positive_rate": _rate(lambda t, p: (t == 1) & (p == 1), lambda t, p: t == 1),
    "false_positive_rate": _rate(lambda t, p: (t == 0) & (p == 1), lambda t, p: t == 0),
}


def _group_columns(
    frame: pl.DataFrame | None, groups: str | Sequence[Any], n_rows: int
) -> dict[str, np.ndarray]:
    specs = [groups] if isinstance(groups, str) else list(groups)
    if not specs:
        raise InvalidInputError(NO_GROUPS)
    columns = {}
    for position, spec in enumerate(specs):
        series, name = column_values(frame, spec, "group")
        if not isinstance(spec, str) and not getattr(spec, "name", None):
            name = f"group_{position}"  # unnamed arrays
        missing = series.null_count() + (
            int(series.is_nan().sum()) if series.dtype.is_float() else 0
        )
        if missing:
            raise InvalidInputError(GROUP_MISSING.format(name=name, count=missing))
        if series.len() != n_rows:
            raise InvalidInputError(
                f"group {name!r} has {series.len()} rows but the target has {n_rows}; "
                "pass arrays of the same length"
            )
        columns[name] = series.cast(pl.String).to_numpy()
    return columns


@renamed(random_seed="seed")
def assess_bias(
    data: FrameLike | None = None,
    *,
    target: Any,
    prediction: Any,
    groups: str | Sequence[Any],
    metrics: Sequence[str] | None = None,
    task: Literal["auto", "binary", "multiclass", "regression"] = "auto",
    positive_label: Any = None,
    intersections: bool = True,
    threshold: float = 0.1,
    min_group_size: int = 100,
    n_bootstrap: int = 100,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> BiasReport:
    """Compare metrics across groups with fairlearn's ``MetricFrame``.

    Parameters
    ----------
    data : DataFrame, LazyFrame, data ref, or None
    target, prediction : str or array-like
    groups : str or sequence of (str or array-like)
        Sensitive/group columns. Each is analysed alone and, with ``intersections``, all
        together (e.g. ``origin × carrier``). Missing values are an error.
    metrics : sequence of str, optional
        Names from :data:`BIAS_METRICS`; default: all that apply to the task.
    task, positive_label
        As in :func:`mlops_notebooks.evaluation.evaluate`.
    intersections : bool, default True
    threshold : float, default 0.1
        A group is flagged when ``|value - best group's value|`` exceeds it.
    min_group_size : int, default 100
        Groups with fewer rows are reported but neither define the best group nor get
        flagged: their values are too noisy to act on.
    n_bootstrap : int, default 100
        fairlearn bootstrap resamples for the intervals (0 disables them).
    confidence : float, default 0.95
    seed : int or None, default 0
        Seed of the bootstrap (``random_seed`` is its deprecated old name).

    Returns
    -------
    BiasReport
    """
    require("fairlearn", "evaluation")
    frame = None if data is None else to_polars(data, name="data")
    outputs = prepare_outputs(
        frame, target=target, prediction=prediction, task=task, positive_label=positive_label
    )
    chosen = _bias_metrics(outputs, metrics)
    group_columns = _group_columns(frame, groups, outputs.n_rows)
    groupings = [[name] for name in group_columns]
    if intersections and len(group_columns) > 1:
        groupings.append(list(group_columns))
    tables: list[pl.DataFrame] = []
    summaries: list[pl.DataFrame] = []
    overall: dict[str, float] = {}
    for names in groupings:
        table, summary, overall = _one_grouping(
            outputs,
            chosen,
            {n: group_columns[n] for n in names},
            n_bootstrap,
            confidence,
            seed,
            (threshold, min_group_size),
        )
        tables.append(table)
        summaries.append(summary)
    return BiasReport(
        by_group=pl.concat(tables, how="vertical_relaxed"),
        summary=pl.concat(summaries, how="diagonal_relaxed"),
        overall=overall,
        threshold=threshold,
        confidence=confidence,
        min_group_size=min_group_size,
    )


def _bias_metrics(outputs: ModelOutputs, names: Sequence[str] | None) -> list[Metric]:
    """Metrics of the registry that apply per group: label metrics of the task."""
    applicable = {
        m.name: m for m in METRICS.values() if outputs.task in m.tasks and not m.needs_probabilities
    }
    if names is None:
        return [applicable[n] for n in BIAS_DEFAULTS if n in applicable]
    unknown = [n for n in names if n not in applicable]
    if unknown:
        raise UnknownNameError(
            unknown[0],
            tuple(sorted(applicable)),
            message=f"unknown bias metric {unknown[0]!r} for task {outputs.task}; "
            f"valid: {sorted(applicable)}",
        )
    return [applicable[n] for n in names]


@dataclass(frozen=True, eq=False)
class _Compressed:
    """Rows grouped into cells of equal (groups, true class, predicted class), with counts."""

    y_true: np.ndarray
    y_pred: np.ndarray
    sensitive: dict[str, np.ndarray]
    weight: np.ndarray
    n_classes: int = 0


def _compress(outputs: ModelOutputs, sensitive: dict[str, np.ndarray]) -> _Compressed:
    frame = pl.DataFrame(
        {"y_true": outputs.y_true, "y_pred": outputs.y_pred}
        | {f"g{i}": values for i, values in enumerate(sensitive.values())}
    )
    cells = frame.group_by(frame.columns, maintain_order=True).len()
    return _Compressed(
        y_true=cells["y_true"].to_numpy(),
        y_pred=cells["y_pred"].to_numpy(),
        sensitive={name: cells[f"g{i}"].to_numpy() for i, name in enumerate(sensitive)},
        weight=cells["len"].to_numpy().astype(np.float64),
        n_classes=len(outputs.classes),
    )


def _weighted_count(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    return float(np.sum(sample_weight))


def _metric_frame(metrics: list[Metric], data: _Compressed, weight: np.ndarray) -> Any:
    """fairlearn's MetricFrame on the cells, the counts as sample weights.

    A metric whose function takes no ``sample_weight`` is evaluated on the rows themselves
    (cells repeated by their counts): slower, the same values.
    """
    from fairlearn.metrics import MetricFrame

    keep = weight > 0
    functions: dict[str, Callable[..., float]] = {
        m.name: partial(m.__call__, n_classes=data.n_classes) for m in metrics
    }
    y_true, y_pred = data.y_true[keep], data.y_pred[keep]
    sensitive = {k: v[keep] for k, v in data.sensitive.items()}
    if all(m.weighted for m in metrics):
        return MetricFrame(
            metrics=functions | {"n_rows": _weighted_count},
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=sensitive,
            sample_params={
                name: {"sample_weight": weight[keep]} for name in [*functions, "n_rows"]
            },
        )
    repeats = weight[keep].astype(np.int64)
    return MetricFrame(
        metrics=functions | {"n_rows": lambda y_true, y_pred: float(len(y_true))},
        y_true=np.repeat(y_true, repeats),
        y_pred=np.repeat(y_pred, repeats),
        sensitive_features={k: np.repeat(v, repeats) for k, v in sensitive.items()},
    )


def _bootstrap_by_group(
    metrics: list[Metric],
    data: _Compressed,
    index: Any,
    n_bootstrap: int,
    confidence: float,
    random_seed: int | None,
) -> tuple[Any, Any]:
    """Row bootstrap through MetricFrame: resampling rows = multinomial counts over the cells."""
    import warnings

    rng = np.random.default_rng(random_seed)
    n_rows = int(data.weight.sum())
    draws = rng.multinomial(n_rows, data.weight / n_rows, size=n_bootstrap).astype(np.float64)
    if all(m.name in _VECTORIZED for m in metrics):
        stacked = _vectorized_draws(metrics, data, index, draws)
    else:
        stacked = _metric_frame_draws(metrics, data, index, draws)
    tail = (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN groups stay NaN
        low, high = np.nanquantile(stacked, [tail, 1.0 - tail], axis=0)
    return low, high


def _group_codes(data: _Compressed, index: Any) -> np.ndarray:
    positions = {key if isinstance(key, tuple) else (key,): i for i, key in enumerate(index)}
    keys = zip(*data.sensitive.values(), strict=True)
    return np.array([positions.get(tuple(key), -1) for key in keys], dtype=np.int64)


def _vectorized_draws(
    metrics: list[Metric], data: _Compressed, index: Any, draws: np.ndarray
) -> np.ndarray:
    codes = _group_codes(data, index)
    present = codes >= 0  # cells of intersections dropped as empty never occur; be safe
    columns = [
        _VECTORIZED[m.name](
            draws[:, present],
            data.y_true[present],
            data.y_pred[present],
            codes[present],
            len(index),
        )
        for m in metrics
    ]
    return np.stack(columns, axis=-1)  # (B, n_groups, n_metrics)


def _metric_frame_draws(
    metrics: list[Metric], data: _Compressed, index: Any, draws: np.ndarray
) -> np.ndarray:
    import warnings

    samples = []
    with warnings.catch_warnings():
        # a resample may leave a small group without a class; fairlearn then warns per group
        warnings.simplefilter("ignore")
        for counts in draws:
            by_group = _metric_frame(metrics, data, counts).by_group
            samples.append(by_group.reindex(index)[[m.name for m in metrics]].to_numpy(np.float64))
    return np.stack(samples)


def _one_grouping(
    outputs: ModelOutputs,
    metrics: list[Metric],
    sensitive: dict[str, np.ndarray],
    n_bootstrap: int,
    confidence: float,
    random_seed: int | None,
    flagging: tuple[float, int],
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, float]]:
    # fairlearn evaluates metrics row by row in Python; on (groups, y, y_hat) cells with counts
    # as sample weights the values are identical and the work no longer grows with the rows.
    data = _compress(outputs, sensitive)
    frame = _metric_frame(metrics, data, data.weight)
    grouping = INTERSECTION_SEPARATOR.join(sensitive)
    by_group = frame.by_group
    by_group = by_group[by_group["n_rows"].notna()]  # intersections that hold no rows
    threshold, min_group_size = flagging
    sizes = by_group["n_rows"].to_numpy().astype(np.int64)
    large = sizes >= min_group_size
    lows = highs = None
    if n_bootstrap > 0:
        lows, highs = _bootstrap_by_group(
            metrics, data, by_group.index, n_bootstrap, confidence, random_seed
        )
    labels = [
        " & ".join(str(v) for v in (key if isinstance(key, tuple) else (key,)))
        for key in by_group.index
    ]
    parts = []
    for position, metric in enumerate(metrics):
        values = by_group[metric.name].to_numpy(dtype=np.float64)
        candidates = values[large] if large.any() else values
        best = np.nanmax(candidates) if metric.greater_is_better else np.nanmin(candidates)
        larger = np.maximum(np.abs(values), abs(best))
        ratio = np.divide(
            np.minimum(np.abs(values), abs(best)),
            larger,
            out=np.ones_like(values),
            where=larger > 0,
        )
        parts.append(
            pl.DataFrame(
                {
                    "grouping": grouping,
                    "group": labels,
                    "metric": metric.name,
                    "value": values,
                    "ci_low": None if lows is None else lows[:, position],
                    "ci_high": None if highs is None else highs[:, position],
                    "n_rows": sizes,
                    "best": best,
                    "difference_to_best": values - best,
                    "ratio_to_best": ratio,
                    "flagged": (np.abs(values - best) > threshold) & large,
                },
                strict=False,
            )
        )
    overall = {m.name: float(frame.overall[m.name]) for m in metrics}
    summary = _summary(outputs, frame, metrics, data, grouping)
    return pl.concat(parts, how="vertical_relaxed"), summary, overall


def _summary(
    outputs: ModelOutputs,
    frame: Any,
    metrics: list[Metric],
    data: _Compressed,
    grouping: str,
) -> pl.DataFrame:
    from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

    row: dict[str, Any] = {"grouping": grouping, "n_groups": int(frame.by_group.shape[0])}
    if outputs.task == "binary":
        inputs = {
            "y_true": data.y_true,
            "y_pred": data.y_pred,
            "sensitive_features": data.sensitive,
            "sample_weight": data.weight,
        }
        row["demographic_parity_difference"] = float(demographic_parity_difference(**inputs))
        row["equalized_odds_difference"] = float(equalized_odds_difference(**inputs))
    differences = frame.difference(method="between_groups")
    for metric in metrics:
        row[f"max_gap_{metric.name}"] = float(differences[metric.name])
    return pl.DataFrame([row])
