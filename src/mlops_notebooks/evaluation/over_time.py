"""Headline metrics per time period."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import polars as pl

from mlops_notebooks._frequency import parse_frequency
from mlops_notebooks.errors import InvalidInputError

from ._inputs import ModelOutputs
from .metrics import Metric

__all__ = ["metrics_over_time"]

NOT_A_TIME = "time column {name!r} must hold dates or datetimes (or ISO strings), not {dtype}"
TIME_NULLS = "time column {name!r} has {count} missing values; drop those rows first"


def _as_datetime(series: pl.Series) -> pl.Series:
    if series.dtype == pl.String:
        try:
            series = series.str.to_datetime(strict=True)
        except pl.exceptions.PolarsError as err:
            raise InvalidInputError(NOT_A_TIME.format(name=series.name, dtype="String")) from err
    if not series.dtype.is_temporal() or series.dtype in (pl.Time, pl.Duration):
        raise InvalidInputError(NOT_A_TIME.format(name=series.name, dtype=series.dtype))
    if series.null_count():
        raise InvalidInputError(TIME_NULLS.format(name=series.name, count=series.null_count()))
    return series


def _subset(outputs: ModelOutputs, rows: np.ndarray) -> ModelOutputs:
    return replace(
        outputs,
        y_true=outputs.y_true[rows],
        y_pred=outputs.y_pred[rows],
        probabilities=None if outputs.probabilities is None else outputs.probabilities[rows],
    )


def _safe_value(metric: Metric, outputs: ModelOutputs) -> float | None:
    """The metric on one period, or None where it is undefined (e.g. AUC with one class)."""
    single_class = outputs.task != "regression" and np.unique(outputs.y_true).size < 2
    if metric.needs_probabilities and single_class:
        return None
    if metric.name == "r2" and outputs.n_rows < 2:
        return None
    with warnings.catch_warnings():
        # A short period may lack a class that was predicted; the value is still defined.
        warnings.simplefilter("ignore", UserWarning)
        return metric.score(outputs)


def metrics_over_time(
    outputs: ModelOutputs, time: pl.Series, metrics: list[Metric], frequency: str = "1mo"
) -> pl.DataFrame:
    """Compute ``metrics`` on each period of ``time`` truncated to ``frequency``.

    Parameters
    ----------
    outputs : ModelOutputs
    time : polars.Series
        Same length as the outputs; dates, datetimes or ISO strings.
    metrics : list of Metric
    frequency : str, default "1mo"
        Period length: ``"1d"``, ``"1w"``, ``"1mo"``; a bad value raises ``FrequencyError``.

    Returns
    -------
    polars.DataFrame
        ``period``, ``n_rows`` and one column per metric; null where a metric is undefined in
        a period (for example ROC AUC when a period holds a single class).
    """
    step = parse_frequency(frequency)
    periods = _as_datetime(time).dt.truncate(step.text)
    groups = (
        pl.DataFrame({"period": periods})
        .with_row_index("row")
        .group_by("period")
        .agg(pl.col("row"))
        .sort("period")
    )
    records = []
    for period, rows in groups.iter_rows():
        subset = _subset(outputs, np.asarray(rows, dtype=np.int64))
        record: dict[str, object] = {"period": period, "n_rows": subset.n_rows}
        record.update({m.name: _safe_value(m, subset) for m in metrics})
        records.append(record)
    schema: dict[str, pl.DataType] = {"period": periods.dtype, "n_rows": pl.Int64()}
    schema.update({m.name: pl.Float64() for m in metrics})
    return pl.DataFrame(records, schema=schema)
