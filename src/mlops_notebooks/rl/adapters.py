"""Where the recorder finds price, position and time for a given kind of environment.

An adapter turns the recorded steps into schema columns once per flush (``columns``), so nothing
is read from the environment per step. The generic adapter reads ``info["price"]``,
``info["position"]`` and ``info["time"]``; the gym-anytrading adapter reads the environment's
price array at the current tick, maps its ``Positions`` enum to a signed position (long 1; short
−1 for forex, 0 — out of the market — for stocks, as its profit accounting treats it) and takes
the time from its data frame's index.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mlops_notebooks.errors import InvalidInputError

__all__ = ["AnyTradingAdapter", "EnvAdapter", "adapter_for"]


class EnvAdapter:
    """Generic: ``price``, ``position`` and ``time`` come from ``info`` when present.

    An adapter whose ``keeps_history`` is true also rebuilds observations and ``info`` values
    from the environment's own state once per flush, so the recorder need not copy them per
    step; it must then implement :meth:`rebuilds`, :meth:`info_in_history`, :meth:`history`,
    :meth:`observations`, :meth:`check_history` and :meth:`history_columns`.
    """

    keeps_history = False

    def rebuilds(self, env: Any, observation: Any, step: int) -> bool:
        """Whether ``observation``, returned ``step`` steps into an episode, is rebuilt exactly."""
        return False

    def info_in_history(self, env: Any, info: dict) -> bool:
        """Whether the environment's history holds exactly this episode's first ``info``."""
        return False

    def history(self, env: Any) -> dict:
        """The environment's per-episode history (key → list of per-step values)."""
        raise NotImplementedError

    def observations(self, env: Any, steps: np.ndarray, last: bool, dtype: Any) -> np.ndarray:
        """Observations before each step (rows × values, in ``dtype``), or their latest rows."""
        raise NotImplementedError

    def observation_columns(
        self, env: Any, steps: np.ndarray, last: bool, new: Callable[[Any], np.ndarray]
    ) -> list[np.ndarray] | None:
        """The recorded observation values before each step, one float64 column per value
        written into ``new(np.float64)`` (None: use :meth:`observations`)."""
        return None

    def check_history(self, segments: Sequence[Any], *, stepped: bool = False) -> None:
        """Refuse when the environment's history does not match the recorded steps."""
        raise NotImplementedError

    def history_columns(
        self, segments: Sequence[Any], *, stepped: bool = False
    ) -> dict[str, list[Any]]:
        """``info`` values per key for the buffered rows of ``segments`` (``stepped``: as for
        :meth:`check_history`)."""
        raise NotImplementedError

    def columns(
        self, env: Any, steps: np.ndarray, info: dict[str, Any], new: Callable[[Any], np.ndarray]
    ) -> dict[str, Any]:
        """Schema columns built from the rows' step numbers and ``info`` columns (computed
        columns are written into ``new(dtype)``: a fresh column of 8-byte ``dtype``)."""
        out: dict[str, Any] = {}
        for name in ("price", "position", "time"):
            if name in info:
                out[name] = info[name]
        return out


