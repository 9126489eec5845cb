"""Result objects of the sentiment analyses: frozen dataclasses that render as escaped HTML.

Every result has ``to_frame()`` (its main table, polars), ``to_dict()``/``to_json()`` and
``_repr_html_`` for notebooks; ``plot()`` where a picture helps (drawn by :mod:`.plots`).
Texts are user content: every value and name is passed through :func:`html.escape`, so a review
containing ``<script>`` shows as text and cannot inject markup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from mlops_notebooks._io import write_text_atomic
from mlops_notebooks._render import dumps, fragment, frame_to_html, jsonable, section

if TYPE_CHECKING:
    from mlops_notebooks.evaluation import EvaluationReport

__all__ = [
    "Agreement",
    "ErrorBreakdown",
    "LabelIssues",
    "ModelComparison",
    "ModelEvaluations",
    "SampleTable",
    "TextDrift",
    "TokenSlices",
    "WinsLosses",
]


class _Rendered:
    """Shared ``to_dict``/``to_json``/``_repr_html_`` from a title and named tables."""

    def _title(self) -> str:
        raise NotImplementedError

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        raise NotImplementedError

    def _facts(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-compatible values."""
        tables = {name or "table": frame for name, frame in self._tables()}
        return dict(jsonable({**self._facts(), **tables}))

    def to_json(self, path: str | os.PathLike[str] | None = None) -> str:
        """The result as JSON; also written atomically to ``path`` when given."""
        text = dumps(self.to_dict())
        if path is not None:
            write_text_atomic(path, text)
        return text

    def _sections(self, level: int) -> str:
        parts = [f"<p><strong>{_escape(self._title())}</strong></p>"]
        for name, frame in self._tables():
            table = frame_to_html(frame)
            parts.append(section(name, table, level=level) if name else table)
        return "".join(parts)

    def _html_body(self) -> str:
        return self._sections(2)

    def _repr_html_(self) -> str:
        return fragment(self._sections(3))


def _escape(text: str) -> str:
    import html

    return html.escape(text)


