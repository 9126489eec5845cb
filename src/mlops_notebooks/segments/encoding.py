"""Turn feature columns into small integer codes and readable predicates over those codes.

Numeric columns are cut into quantile bins (right-closed, like ``x <= edge``); a column with
few distinct values keeps one bin per value. Categorical columns keep their most frequent
levels; the rest share an ``other`` code that no predicate selects. Missing values get their
own code, selected by the predicate ``x is null``.

Each feature offers *predicates*: sets of codes with a readable text. Numeric features offer
single bins and both tails (``hour >= 17``, ``distance <= 500``), so a segment reads the way a
person would write it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from mlops_notebooks._kinds import ColumnKind, infer_kind
from mlops_notebooks.errors import InvalidInputError

__all__ = ["USABLE_KINDS", "EncodedFeature", "encode_feature", "usable_features"]

USABLE_KINDS = (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN)

UNSUPPORTED_FEATURE = (
    "feature {name!r} is {kind}; segments need numeric, boolean or categorical columns "
    "(drop it or derive a coarser column, e.g. the hour of a timestamp)"
)


@dataclass(frozen=True, eq=False)
class EncodedFeature:
    """One feature as integer codes plus the predicates a segment may use.

    Attributes
    ----------
    name : str
    codes : numpy.ndarray of int64, shape (n_rows,)
    n_codes : int
    predicates : numpy.ndarray of bool, shape (n_predicates, n_codes)
        Row ``p`` marks the codes that predicate ``p`` selects.
    texts : list of str
        Readable form of each predicate, e.g. ``origin == "EWR"`` or ``hour >= 17``.
    level_labels : list of str
        Readable label of each code (bins as intervals), for tables by bin.
    """

    name: str
    codes: np.ndarray
    n_codes: int
    predicates: np.ndarray
    texts: list[str]
    level_labels: list[str]

    def mask(self, predicate: int) -> np.ndarray:
        """Boolean row mask of ``predicate``."""
        return self.predicates[predicate][self.codes]


def _number(value: float, integer: bool) -> str:
    return str(int(value)) if integer else f"{value:.4g}"


def _bin_ranges(codes: np.ndarray, values: np.ndarray, n_bins: int) -> tuple[np.ndarray, ...]:
    present = ~np.isnan(values)
    lows = np.full(n_bins, np.inf)
    highs = np.full(n_bins, -np.inf)
    np.minimum.at(lows, codes[present], values[present])
    np.maximum.at(highs, codes[present], values[present])
    return lows, highs


def _tails(
    edges: np.ndarray, n_codes: int, below: Callable[[float], str], above: Callable[[float], str]
) -> tuple[list[np.ndarray], list[str]]:
    """``x <= edge`` and ``x > edge`` predicates; the outermost ones equal single bins."""
    n_bins = edges.size + 1
    predicates, texts = [], []
    for i, edge in enumerate(edges):
        if i > 0:
            lower = np.zeros(n_codes, dtype=bool)
            lower[: i + 1] = True
            predicates.append(lower)
            texts.append(below(edge))
        if i < edges.size - 1:
            upper = np.zeros(n_codes, dtype=bool)
            upper[i + 1 : n_bins] = True
            predicates.append(upper)
            texts.append(above(edge))
    return predicates, texts


def _numeric(series: pl.Series, name: str, n_bins: int) -> EncodedFeature:
    values = series.cast(pl.Float64).to_numpy()  # nulls become NaN
    present = ~np.isnan(values)
    finite = values[present]
    distinct = np.unique(finite)
    if distinct.size <= n_bins:
        edges = distinct[:-1]
    else:  # edges are observed values, so integer columns keep integer edges
        quantiles = np.linspace(0, 1, n_bins + 1)[1:-1]
        edges = np.unique(np.quantile(finite, quantiles, method="inverted_cdf"))
        edges = edges[edges < distinct[-1]]
    n_bins_used = edges.size + 1
    codes = np.searchsorted(edges, values, side="left").astype(np.int64)  # (e[i-1], e[i]]
    has_null = not bool(present.all())
    codes[~present] = n_bins_used
    n_codes = n_bins_used + int(has_null)
    integer = series.dtype.is_integer() or bool(np.all(distinct == np.floor(distinct)))
    bin_min, bin_max = _bin_ranges(codes, values, n_bins_used)

    def above(edge: float) -> str:
        return (
            f"{name} >= {_number(edge + 1, True)}"
            if integer
            else f"{name} > {_number(edge, False)}"
        )

    def below(edge: float) -> str:
        return f"{name} <= {_number(edge, integer)}"

    predicates: list[np.ndarray] = []
    texts: list[str] = []
    for i in range(n_bins_used):
        if bin_min[i] == bin_max[i]:
            text = f"{name} == {_number(bin_min[i], integer)}"
        elif i == 0:
            text = below(edges[0])
        elif i == n_bins_used - 1:
            text = above(edges[-1])
        else:
            text = f"{above(edges[i - 1])} and {below(edges[i])}"
        row = np.zeros(n_codes, dtype=bool)
        row[i] = True
        predicates.append(row)
        texts.append(text)
    labels = list(texts)
    tail_predicates, tail_texts = _tails(edges, n_codes, below, above)
    predicates += tail_predicates
    texts += tail_texts
    if has_null:
        missing = np.zeros(n_codes, dtype=bool)
        missing[-1] = True
        predicates.append(missing)
        texts.append(f"{name} is null")
        labels.append("missing")
    return EncodedFeature(name, codes, n_codes, np.array(predicates), texts, labels)


def _categorical(series: pl.Series, name: str, max_categories: int) -> EncodedFeature:
    strings = series.cast(pl.String)
    counts = strings.drop_nulls().value_counts(sort=True).head(max_categories)
    kept = counts[strings.name].to_list()
    lookup = pl.DataFrame(
        {strings.name: pl.Series(kept, dtype=pl.String), "code": np.arange(len(kept))}
    )
    joined = pl.DataFrame({strings.name: strings}).join(
        lookup, on=strings.name, how="left", maintain_order="left"
    )
    other = len(kept)
    codes = joined["code"].fill_null(other).to_numpy().astype(np.int64)
    has_null = strings.null_count() > 0
    if has_null:
        codes[strings.is_null().to_numpy()] = other + 1
    n_codes = other + 1 + int(has_null)
    predicates = []
    texts = []
    for i, level in enumerate(kept):
        row = np.zeros(n_codes, dtype=bool)
        row[i] = True
        predicates.append(row)
        texts.append(f"{name} == {_quote(level, series.dtype)}")
    labels = [*map(str, kept), "other"]
    if has_null:
        row = np.zeros(n_codes, dtype=bool)
        row[-1] = True
        predicates.append(row)
        texts.append(f"{name} is null")
        labels.append("missing")
    return EncodedFeature(name, codes, n_codes, np.array(predicates), texts, labels)


def _quote(level: str, dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return level.capitalize()
    escaped = level.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def encode_feature(series: pl.Series, n_bins: int = 10, max_categories: int = 30) -> EncodedFeature:
    """Encode one column; see the module docstring.

    Raises
    ------
    InvalidInputError
        For free text, datetime or empty columns.
    """
    kind = infer_kind(series)
    name = series.name
    if kind == ColumnKind.NUMERIC or (kind == ColumnKind.IDENTIFIER and series.dtype.is_integer()):
        return _numeric(series, name, n_bins)
    if kind in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN, ColumnKind.IDENTIFIER):
        return _categorical(series, name, max_categories)
    raise InvalidInputError(UNSUPPORTED_FEATURE.format(name=name, kind=kind.value))


def usable_features(
    frame: pl.DataFrame, features: Sequence[str] | None, exclude: Sequence[str]
) -> list[str]:
    """Validate explicit ``features``, or pick every numeric/categorical/boolean column."""
    if features is not None:
        missing = [f for f in features if f not in frame.columns]
        if missing:
            raise InvalidInputError(
                f"feature columns {missing} are not in the data; available: {frame.columns[:20]}"
            )
        return list(features)
    return [c for c in frame.columns if c not in exclude and infer_kind(frame[c]) in USABLE_KINDS]
