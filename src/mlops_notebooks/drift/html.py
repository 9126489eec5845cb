"""HTML rendering of drift results: a notebook table and a standalone page for ``--html``."""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlops_notebooks.drift.report import ColumnDrift, DriftReport

__all__ = ["report_page_html", "report_table_html"]

_STYLE = (
    "<style>.mlops-drift td,.mlops-drift th{padding:2px 8px;text-align:left}"
    ".mlops-drift tr.drift td{background:#fde0dc}</style>"
)


def _number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else html.escape(f"{value:.{digits}g}")


def _row(result: ColumnDrift) -> str:
    cells = (
        html.escape(result.column),
        html.escape(result.kind),
        html.escape(result.role),
        html.escape(result.method or ""),
        _number(result.statistic),
        _number(result.p_value),
        _number(result.threshold),
        "yes" if result.drift else "no",
        f"{result.missing_share_reference:.1%} → {result.missing_share_current:.1%}",
        html.escape(_category_note(result)),
    )
    css = " class='drift'" if result.drift else ""
    return f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _category_note(result: ColumnDrift) -> str:
    parts = [result.note] if result.note else []
    if result.new_categories:
        parts.append("new: " + ", ".join(result.new_categories))
    if result.vanished_categories:
        parts.append("vanished: " + ", ".join(result.vanished_categories))
    return "; ".join(parts)


def report_table_html(report: DriftReport) -> str:
    """The verdict and one table row per column, most drifted first (every value escaped)."""
    head = (
        "column",
        "kind",
        "role",
        "method",
        "statistic",
        "p-value",
        "threshold",
        "drift",
        "missing (ref → cur)",
        "notes",
    )
    header = "".join(f"<th>{h}</th>" for h in head)
    rows = "".join(_row(r) for r in report.ranked())
    verdict = html.escape(report.summary_line())
    extra = ""
    if report.only_in_reference or report.only_in_current:
        extra = (
            "<p>only in reference: "
            + html.escape(", ".join(report.only_in_reference) or "—")
            + "; only in current: "
            + html.escape(", ".join(report.only_in_current) or "—")
            + "</p>"
        )
    return (
        f"{_STYLE}<div class='mlops-drift'><p><b>{verdict}</b> "
        f"({report.reference_rows:,} reference rows, {report.current_rows:,} current rows)</p>"
        f"{extra}<table class='mlops-drift'><tr>{header}</tr>{rows}</table></div>"
    )


def _figure_png(figure: object) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    import matplotlib.pyplot as plt

    plt.close(figure)  # type: ignore[arg-type]
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def report_page_html(report: DriftReport, *, images: bool = True) -> str:
    """A standalone HTML page: verdict, table, and static PNG charts embedded inline."""
    body = report_table_html(report)
    if images:
        from mlops_notebooks.drift.plots import new_figure

        figure, ax = new_figure()
        report.plot(ax=ax)
        body += f"<h3>Drift by column</h3><img src='data:image/png;base64,{_figure_png(figure)}'/>"
        if report.drifted_columns:
            distributions = report.plot_distributions(top_k=6)
            body += (
                "<h3>Most drifted columns</h3>"
                f"<img src='data:image/png;base64,{_figure_png(distributions)}'/>"
            )
    if report.performance is not None:
        body += "<h3>Performance change</h3>" + report.performance._repr_html_()
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Data drift report</title>"
        f"</head><body><h2>Data drift report</h2>{body}</body></html>"
    )
