"""Result objects of the sentiment analyses: frozen dataclasses that render as escaped HTML.

Every result follows the result protocol (``docs/protocol.md``): ``to_frame()`` (its main table,
pandas), ``to_polars()``, ``to_dict()``/``to_json()``, ``save_html()``, ``_repr_html_`` for
notebooks, and ``plot()`` where a picture helps (drawn by :mod:`.plots`).
Texts are user content: every value and name is passed through :func:`html.escape`, so a review
containing ``<script>`` shows as text and cannot inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import polars as pl

from mlops_notebooks._deprecation import moved_to_keyword, renamed
from mlops_notebooks._protocol import Result, check_kind, refuse_axes
from mlops_notebooks._render import figure_of, fragment, frame_to_html, jsonable, section

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


class _Rendered(Result):
    """Shared ``to_dict``/``_repr_html_`` from a title and named tables."""

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

    plot_kinds: ClassVar[tuple[str, ...]] = ("metrics", "calibration", "confusion")
    report_title: ClassVar[str] = "Sentiment model evaluation"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``leaderboard``)."""
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

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``"metrics"`` (default; values with intervals), ``"calibration"`` or ``"confusion"``.

        ``confusion`` draws one panel per model on its own figure (``ax`` must be ``None``).
        """
        from . import plots

        kind = check_kind(kind, self.plot_kinds, what="evaluation plot kind")
        if kind == "confusion":
            refuse_axes(ax, kind)
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

    plot_kinds: ClassVar[tuple[str, ...]] = ("differences",)
    report_title: ClassVar[str] = "Model comparison"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``pairs``)."""
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

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Metric differences with their intervals, one bar per pair."""
        from . import plots

        check_kind(kind, self.plot_kinds, what="comparison plot kind")
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

    plot_kinds: ClassVar[tuple[str, ...]] = ("share",)
    report_title: ClassVar[str] = "Agreement between models"

    def to_polars(self) -> pl.DataFrame:
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

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Heat map of the share of same labels."""
        from . import plots

        check_kind(kind, self.plot_kinds, what="agreement plot kind")
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

    report_title: ClassVar[str] = "Sample of texts"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``table``)."""
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

    plot_kinds: ClassVar[tuple[str, ...]] = ("outcomes",)
    report_title: ClassVar[str] = "Wins and losses"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``counts``)."""
        return self.counts

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Texts per outcome: both right, only one model right, both wrong."""
        from mlops_notebooks._render import new_axes

        check_kind(kind, self.plot_kinds, what="wins/losses plot kind")
        axis = new_axes(ax, (6, 3))
        positions = np.arange(self.counts.height)
        axis.barh(positions, self.counts["n_texts"].to_numpy(), color="#4c72b0")
        axis.set_yticks(positions, self.counts["outcome"].to_list())
        axis.invert_yaxis()
        axis.set_xlabel("texts")
        axis.set_title(self._title())
        return figure_of(axis)

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

    plot_kinds: ClassVar[tuple[str, ...]] = ("error_rate",)
    report_title: ClassVar[str] = "Error rate by group"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``table``)."""
        return self.table

    def _title(self) -> str:
        return f"Error rate by {self.by} ({self.confidence:.0%} Wilson intervals)"

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        wide = self.table.pivot(on="model", index="group", values="error_rate", maintain_order=True)
        return [("Error rate per model", wide), ("Details", self.table)]

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Grouped bars: error rate with intervals per group and model."""
        from . import plots

        check_kind(kind, self.plot_kinds, what="error breakdown plot kind")
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

    plot_kinds: ClassVar[tuple[str, ...]] = ("lift",)
    report_title: ClassVar[str] = "Error slices"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``table``)."""
        return self.table

    @renamed(n="top_k")
    def top(self, model: str, top_k: int = 15, category: str | None = None) -> TokenSlices:
        """The ``top_k`` most significant terms of ``model`` (optionally of one category)."""
        rows = self.table.filter(pl.col("model") == model)
        if category is not None:
            rows = rows.filter(pl.col("category") == category)
        return TokenSlices(
            table=rows.head(top_k),
            alpha=self.alpha,
            n_terms_tested=self.n_terms_tested,
            test=self.test,
        )

    def _facts(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "n_terms_tested": self.n_terms_tested, "test": self.test}

    def to_dict(self) -> dict[str, Any]:
        """The settings and every tested term (the display shows the top terms only)."""
        return dict(jsonable({**self._facts(), "table": self.table}))

    def _title(self) -> str:
        found = int(self.table["significant"].sum())
        return (
            f"{found} of {self.n_terms_tested:,} term tests significant at FDR {self.alpha:g} "
            f"({self.test}, Benjamini-Hochberg)"
        )

    def _tables(self) -> list[tuple[str, pl.DataFrame]]:
        models = self.table["model"].unique(maintain_order=True).to_list()
        return [(f"Top terms: {m}", self.top(m, 10).table) for m in models]

    @renamed(n="top_k")
    def plot(
        self, kind: str | None = None, *, ax: Any = None, model: str | None = None, top_k: int = 15
    ) -> Any:
        """Errors / expected errors of the ``top_k`` top terms of ``model`` (default: the first).

        ``kind`` is ``"lift"`` (the only kind).
        """
        from mlops_notebooks._protocol import lookup

        from . import plots

        models = tuple(self.table["model"].unique(maintain_order=True))
        kind, model = moved_to_keyword(
            kind, model, models, where="TokenSlices.plot", keyword="model", stacklevel=4
        )
        check_kind(kind, self.plot_kinds, what="error slices plot kind")
        if model is None and models:
            model = models[0]
        lookup(dict.fromkeys(models), str(model), what="model")
        return plots.plot_slices(self, str(model), top_k, ax)


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

    plot_kinds: ClassVar[tuple[str, ...]] = ("by_source",)
    report_title: ClassVar[str] = "Label issues"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``issues``)."""
        return self.issues

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """Share of texts flagged as likely mislabeled, per source."""
        from mlops_notebooks._render import new_axes

        check_kind(kind, self.plot_kinds, what="label issues plot kind")
        axis = new_axes(ax, (6, 0.4 * self.by_source.height + 1.5))
        positions = np.arange(self.by_source.height)
        axis.barh(positions, self.by_source["issue_rate"].to_numpy(), color="#c44e52")
        axis.set_yticks(positions, [str(s) for s in self.by_source["source"].to_list()])
        axis.invert_yaxis()
        axis.set_xlabel("share of texts likely mislabeled")
        axis.set_title("Label issues by source")
        return figure_of(axis)

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

    plot_kinds: ClassVar[tuple[str, ...]] = ("lengths", "terms")
    report_title: ClassVar[str] = "Text drift"

    def to_polars(self) -> pl.DataFrame:
        """The main table (``vocabulary``)."""
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

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Any:
        """``"lengths"`` (default; word-count histograms) or ``"terms"`` (classifier terms)."""
        from . import plots

        kind = check_kind(kind, self.plot_kinds, what="text drift plot kind")
        return plots.plot_drift(self, kind, ax)
