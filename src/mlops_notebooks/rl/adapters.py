"""Where the recorder finds price, position and time for a given kind of environment.

An adapter turns the recorded steps into schema columns once per flush (``columns``), so nothing
is read from the environment per step. The generic adapter reads ``info["price"]``,
``info["position"]`` and ``info["time"]``; the gym-anytrading adapter reads the environment's
price array at the current tick, maps its ``Positions`` enum to a signed position (long 1; short
−1 for forex, 0 — out of the market — for stocks, as its profit accounting treats it) and takes
the time from its data frame's index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["AnyTradingAdapter", "EnvAdapter", "adapter_for"]


class EnvAdapter:
    """Generic: ``price``, ``position`` and ``time`` come from ``info`` when present."""

    def columns(self, env: Any, steps: np.ndarray, info: dict[str, Any]) -> dict[str, Any]:
        """Schema columns built from the rows' step numbers and ``info`` columns."""
        out: dict[str, Any] = {}
        for name in ("price", "position", "time"):
            if name in info:
                out[name] = info[name]
        return out


class AnyTradingAdapter(EnvAdapter):
    """gym-anytrading's ``TradingEnv``: price array, ``Positions`` enum, data frame index."""

    def columns(self, env: Any, steps: np.ndarray, info: dict[str, Any]) -> dict[str, Any]:
        inner = env.unwrapped
        # Each episode starts at the same tick and every step advances it by one, so the tick
        # follows from the step number: nothing is read from the environment per step.
        ticks = inner._start_tick + 1 + np.asarray(steps, dtype=np.int64)
        out: dict[str, Any] = {"price": np.asarray(inner.prices, dtype=np.float64)[ticks]}
        if "position" in info:
            long = np.asarray(info["position"]) == 1
            short_value = -1.0 if type(inner).__name__ == "ForexEnv" else 0.0
            out["position"] = np.where(long, 1.0, short_value)
        offset = getattr(inner, "frame_bound", (inner.window_size,))[0] - inner.window_size
        index = getattr(inner.df, "index", None)
        if index is not None and hasattr(index, "to_numpy"):
            values = index.to_numpy()[offset + ticks]
            if np.issubdtype(values.dtype, np.datetime64):
                out["time"] = values
        return out


def adapter_for(env: Any) -> EnvAdapter:
    """The adapter for ``env`` (gym-anytrading recognised by its attributes)."""
    inner = getattr(env, "unwrapped", env)
    if all(hasattr(inner, a) for a in ("prices", "_start_tick", "window_size", "df")):
        return AnyTradingAdapter()
    return EnvAdapter()
