"""Accept the data users hold — pandas, polars, or a data ref — and hand polars to compute code.

Every public analysis (``profile``, ``compare``, ``evaluate``, …) validates its data input here,
once, so the checks and messages are the same everywhere.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING, Any

from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FrameLike", "to_polars"]

FrameLike = Any  # pandas.DataFrame | polars.DataFrame | polars.LazyFrame | str | os.PathLike


def to_polars(data: FrameLike, *, name: str = "data") -> pl.DataFrame:
    """Return ``data`` as a polars DataFrame, loading it first when it is a data ref.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, polars.LazyFrame, Dataset, str or path-like
        A frame, a :class:`~mlops_notebooks.data.Dataset` from ``load_dataset``, or a data ref
        understood by :func:`mlops_notebooks.data.load` (file path, URL, ``dvc://…``, name).
    name : str, default "data"
        How to call this input in error messages (``"reference"``, ``"current"``, …).

    Returns
    -------
    polars.DataFrame
        Column names are strings; the caller's object is never modified.

    Raises
    ------
    InvalidInputError
        For an unsupported type, duplicate column names, or names that collide once
        converted to strings.
    """
    import polars as pl

    from mlops_notebooks.data.provenance import Dataset

    if isinstance(data, Dataset):
        data = data.frame
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, str | os.PathLike):
        from mlops_notebooks.data import load

        return load(os.fspath(data), backend="polars")
    if _is_pandas(data):
        return _from_pandas(data, name)
    raise InvalidInputError(
        f"{name} must be a pandas or polars DataFrame or a data ref string, "
        f"not {type(data).__name__}"
    )


def _is_pandas(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("pandas") and type(data).__name__ == "DataFrame"


def _from_pandas(frame: Any, name: str) -> pl.DataFrame:
    import polars as pl

    names = [str(column) for column in frame.columns]
    duplicated = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicated:
        raise InvalidInputError(
            f"{name} has duplicate column names {duplicated}; rename them so each is unique"
        )
    renamed = frame if list(frame.columns) == names else frame.set_axis(names, axis=1)
    try:
        return pl.from_pandas(renamed, include_index=False)
    except (TypeError, ValueError, pl.exceptions.PolarsError) as err:
        # Object columns that mix types (e.g. numbers and strings) cannot become one Arrow type.
        mixed = [c for c in renamed.columns if renamed[c].dtype == object and _mixed(renamed[c])]
        if not mixed:
            raise InvalidInputError(f"{name} cannot be converted to columnar form: {err}") from err
        converted = renamed.copy()
        for column in mixed:
            converted[column] = converted[column].map(
                lambda v: None if v is None or v != v else str(v)
            )
        return pl.from_pandas(converted, include_index=False)


def _mixed(series: Any) -> bool:
    kinds = {type(v) for v in series.dropna().head(100_000)}
    return len(kinds) > 1
