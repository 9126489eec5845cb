"""One metric registry for the whole package: evaluation, bias, drift and sentiment use it.

A :class:`Metric` is registered once — its name, direction, the tasks it applies to, whether
it needs probabilities, and a plain ``function(y_true, y_pred_or_score, **kw) -> float`` — and
then serves :func:`~mlops_notebooks.evaluation.evaluate` (with bootstrap intervals),
:func:`~mlops_notebooks.evaluation.assess_bias` (per group through fairlearn's
``MetricFrame``), drift's performance change and the sentiment model comparisons. The built-in
metrics call scikit-learn (and fairlearn) themselves, so their values are the libraries' own;
:mod:`.bootstrap` re-implements some of them, vectorized over resamples, and tests check it.

The second argument is the predicted label codes (classification; the positive class is 1),
the predicted values (regression), or — when ``needs_probabilities`` — the positive-class
probability (binary) or the ``(n, k)`` probability matrix (multi-class). Functions that accept
``sample_weight`` are evaluated on compressed, weighted rows where that is faster.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks._registry import Registry
from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from ._inputs import ModelOutputs, ProbabilitySpec

__all__ = [
    "METRICS",
    "Metric",
    "compute_metrics",
    "confusion_matrix",
    "metrics_for",
    "per_class_table",
    "register_metric",
    "score_metrics",
]

UNKNOWN_METRIC = "unknown metric {name!r} for task {task}; valid: {valid}"
CLASSIFICATION = frozenset({"binary", "multiclass"})
BINARY = frozenset({"binary"})
MULTICLASS = frozenset({"multiclass"})
REGRESSION = frozenset({"regression"})
ALL_TASKS = CLASSIFICATION | REGRESSION


@dataclass(frozen=True)
class Metric:
    """One metric, registered once and used by every analysis.

    Attributes
    ----------
    name : str
        Registry key, shown in tables.
    tasks : frozenset of {"binary", "multiclass", "regression"}
    function : callable
        ``function(y_true, y_pred_or_score, **kw) -> float`` (see the module docstring).
    needs_probabilities : bool
        The second argument is a score or probability matrix; skipped without probabilities.
    greater_is_better : bool
    headline : bool
        Reported by ``evaluate`` by default (the fairness rates are not).
    options : mapping
        Extra keyword arguments for ``function``; ``labels`` is filled with every class code
        when ``needs_labels``.
    needs_labels : bool
        Pass ``labels=[0, …, k-1]`` so classes absent from a sample still count.
    full_probabilities : bool
        With ``needs_probabilities``: pass the ``(n, k)`` matrix for binary tasks too.
    """

    name: str
    tasks: frozenset[str]
    function: Callable[..., float]
    needs_probabilities: bool = False
    greater_is_better: bool = True
    headline: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)
    needs_labels: bool = False
    full_probabilities: bool = False

    @property
    def higher_is_better(self) -> bool:
        """Deprecated old name of :attr:`greater_is_better`."""
        from mlops_notebooks._deprecation import warn_renamed

        warn_renamed("Metric", "higher_is_better", "greater_is_better")
        return self.greater_is_better

    @property
    def weighted(self) -> bool:
        """Whether ``function`` accepts ``sample_weight``."""
        try:
            parameters = inspect.signature(self.function).parameters
        except (TypeError, ValueError):
            return False
        return "sample_weight" in parameters or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
        )

    def applies_to(self, outputs: ModelOutputs) -> bool:
        """Whether the metric can be computed on ``outputs``."""
        return outputs.task in self.tasks and (
            outputs.probabilities is not None or not self.needs_probabilities
        )

    def arguments(self, outputs: ModelOutputs) -> tuple[np.ndarray, np.ndarray]:
        """``(y_true, y_pred_or_score)`` of ``outputs`` for :attr:`function`."""
        if not self.needs_probabilities:
            return outputs.y_true, outputs.y_pred
        if outputs.probabilities is None:
            raise InvalidInputError(f"metric {self.name!r} needs predicted probabilities")
        if outputs.task == "binary" and not self.full_probabilities:
            return outputs.y_true, outputs.probabilities[:, 1]
        return outputs.y_true, outputs.probabilities

    def keywords(self, n_classes: int) -> dict[str, Any]:
        """The keyword arguments of :attr:`function` for ``n_classes`` classes."""
        if self.needs_labels:
            return {**self.options, "labels": list(range(n_classes))}
        return dict(self.options)

    def __call__(
        self, y_true: np.ndarray, y_pred_or_score: np.ndarray, *, n_classes: int = 0, **kw: Any
    ) -> float:
        """The metric of ``y_true`` against ``y_pred_or_score`` (``kw``: e.g. sample_weight)."""
        return float(self.function(y_true, y_pred_or_score, **self.keywords(n_classes), **kw))

    def score(self, outputs: ModelOutputs, rows: np.ndarray | None = None) -> float:
        """The metric on ``outputs`` (only ``rows``, positions, when given)."""
        y_true, second = self.arguments(outputs)
        if rows is not None:
            y_true, second = y_true[rows], second[rows]
        return self(y_true, second, n_classes=len(outputs.classes))


def _register_defaults(registry: Registry[Metric]) -> None:
    from sklearn import metrics as skm

    def add(name: str, tasks: frozenset[str], function: Callable[..., float], **kw: Any) -> None:
        registry[name] = Metric(name, tasks, function, **kw)

    label = {"zero_division": 0.0}
    add("accuracy", CLASSIFICATION, skm.accuracy_score)
    add("balanced_accuracy", CLASSIFICATION, skm.balanced_accuracy_score)
    for name, function in (
        ("precision", skm.precision_score),
        ("recall", skm.recall_score),
        ("f1", skm.f1_score),
    ):
        add(name, BINARY, function, options={"pos_label": 1, **label})
    for name, function, average in (
        ("precision_macro", skm.precision_score, "macro"),
        ("recall_macro", skm.recall_score, "macro"),
        ("f1_macro", skm.f1_score, "macro"),
        ("f1_weighted", skm.f1_score, "weighted"),
    ):
        add(name, MULTICLASS, function, options={"average": average, **label}, needs_labels=True)
    add("roc_auc", BINARY, skm.roc_auc_score, needs_probabilities=True)
    add("pr_auc", BINARY, skm.average_precision_score, needs_probabilities=True)
    add(
        "roc_auc_ovr",
        MULTICLASS,
        skm.roc_auc_score,
        needs_probabilities=True,
        options={"multi_class": "ovr", "average": "macro"},
        needs_labels=True,
    )
    for name, function in (("log_loss", skm.log_loss), ("brier", skm.brier_score_loss)):
        add(
            name,
            CLASSIFICATION,
            function,
            needs_probabilities=True,
            greater_is_better=False,
            needs_labels=True,
            full_probabilities=True,
        )
    add("mae", REGRESSION, skm.mean_absolute_error, greater_is_better=False)
    add("rmse", REGRESSION, skm.root_mean_squared_error, greater_is_better=False)
    add("mape", REGRESSION, skm.mean_absolute_percentage_error, greater_is_better=False)
    add("r2", REGRESSION, skm.r2_score)
    _register_fairness_rates(add)


def _register_fairness_rates(add: Callable[..., None]) -> None:
    """fairlearn's group rates: for :func:`assess_bias`, not headline metrics."""
    for name, greater in (
        ("selection_rate", True),
        ("true_positive_rate", True),
        ("false_positive_rate", False),
    ):
        add(
            name,
            BINARY,
            _fairlearn_rate(name),
            greater_is_better=greater,
            headline=False,
            options={"pos_label": 1},
        )


