"""Missing value checks: where values are missing, together, over time, and whether it matters.

Missing means null, or NaN in a float column (as in pandas). Association of missingness with
other columns uses the indicator "X is missing" as a two-level category: the correlation
ratio η against numeric columns and bias-corrected Cramér's V against categorical ones. A
strong association says the values are not missing at random — imputing them blindly (or
dropping the rows) biases whatever is learned from the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mlops_notebooks._frames import FrameLike, to_polars
from mlops_notebooks._frequency import parse_frequency
from mlops_notebooks._kinds import infer_kinds
from mlops_notebooks._protocol import Result, check_kind
from mlops_notebooks.eda.association import compute_correlations
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from matplotlib.figure import Figure

__all__ = ["MissingValuesReport", "missing_values"]

MISSING_COLUMN = "column {column!r} is not in the data"
NOT_TEMPORAL = "time column {column!r} must hold dates or datetimes, not {dtype}"
INDICATOR_PREFIX = "missing: "
PLOTS = ("bar", "matrix", "co_missing", "over_time")


@dataclass(frozen=True, eq=False)
class MissingValuesReport(Result):
    """Where values are missing and what the missingness relates to.

    Attributes
    ----------
    rows : int
        Rows in the data.
    per_column : polars.DataFrame
        ``column, missing, share``, most missing first.
    per_row : polars.DataFrame
        ``missing_in_row, rows``: how many rows miss 0, 1, 2 … values.
    co_missing : pandas.DataFrame
        Nullity correlation (φ between "is missing" indicators) of the columns that are
        partly missing: near 1 means they go missing together.
    over_time : polars.DataFrame or None
        Share missing per period and column, when a time column was given.
    associations : polars.DataFrame
        ``missing_column, other_column, method, value, is_target, flagged``, strongest first.
    matrix_sample : polars.DataFrame
        Boolean "is missing" mask of a row sample (in time order when a time column was
        given), for the matrix plot.
    threshold : float
        Association above which a pair is ``flagged``.
    """

    rows: int
    per_column: pl.DataFrame
    per_row: pl.DataFrame
    co_missing: pd.DataFrame
    over_time: pl.DataFrame | None
    associations: pl.DataFrame
    matrix_sample: pl.DataFrame
    threshold: float
    target: str | None = None

    plot_kinds: ClassVar[tuple[str, ...]] = PLOTS
    report_title: ClassVar[str] = "Missing values"

    def to_polars(self) -> pl.DataFrame:
        """The per-column counts and shares."""
        return self.per_column

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the matrix sample is left out)."""
        return {
            "rows": self.rows,
            "per_column": self.per_column.to_dicts(),
            "per_row": self.per_row.to_dicts(),
            "co_missing": json.loads(self.co_missing.to_json(orient="split")),
            "over_time": None
            if self.over_time is None
            else json.loads(self.over_time.write_json()),
            "associations": self.associations.to_dicts(),
            "threshold": self.threshold,
            "target": self.target,
        }

    def _html_body(self) -> str:
        import polars as pl

        from mlops_notebooks._render import frame_to_html

        flagged = self.associations.filter(pl.col("flagged"))
        return frame_to_html(
            self.per_column.filter(pl.col("missing") > 0), caption="Missing values"
        ) + frame_to_html(flagged, caption=f"Missingness associated with (> {self.threshold})")

    def plot(
        self,
        kind: str | None = None,
        *,
        ax: Any = None,
    ) -> Figure:
        """Draw one view: per-column bars, the row-sample matrix, co-missingness, or over time.

        ``kind`` defaults to ``"bar"``; the figure is drawn into ``ax`` when given.
        """
        from mlops_notebooks.eda import plots_missing

        kind = check_kind(kind, PLOTS, what="missing-values plot kind")
        figure: Figure = getattr(plots_missing, f"plot_{kind}")(self, ax=ax)
        return figure


def missing_values(
    data: FrameLike,
    *,
    time_column: str | None = None,
    frequency: str = "1mo",
    target: str | None = None,
    threshold: float = 0.1,
    matrix_rows: int = 1_000,
    seed: int = 0,
) -> MissingValuesReport:
    """Check missing values per column and row, together, over time, and against other columns.

    Parameters
    ----------
    data : frame or data ref
        The data set.
    time_column : str, optional
        A date or datetime column: adds the share missing per ``frequency`` period.
    frequency : str, default "1mo"
        Period length in polars duration syntax (``"1h"``, ``"1d"``, ``"1w"``, ``"1mo"``).
    target : str, optional
        Marks associations with this column (``is_target``).
    threshold : float, default 0.1
        η or Cramér's V above which missingness counts as associated with a column.
    matrix_rows : int, default 1000
        Rows in the sample kept for the matrix plot.
    seed : int, default 0
        Seed of that sample.

    Returns
    -------
    MissingValuesReport

    Raises
    ------
    InvalidInputError
        If ``time_column`` or ``target`` is not in the data, or the time column is not temporal.
    """
    import polars as pl

    from mlops_notebooks.eda.compute import normalize

    frame = normalize(to_polars(data))
    for column in (time_column, target):
        if column is not None and column not in frame.columns:
            raise InvalidInputError(MISSING_COLUMN.format(column=column))
    mask = frame.select(_is_missing(name, dtype) for name, dtype in frame.schema.items())
    counts = mask.sum().row(0) if frame.width else ()
    per_column = pl.DataFrame(
        {"column": frame.columns, "missing": list(counts)},
        schema={"column": pl.String, "missing": pl.Int64},
    ).with_columns(share=pl.col("missing") / max(frame.height, 1))
    partial = [c for c, n in zip(frame.columns, counts, strict=True) if 0 < n < frame.height]
    per_row = (
        mask.select(pl.sum_horizontal(pl.all().cast(pl.Int32)).alias("missing_in_row"))
        .group_by("missing_in_row")
        .len("rows")
        .sort("missing_in_row")
        if frame.width
        else pl.DataFrame(schema={"missing_in_row": pl.Int32, "rows": pl.UInt32})
    )
    return MissingValuesReport(
        rows=frame.height,
        per_column=per_column.sort("missing", descending=True, maintain_order=True),
        per_row=per_row,
        co_missing=_co_missing(mask, partial),
        over_time=None
        if time_column is None
        else _over_time(frame, mask, time_column, parse_frequency(frequency).text),
        associations=_associations(frame, mask, partial, target, threshold),
        matrix_sample=_matrix_sample(frame, mask, time_column, matrix_rows, seed),
        threshold=threshold,
        target=target,
    )


