"""Infer what kind of values a column holds, the same way in every analysis.

Kinds drive which statistics, drift methods and plots apply to a column.
:func:`infer_kinds` looks at every column of a frame in one pass (one polars ``select``);
:func:`infer_kind` is the same rule for a single series.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnKind", "infer_kind", "infer_kinds"]

# A string column whose values average more than this many characters is free text.
TEXT_MEAN_LENGTH = 40
# ... or more than this many words.
TEXT_MEAN_WORDS = 5
# A column whose non-null values are (almost) all distinct is identifier-like.
IDENTIFIER_DISTINCT_SHARE = 0.95
IDENTIFIER_MIN_ROWS = 50
# All-distinct integer columns with such names are keys even when not consecutive.
KEY_NAME = re.compile(r"(^|[_\s])(id|key)$")
# Strings shorter than this on average cannot hold more than TEXT_MEAN_WORDS words.
_MIN_LENGTH_FOR_WORDS = 2 * TEXT_MEAN_WORDS - 1


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
    ``DATETIME``; floats → ``NUMERIC``; integers that are all distinct and either consecutive
    (row numbers, surrogate keys) or named like a key (``id``, ``*_id``, ``key``, ``*_key``)
    → ``IDENTIFIER``, else ``NUMERIC``; strings, categoricals and
    enums → ``TEXT`` when long or wordy, ``IDENTIFIER`` when nearly all distinct, else
    ``CATEGORICAL``. Anything else (lists, structs, objects) → ``CATEGORICAL`` on its string form.
    """
    name = series.name or "column"
    return infer_kinds(series.rename(name).to_frame())[name]


def infer_kinds(frame: pl.DataFrame) -> dict[str, ColumnKind]:
    """Return the :class:`ColumnKind` of every column of ``frame``, computed in one pass.

    The rules are those of :func:`infer_kind`; the facts they need (null counts, distinct
    counts, string lengths) come from a single polars ``select`` over all columns.
    """
    import polars as pl

    expressions: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        expressions.extend(_fact_expressions(name, dtype))
    facts = frame.select(expressions).row(0, named=True) if expressions else {}
    wordy = [
        name
        for name, dtype in frame.schema.items()
        if _is_string(dtype) and (facts.get(f"{name}\x00length") or 0) >= _MIN_LENGTH_FOR_WORDS
    ]
    if wordy:
        facts.update(
            frame.select(
                pl.col(name)
                .cast(pl.String)
                .str.count_matches(r"\S+")
                .mean()
                .alias(f"{name}\x00words")
                for name in wordy
            ).row(0, named=True)
        )
    return {name: _kind(name, dtype, frame.height, facts) for name, dtype in frame.schema.items()}


def _is_string(dtype: Any) -> bool:
    import polars as pl

    return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)


def _fact_expressions(name: str, dtype: Any) -> list[pl.Expr]:
    import polars as pl

    column = pl.col(name)
    facts = [column.null_count().alias(f"{name}\x00nulls")]
    if dtype.is_integer():
        facts += [
            column.n_unique().alias(f"{name}\x00distinct"),
            column.min().cast(pl.Float64).alias(f"{name}\x00min"),
            column.max().cast(pl.Float64).alias(f"{name}\x00max"),
        ]
    elif _is_string(dtype):
        strings = column.cast(pl.String)
        facts += [
            strings.n_unique().alias(f"{name}\x00distinct"),
            strings.str.len_chars().mean().alias(f"{name}\x00length"),
        ]
    return facts


def _kind(name: str, dtype: Any, height: int, facts: dict[str, Any]) -> ColumnKind:
    import polars as pl

    non_null = height - facts[f"{name}\x00nulls"]
    if non_null == 0:
        return ColumnKind.EMPTY
    if dtype == pl.Boolean:
        return ColumnKind.BOOLEAN
    if dtype.is_temporal():
        return ColumnKind.DATETIME if dtype != pl.Duration else ColumnKind.NUMERIC
    if dtype.is_float():
        return ColumnKind.NUMERIC
    if dtype.is_integer():
        return (
            ColumnKind.IDENTIFIER
            if _is_row_key(name, non_null, height, facts)
            else (ColumnKind.NUMERIC)
        )
    if _is_string(dtype):
        if facts[f"{name}\x00length"] > TEXT_MEAN_LENGTH:
            return ColumnKind.TEXT
        if (facts.get(f"{name}\x00words") or 0) > TEXT_MEAN_WORDS:
            return ColumnKind.TEXT
        distinct = facts[f"{name}\x00distinct"] - (1 if non_null < height else 0)
        if non_null >= IDENTIFIER_MIN_ROWS and distinct / non_null >= IDENTIFIER_DISTINCT_SHARE:
            return ColumnKind.IDENTIFIER
        return ColumnKind.CATEGORICAL
    return ColumnKind.CATEGORICAL


def _is_row_key(name: str, non_null: int, height: int, facts: dict[str, Any]) -> bool:
    if non_null < IDENTIFIER_MIN_ROWS or non_null < height:
        return False
    if facts[f"{name}\x00distinct"] != non_null:
        return False
    low, high = facts[f"{name}\x00min"], facts[f"{name}\x00max"]
    return bool(high - low + 1 == non_null or KEY_NAME.search(name.lower()))