@dataclass(frozen=True, eq=False)
class ModelEvaluations(_Rendered):
    """Per-model metrics with bootstrap intervals, confusion matrices and calibration.

    Attributes
    ----------
    reports : dict of str to EvaluationReport
        One :class:`mlops_notebooks.evaluation.EvaluationReport` per model.
    leaderboard : polars.DataFrame
        One row per model, best first by ``metric``: each metric's value and interval, and the
        expected calibration error.
    metric : str
        The ranking metric.
    """

    reports: dict[str, EvaluationReport]
    leaderboard: pl.DataFrame
    metric: str

    def to_frame(self) -> pl.DataFrame:
        return self.leaderboard

    def metrics(self) -> pl.DataFrame:
        """Long table: ``model, metric, value, ci_low, ci_high``."""
        return pl.concat(
            [r.metrics.select(pl.lit(m).alias("model"), pl.all()) for m, r in self.reports.items()]
        )

    def _title(self) -> str:
        first = next(iter(self.reports.values()))
        return (
            f"{len(self.reports)} models on {first.n_rows:,} texts, ranked by {self.metric}; "
            f"intervals: {first.confidence:.0%} bootstrap, {first.n_bootstrap} resamples"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        tables = [("Leaderboard", self.leaderboard)]
        for model, report in self.reports.items():
            if report.confusion is not None:
                matrix = pl.DataFrame({"gold \\ predicted": list(report.classes)}).with_columns(
                    [pl.Series(c, report.confusion[:, i]) for i, c in enumerate(report.classes)]
                )
                tables.append((f"Confusion matrix: {model}", matrix))
        return tables

    def plot(self, kind: str = "metrics", ax: Any = None) -> Any:
        """``"metrics"`` (values with intervals), ``"calibration"`` or ``"confusion"``."""
        from . import plots

        return plots.plot_evaluations(self, kind, ax)


@dataclass(frozen=True, eq=False)
class ModelComparison(_Rendered):
    """Pairwise significance of the differences between models on the same texts.

    Attributes
    ----------
    pairs : polars.DataFrame
        Per pair ``model_a, model_b``: the 2x2 counts (``both_correct``, ``only_a_correct``,
        ``only_b_correct``, ``both_wrong``), McNemar's ``mcnemar_statistic`` and
        ``mcnemar_p_value`` (exact binomial when fewer than 25 discordant texts), the
        Holm-adjusted ``p_value_holm``, and ``metric_a``, ``metric_b``, ``difference``
        (a − b) with its paired-bootstrap interval ``ci_low, ci_high``.
    metric : str
    confidence : float
    n_bootstrap : int
    """

    pairs: pl.DataFrame
    metric: str
    confidence: float
    n_bootstrap: int

    def to_frame(self) -> pl.DataFrame:
        return self.pairs

    def _facts(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "confidence": self.confidence,
            "n_bootstrap": self.n_bootstrap,
        }

    def _title(self) -> str:
        return (
            f"Pairwise comparison: McNemar's test on paired predictions; difference in "
            f"{self.metric} with a {self.confidence:.0%} paired bootstrap interval "
            f"({self.n_bootstrap} resamples)"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [("", self.pairs)]

    def plot(self, ax: Any = None) -> Any:
        """Metric differences with their intervals, one bar per pair."""
        from . import plots

        return plots.plot_comparison(self, ax)


@dataclass(frozen=True, eq=False)
class Agreement(_Rendered):
    """How often models predict the same label.

    Attributes
    ----------
    models : tuple of str
    share : numpy.ndarray, shape (n_models, n_models)
        Share of texts with the same predicted label.
    kappa : numpy.ndarray, shape (n_models, n_models)
        Cohen's kappa (agreement beyond chance).
    """

    models: tuple[str, ...]
    share: np.ndarray
    kappa: np.ndarray

    def to_frame(self) -> pl.DataFrame:
        """Long table: ``model_a, model_b, share_same_label, cohen_kappa``."""
        a, b = np.meshgrid(np.arange(len(self.models)), np.arange(len(self.models)), indexing="ij")
        names = np.asarray(self.models, dtype=object)
        return pl.DataFrame(
            {
                "model_a": names[a.ravel()].tolist(),
                "model_b": names[b.ravel()].tolist(),
                "share_same_label": self.share.ravel(),
                "cohen_kappa": self.kappa.ravel(),
            }
        )

    def _matrix(self, values: np.ndarray) -> pl.DataFrame:
        return pl.DataFrame({"model": list(self.models)}).with_columns(
            [pl.Series(m, values[:, i]) for i, m in enumerate(self.models)]
        )

    def _title(self) -> str:
        return f"Agreement between {len(self.models)} models"

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [
            ("Share of texts with the same label", self._matrix(self.share)),
            ("Cohen's kappa", self._matrix(self.kappa)),
        ]

    def plot(self, ax: Any = None) -> Any:
        """Heat map of the share of same labels."""
        from . import plots

        return plots.plot_agreement(self, ax)


@dataclass(frozen=True, eq=False)
class SampleTable(_Rendered):
    """Texts with their gold label and every model's label and confidence.

    Attributes
    ----------
    title : str
    table : polars.DataFrame
    """

    title: str
    table: pl.DataFrame

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def _title(self) -> str:
        return self.title

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [("", self.table)]


@dataclass(frozen=True, eq=False)
class WinsLosses(_Rendered):
    """What one model gets right that another gets wrong, with examples.

    Attributes
    ----------
    model_a, model_b : str
    counts : polars.DataFrame
        ``outcome, n_texts, share`` for both right, only a right, only b right, both wrong.
    a_wins, b_wins : SampleTable
        Texts only ``a`` (only ``b``) got right, where the loser was most confident.
    """

    model_a: str
    model_b: str
    counts: pl.DataFrame
    a_wins: SampleTable
    b_wins: SampleTable

    def to_frame(self) -> pl.DataFrame:
        return self.counts

    def _title(self) -> str:
        return f"{self.model_a} against {self.model_b}"

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [
            ("Outcomes", self.counts),
            (self.a_wins.title, self.a_wins.table),
            (self.b_wins.title, self.b_wins.table),
        ]


@dataclass(frozen=True, eq=False)
class ErrorBreakdown(_Rendered):
    """Error rate per group (text length band, source, gold label) and model.

    Attributes
    ----------
    by : str
    table : polars.DataFrame
        ``group, model, n_texts, errors, error_rate, ci_low, ci_high`` (Wilson interval).
    confidence : float
    """

    by: str
    table: pl.DataFrame
    confidence: float

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def _title(self) -> str:
        return f"Error rate by {self.by} ({self.confidence:.0%} Wilson intervals)"

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        wide = self.table.pivot(on="model", index="group", values="error_rate", maintain_order=True)
        return [("Error rate per model", wide), ("Details", self.table)]

    def plot(self, ax: Any = None) -> Any:
        """Grouped bars: error rate with intervals per group and model."""
        from . import plots

        return plots.plot_breakdown(self, ax)


@dataclass(frozen=True, eq=False)
class TokenSlices(_Rendered):
    """Words and phrases whose texts a model gets wrong more often than expected.

    Attributes
    ----------
    table : polars.DataFrame
        ``model, term, category, n_texts, errors, expected_errors, error_rate,
        baseline_error_rate, lift, p_value, q_value, significant`` — only terms with more
        errors than expected, most significant (smallest p) first per model; ``q_value`` is
        the Benjamini-Hochberg adjustment across all terms tested for that model.
    alpha : float
        False discovery rate for ``significant``.
    n_terms_tested : int
    test : str
        The test used: Cochran-Mantel-Haenszel stratified by source, or one-sided Fisher exact.
    """

    table: pl.DataFrame
    alpha: float
    n_terms_tested: int
    test: str = "one-sided Fisher exact test"

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def top(self, model: str, n: int = 15, category: str | None = None) -> TokenSlices:
        """The ``n`` most significant terms of ``model`` (optionally of one category)."""
        rows = self.table.filter(pl.col("model") == model)
        if category is not None:
            rows = rows.filter(pl.col("category") == category)
        return TokenSlices(
            table=rows.head(n), alpha=self.alpha, n_terms_tested=self.n_terms_tested, test=self.test
        )

    def _facts(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "n_terms_tested": self.n_terms_tested, "test": self.test}

    def _title(self) -> str:
        found = int(self.table["significant"].sum())
        return (
            f"{found} of {self.n_terms_tested:,} term tests significant at FDR {self.alpha:g} "
            f"({self.test}, Benjamini-Hochberg)"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        models = self.table["model"].unique(maintain_order=True).to_list()
        return [(f"Top terms: {m}", self.top(m, 10).table) for m in models]

    def plot(self, model: str, n: int = 15, ax: Any = None) -> Any:
        """Errors / expected errors of the ``n`` top terms of ``model``."""
        from . import plots

        return plots.plot_slices(self, model, n, ax)


@dataclass(frozen=True, eq=False)
class LabelIssues(_Rendered):
    """Likely mislabeled texts found by confident learning (cleanlab).

    Attributes
    ----------
    issues : polars.DataFrame
        ``id, text, source, given_label, suggested_label, label_quality`` — worst first;
        ``label_quality`` is the out-of-sample probability of the given label.
    n_texts : int
    by_source : polars.DataFrame
        ``source, n_texts, n_issues, issue_rate``.
    probabilities_from : str
        Which out-of-sample probabilities were used.
    """

    issues: pl.DataFrame
    n_texts: int
    by_source: pl.DataFrame
    probabilities_from: str

    def to_frame(self) -> pl.DataFrame:
        return self.issues

    def _facts(self) -> dict[str, Any]:
        return {"n_texts": self.n_texts, "probabilities_from": self.probabilities_from}

    def _title(self) -> str:
        return (
            f"{self.issues.height:,} of {self.n_texts:,} texts are likely mislabeled "
            f"(confident learning on out-of-sample probabilities of {self.probabilities_from})"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [("By source", self.by_source), ("Most likely label issues", self.issues)]


@dataclass(frozen=True, eq=False)
class TextDrift(_Rendered):
    """How a current set of texts differs from a reference set.

    Attributes
    ----------
    lengths : polars.DataFrame
        ``measure, reference_mean, current_mean, reference_median, current_median,
        ks_statistic, ks_p_value`` for characters and words per text.
    vocabulary : polars.DataFrame
        ``measure, value``: vocabulary sizes, shared share, out-of-vocabulary rates of the
        current texts against the reference vocabulary.
    domain_auc : float
        Cross-validated ROC AUC of a TF-IDF classifier telling current from reference texts
        (0.5: indistinguishable).
    terms : polars.DataFrame
        ``term, coefficient, leans_to`` — the terms that drive the domain classifier most.
    n_reference, n_current : int
        Texts used (after sampling).
    length_sample : dict
        Word counts of both sets, for plotting.
    """

    lengths: pl.DataFrame
    vocabulary: pl.DataFrame
    domain_auc: float
    terms: pl.DataFrame
    n_reference: int
    n_current: int
    length_sample: dict[str, np.ndarray] = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        return self.vocabulary

    def _facts(self) -> dict[str, Any]:
        return {
            "domain_auc": self.domain_auc,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
        }

    def _title(self) -> str:
        return (
            f"Text drift: {self.n_current:,} current against {self.n_reference:,} reference "
            f"texts; domain classifier ROC AUC {self.domain_auc:.3f} (0.5 = no drift)"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        return [
            ("Lengths", self.lengths),
            ("Vocabulary", self.vocabulary),
            ("Terms that tell the sets apart", self.terms),
        ]

    def plot(self, kind: str = "lengths", ax: Any = None) -> Any:
        """``"lengths"`` (word-count histograms) or ``"terms"`` (domain-classifier terms)."""
        from . import plots

        return plots.plot_drift(self, kind, ax)
