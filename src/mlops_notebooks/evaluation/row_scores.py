"""Per-row error scores (higher is worse), shared by error analysis and problem segments.

:data:`ROW_SCORES` maps a name to the tasks it applies to, whether it needs probabilities and
``f(outputs) -> per-row score``. :func:`score_rows` is the entry point for other packages
(:func:`mlops_notebooks.segments.find_segments`): it validates the model outputs and returns the
score with the columns it used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from mlops_notebooks.errors import InvalidInputError, UnknownNameError

from ._inputs import ModelOutputs, ProbabilitySpec, prepare_outputs

__all__ = [
    "ROW_SCORES",
    "default_row_score",
    "probability_columns",
    "row_score",
    "score_rows",
]

UNKNOWN_SCORE = "row score {name!r} does not apply to task {task}; valid: {valid}"


def _misclassified(outputs: ModelOutputs) -> np.ndarray:
    return (outputs.y_true != outputs.y_pred).astype(np.float64)


def _log_loss(outputs: ModelOutputs) -> np.ndarray:
    if outputs.probabilities is None:  # row_score() only offers log_loss with probabilities
        raise InvalidInputError("log_loss needs probabilities")
    p_true = outputs.probabilities[np.arange(outputs.n_rows), outputs.y_true]
    eps = np.finfo(np.float64).eps
    return -np.log(np.clip(p_true, eps, 1 - eps))


def _absolute_error(outputs: ModelOutputs) -> np.ndarray:
    return np.abs(outputs.y_pred - outputs.y_true)


def _squared_error(outputs: ModelOutputs) -> np.ndarray:
    return (outputs.y_pred - outputs.y_true) ** 2


ROW_SCORES: dict[str, tuple[frozenset[str], bool, Callable[[ModelOutputs], np.ndarray]]] = {
    "misclassified": (frozenset({"binary", "multiclass"}), False, _misclassified),
    "log_loss": (frozenset({"binary", "multiclass"}), True, _log_loss),
    "absolute_error": (frozenset({"regression"}), False, _absolute_error),
    "squared_error": (frozenset({"regression"}), False, _squared_error),
}
"""name -> (tasks, needs probabilities, function(outputs) -> per-row score, higher is worse)."""


def default_row_score(outputs: ModelOutputs) -> str:
    """``misclassified`` for classification, ``absolute_error`` for regression."""
    return "absolute_error" if outputs.task == "regression" else "misclassified"


def row_score(outputs: ModelOutputs, name: str | None = None) -> tuple[str, np.ndarray]:
    """Return ``(name, per-row score)``; see :data:`ROW_SCORES`."""
    name = name or default_row_score(outputs)
    valid = [
        key
        for key, (tasks, needs_probabilities, _) in ROW_SCORES.items()
        if outputs.task in tasks and (outputs.probabilities is not None or not needs_probabilities)
    ]
    if name not in valid:
        raise UnknownNameError(
            name,
            tuple(valid),
            message=UNKNOWN_SCORE.format(name=name, task=outputs.task, valid=valid),
        )
    return name, ROW_SCORES[name][2](outputs)


def probability_columns(probabilities: ProbabilitySpec) -> list[str]:
    """The column names in a ``probabilities`` specification (none for arrays)."""
    if isinstance(probabilities, str):
        return [probabilities]
    if isinstance(probabilities, dict):
        return [str(v) for v in probabilities.values()]
    if isinstance(probabilities, list | tuple):
        return [p for p in probabilities if isinstance(p, str)]
    return []


def score_rows(
    frame: pl.DataFrame,
    *,
    target: Any,
    prediction: Any = None,
    probabilities: ProbabilitySpec = None,
    name: str | None = None,
) -> tuple[str, np.ndarray, list[str]]:
    """Per-row score of model outputs held in ``frame``.

    Returns
    -------
    name : str
        The score used (default ``misclassified`` / ``absolute_error``).
    values : numpy.ndarray, shape (n_rows,)
        Higher is worse.
    used : list of str
        The columns of ``frame`` the score was computed from.

    Example
    -------
    >>> import polars as pl
    >>> score_rows(pl.DataFrame({"y": [0, 1], "p": [0, 0]}), target="y", prediction="p")[1]
    array([0., 1.])
    """
    outputs = prepare_outputs(
        frame, target=target, prediction=prediction, probabilities=probabilities
    )
    name, values = row_score(outputs, name)
    used = [c for c in (target, prediction) if isinstance(c, str)]
    return name, values, used + probability_columns(probabilities)
