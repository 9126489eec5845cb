"""Correlation analysis: Pearson, Spearman, bias-corrected Cramér's V and the correlation ratio.

Which statistic applies depends on the kinds of the two columns:

============  ============  =========================================
column a      column b      statistic
============  ============  =========================================
numeric       numeric       Pearson and Spearman (signed, −1…1)
numeric       categorical   correlation ratio η (0…1)
categorical   categorical   Cramér's V, bias-corrected (0…1)
============  ============  =========================================

Boolean columns count as categorical. Identifier, text and datetime columns are left out.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from mlops_notebooks._deprecation import renamed
from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._kinds import ColumnKind, infer_kinds
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.eda._pairwise import (
    GroupSums,
    PairwiseSums,
    average_ranks,
    cramers_v,
)
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from matplotlib.figure import Figure

__all__ = ["CorrelationReport", "correlations"]

Method = Literal["pearson", "spearman", "cramers_v", "correlation_ratio"]
METHODS: tuple[str, ...] = ("pearson", "spearman", "cramers_v", "correlation_ratio")
UNKNOWN_TARGET = "target column {target!r} is not in the data"
UNUSABLE_TARGET = "target column {target!r} is {kind}: it must be numeric, categorical or boolean"
# Rows per chunk when accumulating sums: bounds memory, and keeps each temporary block
# small (a few MB, measured faster than 8k or 64k rows) so the allocator reuses it instead
# of faulting in fresh pages, and the products run in cache.
CHUNK_ROWS = 16_384
# Threads sharing the chunks (the sums of each thread are merged at the end).
THREADS = min(4, os.cpu_count() or 1)
# Categorical columns with more levels than this are left out of Cramér's V and η.
MAX_LEVELS = 1_000
NUMERIC_KINDS = (ColumnKind.NUMERIC,)
CATEGORICAL_KINDS = (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)


@dataclass(frozen=True, eq=False)
class CorrelationReport(Result):
    """Pairwise associations of a data set.

    Attributes
    ----------
    numeric_columns, categorical_columns : tuple of str
        The columns each matrix is indexed by.
    pearson, spearman : numpy.ndarray, shape (n_numeric, n_numeric)
        NaN where undefined (a constant column, fewer than two shared rows).
    cramers_v : numpy.ndarray, shape (n_categorical, n_categorical)
    correlation_ratio : numpy.ndarray, shape (n_numeric, n_categorical)
    rows : int
        Rows used for Pearson, Cramér's V and η: all rows, or a seeded random sample when
        the data has more than ``sample_rows``.
    spearman_rows : int
        Rows used for Spearman (a seeded random sample of those).
    total_rows : int
        Rows in the data.
    target : str or None
        The target column, if one was given.
    """

    numeric_columns: tuple[str, ...]
    categorical_columns: tuple[str, ...]
    pearson: np.ndarray
    spearman: np.ndarray
    cramers_v: np.ndarray
    correlation_ratio: np.ndarray
    rows: int
    spearman_rows: int
    total_rows: int
    target: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    plot_kinds: ClassVar[tuple[str, ...]] = ("associations", *METHODS)
    report_title: ClassVar[str] = "Correlations"

    def matrix(self, method: Method = "pearson") -> pd.DataFrame:
        """One statistic as a labelled pandas matrix."""
        import pandas as pd

        check_kind(method, METHODS, what="correlation method")
        rows, cols = self._labels(method)
        return pd.DataFrame(getattr(self, method), index=list(rows), columns=list(cols))

    def _labels(self, method: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if method in ("pearson", "spearman"):
            return self.numeric_columns, self.numeric_columns
        if method == "cramers_v":
            return self.categorical_columns, self.categorical_columns
        return self.numeric_columns, self.categorical_columns

    def to_polars(self) -> pl.DataFrame:
        """Every pair once: ``column_a, column_b, method, value``, strongest first."""
        import polars as pl

        records = []
        for method in METHODS:
            rows, cols = self._labels(method)
            values = getattr(self, method)
            symmetric = method in ("pearson", "spearman", "cramers_v")
            for i, a in enumerate(rows):
                for j, b in enumerate(cols):
                    if (symmetric and j <= i) or np.isnan(values[i, j]):
                        continue
                    records.append((a, b, method, float(values[i, j])))
        frame = pl.DataFrame(
            records,
            schema={
                "column_a": pl.String,
                "column_b": pl.String,
                "method": pl.String,
                "value": pl.Float64,
            },
            orient="row",
        )
        return frame.sort(pl.col("value").abs(), descending=True)

    @renamed(n="top_k")
    def top_pairs(self, top_k: int = 20, *, method: Method | None = None) -> pl.DataFrame:
        """The ``top_k`` most strongly associated pairs (by absolute value), optionally one method.

        Spearman pairs are left out unless asked for: they repeat the Pearson pairs.
        """
        import polars as pl

        frame = self.to_polars()
        if method is None:
            frame = frame.filter(pl.col("method") != "spearman")
        else:
            frame = frame.filter(pl.col("method") == method)
        return frame.head(top_k)

    def with_target(self) -> pl.DataFrame:
        """Association of every column with the target: ``column, method, value``."""
        import polars as pl

        if self.target is None:
            return pl.DataFrame(
                schema={"column": pl.String, "method": pl.String, "value": pl.Float64}
            )
        pairs = self.to_polars().filter(
            ((pl.col("column_a") == self.target) | (pl.col("column_b") == self.target))
            & (pl.col("method") != "spearman")
        )
        return pairs.select(
            pl.when(pl.col("column_a") == self.target)
            .then(pl.col("column_b"))
            .otherwise(pl.col("column_a"))
            .alias("column"),
            "method",
            "value",
        )

    def associations(self) -> pd.DataFrame:
        """One square matrix over all columns: Pearson, η or Cramér's V by the pair's kinds."""
        import pandas as pd

        names, full = self.association_matrix()
        return pd.DataFrame(full, index=names, columns=names)

    def association_matrix(self) -> tuple[list[str], np.ndarray]:
        """The column names and the square matrix of :meth:`associations`, without pandas."""
        names = list(self.numeric_columns) + list(self.categorical_columns)
        p = len(self.numeric_columns)
        full = np.full((len(names), len(names)), np.nan)
        full[:p, :p] = self.pearson
        full[p:, p:] = self.cramers_v
        full[:p, p:] = self.correlation_ratio
        full[p:, :p] = self.correlation_ratio.T
        np.fill_diagonal(full, 1.0)
        return names, full

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the matrices as nested lists (NaN as ``None``) and the settings."""

        def plain(values: np.ndarray) -> list[list[float | None]]:
            return [[None if np.isnan(v) else float(v) for v in row] for row in values]

        return {
            "numeric_columns": list(self.numeric_columns),
            "categorical_columns": list(self.categorical_columns),
            "rows": self.rows,
            "spearman_rows": self.spearman_rows,
            "total_rows": self.total_rows,
            "target": self.target,
            "skipped": dict(self.skipped),
            **{method: plain(getattr(self, method)) for method in METHODS},
        }

    def _html_body(self) -> str:
        from mlops_notebooks._render import frame_to_html

        caption = f"Top associated pairs ({self.rows:,} of {self.total_rows:,} rows)"
        return frame_to_html(self.top_pairs(15), caption=caption)

    def plot(self, kind: str | None = None, *, ax: Any = None) -> Figure:
        """Heatmap of one statistic, or (default) of all associations in one matrix."""
        from mlops_notebooks.eda.plots import plot_heatmap

        kind = check_kind(kind, self.plot_kinds, what="correlation plot kind")
        matrix = self.associations() if kind == "associations" else self.matrix(kind)  # type: ignore[arg-type]
        return plot_heatmap(matrix, title=str(kind).replace("_", " "), ax=ax)