def _fairlearn_rate(name: str) -> Callable[..., float]:
    """fairlearn's ``name`` rate, imported on first call (fairlearn takes seconds to import)."""

    def rate(
        y_true: np.ndarray,
        y_pred: np.ndarray,
        *,
        pos_label: Any = 1,
        sample_weight: np.ndarray | None = None,
    ) -> float:
        from fairlearn import metrics as fm

        function = getattr(fm, name)
        return float(function(y_true, y_pred, pos_label=pos_label, sample_weight=sample_weight))

    rate.__name__ = rate.__qualname__ = name
    return rate


METRICS: Registry[Metric] = Registry("metric", _register_defaults)
"""Every metric by name; the built-in ones are loaded (with scikit-learn) on first use."""


def register_metric(metric: Metric) -> Metric:
    """Add ``metric`` to :data:`METRICS` (replacing one of the same name) and return it.

    Example
    -------
    >>> import numpy as np
    >>> register_metric(Metric("error_rate", frozenset({"binary"}),
    ...     lambda y, p, sample_weight=None: float(np.average(y != p, weights=sample_weight)),
    ...     greater_is_better=False)).name
    'error_rate'
    >>> del METRICS["error_rate"]  # the registry is shared by the whole process
    """
    METRICS[metric.name] = metric
    return metric


def metrics_for(outputs: ModelOutputs, names: Sequence[str] | None = None) -> list[Metric]:
    """The headline metrics that apply to ``outputs``, or the named ones (validated)."""
    applicable = {m.name: m for m in METRICS.values() if m.applies_to(outputs)}
    if names is None:
        return [m for m in applicable.values() if m.headline]
    unknown = [n for n in names if n not in applicable]
    if unknown:
        raise UnknownNameError(
            unknown[0],
            tuple(sorted(applicable)),
            message=UNKNOWN_METRIC.format(
                name=unknown[0], task=outputs.task, valid=sorted(applicable)
            ),
        )
    return [applicable[n] for n in names]


def compute_metrics(outputs: ModelOutputs, metrics: list[Metric]) -> dict[str, float]:
    """Return ``{name: value}`` for ``metrics`` on ``outputs``."""
    return {m.name: m.score(outputs) for m in metrics}


def score_metrics(
    data: Any,
    *,
    target: Any,
    prediction: Any = None,
    probabilities: ProbabilitySpec = None,
    metrics: Sequence[str] | None = None,
) -> tuple[str, dict[str, float]]:
    """The task and the registered metrics of model outputs held in ``data``.

    The entry point for other packages (drift's performance change): validation, encoding
    and the metric values are the same as in :func:`~mlops_notebooks.evaluation.evaluate`.
    ``metrics`` that do not apply to the task are left out.

    Example
    -------
    >>> import polars as pl
    >>> frame = pl.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0]})
    >>> score_metrics(frame, target="y", prediction="p", metrics=["accuracy"])
    ('binary', {'accuracy': 0.75})
    """
    from ._inputs import prepare_outputs

    outputs = prepare_outputs(
        data, target=target, prediction=prediction, probabilities=probabilities
    )
    chosen = metrics_for(outputs)
    if metrics is not None:
        applicable = {m.name for m in METRICS.values() if m.applies_to(outputs)}
        chosen = metrics_for(outputs, [n for n in metrics if n in applicable])
    with warnings.catch_warnings():  # e.g. ROC AUC of a sample with one class: NaN, left out
        warnings.simplefilter("ignore")
        values = compute_metrics(outputs, chosen)
    return outputs.task, {k: v for k, v in values.items() if np.isfinite(v)}


def _labels(outputs: ModelOutputs) -> list[int]:
    return list(range(len(outputs.classes)))


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
