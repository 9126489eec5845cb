"""Drift settings that can live in a YAML file (``mlops-nb drift --config FILE.yaml``).

Example file::

    drift_share: 0.3
    correction: bh
    features: [dep_delay, carrier]        # default: every column in both
    ignore: [flight, tailnum]
    methods: {distance: psi}              # per column
    kind_methods: {categorical: chisquare} # per column kind
    thresholds: {psi: 0.2, arr_delay: 0.05}  # per method or per column
    exclude_inferred: true                # leave out id, time and calendar columns (default)

Without ``features``, the check leaves out the identifier, time and calendar columns that
:func:`mlops_notebooks.eda.infer_roles` finds (they differ between periods by construction);
``exclude_inferred: false`` or ``mlops-nb drift --all-columns`` compares them too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mlops_notebooks._deprecation import renamed
from mlops_notebooks.errors import InvalidInputError

if TYPE_CHECKING:
    from mlops_notebooks._frames import FrameLike
    from mlops_notebooks.drift.report import DriftReport
    from mlops_notebooks.summaries.engines import Engine

__all__ = ["DriftConfig", "check_drift", "load_config"]

CONFIG_KEYS = (
    "features",
    "ignore",
    "methods",
    "kind_methods",
    "thresholds",
    "drift_share",
    "correction",
    "target",
    "prediction",
    "probabilities",
    "exclude_inferred",
)
# Keys renamed in this release: still read, with a DeprecationWarning.
OLD_KEYS = {
    "columns": "features",
    "target_column": "target",
    "prediction_column": "prediction",
    "probability_column": "probabilities",
}
UNKNOWN_KEYS = "unknown drift config keys {names}; valid keys: {valid}"
NOT_A_MAPPING = "drift config {path} must be a YAML mapping of settings"
UNREADABLE = "cannot read drift config {path}: {reason}"


@dataclass(frozen=True)
class DriftConfig:
    """Keyword arguments of :func:`mlops_notebooks.drift.compare`, as a value object.

    Unlike ``compare``, the check leaves out inferred identifier, time and calendar columns
    by default (``exclude_inferred=True``).
    """

    features: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    methods: dict[str, str] = field(default_factory=dict)
    kind_methods: dict[str, str] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    drift_share: float = 0.5
    correction: str | None = None
    target: str | None = None
    prediction: str | None = None
    probabilities: str | None = None
    exclude_inferred: bool = True

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DriftConfig:
        """Build from a mapping; unknown keys raise :class:`InvalidInputError`."""
        from mlops_notebooks._deprecation import warn_renamed

        values = dict(values)
        for old, new in OLD_KEYS.items():
            if old in values:
                warn_renamed("drift config", old, new)
                values.setdefault(new, values.pop(old))
        unknown = sorted(set(values) - set(CONFIG_KEYS) - set(OLD_KEYS))
        if unknown:
            raise InvalidInputError(UNKNOWN_KEYS.format(names=unknown, valid=list(CONFIG_KEYS)))
        cleaned = dict(values)
        for key in ("features", "ignore"):
            if cleaned.get(key) is not None:
                cleaned[key] = tuple(str(v) for v in cleaned[key])
        if "thresholds" in cleaned:
            cleaned["thresholds"] = {str(k): float(v) for k, v in cleaned["thresholds"].items()}
        if "drift_share" in cleaned:
            cleaned["drift_share"] = float(cleaned["drift_share"])
        if "exclude_inferred" in cleaned:
            cleaned["exclude_inferred"] = _flag(cleaned["exclude_inferred"])
        return cls(**cleaned)

    def to_kwargs(self) -> dict[str, Any]:
        """The settings as keyword arguments for ``compare``."""
        return asdict(self)

    def override(
        self,
        *,
        features: Sequence[str] | None = None,
        drift_share: float | None = None,
        all_columns: bool = False,
    ) -> DriftConfig:
        """A copy with the given settings replaced (``None`` keeps the file's value);
        ``all_columns`` turns ``exclude_inferred`` off."""
        changes: dict[str, Any] = {}
        if features:
            changes["features"] = tuple(features)
        if drift_share is not None:
            changes["drift_share"] = float(drift_share)
        if all_columns:
            changes["exclude_inferred"] = False
        return replace(self, **changes)


NOT_A_FLAG = "drift config key exclude_inferred must be true or false, got {value!r}"


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(NOT_A_FLAG.format(value=value))
    return value


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


@renamed(columns="features")
def check_drift(
    reference: FrameLike,
    current: FrameLike,
    *,
    config: str | os.PathLike[str] | DriftConfig | None = None,
    features: Sequence[str] | str | None = None,
    drift_share: float | None = None,
    json_path: str | os.PathLike[str] | None = None,
    html_path: str | os.PathLike[str] | None = None,
    engine: Engine = "auto",
    address: str | None = None,
    all_columns: bool = False,
) -> DriftReport:
    """The pipeline drift check: config-file settings, overridden by arguments, then ``compare``.

    Parameters
    ----------
    reference, current : frame or data ref
    config : path, DriftConfig or None
        Settings (a YAML file as read by :func:`load_config`); the other arguments override it.
    features : sequence of str, or "a,b" text, optional
    drift_share : float, optional
    json_path, html_path : path, optional
        Where to write the JSON document and the HTML report (atomically).
    engine : {"auto", "local", "stream", "dask", "spark"}, default "auto"
        Where the summaries are computed (see :func:`~mlops_notebooks.drift.compare`); with
        ``dask``/``spark`` data refs are opened on that cluster.
    address : str, optional
        Dask scheduler or Spark master address (see ``summaries.clusters.on_engine``).
    all_columns : bool, default False
        Compare the identifier, time and calendar columns too. By default (unless the config
        or ``features`` name the columns) they are left out and listed in the report's
        ``excluded_columns``.

    Returns
    -------
    DriftReport

    Example
    -------
    >>> report = check_drift("flights_reference", "flights_current", drift_share=0.3)
    >>> report.dataset_drift, len(report.drifted_columns)
    (True, 8)
    >>> report.excluded_columns["month"]
    'calendar part of time_hour'
    """
    from mlops_notebooks.drift.comparison import compare
    from mlops_notebooks.summaries.clusters import on_engine

    if isinstance(features, str):
        features = [c.strip() for c in features.split(",") if c.strip()]
    settings = (
        config
        if isinstance(config, DriftConfig)
        else (load_config(config) if config else DriftConfig())
    )
    settings = settings.override(
        features=features, drift_share=drift_share, all_columns=all_columns
    )
    with on_engine(engine, address) as open_data:
        report = compare(
            _open(open_data, reference),
            _open(open_data, current),
            engine=engine,
            **settings.to_kwargs(),
        )
    if json_path:
        report.to_json(json_path)
    if html_path:
        from mlops_notebooks._io import write_text_atomic

        write_text_atomic(html_path, report.to_html())
    return report


def _open(open_data: Any, data: FrameLike) -> FrameLike:
    """Open a data ref (text or path) on the engine; frames pass through."""
    return open_data(os.fspath(data)) if isinstance(data, (str, os.PathLike)) else data
