"""The one HTML table renderer: every result table, in reports and in notebooks.

Every column name and value goes through :func:`html.escape` (data and texts are user content
and may hold markup). Numbers are right-aligned and formatted once, here; a table wider than
its container scrolls inside its own box instead of widening the page.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import polars as pl

__all__ = [
    "MAX_HTML_ROWS",
    "MAX_TEXT_CHARS",
    "format_number",
    "format_value",
    "frame_to_html",
    "truncate",
]

MAX_HTML_ROWS = 30
MAX_TEXT_CHARS = 300


def truncate(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_number(value: float | int | None, *, percent: bool = False) -> str:
    """Short text of a number: thousands separators for counts, four significant digits else.

    ``None`` gives ``""``; NaN and infinities are written as ``NaN``, ``inf``, ``-inf``.

    Examples
    --------
    >>> format_number(1234567), format_number(0.123456), format_number(0.25, percent=True)
    ('1,234,567', '0.1235', '25.0%')
    >>> format_number(168234.7), format_number(1943.25), format_number(2013), format_number(2.5e-7)
    ('168,235', '1943.2', '2013', '2.5e-07')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if percent:
            return f"{value:.1%}"
        # Four-digit numbers (years, codes) read best without a separator.
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if percent:
        return f"{number:.1%}"
    size = abs(number)
    if number.is_integer() and size < 1e15:
        return format_number(int(number))
    if 10_000 <= size < 1e15:
        return f"{number:,.0f}"
    if 1000 <= size < 10_000:
        return f"{number:.1f}"
    return f"{number:.4g}"


def format_value(value: Any, text_limit: int = MAX_TEXT_CHARS) -> str:
    """Escaped, short text of one table value (numbers, texts, dates, lists)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return format_number(value)
    if isinstance(value, str):
        return html.escape(truncate(value, text_limit))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return html.escape(
            value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
        )
    if isinstance(value, list | tuple | pl.Series):
        return html.escape(truncate(", ".join(str(v) for v in value), text_limit))
    return html.escape(truncate(str(value), text_limit))


def _as_polars(frame: Any) -> pl.DataFrame:
    if isinstance(frame, pl.DataFrame):
        return frame
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    import pandas as pd  # a table to show: no data-ref loading here (that is _frames' job)

    if isinstance(frame, pd.DataFrame):
        return pl.from_pandas(frame.set_axis([str(c) for c in frame.columns], axis=1))
    return pl.DataFrame(frame)


# String columns whose shown values are longer than this wrap; shorter ones stay on one line.
WRAP_FROM_CHARS = 40


def _column_class(column: pl.Series) -> str:
    if column.dtype.is_numeric():
        return "num"
    if column.dtype == pl.String:
        longest = column.str.len_chars().max()
        return "text" if isinstance(longest, int) and longest > WRAP_FROM_CHARS else ""
    return ""


def frame_to_html(
    frame: Any,
    max_rows: int = MAX_HTML_ROWS,
    text_limit: int = MAX_TEXT_CHARS,
    *,
    caption: str = "",
    flag: str | None = None,
    percent: Collection[str] = (),
    row_classes: Sequence[str] | None = None,
    approximate: Mapping[str, Sequence[str | None]] | None = None,
) -> str:
    """``frame`` as an HTML table in its own horizontally scrolling box.

    Parameters
    ----------
    frame : polars.DataFrame or pandas.DataFrame
        The table (a pandas index is not shown).
    max_rows : int, default 30
        Rows shown; a note says how many more there are.
    text_limit : int, default 300
        Longer texts are cut with an ellipsis.
    caption : str, optional
        Caption above the table (escaped).
    flag : str, optional
        A boolean column: rows where it is true are highlighted.
    percent : collection of str
        Columns of shares written as percentages.
    row_classes : sequence of str, optional
        Extra CSS class per shown row (e.g. ``"mlnb-flag"``).
    approximate : mapping of column name to a sequence of str or None, optional
        Per row of that column, the error bound of a value computed from a sketch (it is shown
        as ``≈ value`` with the bound as tooltip), or None for an exact value.

    Returns
    -------
    str
        Safe HTML: every name and value is escaped.

    Examples
    --------
    >>> import polars as pl
    >>> "<td class='num'>10,000</td>" in frame_to_html(pl.DataFrame({"n": [10000]}))
    True
    """
    table = _as_polars(frame)
    shown = table.head(max_rows)
    classes = [_column_class(column) for column in shown.iter_columns()]
    head = "".join(
        f"<th{_attr(css)} scope='col'>{html.escape(str(name))}</th>"
        for name, css in zip(table.columns, classes, strict=True)
    )
    flags = shown[flag].to_list() if flag is not None and flag in shown.columns else None
    bounds = approximate or {}
    rows = []
    for position, row in enumerate(shown.iter_rows()):
        cells = "".join(
            _cell_html(
                value,
                css,
                name in percent,
                text_limit,
                bounds[name][position] if name in bounds else None,
            )
            for value, css, name in zip(row, classes, table.columns, strict=True)
        )
        row_css = " ".join(
            c
            for c in (
                "mlnb-flag" if flags is not None and flags[position] else "",
                row_classes[position] if row_classes is not None else "",
            )
            if c
        )
        rows.append(f"<tr{_attr(row_css)}>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = (
        f"<p class='mlnb-note'>{table.height - max_rows:,} more rows not shown</p>"
        if table.height > max_rows
        else ""
    )
    return (
        f"<div class='mlnb-scroll'><table class='mlnb-table'>{cap}"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def _attr(css: str) -> str:
    return f" class='{css}'" if css else ""


def _cell_html(
    value: Any, css: str, percent: bool, text_limit: int, bound: str | None = None
) -> str:
    if value is None:
        return f"<td class='{css} missing'></td>" if css else "<td class='missing'></td>"
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        text = format_number(value, percent=True)
    else:
        text = format_value(value, text_limit)
    if bound is not None:
        from mlops_notebooks._html.approx import approx_html

        text = approx_html(text, bound)
    return f"<td{_attr(css)}>{text}</td>"
