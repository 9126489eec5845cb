"""One call for the pipeline: a model's metrics and, when groups are given, its bias by group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import polars as pl

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._protocol import Result
from mlops_notebooks._render import section

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
    """

    evaluation: EvaluationReport
    bias: BiasReport | None = None

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

    def _html_body(self) -> str:
        body = self.evaluation._html_body()
        if self.bias is not None:
            body += section("Bias by group", self.bias._repr_html_())
        return body

    def _repr_html_(self) -> str:
        bias = "" if self.bias is None else section("Bias by group", self.bias._repr_html_())
        return f"<div>{self.evaluation._summary_html()}{bias}</div>"


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
    >>> assess_model(  # doctest: +SKIP
    ...     "flights_scored", target="late", prediction="predicted", groups=["carrier"]
    ... )
    """
    from .bias import assess_bias
    from .performance import evaluate

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
    return ModelAssessment(evaluation=report, bias=bias)
