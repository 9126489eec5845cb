"""Drift settings that can live in a YAML file (``mlops-nb drift --config FILE.yaml``).

Example file::

    drift_share: 0.3
    correction: bh
    ignore: [flight, tailnum]
    methods: {distance: psi}              # per column
    kind_methods: {categorical: chisquare} # per column kind
    thresholds: {psi: 0.2, arr_delay: 0.05}  # per method or per column
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

from mlops_notebooks.errors import InvalidInputError

__all__ = ["DriftConfig", "load_config"]

CONFIG_KEYS = (
    "columns",
    "ignore",
    "methods",
    "kind_methods",
    "thresholds",
    "drift_share",
    "correction",
    "target_column",
    "prediction_column",
    "probability_column",
)
UNKNOWN_KEYS = "unknown drift config keys {names}; valid keys: {valid}"
NOT_A_MAPPING = "drift config {path} must be a YAML mapping of settings"
UNREADABLE = "cannot read drift config {path}: {reason}"


@dataclass(frozen=True)
class DriftConfig:
    """Keyword arguments of :func:`mlops_notebooks.drift.compare`, as a value object."""

    columns: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    methods: dict[str, str] = field(default_factory=dict)
    kind_methods: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    drift_share: float = 0.5
    correction: str | None = None
    target_column: str | None = None
    prediction_column: str | None = None
    probability_column: str | None = None

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DriftConfig:
        """Build from a mapping; unknown keys raise :class:`InvalidInputError`."""
        unknown = sorted(set(values) - set(CONFIG_KEYS))
        if unknown:
            raise InvalidInputError(UNKNOWN_KEYS.format(names=unknown, valid=list(CONFIG_KEYS)))
        cleaned = dict(values)
        for key in ("columns", "ignore"):
            if cleaned.get(key) is not None:
                cleaned[key] = tuple(str(v) for v in cleaned[key])
        if "thresholds" in cleaned:
            cleaned["thresholds"] = {str(k): float(v) for k, v in cleaned["thresholds"].items()}
        if "drift_share" in cleaned:
            cleaned["drift_share"] = float(cleaned["drift_share"])
        return cls(**cleaned)

    def to_kwargs(self) -> dict[str, Any]:
        """The settings as keyword arguments for ``compare``."""
        return asdict(self)


def load_config(path: str | os.PathLike[str]) -> DriftConfig:
    """Read a :class:`DriftConfig` from a YAML file.

    Raises
    ------
    InvalidInputError
        Unreadable file, not a mapping, or unknown keys.
    """
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            values = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as err:
        raise InvalidInputError(UNREADABLE.format(path=path, reason=err)) from err
    if not isinstance(values, dict):
        raise InvalidInputError(NOT_A_MAPPING.format(path=path))
    return DriftConfig.from_dict(values)
