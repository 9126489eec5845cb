"""Infer what kind of values a column holds, the same way in every analysis.

Kinds drive which statistics, drift methods and plots apply to a column.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnKind", "infer_kind"]

# A string column whose values average more than this many characters is free text.
TEXT_MEAN_LENGTH = 40
# ... or more than this many words.
TEXT_MEAN_WORDS = 5
# A column whose non-null values are (almost) all distinct is identifier-like.
IDENTIFIER_DISTINCT_SHARE = 0.95
IDENTIFIER_MIN_ROWS = 50


class ColumnKind(StrEnum):
    """What a column holds."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    IDENTIFIER = "identifier"
    EMPTY = "empty"  # no non-null value: nothing to infer from


def infer_kind(series: pl.Series) -> ColumnKind:
    """Return the :class:`ColumnKind` of ``series``.

    Rules, in order: all null → ``EMPTY``; boolean dtype → ``BOOLEAN``; date/time dtypes →
    ``DATETIME``; floats → ``NUMERIC``; integers that are all distinct and increasing by one
    (row numbers, surrogate keys) → ``IDENTIFIER``, else ``NUMERIC``; strings, categoricals and
    enums → ``TEXT`` when long or wordy, ``IDENTIFIER`` when nearly all distinct, else
    ``CATEGORICAL``. Anything else (lists, structs, objects) → ``CATEGORICAL`` on its string form.
    """
    import polars as pl

    dtype = series.dtype
    non_null = series.len() - series.null_count()
    if non_null == 0:
        return ColumnKind.EMPTY
    if dtype == pl.Boolean:
        return ColumnKind.BOOLEAN
    if dtype.is_temporal():
        return ColumnKind.DATETIME if dtype != pl.Duration else ColumnKind.NUMERIC
    if dtype.is_float():
        return ColumnKind.NUMERIC
    if dtype.is_integer():
        return ColumnKind.IDENTIFIER if _is_row_key(series, non_null) else ColumnKind.NUMERIC
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        strings = series.cast(pl.String).drop_nulls()
        lengths = strings.str.len_chars()
        if lengths.mean() > TEXT_MEAN_LENGTH:  # type: ignore[operator]
            return ColumnKind.TEXT
        words = strings.str.count_matches(r"\S+")
        if words.mean() > TEXT_MEAN_WORDS:  # type: ignore[operator]
            return ColumnKind.TEXT
        if non_null >= IDENTIFIER_MIN_ROWS and (
            strings.n_unique() / non_null >= IDENTIFIER_DISTINCT_SHARE
        ):
            return ColumnKind.IDENTIFIER
        return ColumnKind.CATEGORICAL
    return ColumnKind.CATEGORICAL


def _is_row_key(series: pl.Series, non_null: int) -> bool:
    if non_null < IDENTIFIER_MIN_ROWS or series.null_count():
        return False
    values = series.drop_nulls()
    low, high = values.min(), values.max()
    return bool(high - low + 1 == non_null and values.n_unique() == non_null)  # type: ignore[operator]
