"""Row selection pushed into a lazy scan: column projection, a row limit, a seeded sample.

The sample depends only on ``(seed, number of rows)``: the same seed gives the same rows
whatever the backend, and only the sampled rows are ever materialised (the row filter runs
inside the scan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from mlops_notebooks.errors import InvalidInputError

__all__ = ["RowSelection", "select_columns", "select_rows", "validate_selection"]

BAD_LIMIT = "limit must be a non-negative whole number or None, got {value!r}"
BAD_SAMPLE = (
    "sample must be a whole number of rows (0 or None = all rows) or a fraction in (0, 1], "
    "got {value!r}"
)
BAD_SEED = "seed must be a whole number, got {value!r}"
BAD_COLUMNS = "columns must be a list of column names, got {value!r}"
UNKNOWN_COLUMNS = "columns {missing} are not in the data; available: {available}"

_ROW_INDEX = "__mlops_nb_row__"


@dataclass(frozen=True)
class RowSelection:
    """Validated ``columns``, ``limit``, ``sample`` and ``seed`` arguments of ``load``."""

    columns: tuple[str, ...] | None
    limit: int | None
    sample: int | float | None
    seed: int


def validate_selection(
    columns: Sequence[str] | None, limit: int | None, sample: float | None, seed: int
) -> RowSelection:
    """Check the row and column options once, with one-line messages.

    Raises
    ------
    InvalidInputError
        For a negative or non-integer limit, a sample that is neither a count nor a fraction,
        a non-integer seed, or columns that are not a list of strings.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInputError(BAD_LIMIT.format(value=limit))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidInputError(BAD_SEED.format(value=seed))
    if sample is not None:
        valid_count = isinstance(sample, int | np.integer) and not isinstance(sample, bool)
        valid_count = valid_count and sample >= 0
        valid_fraction = isinstance(sample, float) and 0.0 < sample <= 1.0
        if not (valid_count or valid_fraction):
            raise InvalidInputError(BAD_SAMPLE.format(value=sample))
        if valid_count and sample == 0:
            sample = None
    if columns is not None and (
        isinstance(columns, str) or not all(isinstance(c, str) for c in columns)
    ):
        raise InvalidInputError(BAD_COLUMNS.format(value=columns))
    return RowSelection(
        columns=tuple(columns) if columns is not None else None,
        limit=limit,
        sample=sample,
        seed=int(seed),
    )


def select_columns(frame: pl.LazyFrame, columns: tuple[str, ...] | None) -> pl.LazyFrame:
    """Project ``columns`` (in the order given), failing on unknown names."""
    if columns is None:
        return frame
    available = frame.collect_schema().names()
    missing = [c for c in columns if c not in available]
    if missing:
        shown = available if len(available) <= 30 else [*available[:30], "…"]
        raise InvalidInputError(UNKNOWN_COLUMNS.format(missing=missing, available=shown))
    return frame.select(columns)


def select_rows(
    frame: pl.LazyFrame, selection: RowSelection, *, limit_applied: bool = False
) -> tuple[pl.LazyFrame, str | None]:
    """Apply the limit, then the seeded sample; return the frame and a description.

    ``limit_applied`` says the source already kept only the first ``limit`` rows (SQL).
    The sample keeps the rows in their original order.
    """
    limit = selection.limit
    if limit is not None and not limit_applied:
        frame = frame.head(limit)
    if selection.sample is None:
        return frame, (f"first {limit:,} rows" if limit is not None else None)
    total = int(frame.select(pl.len()).collect().item())
    of = f"the first {total:,}" if limit is not None else f"{total:,}"
    wanted = (
        round(selection.sample * total)
        if isinstance(selection.sample, float)
        else int(selection.sample)
    )
    if wanted >= total:
        return frame, f"all {of} rows (sample of {wanted:,} asked)"
    rows = sample_indices(total, wanted, selection.seed)
    picked = (
        frame.with_row_index(_ROW_INDEX)
        .filter(pl.col(_ROW_INDEX).is_in(pl.Series(rows, dtype=pl.get_index_type()).implode()))
        .drop(_ROW_INDEX)
    )
    return picked, f"random {wanted:,} of {of} rows, seed {selection.seed}"


def sample_indices(total: int, wanted: int, seed: int) -> np.ndarray:
    """Sorted row positions of a uniform sample without replacement, fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(total, size=wanted, replace=False))
