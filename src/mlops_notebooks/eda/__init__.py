"""Exploratory data analysis: profiles, distributions, time series, correlations, missing values.

Compute functions return frozen result objects (``to_frame()``, ``to_dict()``/``to_json()``,
``_repr_html_``, ``plot()``); plotting functions return matplotlib figures and import matplotlib
only when called.
"""

from __future__ import annotations

from mlops_notebooks.eda.association import CorrelationReport, correlations
from mlops_notebooks.eda.missing import MissingValuesReport, missing_values
from mlops_notebooks.eda.plots import (
    plot_box,
    plot_distributions,
    plot_heatmap,
    plot_top_categories,
)
from mlops_notebooks.eda.profiling import DataProfile, profile
from mlops_notebooks.eda.roles import ColumnRoles, infer_roles
from mlops_notebooks.eda.summaries import ColumnProfile
from mlops_notebooks.eda.timeseries import TimeSeriesReport, time_series
from mlops_notebooks.eda.warnings import (
    WARNING_RULES,
    DatasetOverview,
    ProfileWarning,
    WarningThresholds,
    register_warning,
)

__all__ = [
    "WARNING_RULES",
    "ColumnProfile",
    "ColumnRoles",
    "CorrelationReport",
    "DataProfile",
    "DatasetOverview",
    "MissingValuesReport",
    "ProfileWarning",
    "TimeSeriesReport",
    "WarningThresholds",
    "correlations",
    "infer_roles",
    "missing_values",
    "plot_box",
    "plot_distributions",
    "plot_heatmap",
    "plot_top_categories",
    "profile",
    "register_warning",
    "time_series",
]