class AnyTradingAdapter(EnvAdapter):
    """gym-anytrading's ``TradingEnv``: price array, ``Positions`` enum, data frame index.

    The environment keeps each step's ``info`` in ``history`` and returns as observation the
    window of ``signal_features`` ending at the current tick, so both are rebuilt per flush.
    """

    keeps_history = True

    def rebuilds(self, env: Any, observation: Any, step: int) -> bool:
        """Whether ``observation`` is the ``signal_features`` window ``step`` ticks in."""
        inner = env.unwrapped
        tick = inner._start_tick + step
        if inner._current_tick != tick or type(observation) is not np.ndarray:
            return False
        expected = inner.signal_features[tick - inner.window_size + 1 : tick + 1]
        # the same bytes (NaNs included; -0.0 against 0.0 fails, which only costs speed)
        return (
            observation.shape == expected.shape
            and observation.dtype == expected.dtype
            and observation.tobytes() == expected.tobytes()
        )

    def info_in_history(self, env: Any, info: dict) -> bool:
        """Whether ``history`` holds this first step's ``info``, and only it."""
        history = getattr(env.unwrapped, "history", None)
        if not isinstance(history, dict) or set(history) != set(info):
            return False
        return all(
            isinstance(kept, list) and len(kept) == 1 and kept[0] is info[key]
            for key, kept in history.items()
        )

    def history(self, env: Any) -> dict:
        """The current episode's ``history`` dict (replaced by the environment on reset)."""
        history: dict = env.unwrapped.history
        return history

    def observations(self, env: Any, steps: np.ndarray, last: bool, dtype: Any) -> np.ndarray:
        """Observation windows before each step (flattened), or only their latest rows."""
        inner = env.unwrapped
        features = np.asarray(inner.signal_features)
        ticks = inner._start_tick + np.asarray(steps, dtype=np.int64)
        # np.take: numpy's fancy indexing of rows is an order of magnitude slower
        if last:
            return np.take(features, ticks, axis=0).astype(dtype, copy=False)
        window = ticks[:, None] + np.arange(1 - inner.window_size, 1)
        rows = np.take(features, window.ravel(), axis=0)
        return rows.astype(dtype, copy=False).reshape(len(ticks), -1)

    def check_history(self, segments: Sequence[Any], *, stepped: bool = False) -> None:
        """Refuse when ``history`` does not hold one entry per recorded step of ``segments``.

        ``stepped``: the environment took one more step, not recorded yet, in the last segment.
        """
        for index, segment in enumerate(segments):
            expected = segment.history_start + segment.row_stop - segment.row_start
            if stepped and index == len(segments) - 1:
                expected += 1
            # per key, the list the environment keeps (or its length, once the recorder let
            # the list go)
            for key, kept in (segment.history or {}).items():
                size = kept if isinstance(kept, int) else len(kept)
                if size != expected:
                    raise InvalidInputError(
                        f"the environment's history has {size} {key!r} values for "
                        f"{expected} recorded steps of episode {segment.episode}; "
                        "step it only through the recorder"
                    )

    def history_columns(
        self, segments: Sequence[Any], *, stepped: bool = False
    ) -> dict[str, list[Any]]:
        """``history`` values of the buffered rows, checked to be one per recorded step."""
        self.check_history(segments, stepped=stepped)
        keys = list(segments[0].history or ()) if segments else []
        out: dict[str, list[Any]] = {key: [] for key in keys}
        for segment in segments:
            rows = segment.row_stop - segment.row_start
            start = segment.history_start
            history = segment.history or {}
            for key in keys:
                kept = history.get(key)
                if not isinstance(kept, list):
                    raise InvalidInputError(
                        f"the environment's history has no {key!r} values for episode "
                        f"{segment.episode}; step it only through the recorder"
                    )
                if len(segments) == 1 and start == 0 and len(kept) == rows:
                    out[key] = kept  # the whole episode so far: read in place, not copied
                else:
                    out[key].extend(kept[start : start + rows])
        return out

    def observation_columns(
        self, env: Any, steps: np.ndarray, last: bool, new: Callable[[Any], np.ndarray]
    ) -> list[np.ndarray] | None:
        """The latest row of each observation window, gathered column by column into ``new``
        columns (whole windows: None, :meth:`observations` rebuilds them)."""
        if not last:
            return None
        inner = env.unwrapped
        features = _constants(inner).features
        start = int(inner._start_tick)
        # the source sliced at the first tick instead of ticks computed per row
        return [np.take(column[start:], steps, out=new(np.float64)) for column in features]

    def columns(
        self, env: Any, steps: np.ndarray, info: dict[str, Any], new: Callable[[Any], np.ndarray]
    ) -> dict[str, Any]:
        inner = env.unwrapped
        # Each episode starts at the same tick and every step advances it by one, so the tick
        # after each step follows from the step number: nothing is read from the environment
        # per step.
        series = _constants(inner)
        first = int(inner._start_tick) + 1
        out: dict[str, Any] = {"price": np.take(series.prices[first:], steps, out=new(np.float64))}
        if "position" in info:
            position = new(np.float64)
            # long is 1; the other side is 0 (stocks: out of the market) or -1 (forex)
            np.copyto(position, np.asarray(info["position"]) == 1)
            if type(inner).__name__ == "ForexEnv":
                position *= 2.0
                position -= 1.0
            out["position"] = position
        if series.times is not None:
            times = series.times[first:]
            out["time"] = np.take(times, steps, out=new(np.int64).view(times.dtype))
        return out


class _Series:
    """What an environment's episodes are read from: prices, bar times, feature columns."""

    __slots__ = ("features", "prices", "sources", "times")

    def __init__(self, inner: Any) -> None:
        self.sources = (inner.prices, inner.signal_features, inner.df)
        self.prices = np.asarray(inner.prices, dtype=np.float64)
        offset = getattr(inner, "frame_bound", (inner.window_size,))[0] - inner.window_size
        index = getattr(inner.df, "index", None)
        self.times = None
        if index is not None and hasattr(index, "to_numpy"):
            values = index.to_numpy()
            if np.issubdtype(values.dtype, np.datetime64):
                self.times = values[offset:]
        features = np.asarray(inner.signal_features)
        # one contiguous float64 array per feature (np.take gathers from it without a copy)
        self.features = [
            np.ascontiguousarray(features[:, j], dtype=np.float64) for j in range(features.shape[1])
        ]


#: Per environment (weakly held): its series are read once, not per recorder or table.
_SERIES: weakref.WeakKeyDictionary[Any, _Series] = weakref.WeakKeyDictionary()


def _constants(inner: Any) -> _Series:
    """The price array, bar times and feature columns of ``inner`` (read again when the
    environment holds other arrays than when they were read)."""
    series = _SERIES.get(inner)
    if series is None or any(
        a is not b
        for a, b in zip(
            series.sources, (inner.prices, inner.signal_features, inner.df), strict=True
        )
    ):
        series = _SERIES[inner] = _Series(inner)
    return series


def adapter_for(env: Any) -> EnvAdapter:
    """The adapter for ``env`` (gym-anytrading recognised by its attributes)."""
    inner = getattr(env, "unwrapped", env)
    needed = ("prices", "signal_features", "_start_tick", "window_size", "df", "history")
    if all(hasattr(inner, a) for a in needed):
        return AnyTradingAdapter()
    return EnvAdapter()
