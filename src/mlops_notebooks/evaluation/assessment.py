"""One call for the pipeline: a model's metrics and, when groups are given, its bias by group."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._protocol import Result
from mlops_notebooks._render import fragment, section

from ._inputs import ProbabilitySpec
from .results import BiasReport, EvaluationReport

__all__ = ["ModelAssessment", "assess_model"]


@dataclass(frozen=True, eq=False)
class ModelAssessment(Result):
    """An :class:`EvaluationReport` and, when groups were given, a :class:`BiasReport`.

    Attributes
    ----------
    evaluation : EvaluationReport
    bias : BiasReport or None
    provenance : tuple of dict
        Provenance records of the evaluated data (shown in the HTML report's header).
    """

    evaluation: EvaluationReport
    bias: BiasReport | None = None
    provenance: tuple[dict[str, Any], ...] = ()

    plot_kinds: ClassVar[tuple[str, ...]] = EvaluationReport.plot_kinds
    report_title: ClassVar[str] = "Model evaluation"

    def to_polars(self) -> pl.DataFrame:
        """The headline metrics with their intervals."""
        return self.evaluation.to_polars()

    def to_dict(self) -> dict[str, Any]:
        """The evaluation's dictionary, with the bias report under ``"bias"`` when present."""
        out = self.evaluation.to_dict()
        if self.bias is not None:
            out["bias"] = self.bias.to_dict()
        return out

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """The evaluation's plots (see :meth:`EvaluationReport.plot`)."""
        return self.evaluation.plot(kind, ax=ax)

    def _provenance(self) -> list[dict[str, Any]]:
        return list(self.provenance)

    def to_html(self, figures: bool = True) -> str:
        """The evaluation report page (:func:`~mlops_notebooks.evaluation.html.evaluation_page`)."""
        from .html import evaluation_page

        return evaluation_page(
            self.evaluation, self.bias, figures=figures, provenance=self._provenance()
        )

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` atomically to ``path`` and return the path."""
        from mlops_notebooks._io import write_text_atomic

        return write_text_atomic(path, self.to_html())

    def _html_body(self) -> str:
        from .html import bias_body, evaluation_body

        body = evaluation_body(self.evaluation)
        return body if self.bias is None else body + bias_body(self.bias)

    def _repr_html_(self) -> str:
        from .html import bias_body, evaluation_body

        body = evaluation_body(self.evaluation, figures=False, level=3)
        if self.bias is not None:
            body += section("Bias by group", bias_body(self.bias, level=4), level=3)
        return fragment(body)


def assess_model(
    data: FrameLike,
    *,
    target: str,
    prediction: str | None = None,
    probabilities: ProbabilitySpec = None,
    groups: Sequence[str] = (),
    task: Literal["auto", "binary", "multiclass", "regression"] = "auto",
    n_bootstrap: int = 1000,
    time_column: str | None = None,
) -> ModelAssessment:
    """Evaluate model outputs and, for each column in ``groups``, assess bias by group.

    Parameters
    ----------
    data : frame or data ref
    target, prediction, probabilities, task, n_bootstrap, time_column
        As in :func:`mlops_notebooks.evaluation.evaluate`.
    groups : sequence of str
        Columns to assess bias over (:func:`mlops_notebooks.evaluation.assess_bias`); none
        skips the bias assessment.

    Returns
    -------
    ModelAssessment

    Example
    -------
    >>> assessment = assess_model(
    ...     "predictions_current", target="is_delayed", prediction="predicted_delayed",
    ...     groups=["carrier"], n_bootstrap=0,
    ... )
    >>> round(assessment.evaluation["accuracy"], 3), assessment.bias is not None
    (0.782, True)
    """
    from mlops_notebooks.data import Dataset, load_dataset

    from .bias import assess_bias
    from .performance import evaluate

    if isinstance(data, str | os.PathLike):
        data = load_dataset(data, backend="polars")
    provenance = (data.provenance.to_dict(),) if isinstance(data, Dataset) else ()
    frame = to_polars(data, name="data")
    report = evaluate(
        frame,
        target=target,
        prediction=prediction,
        probabilities=probabilities,
        task=task,
        n_bootstrap=n_bootstrap,
        time_column=time_column,
    )
    bias = None
    if groups:
        bias = assess_bias(
            frame, target=target, prediction=prediction, groups=list(groups), task=task
        )
    return ModelAssessment(evaluation=report, bias=bias, provenance=provenance)