def correlations(
    data: FrameLike,
    *,
    target: str | None = None,
    columns: list[str] | None = None,
    sample_rows: int | None = 100_000,
    spearman_rows: int | None = 100_000,
    seed: int = 0,
) -> CorrelationReport:
    """Compute every applicable pairwise association of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame or data ref
        The data set.
    target : str, optional
        A column whose associations :meth:`CorrelationReport.with_target` lists.
    columns : list of str, optional
        Restrict to these columns (default: all numeric, categorical and boolean columns).
    sample_rows : int or None, default 100000
        Above this many rows, every statistic uses a seeded random sample of this size: the
        standard error of a correlation is about ``1/sqrt(rows)`` (0.003), far below any
        difference worth reading, and the cost stops growing with the data. ``None`` uses
        all rows (the sums are accumulated in chunks, so memory stays bounded).
    spearman_rows : int or None, default 100000
        Spearman needs a sort per column; above this many rows it ranks a seeded random
        sample (standard error about 0.003). ``None`` ranks all rows used.
    seed : int, default 0
        Seed of that sample.

    Returns
    -------
    CorrelationReport

    Raises
    ------
    InvalidInputError
        If ``target`` or a name in ``columns`` is missing, or the target is not usable.

    Examples
    --------
    >>> from mlops_notebooks.data import load
    >>> report = correlations(load("flights_processed", sample=5000, seed=0), target="is_delayed")
    >>> report.top_pairs(1)["column_a"][0], report.top_pairs(1)["column_b"][0]
    ('distance', 'dest')
    """
    from mlops_notebooks.eda.compute import normalize

    frame = normalize(to_polars(data))
    if columns is not None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InvalidInputError(f"columns not in the data: {missing}")
        frame = frame.select(columns)
    return compute_correlations(
        frame,
        infer_kinds(frame),
        target=target,
        sample_rows=sample_rows,
        spearman_rows=spearman_rows,
        seed=seed,
    )


