"""HTML rendering of EDA results: notebook fragments and a standalone report.

Every column name and value passes through :func:`html.escape`; the report embeds no script.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from mlops_notebooks.eda.profiling import DataProfile

__all__ = ["format_value", "frame_table", "profile_document", "profile_fragment"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.mlnb { border-collapse: collapse; font-size: 13px; margin: 0.5em 0 1.5em; }
table.mlnb th, table.mlnb td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
table.mlnb th { background: #f4f4f4; }
table.mlnb td:first-child, table.mlnb th:first-child { text-align: left; }
table.mlnb caption { text-align: left; font-weight: 600; padding: 4px 0; }
.mlnb-warning { color: #a33; }
"""


def format_value(value: Any) -> str:
    """A short, escaped text form of one statistic."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return html.escape(f"{value:.4g}")
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]], caption: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{format_value(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="mlnb">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def frame_table(frame: pl.DataFrame, *, caption: str = "", max_rows: int = 50) -> str:
    """An escaped HTML table of the first ``max_rows`` rows of a polars frame."""
    return _table(frame.columns, [list(r) for r in frame.head(max_rows).iter_rows()], caption)


_OVERVIEW_FIELDS = ("name", "kind", "dtype", "missing_share", "distinct")
_NUMERIC_FIELDS = ("mean", "std", "min", "p25", "p50", "p75", "max", "skewness")


def _columns_table(report: DataProfile) -> str:
    header = [*_OVERVIEW_FIELDS, *_NUMERIC_FIELDS, "top value"]
    rows = []
    for column in report.columns:
        facts = column.to_dict()
        numeric = column.numeric.to_dict() if column.numeric else {}
        top = column.categorical.top(1) if column.categorical else []
        top_text = f"{top[0][0]} ({top[0][1]:,})" if top else ""
        rows.append(
            [facts[f] for f in _OVERVIEW_FIELDS]
            + [numeric.get(f) for f in _NUMERIC_FIELDS]
            + [top_text]
        )
    return _table(header, rows, "Columns")


def _overview_table(report: DataProfile) -> str:
    overview = report.overview
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(overview.kinds.items()))
    rows: list[list[Any]] = [
        ["rows", overview.rows],
        ["columns", overview.columns],
        ["memory (MiB)", overview.memory_bytes / 2**20],
        ["duplicated rows", overview.duplicate_rows],
        ["column kinds", kinds],
    ]
    return _table(["", "value"], rows, "Overview")


def _warnings_table(report: DataProfile) -> str:
    if not report.warnings:
        return "<p>No warnings.</p>"
    rows = [[w.code, w.column or "(data set)", w.message, w.threshold] for w in report.warnings]
    return _table(["warning", "column", "detail", "threshold"], rows, "Warnings")


def profile_fragment(report: DataProfile) -> str:
    """Overview, warnings and the per-column table, for a notebook cell."""
    parts = [_overview_table(report), _warnings_table(report), _columns_table(report)]
    if report.correlations is not None:
        parts.append(report.correlations._repr_html_())
    return f"<div>{''.join(parts)}</div>"


def _details(report: DataProfile) -> str:
    sections = []
    for column in report.columns:
        rows: list[list[Any]] = [
            [k, v] for k, v in column.to_dict().items() if not isinstance(v, dict | list)
        ]
        for group in ("numeric", "text", "datetime"):
            rows += [[k, v] for k, v in column.to_dict().get(group, {}).items()]
        if column.categorical is not None:
            rows += [[f"top: {value}", count] for value, count in column.categorical.top(10)]
        sections.append(_table(["statistic", "value"], rows, f"Column {column.name}"))
    return "".join(sections)


def _figures(report: DataProfile) -> str:
    """The column overview and the association heatmap as inline PNGs (no external files)."""
    from mlops_notebooks._render import figure_to_img_tag

    images = []
    if report.columns:
        images.append(figure_to_img_tag(report.plot()))
    correlations = report.correlations
    if correlations is not None and (
        correlations.numeric_columns or correlations.categorical_columns
    ):
        images.append(figure_to_img_tag(correlations.plot()))
    return "".join(f"<p>{image}</p>" for image in images)


def profile_document(report: DataProfile, *, figures: bool = True) -> str:
    """A standalone HTML page: the fragment, its figures and per-column details. No scripts."""
    pictures = f"<h2>Figures</h2>{_figures(report)}" if figures else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>Data profile</title>"
        f"<style>{_STYLE}</style></head><body><h1>Data profile</h1>"
        f"{profile_fragment(report)}{pictures}<h2>Column details</h2>{_details(report)}"
        "</body></html>"
    )
