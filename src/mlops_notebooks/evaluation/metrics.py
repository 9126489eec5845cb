"""Headline metrics by task: a registry of scikit-learn metrics users can extend.

Each metric is a :class:`Metric`: a name, the tasks it applies to, whether it needs
probabilities, whether higher is better, and a function of :class:`ModelOutputs`. The values
are scikit-learn's own (the functions call scikit-learn); only the bootstrap
(:mod:`.bootstrap`) re-implements some of them, vectorized, and tests check it against these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._registry import Registry
from mlops_notebooks.errors import InvalidInputError

from ._inputs import ModelOutputs

__all__ = [
    "METRICS",
    "Metric",
    "compute_metrics",
    "confusion_matrix",
    "metrics_for",
    "per_class_table",
    "register_metric",
]

UNKNOWN_METRIC = "unknown metric {name!r} for task {task}; valid: {valid}"


@dataclass(frozen=True)
class Metric:
    """One metric.

    Attributes
    ----------
    name : str
        Registry key, shown in tables.
    tasks : frozenset of {"binary", "multiclass", "regression"}
    function : callable
        ``function(outputs) -> float``.
    needs_probabilities : bool
        Skipped when the model outputs carry no probabilities.
    higher_is_better : bool
    """

    name: str
    tasks: frozenset[str]
    function: Callable[[ModelOutputs], float]
    needs_probabilities: bool = False
    higher_is_better: bool = True


METRICS: Registry[Metric] = Registry("metric", lambda registry: _register_defaults(registry))
"""Every metric by name; the built-in ones are loaded (with scikit-learn) on first use."""


def register_metric(metric: Metric) -> Metric:
    """Add ``metric`` to :data:`METRICS` (replacing one of the same name) and return it."""
    METRICS[metric.name] = metric
    return metric


def metrics_for(
    outputs: ModelOutputs, names: list[str] | tuple[str, ...] | None = None
) -> list[Metric]:
    """Return the registered metrics that apply to ``outputs`` (or the named ones, validated)."""
    applicable = [
        m
        for m in METRICS.values()
        if outputs.task in m.tasks
        and (outputs.probabilities is not None or not m.needs_probabilities)
    ]
    if names is None:
        return applicable
    by_name = {m.name: m for m in applicable}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InvalidInputError(
            UNKNOWN_METRIC.format(name=unknown[0], task=outputs.task, valid=sorted(by_name))
        )
    return [by_name[n] for n in names]


def compute_metrics(outputs: ModelOutputs, metrics: list[Metric]) -> dict[str, float]:
    """Return ``{name: value}`` for ``metrics`` on ``outputs``."""
    return {m.name: float(m.function(outputs)) for m in metrics}


def _labels(outputs: ModelOutputs) -> list[int]:
    return list(range(len(outputs.classes)))


def _binary_label_metric(function: Callable[..., float]) -> Callable[[ModelOutputs], float]:
    def compute(outputs: ModelOutputs) -> float:
        return function(outputs.y_true, outputs.y_pred, pos_label=1, zero_division=0.0)

    return compute


def _averaged(function: Callable[..., float], average: str) -> Callable[[ModelOutputs], float]:
    def compute(outputs: ModelOutputs) -> float:
        return function(
            outputs.y_true,
            outputs.y_pred,
            labels=_labels(outputs),
            average=average,
            zero_division=0.0,
        )

    return compute


def _register_defaults(registry: Registry[Metric]) -> None:
    from sklearn import metrics as skm

    classification = frozenset({"binary", "multiclass"})
    binary = frozenset({"binary"})
    multiclass = frozenset({"multiclass"})
    regression = frozenset({"regression"})

    def proba(o: ModelOutputs) -> np.ndarray:
        if o.probabilities is None:
            raise InvalidInputError("this metric needs predicted probabilities")
        return o.probabilities

    defaults = [
        Metric("accuracy", classification, lambda o: skm.accuracy_score(o.y_true, o.y_pred)),
        Metric(
            "balanced_accuracy",
            classification,
            lambda o: skm.balanced_accuracy_score(o.y_true, o.y_pred),
        ),
        Metric("precision", binary, _binary_label_metric(skm.precision_score)),
        Metric("recall", binary, _binary_label_metric(skm.recall_score)),
        Metric("f1", binary, _binary_label_metric(skm.f1_score)),
        Metric("precision_macro", multiclass, _averaged(skm.precision_score, "macro")),
        Metric("recall_macro", multiclass, _averaged(skm.recall_score, "macro")),
        Metric("f1_macro", multiclass, _averaged(skm.f1_score, "macro")),
        Metric("f1_weighted", multiclass, _averaged(skm.f1_score, "weighted")),
        Metric(
            "roc_auc",
            binary,
            lambda o: skm.roc_auc_score(o.y_true, proba(o)[:, 1]),
            needs_probabilities=True,
        ),
        Metric(
            "pr_auc",
            binary,
            lambda o: skm.average_precision_score(o.y_true, proba(o)[:, 1]),
            needs_probabilities=True,
        ),
        Metric(
            "roc_auc_ovr",
            multiclass,
            lambda o: skm.roc_auc_score(
                o.y_true, proba(o), multi_class="ovr", labels=_labels(o), average="macro"
            ),
            needs_probabilities=True,
        ),
        Metric(
            "log_loss",
            classification,
            lambda o: skm.log_loss(o.y_true, proba(o), labels=_labels(o)),
            needs_probabilities=True,
            higher_is_better=False,
        ),
        Metric(
            "brier",
            classification,
            lambda o: skm.brier_score_loss(o.y_true, proba(o), labels=_labels(o)),
            needs_probabilities=True,
            higher_is_better=False,
        ),
        Metric(
            "mae",
            regression,
            lambda o: skm.mean_absolute_error(o.y_true, o.y_pred),
            higher_is_better=False,
        ),
        Metric(
            "rmse",
            regression,
            lambda o: skm.root_mean_squared_error(o.y_true, o.y_pred),
            higher_is_better=False,
        ),
        Metric(
            "mape",
            regression,
            lambda o: skm.mean_absolute_percentage_error(o.y_true, o.y_pred),
            higher_is_better=False,
        ),
        Metric("r2", regression, lambda o: skm.r2_score(o.y_true, o.y_pred)),
    ]
    for metric in defaults:
        registry[metric.name] = metric


def confusion_matrix(outputs: ModelOutputs) -> np.ndarray:
    """Return the ``(k, k)`` confusion matrix (rows: true class, columns: predicted class)."""
    from sklearn.metrics import confusion_matrix as sk_confusion

    return np.asarray(sk_confusion(outputs.y_true, outputs.y_pred, labels=_labels(outputs)))


def per_class_table(outputs: ModelOutputs) -> pl.DataFrame:
    """Precision, recall, F1 and support per class, then macro and weighted averages."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = _labels(outputs)
    rows: list[dict[str, Any]] = []
    precision, recall, f1, support = precision_recall_fscore_support(
        outputs.y_true, outputs.y_pred, labels=labels, zero_division=0.0
    )
    for i, label in enumerate(outputs.classes):
        rows.append(
            {
                "class": str(label),
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
        )
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            outputs.y_true, outputs.y_pred, labels=labels, average=average, zero_division=0.0
        )
        rows.append(
            {
                "class": f"{average} avg",
                "precision": float(p),
                "recall": float(r),
                "f1": float(f),
                "support": int(support.sum()),
            }
        )
    return pl.DataFrame(rows)
