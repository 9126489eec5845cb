"""HTML of a data profile: the notebook display and the standalone report.

The report is drawn from the profile's summaries alone: a histogram per numeric column from
its 101-point percentile sketch, bars of the most frequent values per categorical column, the
association matrix as an SVG heatmap. No matplotlib, so writing it takes milliseconds.
Every column name and value is escaped; the page embeds no script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mlops_notebooks._html import svg
from mlops_notebooks._html.approx import Approximate, legend
from mlops_notebooks._html.page import facts, figure, fragment, page, paragraph, section, tiles
from mlops_notebooks._html.tables import format_number, frame_to_html

if TYPE_CHECKING:
    from mlops_notebooks.eda.profiling import DataProfile
    from mlops_notebooks.eda.summaries import Approximation, ColumnProfile, NumericSummary

__all__ = ["profile_body", "profile_document", "profile_fragment"]

TITLE = "Data profile"
DESCRIPTION = (
    "Per-column statistics, distributions, data-quality warnings and pairwise associations "
    "of one data set."
)
HISTOGRAM_BINS = 24
TOP_VALUES = 8
# Columns of the overview table (all statistics are in the cards and the JSON).
_TABLE_COLUMNS = (
    "name",
    "kind",
    "dtype",
    "missing_share",
    "distinct",
    "mean",
    "std",
    "min",
    "p50",
    "max",
    "top_value",
    "top_count",
)
_NUMERIC_FACTS = (
    ("mean", "mean"),
    ("std", "std"),
    ("min", "min"),
    ("median", "p50"),
    ("max", "max"),
)
_TABLE_LABELS = {
    "name": "column",
    "missing_share": "missing",
    "p50": "median",
    "top_value": "top value",
    "top_count": "top count",
}


# Sketched value groups as the legend names them, in this order.
_APPROXIMATED = {
    "quantiles": "quantiles (median, p1 to p99) and histograms",
    "iqr_outliers": "IQR outlier counts",
    "distinct": "distinct counts",
    "top_values": "counts of the most frequent values",
}
DUPLICATES_BOUND = (
    "HyperLogLog estimate of the distinct rows: standard error about ±{error:,.0f} rows; "
    "fewer duplicates than three standard errors are shown as 0"
)


def _overview(report: DataProfile) -> str:
    overview = report.overview
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(overview.kinds.items()))
    duplicates: Any = f"{overview.duplicate_rows:,} ({overview.duplicate_share:.1%})"
    if overview.duplicate_rows_error is not None:
        duplicates = Approximate(
            duplicates, DUPLICATES_BOUND.format(error=overview.duplicate_rows_error)
        )
    return (
        tiles(
            [
                ("rows", overview.rows),
                ("columns", overview.columns),
                ("memory", f"{overview.memory_bytes / 2**20:,.1f} MiB"),
                ("duplicated rows", duplicates),
                ("warnings", len(report.warnings)),
            ]
        )
        + paragraph(f"Column kinds: {kinds or '-'}", css="mlnb-note")
        + _legend(report)
    )


def _legend(report: DataProfile) -> str:
    """What "≈" means in this report: one line per kind of sketched value (none if exact)."""
    found: dict[str, Approximation] = {}
    for column in report.columns:
        for name, approximation in column.approximations().items():
            found.setdefault(name, approximation)
    lines = [_legend_line(name, found[name]) for name in _APPROXIMATED if name in found]
    if report.overview.duplicate_rows_error is not None:
        lines.append("duplicated rows: HyperLogLog estimate of the distinct rows")
    return legend(lines)


def _legend_line(name: str, approximation: Approximation) -> str:
    label = _APPROXIMATED[name]
    if approximation.error_kind == "rank" and approximation.error is not None:
        return (
            f"{label}: {approximation.method}, rank within ±{approximation.error:.2%} of the values"
        )
    if name == "iqr_outliers" and approximation.error_kind == "count":
        return f"{label}: quartile fences and ranks from the KLL sketch (± rows on hover)"
    if name == "distinct" and approximation.error is not None:
        return f"{label}: HyperLogLog, relative standard error {approximation.error:.2%}"
    if name == "top_values":
        return f"{label}: frequent-items sketch, each count short by at most the figure's bound"
    return f"{label}: {approximation.bound}"


def _warnings(report: DataProfile) -> str:
    if not report.warnings:
        return paragraph("No warnings.", css="mlnb-note")
    import polars as pl

    frame = pl.DataFrame(
        {
            "warning": [w.code for w in report.warnings],
            "column": [w.column or "(data set)" for w in report.warnings],
            "detail": [w.message for w in report.warnings],
            "threshold": [_plain(w.threshold) for w in report.warnings],
        },
        schema={
            "warning": pl.String,
            "column": pl.String,
            "detail": pl.String,
            "threshold": pl.String,
        },
    )
    return frame_to_html(frame, max_rows=200)


def _plain(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(value)
    return "" if value is None else str(value)


# Columns of the overview table and the sketched value group each one shows.
_TABLE_APPROXIMATIONS = {"distinct": "distinct", "p50": "quantiles", "top_count": "top_values"}


def _columns_table(report: DataProfile) -> str:
    frame = report.to_polars()
    chosen = [c for c in _TABLE_COLUMNS if c in frame.columns]
    table = frame.select(chosen).rename({k: v for k, v in _TABLE_LABELS.items() if k in chosen})
    approximations = [column.approximations() for column in report.columns]
    bounds = {
        _TABLE_LABELS.get(key, key): [_bound(found.get(group)) for found in approximations]
        for key, group in _TABLE_APPROXIMATIONS.items()
        if key in chosen and any(group in found for found in approximations)
    }
    return frame_to_html(table, max_rows=500, percent=("missing",), approximate=bounds)


def _bound(approximation: Approximation | None) -> str | None:
    """The tooltip of a sketched value; None for exact values and lower bounds."""
    if approximation is None or approximation.error_kind == "lower_bound":
        return None
    return approximation.bound


def _marked(value: Any, approximation: Approximation | None) -> Any:
    bound = _bound(approximation)
    return value if bound is None or value is None else Approximate(value, bound)


def numeric_histogram(summary: NumericSummary) -> tuple[list[float], list[float], str]:
    """Bin edges, counts and a note for a numeric column, read off its percentile sketch.

    Integer columns with few distinct values get one bin per value. When the middle 98 % of
    the values spans under a quarter of the range, the bins cover the 1st to 99th percentile
    so that a few extreme values do not squash the shape (the note says so).
    """
    from mlops_notebooks.eda.summaries import SKETCH_POINTS

    sketch = np.asarray(summary.sketch, dtype=float)
    count = summary.moments.count
    if len(sketch) < 2 or count == 0:
        return [], [], ""
    low, high = float(sketch[0]), float(sketch[-1])
    note = "approximate: read from the 101-point percentile sketch"
    if high <= low:
        return [low - 0.5, low + 0.5], [float(count)], "constant"
    integers = bool(np.all(np.mod(sketch, 1.0) == 0.0))
    if integers and high - low + 1 <= HISTOGRAM_BINS:
        edges = np.arange(low - 0.5, high + 1.0, 1.0)
        note = "one bar per value; shares read from the 101-point percentile sketch"
    else:
        inner_low, inner_high = float(sketch[1]), float(sketch[99])
        if inner_high > inner_low and inner_high - inner_low < 0.25 * (high - low):
            low, high = inner_low, inner_high
            note += "; showing the 1st to 99th percentile"
        edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    cdf = np.interp(edges, sketch, SKETCH_POINTS)
    counts = np.clip(np.diff(cdf), 0.0, None) * count
    return [float(e) for e in edges], [float(c) for c in counts], note


def _card_chart(column: ColumnProfile) -> str:
    approximations = column.approximations()
    if column.numeric is not None:
        edges, counts, note = numeric_histogram(column.numeric)
        quantiles = approximations.get("quantiles")
        if quantiles is not None and note != "constant":
            note = "≈ " + note.replace("approximate: ", "").replace(
                "101-point percentile sketch", quantiles.method
            )
        if counts:
            chart = svg.histogram(edges, counts, label=f"distribution of {column.name}")
            return figure(chart, note)
    if column.categorical is not None and column.categorical.counts:
        top = column.categorical.top(TOP_VALUES)
        present = column.count - column.missing
        chart = svg.bar_chart(
            [str(value) for value, _ in top],
            [float(count) for _, count in top],
            share_of=float(present) or None,
            label=f"most frequent values of {column.name}",
        )
        shown = sum(count for _, count in top)
        rest = len(column.categorical.counts) - len(top)
        caption = f"top {len(top)} values ({shown / max(present, 1):.0%} of rows)"
        caption += f"; {rest:,} more values" if rest > 0 else ""
        sketched = _bound(approximations.get("top_values"))
        if sketched is not None:
            caption = f"≈ {caption}; {sketched}"
        return figure(chart, caption)
    return ""


def _card_facts(column: ColumnProfile) -> list[tuple[str, Any]]:
    approximations = column.approximations()
    distinct = approximations.get("distinct")
    lower_bound = distinct is not None and distinct.error_kind == "lower_bound"
    items: list[tuple[str, Any]] = [
        ("missing", f"{column.missing:,} ({column.missing_share:.1%})"),
        (
            "distinct",
            _marked(f"{column.distinct:,}" + (" (at least)" if lower_bound else ""), distinct),
        ),
    ]
    if column.numeric is not None:
        stats = column.numeric.to_dict()
        quantiles = approximations.get("quantiles")
        items += [
            (label, _marked(stats.get(key), quantiles if key.startswith("p") else None))
            for label, key in _NUMERIC_FACTS
        ]
        items += [
            ("zeros", stats["zeros"] or None),
            ("negatives", stats["negatives"] or None),
            ("infinite", stats["infinities"] or None),
            (
                "outliers (IQR)",
                _marked(stats["iqr_outliers"] or None, approximations.get("iqr_outliers")),
            ),
        ]
    if column.datetime is not None:
        moment = column.datetime
        items += [
            ("first", moment.minimum),
            ("last", moment.maximum),
            ("median step", _duration(moment.median_interval_seconds)),
            ("largest gap", _duration(moment.largest_gap_seconds)),
        ]
    if column.text is not None:
        text = column.text.to_dict()
        items += [
            ("mean length", text["length_mean"]),
            ("length range", f"{text['length_min']} to {text['length_max']}"),
            ("mean words", text["words_mean"]),
        ]
    if column.mixed_types:
        items.append(("mixed types", ", ".join(column.mixed_types)))
    return items


def _duration(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    for unit, size in (("d", 86_400.0), ("h", 3_600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _card(column: ColumnProfile, codes: Sequence[str]) -> str:
    from html import escape

    badges = f"<span class='mlnb-badge'>{escape(column.kind)}</span>"
    badges += f"<span class='mlnb-badge'>{escape(column.dtype)}</span>"
    badges += "".join(f"<span class='mlnb-badge warn'>{escape(code)}</span>" for code in codes)
    return (
        f"<article class='mlnb-card'><h3>{escape(column.name)}</h3>{badges}"
        f"{_card_chart(column)}{facts(_card_facts(column))}</article>"
    )


def _cards(report: DataProfile) -> str:
    codes: dict[str | None, list[str]] = {}
    for warning in report.warnings:
        codes.setdefault(warning.column, []).append(warning.code)
    cards = "".join(_card(column, codes.get(column.name, [])) for column in report.columns)
    return f"<div class='mlnb-cards'>{cards}</div>"


def _correlations(report: DataProfile, *, charts: bool) -> str:
    correlations = report.correlations
    if correlations is None:
        return ""
    caption = (
        f"Strongest pairs ({correlations.rows:,} of {correlations.total_rows:,} rows used); "
        "Pearson between numbers, correlation ratio η between a number and a category, "
        "Cramér's V between categories."
    )
    parts = []
    names, matrix = correlations.association_matrix()
    if charts and len(names) > 1:
        chart = svg.heatmap(names, matrix.tolist(), label="association matrix")
        parts.append(figure(chart, "Associations: blue negative, red positive, grey not computed"))
    parts.append(paragraph(caption, css="mlnb-note"))
    parts.append(frame_to_html(correlations.top_pairs(15)))
    return section("Correlations", "".join(parts))


def profile_body(report: DataProfile, *, charts: bool = True) -> str:
    """The report's sections: overview, warnings, columns, per-column cards, correlations."""
    parts = [
        section("Overview", _overview(report)),
        section(f"Warnings ({len(report.warnings)})", _warnings(report)),
        section("Columns", _columns_table(report)),
    ]
    if charts:
        parts.append(section("Column details", _cards(report)))
    parts.append(_correlations(report, charts=charts))
    return "".join(parts)


def profile_fragment(report: DataProfile) -> str:
    """What a notebook shows: overview, warnings, the column table and strongest pairs."""
    parts = [
        section("Overview", _overview(report), level=3),
        section(f"Warnings ({len(report.warnings)})", _warnings(report), level=3),
        section("Columns", _columns_table(report), level=3),
    ]
    if report.correlations is not None:
        parts.append(
            section(
                "Strongest associations", frame_to_html(report.correlations.top_pairs(10)), level=3
            )
        )
    return fragment("".join(parts))


def profile_document(
    report: DataProfile,
    *,
    figures: bool = True,
    provenance: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    """The standalone report page (``figures=False`` leaves out the charts)."""
    return page(
        TITLE, profile_body(report, charts=figures), provenance=provenance, description=DESCRIPTION
    )
