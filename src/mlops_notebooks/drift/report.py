"""Results of a drift comparison: a :class:`ColumnDrift` per column in a :class:`DriftReport`."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._protocol import Result, check_kind, lookup, refuse_axes
from mlops_notebooks._render import figure_of
from mlops_notebooks.drift.summaries import ColumnSummary

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

    from mlops_notebooks.drift.performance import PerformanceChange

__all__ = ["ColumnDrift", "ColumnRole", "ColumnStatus", "DriftReport"]

ColumnStatus = Literal["compared", "kind_mismatch", "empty", "skipped", "failed"]
ColumnRole = Literal["feature", "target", "prediction"]
# Category lists in reports are cut to this many names.
MAX_LISTED_CATEGORIES = 20


# Columns of DriftReport.to_polars() and ColumnDrift.to_polars().
FRAME_COLUMNS = (
    "column",
    "kind",
    "role",
    "method",
    "statistic",
    "p_value",
    "threshold",
    "drift",
    "status",
    "missing_share_reference",
    "missing_share_current",
    "note",
)


def _frame(columns: list[ColumnDrift]) -> pl.DataFrame:
    import polars as pl

    schema = {
        **dict.fromkeys(FRAME_COLUMNS, pl.String),
        **dict.fromkeys(("statistic", "p_value", "threshold"), pl.Float64),
        **dict.fromkeys(("missing_share_reference", "missing_share_current"), pl.Float64),
        "drift": pl.Boolean,
    }
    rows = [{k: c.to_dict()[k] for k in FRAME_COLUMNS} for c in columns]
    return pl.DataFrame(rows, schema=schema, orient="row")


@dataclass(frozen=True)
class ColumnDrift(Result):
    """Drift result of one column.

    Attributes
    ----------
    column, kind, method : str
        Column name, its kind (``numeric``, ``categorical``, …) and the method used.
    statistic : float or None
        The method's statistic (None when the column was not compared).
    p_value : float or None
        P-value for hypothesis tests, after multiple-testing correction when one was asked for.
    threshold : float or None
        Threshold applied (p-value level or distance).
    drift : bool
        Whether the column drifted. A column whose kind changed, or whose values became all
        missing in one data set, counts as drifted.
    status : str
        ``compared``, ``kind_mismatch``, ``empty`` (all missing in both), ``skipped``
        (identifier, text or datetime columns) or ``failed`` (the method could not run).
    note : str
        Human-readable remark (infinite values dropped, new categories, …); empty if none.
    role : str
        ``feature``, ``target`` or ``prediction``.
    raw_p_value : float or None
        P-value before multiple-testing correction.
    missing_share_reference, missing_share_current : float
        Share of missing values in each data set.
    new_categories, vanished_categories : tuple of str
        Categories seen only in current / only in reference (at most 20 listed).
    reference, current : ColumnSummary or None
        The summaries, for drawing and for exporting histograms.
    error_bound : float or None
        Set when the statistic comes from sketches (KS from two KLL sketches beyond memory):
        it is within this much of the exact statistic, and the p-value is computed from it.
        None when the statistic is exact.
    """

    column: str
    kind: str
    method: str | None
    statistic: float | None
    p_value: float | None
    threshold: float | None
    drift: bool
    status: ColumnStatus = "compared"
    note: str = ""
    role: ColumnRole = "feature"
    raw_p_value: float | None = None
    missing_share_reference: float = 0.0
    missing_share_current: float = 0.0
    new_categories: tuple[str, ...] = ()
    vanished_categories: tuple[str, ...] = ()
    reference: ColumnSummary | None = field(default=None, repr=False)
    current: ColumnSummary | None = field(default=None, repr=False)
    error_bound: float | None = None

    plot_kinds: ClassVar[tuple[str, ...]] = ("distribution",)
    report_title: ClassVar[str] = "Column drift"

    @property
    def compared(self) -> bool:
        """True when the column counts towards the share of drifted columns."""
        return self.status in ("compared", "kind_mismatch", "failed")

    @property
    def approximate(self) -> bool:
        """Whether the statistic (and its p-value) come from sketches; see ``error_bound``."""
        return self.error_bound is not None

    @property
    def strength(self) -> float:
        """How far past its threshold the column is: > 1 drifted; comparable across methods."""
        return _drift_strength(self)

    def to_polars(self) -> pl.DataFrame:
        """One row: the column's statistic, threshold and decision."""
        return _frame([self])

    def plot(self, kind: str | None = None, *, ax: Any = None, max_points: int = 40) -> Figure:
        """Reference vs current shares of the column on shared bins (or top categories)."""
        from mlops_notebooks.drift.plots import plot_overlay
        from mlops_notebooks.errors import InvalidInputError

        check_kind(kind, self.plot_kinds, what="column drift plot kind")
        if self.reference is None or self.current is None:
            raise InvalidInputError(f"column {self.column!r} was not compared ({self.status})")
        return figure_of(plot_overlay(self.reference, self.current, ax=ax, max_points=max_points))

    def to_dict(self, *, summaries: bool = False) -> dict[str, Any]:
        """Plain-Python form (JSON-safe: non-finite numbers become None)."""
        out: dict[str, Any] = {
            "column": self.column,
            "kind": self.kind,
            "method": self.method,
            "statistic": _clean(self.statistic),
            "p_value": _clean(self.p_value),
            "threshold": _clean(self.threshold),
            "drift": self.drift,
            "status": self.status,
            "note": self.note,
            "role": self.role,
            "raw_p_value": _clean(self.raw_p_value),
            "missing_share_reference": self.missing_share_reference,
            "missing_share_current": self.missing_share_current,
            "new_categories": list(self.new_categories),
            "vanished_categories": list(self.vanished_categories),
            "approximate": self.approximate,
            "error_bound": _clean(self.error_bound),
        }
        if summaries:
            out["reference_summary"] = self.reference.to_dict() if self.reference else None
            out["current_summary"] = self.current.to_dict() if self.current else None
        return out


