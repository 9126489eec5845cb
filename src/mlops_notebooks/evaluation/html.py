"""HTML of evaluation results: the notebook display and the report of ``mlops-nb evaluate``.

Headline metrics and group metrics are inline SVG interval charts drawn from the result's
tables; the views that need a real plot (calibration, thresholds, confusion matrix, residuals,
metrics over time) are matplotlib figures embedded as PNG. Every name and value is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from mlops_notebooks._html import svg
from mlops_notebooks._html.page import figure, page, paragraph, section, tiles
from mlops_notebooks._html.tables import frame_to_html

if TYPE_CHECKING:
    from mlops_notebooks.evaluation.results import BiasReport, EvaluationReport

__all__ = ["bias_body", "evaluation_body", "evaluation_page"]

TITLE = "Model evaluation"
DESCRIPTION = (
    "Metrics of one model's outputs against the true values, with bootstrap intervals; "
    "per class, calibration and decision thresholds where they apply; gaps between groups "
    "when groups were given."
)
# Plot kinds drawn by matplotlib in the report (the headline metrics are an SVG chart).
FIGURE_KINDS = ("calibration", "thresholds", "confusion", "residuals", "over_time")
FIGURE_TITLES = {
    "calibration": "Calibration",
    "thresholds": "Decision thresholds",
    "confusion": "Confusion matrix",
    "residuals": "Residuals",
    "over_time": "Metrics over time",
}


def _in_unit_range(values: Sequence[float | None]) -> bool:
    known = [v for v in values if v is not None and math.isfinite(v)]
    return bool(known) and all(-1.0 <= v <= 1.0 for v in known)


def _metrics_chart(report: EvaluationReport) -> str:
    frame = report.metrics
    values, lows, highs = (frame[c].to_list() for c in ("value", "ci_low", "ci_high"))
    if not _in_unit_range([*values, *lows, *highs]):
        return ""  # metrics on different scales (regression): the table says it better
    chart = svg.interval_chart(
        frame["metric"].to_list(), values, lows, highs, label="headline metrics"
    )
    return figure(chart, f"Point estimates with {report.confidence:.0%} bootstrap intervals")


def _confusion_frame(classes: Sequence[str], confusion: Any) -> pl.DataFrame:
    return pl.DataFrame(
        {"true \\ predicted": list(classes)} | {c: confusion[:, i] for i, c in enumerate(classes)}
    )


def evaluation_body(report: EvaluationReport, *, figures: bool = True, level: int = 2) -> str:
    """Sections of the evaluation report (``figures=False``: tables and SVG charts only)."""
    overview = tiles(
        [
            ("task", report.task),
            ("rows", report.n_rows),
            ("target", report.target),
            ("prediction", report.prediction),
            ("bootstrap resamples", report.n_bootstrap),
        ]
    )
    parts = [
        section("Overview", overview, level=level),
        section("Metrics", _metrics_chart(report) + frame_to_html(report.metrics), level=level),
    ]
    if report.per_class is not None:
        parts.append(section("Per class", frame_to_html(report.per_class), level=level))
    if report.confusion is not None:
        parts.append(
            section(
                "Confusion matrix",
                frame_to_html(_confusion_frame(report.classes, report.confusion)),
                level=level,
            )
        )
    if report.calibration is not None:
        ece = report.calibration.expected_calibration_error
        parts.append(
            section(
                "Calibration",
                paragraph(f"Expected calibration error {ece:.4f} (0 is perfect)."),
                level=level,
            )
        )
    if figures:
        parts.append(_figures(report, level))
    return "".join(parts)


def _figures(report: EvaluationReport, level: int) -> str:
    from mlops_notebooks._render import figure_to_img_tag

    shown = [kind for kind in FIGURE_KINDS if kind in report.available_plots()]
    if not shown:
        return ""
    images = "".join(
        figure(figure_to_img_tag(report.plot(kind)), FIGURE_TITLES[kind]) for kind in shown
    )
    return section("Plots", f"<div class='mlnb-cards'>{images}</div>", level=level)


def _group_charts(bias: BiasReport) -> str:
    frame = bias.by_group
    if frame.height == 0:
        return ""
    metric = str(frame["metric"][0])
    charts = []
    for grouping in frame["grouping"].unique(maintain_order=True).to_list():
        rows = frame.filter((pl.col("grouping") == grouping) & (pl.col("metric") == metric))
        chart = svg.interval_chart(
            [str(g) for g in rows["group"].to_list()],
            rows["value"].to_list(),
            rows["ci_low"].to_list(),
            rows["ci_high"].to_list(),
            reference=bias.overall.get(metric),
            flags=rows["flagged"].to_list(),
            label=f"{metric} by {grouping}",
        )
        charts.append(figure(chart, f"{metric} by {grouping}; red: flagged groups"))
    return "".join(charts)


def bias_body(bias: BiasReport, *, level: int = 2) -> str:
    """Sections of the bias report: the rule, a chart per grouping, summary, flagged groups."""
    note = (
        f"Groups of at least {bias.min_group_size} rows are flagged when their gap to the best "
        f"such group exceeds {bias.threshold:g}; {bias.confidence:.0%} bootstrap intervals from "
        "fairlearn's MetricFrame."
    )
    flagged = bias.flagged
    return section(
        "Groups",
        paragraph(note, css="mlnb-note") + _group_charts(bias) + frame_to_html(bias.summary),
        level=level,
    ) + section(
        f"Flagged groups ({flagged.height})",
        frame_to_html(flagged) if flagged.height else paragraph("No group is flagged."),
        level=level,
    )


def evaluation_page(
    report: EvaluationReport,
    bias: BiasReport | None = None,
    *,
    figures: bool = True,
    provenance: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """One report page: the evaluation, then the bias sections when ``bias`` is given."""
    body = evaluation_body(report, figures=figures)
    if bias is not None:
        body += bias_body(bias)
    return page(TITLE, body, provenance=provenance, description=DESCRIPTION)