def _is_missing(name: str, dtype: Any) -> pl.Expr:
    import polars as pl

    column = pl.col(name)
    missing = column.is_null()
    if dtype.is_float():
        missing = missing | column.is_nan().fill_null(True)
    return missing.alias(name)


def _co_missing(mask: pl.DataFrame, partial: list[str]) -> pd.DataFrame:
    """φ coefficient between the missing indicators, from joint counts."""
    import pandas as pd

    if not partial:
        return pd.DataFrame()
    indicators = mask.select(partial).to_numpy().astype(np.float64)
    n = float(indicators.shape[0])
    joint = indicators.T @ indicators
    single = np.diag(joint)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = (joint * n - np.outer(single, single)) / np.sqrt(
            np.outer(single * (n - single), single * (n - single))
        )
    return pd.DataFrame(np.clip(phi, -1.0, 1.0), index=partial, columns=partial)


def _over_time(
    frame: pl.DataFrame, mask: pl.DataFrame, time_column: str, frequency: str
) -> pl.DataFrame:
    import polars as pl

    dtype = frame.schema[time_column]
    if dtype not in (pl.Date,) and not isinstance(dtype, pl.Datetime):
        raise InvalidInputError(NOT_TEMPORAL.format(column=time_column, dtype=dtype))
    period = frame.get_column(time_column).dt.truncate(frequency).alias("\x00period")
    return (
        mask.drop(time_column)
        .with_columns(period)
        .drop_nulls("\x00period")
        .group_by("\x00period")
        .agg(pl.len().alias("rows"), pl.all().exclude("\x00period").mean())
        .sort("\x00period")
        .rename({"\x00period": "period"})
    )


def _associations(
    frame: pl.DataFrame,
    mask: pl.DataFrame,
    partial: list[str],
    target: str | None,
    threshold: float,
) -> pl.DataFrame:
    import polars as pl

    schema = {
        "missing_column": pl.String,
        "other_column": pl.String,
        "method": pl.String,
        "value": pl.Float64,
    }
    empty = pl.DataFrame(schema=schema).with_columns(is_target=pl.lit(False), flagged=pl.lit(False))
    if not partial or frame.height < 3:
        return empty
    indicators = mask.select(pl.col(c).alias(f"{INDICATOR_PREFIX}{c}") for c in partial)
    combined = frame.hstack(indicators)
    report = compute_correlations(combined, infer_kinds(combined), spearman_rows=0)
    pairs = report.to_polars().filter(pl.col("method") != "spearman")
    is_indicator_a = pl.col("column_a").str.starts_with(INDICATOR_PREFIX)
    is_indicator_b = pl.col("column_b").str.starts_with(INDICATOR_PREFIX)
    found = (
        pairs.filter(is_indicator_a ^ is_indicator_b)
        .select(
            pl.when(is_indicator_a)
            .then(pl.col("column_a"))
            .otherwise(pl.col("column_b"))
            .str.strip_prefix(INDICATOR_PREFIX)
            .alias("missing_column"),
            pl.when(is_indicator_a)
            .then(pl.col("column_b"))
            .otherwise(pl.col("column_a"))
            .alias("other_column"),
            "method",
            "value",
        )
        .filter(pl.col("missing_column") != pl.col("other_column"))
    )
    if found.is_empty():
        return empty
    return found.with_columns(
        is_target=pl.col("other_column") == (target or "\x00"),
        flagged=pl.col("value").abs() > threshold,
    ).sort("value", descending=True)


def _matrix_sample(
    frame: pl.DataFrame, mask: pl.DataFrame, time_column: str | None, rows: int, seed: int
) -> pl.DataFrame:
    import polars as pl

    index = pl.int_range(0, frame.height, eager=True).alias("\x00row")
    sample = mask.with_columns(index)
    if frame.height > rows:
        sample = sample.sample(n=rows, seed=seed)
    if time_column is not None:
        order = frame.get_column(time_column).gather(sample.get_column("\x00row"))
        sample = sample.with_columns(order.alias("\x00time")).sort("\x00time").drop("\x00time")
    else:
        sample = sample.sort("\x00row")
    return sample.drop("\x00row")
