"""Validate model outputs once, in one place, with messages the tests assert.

Every public function of :mod:`mlops_notebooks.evaluation` and :mod:`mlops_notebooks.segments`
turns its inputs into a :class:`ModelOutputs` here: labels encoded as integer codes, the
probabilities as a ``(n_rows, n_classes)`` matrix whose columns follow ``classes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks.errors import InvalidInputError

__all__ = ["ModelOutputs", "Task", "column_values", "prepare_outputs"]

Task = Literal["binary", "multiclass", "regression"]
ProbabilitySpec = str | Sequence[str] | Mapping[Any, str] | np.ndarray | None

# A target with more distinct numbers than this (or with fractions) is a regression target.
MAX_CLASSES = 50
# Probabilities of one row must sum to one within this tolerance.
PROBABILITY_SUM_TOLERANCE = 1e-3

MISMATCHED_LENGTHS = "{a} has {n_a} rows but {b} has {n_b}; pass arrays of the same length"
UNKNOWN_COLUMN = "{role} column {name!r} is not in the data; available: {available}"
MISSING_VALUES = "{role} {name!r} has {count} missing values; drop or impute them first"
UNKNOWN_PREDICTED_LABELS = (
    "predicted labels {labels} never occur in the target {name!r}; check that prediction "
    "and target use the same label encoding"
)
SINGLE_CLASS = (
    "target {name!r} holds a single class ({label!r}); classification metrics need at least two"
)
PROBABILITIES_OUT_OF_RANGE = "probabilities must lie in [0, 1]; {count} values fall outside"
PROBABILITIES_NOT_SUMMING = (
    "class probabilities must sum to one per row; {count} rows deviate by more than {tol} "
    "(largest deviation {worst:.3g}): pass one column per class"
)
PROBABILITY_COLUMNS_COUNT = (
    "got {got} probability columns for {k} classes {classes}; pass one per class in sorted "
    "class order, or a mapping class -> column"
)
NEEDS_PREDICTION = "pass prediction= (labels or values) or probabilities= to evaluate a model"
UNKNOWN_TASK = "task must be one of {valid}, not {task!r}"
REGRESSION_NEEDS_NUMBERS = "regression needs a numeric {role}; {name!r} has dtype {dtype}"
EMPTY_INPUT = "no rows to evaluate"


@dataclass(frozen=True, eq=False)
class ModelOutputs:
    """Validated targets and predictions.

    Attributes
    ----------
    task : {"binary", "multiclass", "regression"}
    y_true, y_pred : numpy.ndarray
        Class codes (``int64`` indices into ``classes``) or float values for regression.
    probabilities : numpy.ndarray or None
        ``(n_rows, n_classes)`` for classification; ``None`` when not given.
    classes : tuple
        Sorted class labels; ``classes[-1]`` is the positive class of a binary task unless
        ``positive_label`` said otherwise (then it is moved last).
    target_name, prediction_name : str
    """

    task: Task
    y_true: np.ndarray
    y_pred: np.ndarray
    probabilities: np.ndarray | None
    classes: tuple[Any, ...]
    target_name: str
    prediction_name: str

    @property
    def n_rows(self) -> int:
        return int(self.y_true.shape[0])

    @property
    def positive_probability(self) -> np.ndarray | None:
        """Probability of the positive class (binary only)."""
        if self.task != "binary" or self.probabilities is None:
            return None
        return self.probabilities[:, 1]


def column_values(frame: pl.DataFrame | None, spec: Any, role: str) -> tuple[pl.Series, str]:
    """Return the values named (or given) by ``spec`` as a polars Series and a display name."""
    if isinstance(spec, str):
        if frame is None or spec not in frame.columns:
            available = [] if frame is None else frame.columns[:20]
            raise InvalidInputError(
                UNKNOWN_COLUMN.format(role=role, name=spec, available=available)
            )
        return frame[spec], spec
    if isinstance(spec, pl.Series):
        return spec, spec.name or role
    values = spec.to_numpy() if hasattr(spec, "to_numpy") else np.asarray(spec)
    return pl.Series(role, values), role


def _check_lengths(named: Sequence[tuple[str, int]]) -> None:
    first_name, first_n = named[0]
    for other, n in named[1:]:
        if n != first_n:
            raise InvalidInputError(
                MISMATCHED_LENGTHS.format(a=first_name, n_a=first_n, b=other, n_b=n)
            )


def _check_no_nulls(series: pl.Series, role: str, name: str) -> None:
    missing = series.null_count()
    if series.dtype.is_float():
        missing += int(series.is_nan().sum())
    if missing:
        raise InvalidInputError(MISSING_VALUES.format(role=role, name=name, count=missing))


def infer_task(target: pl.Series) -> Task:
    """Regression for fractional or many-valued numbers, else binary/multiclass by class count."""
    n_unique = target.n_unique()
    if target.dtype.is_float():
        fractional = bool((target != target.floor()).any())
        if fractional or n_unique > MAX_CLASSES:
            return "regression"
    elif target.dtype.is_integer() and n_unique > MAX_CLASSES:
        return "regression"
    return "binary" if n_unique <= 2 else "multiclass"


def prepare_outputs(
    data: FrameLike | None,
    *,
    target: Any,
    prediction: Any = None,
    probabilities: ProbabilitySpec = None,
    task: Literal["auto", "binary", "multiclass", "regression"] = "auto",
    positive_label: Any = None,
) -> ModelOutputs:
    """Validate and encode model outputs; see :func:`mlops_notebooks.evaluation.evaluate`."""
    if task not in ("auto", "binary", "multiclass", "regression"):
        raise InvalidInputError(
            UNKNOWN_TASK.format(valid=["auto", "binary", "multiclass", "regression"], task=task)
        )
    frame = None if data is None else to_polars(data, name="data")
    y_series, y_name = column_values(frame, target, "target")
    if y_series.len() == 0:
        raise InvalidInputError(EMPTY_INPUT)
    _check_no_nulls(y_series, "target", y_name)
    resolved: Task = infer_task(y_series) if task == "auto" else task
    if prediction is None and probabilities is None:
        raise InvalidInputError(NEEDS_PREDICTION)
    if resolved == "regression":
        return _regression(frame, y_series, y_name, prediction)
    return _classification(
        frame, y_series, y_name, prediction, probabilities, resolved, positive_label
    )


def _regression(
    frame: pl.DataFrame | None, y_series: pl.Series, y_name: str, prediction: Any
) -> ModelOutputs:
    if prediction is None:
        raise InvalidInputError(NEEDS_PREDICTION)
    p_series, p_name = column_values(frame, prediction, "prediction")
    _check_lengths([(y_name, y_series.len()), (p_name, p_series.len())])
    for series, role, name in ((y_series, "target", y_name), (p_series, "prediction", p_name)):
        if not (series.dtype.is_numeric() or series.dtype == pl.Boolean):
            raise InvalidInputError(
                REGRESSION_NEEDS_NUMBERS.format(role=role, name=name, dtype=series.dtype)
            )
    _check_no_nulls(p_series, "prediction", p_name)
    return ModelOutputs(
        task="regression",
        y_true=y_series.cast(pl.Float64).to_numpy(),
        y_pred=p_series.cast(pl.Float64).to_numpy(),
        probabilities=None,
        classes=(),
        target_name=y_name,
        prediction_name=p_name,
    )


def _class_order(labels: list[Any], positive_label: Any) -> tuple[Any, ...]:
    ordered = sorted(labels, key=lambda v: (str(type(v)), v))
    if positive_label is not None:
        if positive_label not in ordered:
            raise InvalidInputError(
                f"positive_label {positive_label!r} is not a target class; classes: {ordered}"
            )
        ordered.remove(positive_label)
        ordered.append(positive_label)
    return tuple(ordered)


def _encode(series: pl.Series, classes: tuple[Any, ...]) -> np.ndarray:
    lookup = pl.DataFrame({"label": pl.Series(list(classes), dtype=series.dtype)}).with_row_index(
        "code"
    )
    joined = pl.DataFrame({"label": series}).join(
        lookup, on="label", how="left", maintain_order="left"
    )
    return joined["code"].cast(pl.Int64).to_numpy()


def _classification(
    frame: pl.DataFrame | None,
    y_series: pl.Series,
    y_name: str,
    prediction: Any,
    probabilities: ProbabilitySpec,
    task: Task,
    positive_label: Any,
) -> ModelOutputs:
    labels = y_series.unique().to_list()
    if len(labels) < 2:
        raise InvalidInputError(SINGLE_CLASS.format(name=y_name, label=labels[0]))
    classes = _class_order(labels, positive_label)
    proba = _probability_matrix(frame, probabilities, classes, y_series.len(), y_name)
    if prediction is not None:
        p_series, p_name = column_values(frame, prediction, "prediction")
        _check_lengths([(y_name, y_series.len()), (p_name, p_series.len())])
        _check_no_nulls(p_series, "prediction", p_name)
        if p_series.dtype != y_series.dtype:
            p_series = _align_dtype(p_series, y_series.dtype)
        unknown = sorted(set(p_series.unique().to_list()) - set(labels), key=str)
        if unknown:
            raise InvalidInputError(
                UNKNOWN_PREDICTED_LABELS.format(labels=unknown[:10], name=y_name)
            )
        y_pred = _encode(p_series, classes)
    elif proba is None:
        raise InvalidInputError("pass prediction= or probabilities=")
    else:
        p_name = "argmax(probabilities)"
        y_pred = proba.argmax(axis=1).astype(np.int64)
    return ModelOutputs(
        task=task,
        y_true=_encode(y_series, classes),
        y_pred=y_pred,
        probabilities=proba,
        classes=classes,
        target_name=y_name,
        prediction_name=p_name,
    )


def _align_dtype(series: pl.Series, dtype: pl.DataType) -> pl.Series:
    try:
        return series.cast(dtype, strict=True)
    except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError):
        return series  # labels that cannot be cast are reported as unknown labels


def _probability_matrix(
    frame: pl.DataFrame | None,
    spec: ProbabilitySpec,
    classes: tuple[Any, ...],
    n_rows: int,
    y_name: str,
) -> np.ndarray | None:
    if spec is None:
        return None
    k = len(classes)
    columns = _probability_columns(frame, spec, classes)
    for name, values in columns:
        _check_lengths([(y_name, n_rows), (name, values.shape[0])])
        _check_no_nulls(pl.Series(name, values), "probability", name)
    matrix = np.column_stack([values for _, values in columns]).astype(np.float64)
    outside = int(((matrix < 0) | (matrix > 1)).sum())
    if outside:
        raise InvalidInputError(PROBABILITIES_OUT_OF_RANGE.format(count=outside))
    if matrix.shape[1] == 1 and k == 2:
        return np.column_stack([1.0 - matrix[:, 0], matrix[:, 0]])
    if matrix.shape[1] != k:
        raise InvalidInputError(
            PROBABILITY_COLUMNS_COUNT.format(got=matrix.shape[1], k=k, classes=list(classes))
        )
    deviation = np.abs(matrix.sum(axis=1) - 1.0)
    bad = int((deviation > PROBABILITY_SUM_TOLERANCE).sum())
    if bad:
        raise InvalidInputError(
            PROBABILITIES_NOT_SUMMING.format(
                count=bad, tol=PROBABILITY_SUM_TOLERANCE, worst=float(deviation.max())
            )
        )
    # Remove rounding noise so every library sees rows that sum to one to machine precision.
    return matrix / matrix.sum(axis=1, keepdims=True)


def _probability_columns(
    frame: pl.DataFrame | None, spec: ProbabilitySpec, classes: tuple[Any, ...]
) -> list[tuple[str, np.ndarray]]:
    if isinstance(spec, Mapping):
        missing = [c for c in classes if c not in spec]
        if missing:
            raise InvalidInputError(
                f"the probability mapping has no column for classes {missing}; map every class"
            )
        specs: list[Any] = [spec[c] for c in classes]
    elif isinstance(spec, np.ndarray) and spec.ndim == 2:
        return [(f"probability[{i}]", spec[:, i]) for i in range(spec.shape[1])]
    elif isinstance(spec, str) or not isinstance(spec, Sequence):
        specs = [spec]
    else:
        specs = list(spec)
    resolved = []
    for item in specs:
        series, name = column_values(frame, item, "probability")
        resolved.append((name, series.cast(pl.Float64).to_numpy()))
    return resolved
