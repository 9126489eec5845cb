"""Model evaluation: metrics with bootstrap intervals, calibration, error analysis, bias.

- :func:`evaluate` — headline metrics equal to scikit-learn's, bootstrap intervals,
  calibration curve and ECE, threshold sweep, residuals, metrics over time.
- :func:`analyze_errors` — per-row errors, largest errors, errors by feature bins.
- :func:`assess_bias` — metrics per group and intersection through fairlearn's MetricFrame.

For problem segments see :mod:`mlops_notebooks.segments`.
"""

from .assessment import ModelAssessment, assess_model
from .bias import BIAS_METRICS, BiasMetric, assess_bias, register_bias_metric
from .calibration import CalibrationCurve
from .errors_analysis import ROW_SCORES, ErrorAnalysis, analyze_errors
from .metrics import METRICS, Metric, register_metric
from .performance import evaluate
from .results import BiasReport, EvaluationReport

__all__ = [
    "BIAS_METRICS",
    "METRICS",
    "ROW_SCORES",
    "BiasMetric",
    "BiasReport",
    "CalibrationCurve",
    "ErrorAnalysis",
    "EvaluationReport",
    "Metric",
    "ModelAssessment",
    "analyze_errors",
    "assess_bias",
    "assess_model",
    "evaluate",
    "register_bias_metric",
    "register_metric",
]
