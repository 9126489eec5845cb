"""HTML of drift results: the notebook display and the standalone page of ``--html``.

Charts are inline SVG drawn from the column summaries the comparison already holds (shared
bins, reference and current side by side): no matplotlib, so the page costs milliseconds.
Every column name and value is escaped; the page embeds no script.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from mlops_notebooks._html import svg
from mlops_notebooks._html.approx import Approximate, legend
from mlops_notebooks._html.page import facts, figure, fragment, page, paragraph, section, tiles
from mlops_notebooks._html.page import verdict as verdict_box
from mlops_notebooks._html.style import CURRENT_COLOR, REFERENCE_COLOR
from mlops_notebooks._html.tables import format_number, frame_to_html, truncate

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.drift.report import ColumnDrift, DriftReport

__all__ = ["report_body", "report_page_html", "report_table_html"]

TITLE = "Data drift report"
DESCRIPTION = (
    "Column by column comparison of the current data with the reference data: the method and "
    "threshold each column used, whether it drifted, and both distributions."
)
# Bins (numeric) or categories shown per distribution chart.
MAX_POINTS = 30
# Notes (new and vanished categories) are cut to this many characters; the JSON has them all.
NOTE_CHARS = 160


def _category_note(result: ColumnDrift) -> str:
    parts = [result.note] if result.note else []
    if result.new_categories:
        parts.append("new: " + ", ".join(result.new_categories))
    if result.vanished_categories:
        parts.append("vanished: " + ", ".join(result.vanished_categories))
    return "; ".join(parts)


def statistic_bound(result: ColumnDrift) -> str | None:
    """The tooltip of a statistic computed from sketches; None when it is exact."""
    if result.error_bound is None:
        return None
    return (
        f"{result.method} statistic from two KLL quantile sketches: within "
        f"±{result.error_bound:.4f} of the exact statistic; the p-value is computed from it"
    )


def _approximate_cells(ranked: list[ColumnDrift]) -> dict[str, list[str | None]]:
    bounds = [statistic_bound(r) for r in ranked]
    if not any(bounds):
        return {}
    return {"statistic": bounds, "p-value": bounds}


def _approximate_legend(report: DriftReport) -> str:
    sketched = [r for r in report.columns if r.approximate]
    if not sketched:
        return ""
    widest = max(r.error_bound or 0.0 for r in sketched)
    return legend(
        [
            "KS statistics of columns with many distinct values, and their p-values: two KLL "
            f"sketches (rank error 0.28% each), within ±{widest:.4f} of the exact statistic "
            f"({', '.join(r.column for r in sketched)})"
        ]
    )


def columns_frame(report: DriftReport) -> pl.DataFrame:
    """One row per column, most drifted first, as shown in the reports."""
    import polars as pl

    ranked = report.ranked()
    return pl.DataFrame(
        {
            "column": [r.column for r in ranked],
            "kind": [r.kind for r in ranked],
            "role": [r.role for r in ranked],
            "method": [r.method or "" for r in ranked],
            "statistic": [r.statistic for r in ranked],
            "p-value": [r.p_value for r in ranked],
            "threshold": [r.threshold for r in ranked],
            "drift": [r.drift for r in ranked],
            "missing (ref → cur)": [
                f"{r.missing_share_reference:.1%} → {r.missing_share_current:.1%}" for r in ranked
            ],
            "notes": [_category_note(r) for r in ranked],
        },
        schema_overrides={"statistic": pl.Float64, "p-value": pl.Float64, "threshold": pl.Float64},
    )


def _only_in(report: DriftReport) -> str:
    if not (report.only_in_reference or report.only_in_current):
        return ""
    return paragraph(
        "Not compared — only in reference: "
        + (", ".join(report.only_in_reference) or "—")
        + "; only in current: "
        + (", ".join(report.only_in_current) or "—"),
        css="mlnb-note",
    )


def _excluded(report: DriftReport) -> str:
    """The columns left out by inferred role, each with its reason (nothing when none)."""
    if not report.excluded_columns:
        return ""
    import polars as pl

    frame = pl.DataFrame(
        {
            "column": list(report.excluded_columns),
            "left out as": list(report.excluded_columns.values()),
        }
    )
    return paragraph(
        "Not compared: identifier, time and calendar columns differ between two periods by "
        "construction (mlops-nb drift --all-columns, or naming the features, compares them).",
        css="mlnb-note",
    ) + frame_to_html(frame, 200, caption=f"Left out by inferred role ({frame.height})")


def report_table_html(report: DriftReport) -> str:
    """What a notebook shows: the verdict and one row per column, most drifted first."""
    body = (
        verdict_box(report.summary_line(), bad=report.dataset_drift)
        + paragraph(
            f"{report.reference_rows:,} reference rows, {report.current_rows:,} current rows",
            css="mlnb-note",
        )
        + _only_in(report)
        + _excluded(report)
        + _approximate_legend(report)
        + frame_to_html(
            columns_frame(report),
            100,
            NOTE_CHARS,
            flag="drift",
            approximate=_approximate_cells(report.ranked()),
        )
    )
    return fragment(body)


def _summary(report: DriftReport) -> str:
    return (
        verdict_box(report.summary_line(), bad=report.dataset_drift)
        + tiles(
            [
                ("columns compared", report.number_of_columns),
                ("drifted columns", len(report.drifted_columns)),
                ("share drifted", f"{report.share_of_drifted_columns:.1%}"),
                ("data-set threshold", f"{report.drift_share:.0%}"),
                ("reference rows", report.reference_rows),
                ("current rows", report.current_rows),
            ]
        )
        + paragraph(
            "p-value corrected for multiple testing: " + (report.correction or "no"),
            css="mlnb-note",
        )
        + _only_in(report)
        + _excluded(report)
        + _approximate_legend(report)
    )


def _ranked(report: DriftReport) -> str:
    ranked = [r for r in report.ranked() if r.statistic is not None]
    if not ranked:
        return paragraph("No column could be compared.", css="mlnb-note")
    chart = svg.ranked_chart(
        [f"{r.column} ({r.method})" for r in ranked],
        [r.strength for r in ranked],
        [r.drift for r in ranked],
    )
    return figure(
        chart,
        "Each column's statistic relative to its threshold (p-value tests: log10 p / log10 "
        "threshold; distances: statistic / threshold); 1 or more means drift; capped at 10.",
    )


def _legend() -> str:
    return (
        f"<p class='mlnb-legend'><i style='background:{REFERENCE_COLOR}'></i>reference"
        f"<i style='background:{CURRENT_COLOR}'></i>current</p>"
    )


def _distribution_card(result: ColumnDrift) -> str:
    from mlops_notebooks.drift.plots import _common_bins

    if result.reference is None or result.current is None:
        return ""
    points, ref_share, cur_share = _common_bins(result.reference, result.current, MAX_POINTS)
    labels = [p if isinstance(p, str) else format_number(float(p)) for p in points.tolist()]
    chart = svg.overlay_chart(
        labels,
        ref_share.tolist(),
        cur_share.tolist(),
        width=300,
        height=96,
        label=f"distributions of {result.column}",
    )
    badge = (
        "<span class='mlnb-badge bad'>drift</span>"
        if result.drift
        else "<span class='mlnb-badge ok'>no drift</span>"
    )
    bound = statistic_bound(result)
    items: list[tuple[str, Any]] = [
        ("method", result.method),
        ("statistic", result.statistic if bound is None else Approximate(result.statistic, bound)),
        ("p-value", result.p_value if bound is None else Approximate(result.p_value, bound)),
        ("threshold", result.threshold),
        (
            "missing",
            f"{result.missing_share_reference:.1%} → {result.missing_share_current:.1%}",
        ),
    ]
    if result.reference.is_numeric:
        items.append(
            (
                "mean",
                f"{format_number(result.reference.mean)} → {format_number(result.current.mean)}",
            )
        )
    note = truncate(_category_note(result), NOTE_CHARS)
    return (
        f"<article class='mlnb-card'><h3>{html.escape(result.column)}</h3>"
        f"<span class='mlnb-badge'>{html.escape(result.kind)}</span>{badge}"
        f"{figure(chart)}{facts(items)}"
        + (paragraph(note, css="mlnb-note") if note else "")
        + "</article>"
    )


def _distributions(report: DriftReport) -> str:
    cards = "".join(_distribution_card(r) for r in report.ranked())
    if not cards:
        return paragraph("No distribution to show.", css="mlnb-note")
    return _legend() + f"<div class='mlnb-cards'>{cards}</div>"


def report_body(report: DriftReport, *, charts: bool = True) -> str:
    """The report's sections: summary, ranked chart, column table, distributions, performance."""
    parts = [section("Summary", _summary(report))]
    if charts:
        parts.append(section("Drift by column", _ranked(report)))
    table = frame_to_html(
        columns_frame(report),
        1000,
        NOTE_CHARS,
        flag="drift",
        approximate=_approximate_cells(report.ranked()),
    )
    parts.append(section("Columns", table))
    if charts:
        parts.append(section("Distributions", _distributions(report)))
    if report.performance is not None:
        parts.append(section("Performance change", report.performance._html_body()))
    return "".join(parts)


def _provenance(report: DriftReport) -> list[dict[str, Any]]:
    records = []
    for role, record in (
        ("reference", report.reference_provenance),
        ("current", report.current_provenance),
    ):
        if record:
            records.append({"role": role, **record})
        else:
            records.append({"role": role, "source": "passed in memory", "rows": None})
    for record, rows in zip(records, (report.reference_rows, report.current_rows), strict=True):
        if record.get("rows") is None:
            record["rows"] = rows
    return records


def report_page_html(report: DriftReport, *, images: bool = True) -> str:
    """The standalone report page (``images=False`` leaves out the charts)."""
    return page(
        TITLE,
        report_body(report, charts=images),
        provenance=_provenance(report),
        description=DESCRIPTION,
    )