def compute_correlations(
    frame: pl.DataFrame,
    kinds: dict[str, ColumnKind],
    *,
    target: str | None = None,
    sample_rows: int | None = 100_000,
    spearman_rows: int | None = 100_000,
    seed: int = 0,
) -> CorrelationReport:
    """:func:`correlations` for a polars frame whose column kinds are already known."""
    _check_target(frame, kinds, target)
    total_rows = frame.height
    usable = [c for c in frame.columns if kinds[c] in NUMERIC_KINDS + CATEGORICAL_KINDS]
    frame = frame.select(usable)
    if sample_rows is not None and frame.height > sample_rows:
        frame = frame.sample(n=sample_rows, seed=seed)
    numeric = tuple(name for name in frame.columns if kinds[name] in NUMERIC_KINDS)
    codes, levels, skipped = _category_codes(frame, kinds)
    categorical = tuple(levels)
    means, partial = _means(frame, numeric)
    has_gaps = {name: bool((codes[name] < 0).any()) for name in categorical}

    def new_sums() -> tuple[PairwiseSums, dict[str, GroupSums]]:
        groups = {
            name: GroupSums(levels[name], len(numeric), partial, has_gaps[name])
            for name in categorical
        }
        return PairwiseSums(len(numeric)), groups

    from threadpoolctl import threadpool_limits

    # The products are narrow (columns x columns): one BLAS thread each does them as fast,
    # and the chunks are shared among a few threads instead (numpy releases the GIL).
    with threadpool_limits(1, user_api="blas"):
        pairwise, groups = _accumulate(frame, numeric, means, partial, codes, new_sums)
        spearman = _spearman(frame, numeric, spearman_rows, seed)
    return CorrelationReport(
        numeric_columns=numeric,
        categorical_columns=categorical,
        pearson=pairwise.correlation(),
        spearman=spearman,
        cramers_v=_cramers_matrix(codes, levels, categorical),
        correlation_ratio=np.column_stack(
            [groups[name].correlation_ratio(pairwise) for name in categorical]
        )
        if categorical
        else np.empty((len(numeric), 0)),
        rows=frame.height,
        spearman_rows=_spearman_size(frame.height, spearman_rows),
        total_rows=total_rows,
        target=target,
        skipped=skipped,
    )


def _accumulate(
    frame: pl.DataFrame,
    numeric: tuple[str, ...],
    means: np.ndarray,
    partial: np.ndarray,
    codes: dict[str, np.ndarray],
    new_sums: Callable[[], tuple[PairwiseSums, dict[str, GroupSums]]],
) -> tuple[PairwiseSums, dict[str, GroupSums]]:
    """Sum every chunk of rows into pairwise and per-category sums, merging per-thread sums."""
    from concurrent.futures import ThreadPoolExecutor

    starts = list(range(0, max(frame.height, 1), CHUNK_ROWS))
    workers = max(1, min(THREADS, len(starts)))

    def work(mine: list[int]) -> tuple[PairwiseSums, dict[str, GroupSums]]:
        pairwise, groups = new_sums()
        for start in mine:
            centred, present = _numeric_block(frame.slice(start, CHUNK_ROWS), numeric, means)
            stacked = np.hstack([centred, present[:, partial], centred * centred])
            pairwise.add(stacked, partial)
            # Categories without gaps need no squares: give them the narrower block.
            narrow = np.ascontiguousarray(stacked[:, : len(numeric) + partial.size])
            for name, group in groups.items():
                block = stacked if group.track_squares else narrow
                group.add(codes[name][start : start + CHUNK_ROWS], block)
        return pairwise, groups

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(work, [starts[i::workers] for i in range(workers)]))
    pairwise, groups = results[0]
    for other_pairwise, other_groups in results[1:]:
        pairwise.merge(other_pairwise)
        for name, group in groups.items():
            group.merge(other_groups[name])
    return pairwise, groups


