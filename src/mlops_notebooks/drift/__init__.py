"""Data drift: per-column, multivariate and over-time comparison of current with reference data.

Public API::

    from mlops_notebooks.drift import compare, drift_over_time, domain_classifier_drift
    report = compare("flights_reference", "flights_current")
"""

from __future__ import annotations

from mlops_notebooks.drift.comparison import compare
from mlops_notebooks.drift.config import DriftConfig, check_drift, load_config
from mlops_notebooks.drift.methods import (
    DriftMethod,
    MethodInput,
    MethodScore,
    available_methods,
    get_method,
    register_method,
)
from mlops_notebooks.drift.multivariate import (
    DomainClassifierDrift,
    ReconstructionDrift,
    domain_classifier_drift,
    reconstruction_drift,
)
from mlops_notebooks.drift.performance import PerformanceChange
from mlops_notebooks.drift.report import ColumnDrift, DriftReport
from mlops_notebooks.drift.summaries import ColumnSummary
from mlops_notebooks.drift.windows import WindowedDrift, drift_over_time

__all__ = [
    "ColumnDrift",
    "ColumnSummary",
    "DomainClassifierDrift",
    "DriftConfig",
    "DriftMethod",
    "DriftReport",
    "MethodInput",
    "MethodScore",
    "PerformanceChange",
    "ReconstructionDrift",
    "WindowedDrift",
    "available_methods",
    "check_drift",
    "compare",
    "domain_classifier_drift",
    "drift_over_time",
    "get_method",
    "load_config",
    "reconstruction_drift",
    "register_method",
]
