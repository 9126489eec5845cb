"""``profile(data)``: a typed summary of a data set — overview, per-column statistics, warnings.

The work is a handful of polars passes over all columns at once (see
:mod:`mlops_notebooks.eda.compute`); correlations reuse the inferred kinds
(:mod:`mlops_notebooks.eda.association`). Nothing here prints or draws.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._io import write_text_atomic
from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks._protocol import Result, check_kind, refuse_axes
from mlops_notebooks.eda.association import CorrelationReport, compute_correlations
from mlops_notebooks.eda.compute import count_duplicate_rows, normalize, summarize_columns
from mlops_notebooks.eda.summaries import ColumnProfile
from mlops_notebooks.eda.warnings import (
    DatasetOverview,
    ProfileWarning,
    WarningThresholds,
    collect_warnings,
)
from mlops_notebooks.errors import InvalidInputError, UnknownNameError
from mlops_notebooks.summaries.engines import Engine

if TYPE_CHECKING:
    import polars as pl
    from matplotlib.figure import Figure

__all__ = ["DataProfile", "profile"]

TARGET_NEEDS_LOCAL = (
    "target is used by the correlations, which the {engine} engine does not compute; "
    "drop target or profile a sample in memory"
)
# Object columns are checked for mixed value types on up to this many non-null values.
MIXED_TYPE_SAMPLE = 100_000


@dataclass(frozen=True, eq=False)
class DataProfile(Result):
    """The profile of a data set, returned by :func:`profile`.

    Attributes
    ----------
    overview : DatasetOverview
        Rows, columns, memory, duplicated rows, columns per kind.
    columns : tuple of ColumnProfile
        One entry per column, in the data's order.
    warnings : tuple of ProfileWarning
        Findings with the threshold each used.
    thresholds : WarningThresholds
        The thresholds in force.
    correlations : CorrelationReport or None
        Pairwise associations, when requested.
    """

    overview: DatasetOverview
    columns: tuple[ColumnProfile, ...]
    warnings: tuple[ProfileWarning, ...]
    thresholds: WarningThresholds = field(default_factory=WarningThresholds)
    correlations: CorrelationReport | None = None

    plot_kinds: ClassVar[tuple[str, ...]] = ("columns",)
    report_title: ClassVar[str] = "Data profile"

    @property
    def approximate(self) -> bool:
        """Whether any statistic comes from a sketch (see ``ColumnProfile.approximations``)."""
        return self.overview.duplicate_rows_error is not None or any(
            column.approximate for column in self.columns
        )

    def column(self, name: str) -> ColumnProfile:
        """The profile of one column by name (:class:`UnknownNameError` lists the columns)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise UnknownNameError(name, tuple(c.name for c in self.columns), what="column")

    def to_polars(self) -> pl.DataFrame:
        """One row per column with the headline statistics (missing, distinct, quantiles…)."""
        import polars as pl

        rows = []
        for column in self.columns:
            row: dict[str, Any] = {
                key: value
                for key, value in column.to_dict().items()
                if not isinstance(value, dict | list)
            }
            if column.numeric is not None:
                row.update(column.numeric.to_dict())
            if column.categorical is not None:
                top = column.categorical.top(1)
                row["top_value"], row["top_count"] = top[0] if top else (None, None)
            rows.append(row)
        return pl.DataFrame(rows, infer_schema_length=None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready nested dictionary of everything in the profile.

        ``approximate`` is true when any value comes from a sketch; each column's
        ``approximate`` entry then names its sketched values and their error bounds.
        """
        return {
            "overview": {**vars(self.overview), "duplicate_share": self.overview.duplicate_share},
            "columns": [column.to_dict() for column in self.columns],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "thresholds": dict(vars(self.thresholds)),
            "correlations": None if self.correlations is None else self.correlations.to_dict(),
            "approximate": self.approximate,
        }

    def save_json(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` to ``path`` atomically and return the path."""
        self.to_json(path)
        return Path(path)

    def to_html(
        self, *, figures: bool = True, provenance: list[dict[str, Any]] | None = None
    ) -> str:
        """A standalone HTML report: header with ``provenance``, contents, column cards.

        Charts are inline SVG drawn from the summaries (``figures=False`` leaves them out);
        every name and value is escaped.
        """
        from mlops_notebooks.eda.html import profile_document

        return profile_document(self, figures=figures, provenance=provenance)

    def save_html(
        self, path: str | os.PathLike[str], *, provenance: list[dict[str, Any]] | None = None
    ) -> Path:
        """Write :meth:`to_html` to ``path`` atomically and return the path."""
        return write_text_atomic(path, self.to_html(provenance=provenance))

    def _html_body(self) -> str:
        from mlops_notebooks.eda.html import profile_body

        return profile_body(self)

    def _repr_html_(self) -> str:
        from mlops_notebooks.eda.html import profile_fragment

        return profile_fragment(self)

    def plot(
        self, kind: str | None = None, *, ax: Any = None, columns: list[str] | None = None
    ) -> Figure:
        """Small multiples of every profiled column (quantile box, or top-value bars).

        ``kind`` is ``"columns"`` (the only kind); the panels need their own figure, so ``ax``
        must be ``None``.
        """
        from mlops_notebooks.eda.plots import plot_profile

        kind = check_kind(kind, self.plot_kinds, what="profile plot kind")
        refuse_axes(ax, kind)
        return plot_profile(self, columns)


def profile(
    data: FrameLike,
    *,
    correlations: bool = True,
    target: str | None = None,
    thresholds: WarningThresholds | None = None,
    correlation_rows: int | None = 100_000,
    spearman_rows: int | None = 100_000,
    engine: Engine = "auto",
    progress: bool | None = None,
) -> DataProfile:
    """Profile a data set: overview, per-column statistics by kind, warnings, correlations.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, polars.LazyFrame or data ref
        The data set. Column names become strings; duplicated names are an error.
    correlations : bool, default True
        Also compute pairwise associations (:func:`~mlops_notebooks.eda.association`).
    target : str, optional
        Target column for the correlations' ``with_target()`` view.
    thresholds : WarningThresholds, optional
        Thresholds of the warning rules (default: :class:`WarningThresholds()`).
    correlation_rows : int or None, default 100000
        Rows sampled (seeded) for the correlations when the data has more; ``None``: all.
        Every other statistic always uses all rows.
    spearman_rows : int or None, default 100000
        Rows sampled for Spearman's rank correlation (``None``: all rows used).
    engine : {"auto", "local", "stream", "dask", "spark"}, default "auto"
        Where the statistics are computed. ``local`` loads the data and computes exact
        statistics; ``stream`` scans Parquet (a path, directory, glob or LazyFrame) in batches
        with bounded memory; ``dask`` and ``spark`` take a Dask or Spark DataFrame and merge
        partition summaries on the client. ``auto`` picks ``dask``/``spark`` from the data's
        type, ``stream`` for Parquet over 20 million rows, else ``local``. On the other
        engines quantiles and distinct counts come from sketches (see ``docs/scale.md`` for
        their error bounds) and correlations are not computed.
    progress : bool or None, default None
        Progress bar on stderr while streaming (``None``: only when stderr is a terminal).

    Returns
    -------
    DataProfile

    Raises
    ------
    InvalidInputError
        For an unsupported input, duplicated column names, or an unknown or unusable target.

    Notes
    -----
    Numeric statistics use finite values; NaN counts as missing and ±inf is counted apart.
    Quantiles are exact with linear interpolation (numpy's default), skewness and kurtosis
    follow pandas (bias-corrected, excess kurtosis), the standard deviation uses ``ddof=1``.

    Examples
    --------
    >>> from mlops_notebooks.data import load
    >>> from mlops_notebooks.eda import profile
    >>> result = profile(load("flights_processed", sample=5000, seed=0), target="is_delayed")
    >>> result.to_frame().shape[0]  # one row per column
    29
    """
    from mlops_notebooks.summaries.engines import resolve_engine

    resolved = resolve_engine(data, engine)
    if resolved != "local":
        if target is not None:
            raise InvalidInputError(TARGET_NEEDS_LOCAL.format(engine=resolved))
        from mlops_notebooks.eda.scale import profile_at_scale

        chosen = thresholds or WarningThresholds()
        parts = profile_at_scale(data, resolved, thresholds=chosen, progress=progress)
        return DataProfile(
            overview=parts[0],
            columns=parts[1],
            warnings=parts[2],
            thresholds=chosen,
            correlations=None,
        )
    mixed = _mixed_type_columns(data)
    original = to_polars(data)
    frame = normalize(original)
    if target is not None and target not in frame.columns:
        from mlops_notebooks.eda.association import UNKNOWN_TARGET

        raise InvalidInputError(UNKNOWN_TARGET.format(target=target))
    thresholds = thresholds or WarningThresholds()
    kinds = infer_kinds(frame)
    correlate = (
        partial(
            compute_correlations,
            frame,
            kinds,
            target=target,
            sample_rows=correlation_rows,
            spearman_rows=spearman_rows,
        )
        if correlations
        else None
    )
    columns, duplicates, report = _statistics(frame, kinds, correlate)
    columns = [replace(column, dtype=str(original.schema[column.name])) for column in columns]
    columns = [_with_mixed(column, mixed.get(column.name, ())) for column in columns]
    counts: dict[str, int] = {}
    for kind in kinds.values():
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    overview = DatasetOverview(
        rows=frame.height,
        columns=frame.width,
        memory_bytes=int(original.estimated_size()),
        duplicate_rows=duplicates,
        kinds=counts,
    )
    return DataProfile(
        overview=overview,
        columns=tuple(columns),
        warnings=tuple(collect_warnings(overview, columns, thresholds)),
        thresholds=thresholds,
        correlations=report,
    )


def _statistics(
    frame: pl.DataFrame,
    kinds: dict[str, ColumnKind],
    correlate: Callable[[], CorrelationReport] | None,
) -> tuple[list[ColumnProfile], int, CorrelationReport | None]:
    """Column statistics, duplicate rows and (when ``correlate`` is given) the correlations.

    polars and numpy release the GIL: the correlations run on their own thread, overlapping
    the column passes.
    """
    with ThreadPoolExecutor(1) as pool:
        pending = None if correlate is None else pool.submit(correlate)
        columns = summarize_columns(frame, kinds)
        duplicates = count_duplicate_rows(frame)
        return columns, duplicates, None if pending is None else pending.result()


def _with_mixed(column: ColumnProfile, types: tuple[str, ...]) -> ColumnProfile:
    return replace(column, mixed_types=types) if types else column


def _mixed_type_columns(data: Any) -> dict[str, tuple[str, ...]]:
    """Value types of pandas object columns that hold more than one type (before conversion)."""
    module = type(data).__module__
    if not (module.startswith("pandas") and type(data).__name__ == "DataFrame"):
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for position, dtype in enumerate(data.dtypes):
        # Only numpy object columns can mix types; string dtypes hold strings only.
        if not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
            continue
        values = data.iloc[:, position].dropna().head(MIXED_TYPE_SAMPLE)
        types = tuple(sorted({type(v).__name__ for v in values}))
        if len(types) > 1:
            found[str(data.columns[position])] = types
    return found