def _clean(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class DriftReport(Result):
    """Result of :func:`mlops_notebooks.drift.compare`.

    Attributes
    ----------
    columns : tuple of ColumnDrift
        One entry per column present in both data sets, in the reference's order.
    dataset_drift : bool
        True when ``share_of_drifted_columns >= drift_share``.
    share_of_drifted_columns : float
        Drifted columns / compared columns (features only; target and prediction excluded).
    drift_share : float
        The threshold used for ``dataset_drift``.
    reference_rows, current_rows : int
        Rows in each data set.
    correction : str or None
        Multiple-testing correction applied to p-values (``bonferroni``, ``bh``) or None.
    only_in_reference, only_in_current : tuple of str
        Columns present in one data set only (not compared).
    reference_provenance, current_provenance : dict or None
        Where each data set came from, when known.
    performance : PerformanceChange or None
        Model performance in each data set, when labels and predictions exist in both.
    excluded_columns : dict of str to str
        Columns left out because of their inferred role (identifier, time column, calendar
        part), each with the reason; empty unless ``compare(..., exclude_inferred=True)``.
    """

    columns: tuple[ColumnDrift, ...]
    dataset_drift: bool
    share_of_drifted_columns: float
    drift_share: float
    reference_rows: int
    current_rows: int
    correction: str | None = None
    only_in_reference: tuple[str, ...] = ()
    only_in_current: tuple[str, ...] = ()
    reference_provenance: dict[str, Any] | None = None
    current_provenance: dict[str, Any] | None = None
    performance: PerformanceChange | None = None
    excluded_columns: dict[str, str] = field(default_factory=dict)

    plot_kinds: ClassVar[tuple[str, ...]] = ("ranked", "distributions")
    report_title: ClassVar[str] = "Data drift"

    @property
    def number_of_columns(self) -> int:
        """Feature columns that count towards the share of drifted columns."""
        return sum(c.compared and c.role == "feature" for c in self.columns)

    @property
    def drifted_columns(self) -> tuple[str, ...]:
        """Names of the drifted feature columns, most drifted first (by rank in the table)."""
        return tuple(c.column for c in self.ranked() if c.drift and c.role == "feature")

    def __getitem__(self, column: str) -> ColumnDrift:
        """The result of one column (:class:`UnknownNameError` lists the columns)."""
        return lookup({c.column: c for c in self.columns}, column, what="drift column")

    def ranked(self) -> list[ColumnDrift]:
        """Columns ordered by how far they are past their threshold (most drifted first)."""
        return sorted(self.columns, key=_drift_strength, reverse=True)

    def to_dict(self, *, summaries: bool = False) -> dict[str, Any]:
        """The JSON document written by ``mlops-nb drift --json``."""
        return {
            "dataset_drift": self.dataset_drift,
            "share_of_drifted_columns": self.share_of_drifted_columns,
            "drift_share": self.drift_share,
            "number_of_columns": self.number_of_columns,
            "drifted_columns": list(self.drifted_columns),
            "correction": self.correction,
            "reference_rows": self.reference_rows,
            "current_rows": self.current_rows,
            "only_in_reference": list(self.only_in_reference),
            "only_in_current": list(self.only_in_current),
            "excluded_columns": dict(self.excluded_columns),
            "columns": [c.to_dict(summaries=summaries) for c in self.columns],
            "reference": self.reference_provenance or {},
            "current": self.current_provenance or {},
            "performance": self.performance.to_dict() if self.performance else None,
            "approximate_columns": [c.column for c in self.columns if c.approximate],
        }

    def to_json(
        self, path: str | os.PathLike[str] | None = None, *, summaries: bool = False
    ) -> str:
        """:meth:`to_dict` as JSON text (no NaN); also written atomically to ``path``."""
        from mlops_notebooks._io import write_text_atomic
        from mlops_notebooks._render import dumps

        text = dumps(self.to_dict(summaries=summaries))
        if path is not None:
            write_text_atomic(path, text)
        return text

    def to_polars(self) -> pl.DataFrame:
        """One row per column, most drifted first."""
        return _frame(self.ranked())

    def exclusion_line(self) -> str:
        """One line naming the columns left out by inferred role and why ("" when none)."""
        if not self.excluded_columns:
            return ""
        by_reason: dict[str, list[str]] = {}
        for column, reason in self.excluded_columns.items():
            by_reason.setdefault(reason, []).append(column)
        listed = "; ".join(f"{', '.join(c)} ({r})" for r, c in by_reason.items())
        return f"Left out by inferred role: {listed}."

    def summary_line(self) -> str:
        """One sentence: whether the data set drifted and which columns did."""
        drifted = self.drifted_columns
        verdict = "DRIFT" if self.dataset_drift else "no dataset drift"
        return (
            f"{verdict}: {len(drifted)} of {self.number_of_columns}"
            f" columns drifted (share {self.share_of_drifted_columns:.2f}, "
            f"threshold {self.drift_share:.2f})"
        )

    def _repr_html_(self) -> str:
        from mlops_notebooks.drift.html import report_table_html

        return report_table_html(self)

    def _html_body(self) -> str:
        from mlops_notebooks.drift.html import report_body

        return report_body(self)

    def _provenance(self) -> list[dict[str, Any]]:
        from mlops_notebooks.drift.html import _provenance

        return _provenance(self)

    def to_html(self, *, images: bool = True) -> str:
        """A standalone HTML page with the shared look (charts are inline SVG).

        It holds a header with both data sets' provenance, the verdict, the ranked chart, the
        column table and each column's reference and current distributions.
        """
        from mlops_notebooks.drift.html import report_page_html

        return report_page_html(self, images=images)

    @renamed(top="top_k")
    def plot(
        self,
        kind: str | None = None,
        *,
        ax: Any = None,
        top_k: int | None = None,
        columns: list[str] | None = None,
    ) -> Figure:
        """Draw the report.

        ``"ranked"`` (default): bars of each column's statistic relative to its threshold
        (``top_k`` columns, default 20; drawn into ``ax`` when given). ``"distributions"``:
        reference vs current overlays of ``columns`` (default: the ``top_k`` most drifted,
        default 6) on their own figure.
        """
        from mlops_notebooks.drift import plots

        kind = check_kind(kind, self.plot_kinds, what="drift plot kind")
        if kind == "distributions":
            refuse_axes(ax, kind)
            return plots.plot_distributions(self, columns=columns, top_k=top_k or 6)
        return figure_of(plots.plot_ranked(self, ax=ax, top_k=top_k or 20))

    @renamed(top="top_k")
    def plot_distributions(
        self, columns: list[str] | None = None, *, top_k: int = 6, max_points: int = 40
    ) -> Figure:
        """Reference vs current distribution overlays (default: the ``top_k`` most drifted)."""
        from mlops_notebooks.drift.plots import plot_distributions

        return plot_distributions(self, columns=columns, top_k=top_k, max_points=max_points)


def _drift_strength(result: ColumnDrift) -> float:
    """How far past its threshold a column is: >1 drifted; comparable across methods."""
    if result.status == "kind_mismatch" or (result.drift and result.statistic is None):
        return math.inf
    if result.statistic is None or result.threshold is None:
        return -math.inf
    if result.p_value is not None:
        # -log10(p) / -log10(threshold): 1 at the threshold, larger when more significant.
        p_value = max(result.p_value, 1e-300)
        return math.log10(p_value) / math.log10(result.threshold) if result.threshold < 1 else 0.0
    return result.statistic / result.threshold if result.threshold > 0 else result.statistic
