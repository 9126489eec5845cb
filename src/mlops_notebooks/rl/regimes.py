"""Market regimes per step, from the price series alone (trailing windows: no look-ahead).

- ``trend``: ``up``/``down``/``sideways`` — the trailing ``window``-step log return divided by
  its expected spread (step volatility · √window) above ``trend_threshold``, below its
  negative, or in between;
- ``volatility``: ``high``/``low`` — trailing volatility above or below the episode's median;
- ``in_drawdown``: ``True`` while the price is more than ``drawdown_threshold`` below its running
  peak;
- ``scenario``: the name of a user window (``{"crash 2008": ("2008-09-15", "2009-03-09")}``)
  on ``time`` (or ``step`` when there is no time), else null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from mlops_notebooks.errors import InvalidInputError
from mlops_notebooks.rl.schema import EPISODE_ID, Trajectory, as_trajectory, with_episode_id

__all__ = ["REGIME_COLUMNS", "label_regimes"]

REGIME_COLUMNS = ("trend", "volatility", "in_drawdown", "scenario")


def _bound(value: Any, dtype: pl.DataType) -> Any:
    if isinstance(value, str) and dtype.is_temporal():
        return pl.lit(value).str.to_datetime().cast(dtype)
    return pl.lit(value)


def _scenario(frame: pl.DataFrame, scenarios: Mapping[str, Any]) -> pl.Expr:
    on = "time" if "time" in frame.columns else "step"
    dtype = frame.schema[on]
    label = pl.lit(None, dtype=pl.String)
    for name, window in reversed(list(scenarios.items())):
        if len(window) != 2:
            raise InvalidInputError(f"scenario {name!r} needs (start, end), got {window!r}")
        start, end = (_bound(v, dtype) for v in window)
        label = pl.when(pl.col(on).is_between(start, end)).then(pl.lit(name)).otherwise(label)
    return label.alias("scenario")


def label_regimes(
    trajectory: Trajectory | Any,
    *,
    window: int = 20,
    trend_threshold: float = 0.5,
    drawdown_threshold: float = 0.1,
    scenarios: Mapping[str, Any] | None = None,
) -> Trajectory:
    """The trajectory with ``trend``, ``volatility``, ``in_drawdown`` and ``scenario`` columns.

    Parameters
    ----------
    trajectory : Trajectory or frame
        Needs ``price``.
    window : int, default 20
        Trailing steps for trend and volatility.
    trend_threshold : float, default 0.5
        Trend strength (return over its expected spread) that counts as up or down.
    drawdown_threshold : float, default 0.1
        Fall from the running peak that counts as a drawdown.
    scenarios : mapping of str to (start, end), optional
        Named windows, inclusive, on ``time`` (dates as strings) or ``step``.

    Examples
    --------
    >>> from mlops_notebooks.rl import load_trajectories
    >>> trajectory = load_trajectories("rl_trajectories_googl")
    >>> labelled = label_regimes(trajectory, scenarios={"2017": ("2017-01-01", "2017-12-31")})
    >>> [c for c in labelled.frame.columns if c in ("trend", "volatility", "scenario")]
    ['trend', 'volatility', 'scenario']
    """
    if window < 2:
        raise InvalidInputError(f"window must be at least 2 steps, got {window}")
    trajectory = as_trajectory(trajectory)
    trajectory.require("price", needed_for="market regimes")
    frame = with_episode_id(trajectory.frame)
    log_return = (pl.col("price").log() - pl.col("price").log().shift(1)).over(EPISODE_ID)
    frame = frame.with_columns(log_return.fill_null(0.0).alias("_r"))
    vol = pl.col("_r").rolling_std(window, min_samples=2).over(EPISODE_ID)
    trailing = pl.col("_r").rolling_sum(window, min_samples=1).over(EPISODE_ID)
    frame = frame.with_columns(vol.alias("_vol"), trailing.alias("_trail"))
    strength = pl.col("_trail") / (pl.col("_vol") * window**0.5)
    trend = (
        pl.when(strength > trend_threshold)
        .then(pl.lit("up"))
        .when(strength < -trend_threshold)
        .then(pl.lit("down"))
        .otherwise(pl.lit("sideways"))
    )
    median = pl.col("_vol").median().over(EPISODE_ID)
    volatility = pl.when(pl.col("_vol") > median).then(pl.lit("high")).otherwise(pl.lit("low"))
    peak = pl.col("price").cum_max().over(EPISODE_ID)
    frame = frame.with_columns(
        trend.alias("trend"),
        volatility.alias("volatility"),
        (pl.col("price") / peak - 1.0 < -drawdown_threshold).alias("in_drawdown"),
        _scenario(frame, scenarios or {}),
    ).drop("_r", "_vol", "_trail")
    return Trajectory(frame)