def _check_target(frame: pl.DataFrame, kinds: dict[str, ColumnKind], target: str | None) -> None:
    if target is None:
        return
    if target not in frame.columns:
        raise InvalidInputError(UNKNOWN_TARGET.format(target=target))
    if kinds[target] not in NUMERIC_KINDS + CATEGORICAL_KINDS:
        raise InvalidInputError(UNUSABLE_TARGET.format(target=target, kind=kinds[target]))


def _category_codes(
    frame: pl.DataFrame, kinds: dict[str, ColumnKind]
) -> tuple[dict[str, np.ndarray], dict[str, int], dict[str, str]]:
    """Codes 0…k−1 per categorical column (−1 for missing) via an Enum cast, in one select."""
    import polars as pl

    candidates = [name for name in frame.columns if kinds[name] in CATEGORICAL_KINDS]
    if not candidates:
        return {}, {}, {}
    strings = frame.select(pl.col(name).cast(pl.String) for name in candidates)
    uniques = strings.select(pl.col(n).drop_nulls().unique().implode() for n in candidates).row(0)
    levels: dict[str, int] = {}
    skipped: dict[str, str] = {}
    expressions = []
    for name, values in zip(candidates, uniques, strict=True):
        if len(values) > MAX_LEVELS:
            skipped[name] = f"{len(values):,} distinct values (> {MAX_LEVELS:,})"
            continue
        levels[name] = len(values)
        enum = pl.Enum(sorted(values))
        expressions.append(pl.col(name).cast(enum).to_physical().cast(pl.Int64).fill_null(-1))
    coded = strings.select(expressions)
    return {name: coded.get_column(name).to_numpy() for name in levels}, levels, skipped


def _means(frame: pl.DataFrame, numeric: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the finite values of each column, and the indices of columns with gaps."""
    import polars as pl

    if not numeric:
        return np.empty(0), np.empty(0, dtype=np.int64)
    finite = [pl.col(n).cast(pl.Float64) for n in numeric]
    row = frame.select(
        [v.filter(v.is_finite()).mean() for v in finite]
        + [
            v.is_finite().fill_null(False).not_().sum().alias(f"{i}\x00gaps")
            for i, v in enumerate(finite)
        ]
    ).row(0)
    width = len(numeric)
    means = np.array([0.0 if m is None else m for m in row[:width]], dtype=float)
    partial = np.flatnonzero(np.array(row[width:]) > 0)
    return means, partial


def _numeric_block(
    frame: pl.DataFrame, numeric: tuple[str, ...], means: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    import polars as pl

    if not numeric:
        return np.empty((frame.height, 0)), np.empty((frame.height, 0))
    values = frame.select(pl.col(n).cast(pl.Float64) for n in numeric).to_numpy()
    # Row-major from here on: the sparse products below copy anything else per category.
    centred = np.subtract(values, means, order="C")
    present = np.isfinite(centred)
    centred[~present] = 0.0
    return centred, present.astype(np.float64)


def _spearman_size(rows: int, limit: int | None) -> int:
    return rows if limit is None else min(rows, limit)


def _spearman(
    frame: pl.DataFrame, numeric: tuple[str, ...], limit: int | None, seed: int
) -> np.ndarray:
    import polars as pl

    size = _spearman_size(frame.height, limit)
    if not numeric or size == 0:
        return np.full((len(numeric), len(numeric)), np.nan)
    sample = frame.select(numeric)
    if size < frame.height:
        sample = sample.sample(n=size, seed=seed)
    # Ranks of the finite values (NaN elsewhere) on this thread, which overlaps the column
    # passes of profile(); then Pearson on them, chunked over threads.
    ranks = pl.DataFrame(
        {n: average_ranks(sample.get_column(n).cast(pl.Float64).to_numpy()) for n in numeric}
    )
    means, partial = _means(ranks, numeric)
    pairwise, _ = _accumulate(
        ranks, numeric, means, partial, {}, lambda: (PairwiseSums(len(numeric)), {})
    )
    return pairwise.correlation()


def _cramers_matrix(
    codes: dict[str, np.ndarray], levels: dict[str, int], names: tuple[str, ...]
) -> np.ndarray:
    matrix = np.eye(len(names))
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            b = names[j]
            both = (codes[a] >= 0) & (codes[b] >= 0)
            flat = codes[a][both] * levels[b] + codes[b][both]
            table = np.bincount(flat, minlength=levels[a] * levels[b]).reshape(levels[a], levels[b])
            matrix[i, j] = matrix[j, i] = cramers_v(table)
    return matrix
