"""Error analysis: per-row errors with the features, the largest errors, errors by feature bins.

Per-row scores come from :data:`ROW_SCORES`, a registry shared with
:func:`mlops_notebooks.segments.find_segments` (higher always means worse).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import moved_to_keyword, renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._protocol import Result, check_kind, lookup
from mlops_notebooks._render import fragment, frame_to_html, new_axes, section
from mlops_notebooks.errors import InvalidInputError

from ._inputs import ProbabilitySpec, prepare_outputs
from .row_scores import ROW_SCORES, default_row_score, probability_columns, row_score

__all__ = ["ROW_SCORES", "ErrorAnalysis", "analyze_errors", "default_row_score", "row_score"]


@dataclass(frozen=True, eq=False)
class ErrorAnalysis(Result):
    """Where the errors are.

    Attributes
    ----------
    rows : polars.DataFrame
        The features, target, prediction, ``residual`` (regression) and ``error`` per row.
    largest : polars.DataFrame
        The ``top_k`` rows with the largest ``error``.
    by_feature : polars.DataFrame
        ``feature, level, n_rows, share, mean_error, lift`` (+ ``mean_residual`` for
        regression) per feature bin or category; lift = mean error / overall mean error.
    score : str
        The per-row error used (``misclassified``, ``absolute_error``, …).
    overall_error : float
    """

    rows: pl.DataFrame
    largest: pl.DataFrame
    by_feature: pl.DataFrame
    score: str
    overall_error: float

    plot_kinds: ClassVar[tuple[str, ...]] = ("by_feature",)
    report_title: ClassVar[str] = "Error analysis"

    def to_polars(self) -> pl.DataFrame:
        """Mean error per feature bin or category (see ``by_feature``)."""
        return self.by_feature

    def to_dict(self) -> dict[str, Any]:
        """Everything but the per-row table, as plain JSON-compatible values."""
        return {
            "score": self.score,
            "overall_error": self.overall_error,
            "largest": self.largest.to_dicts(),
            "by_feature": self.by_feature.to_dicts(),
        }

    def plot(self, kind: str | None = None, *, ax: Any = None, feature: str | None = None) -> Any:
        """Mean error per bin/category of ``feature`` against the overall mean error.

        ``kind`` is ``"by_feature"`` (the only kind); ``feature`` defaults to the feature with
        the largest lift.
        """
        features = tuple(self.by_feature["feature"].unique(maintain_order=True))
        kind, feature = moved_to_keyword(
            kind, feature, features, where="ErrorAnalysis.plot", keyword="feature"
        )
        check_kind(kind, self.plot_kinds, what="error analysis plot kind")
        if feature is None:
            if not features:
                raise InvalidInputError("no feature to draw: the error analysis has no feature")
            worst = self.by_feature.sort("lift", descending=True, nulls_last=True)
            feature = str(worst["feature"][0])
        lookup(dict.fromkeys(features), feature, what="feature")
        ax = new_axes(ax, (6, 4))
        rows = self.by_feature.filter(pl.col("feature") == feature)
        positions = np.arange(rows.height)
        ax.barh(positions, rows["mean_error"].to_numpy(), color="#4c72b0")
        ax.set_yticks(positions, rows["level"].to_list())
        ax.invert_yaxis()
        ax.axvline(self.overall_error, color="grey", linestyle="--", label="overall")
        ax.set_xlabel(f"mean {self.score}")
        ax.set_title(f"{self.score} by {feature}")
        ax.legend(loc="best")
        return ax.figure

    def _sections(self, level: int) -> str:
        title = (
            f"Error analysis: mean {self.score} {self.overall_error:.4g} "
            f"over {self.rows.height:,} rows"
        )
        worst = self.by_feature.sort("lift", descending=True, nulls_last=True).head(15)
        return (
            f"<p><strong>{html.escape(title)}</strong></p>"
            + section("Worst feature bins and categories", frame_to_html(worst), level=level)
            + section("Largest errors", frame_to_html(self.largest, 10), level=level)
        )

    def _html_body(self) -> str:
        return self._sections(2)

    def _repr_html_(self) -> str:
        return fragment(self._sections(3))


@renamed(top_n="top_k")
def analyze_errors(
    data: FrameLike,
    *,
    target: str,
    prediction: str | None = None,
    probabilities: ProbabilitySpec = None,
    features: Sequence[str] | None = None,
    score: str | None = None,
    task: Literal["auto", "binary", "multiclass", "regression"] = "auto",
    n_bins: int = 10,
    top_k: int = 20,
) -> ErrorAnalysis:
    """Per-row errors with the features, the largest errors, and errors by feature bins.

    Parameters
    ----------
    data : DataFrame, LazyFrame or data ref
    target, prediction, probabilities, task
        As in :func:`mlops_notebooks.evaluation.evaluate` (column names here).
    features : sequence of str, optional
        Default: every other column that is numeric, boolean or categorical.
    score : str, optional
        A name from :data:`ROW_SCORES`; default misclassified / absolute_error.
    n_bins : int, default 10
        Quantile bins per numeric feature.
    top_k : int, default 20
        Rows kept in ``largest`` (``top_n`` is its deprecated old name).

    Returns
    -------
    ErrorAnalysis
    """
    from mlops_notebooks.segments.encoding import encode_feature, usable_features

    frame = to_polars(data, name="data")
    outputs = prepare_outputs(
        frame, target=target, prediction=prediction, probabilities=probabilities, task=task
    )
    score_name, error = row_score(outputs, score)
    used = [c for c in (target, prediction) if isinstance(c, str)]
    names = usable_features(frame, features, exclude=used + probability_columns(probabilities))
    extra: dict[str, Any] = {"error": error}
    if outputs.task == "regression":
        extra = {"residual": outputs.y_pred - outputs.y_true, "error": error}
    rows = frame.select([*names, *used]).with_columns(
        **{k: pl.Series(k, v) for k, v in extra.items()}
    )
    overall = float(error.mean())
    tables = []
    for name in names:
        encoded = encode_feature(frame[name], n_bins=n_bins)
        tables.append(_by_levels(name, encoded.codes, encoded.level_labels, extra, overall))
    by_feature = pl.concat(tables, how="vertical_relaxed") if tables else pl.DataFrame()
    return ErrorAnalysis(
        rows=rows,
        largest=rows.sort("error", descending=True).head(top_k),
        by_feature=by_feature,
        score=score_name,
        overall_error=overall,
    )


def _by_levels(
    name: str, codes: np.ndarray, labels: list[str], values: dict[str, np.ndarray], overall: float
) -> pl.DataFrame:
    n_codes = len(labels)
    count = np.bincount(codes, minlength=n_codes).astype(np.float64)
    present = count > 0
    columns: dict[str, Any] = {
        "feature": name,
        "level": [labels[i] for i in np.flatnonzero(present)],
        "n_rows": count[present].astype(np.int64),
        "share": count[present] / count.sum(),
    }
    for key, value in values.items():
        columns[f"mean_{key}"] = (
            np.bincount(codes, weights=value, minlength=n_codes)[present] / count[present]
        )
    columns["lift"] = (
        columns["mean_error"] / overall if overall > 0 else np.full(int(present.sum()), np.nan)
    )
    return pl.DataFrame(columns).with_columns(pl.col("lift").fill_nan(None))
